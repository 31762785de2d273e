import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-HTEUPOCB.js";import"./chunk-UPTMQEAS.js";import"./chunk-KKRDPAOS.js";import"./chunk-TKCBZUG6.js";import"./chunk-5NTKEGJ3.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runSuccessRate};
