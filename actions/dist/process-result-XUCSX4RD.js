import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b}from"./chunk-WQGCH7TS.js";import"./chunk-OYHX5H6H.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as resultFilenames,b as runProcessResult};
