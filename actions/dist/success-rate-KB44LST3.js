import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-VLKSZ72T.js";import"./chunk-UPTMQEAS.js";import"./chunk-V7GQ4P2G.js";import"./chunk-TKCBZUG6.js";import"./chunk-IXW3XN4W.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runSuccessRate};
