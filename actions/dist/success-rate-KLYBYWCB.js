import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-Y4XRV6LP.js";import"./chunk-THAEY2I7.js";import"./chunk-TKCBZUG6.js";import"./chunk-766KVTH3.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runSuccessRate};
