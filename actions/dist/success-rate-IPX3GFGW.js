import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-JMFNFC46.js";import"./chunk-UPTMQEAS.js";import"./chunk-7TFYWB7F.js";import"./chunk-TKCBZUG6.js";import"./chunk-IXW3XN4W.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runSuccessRate};
