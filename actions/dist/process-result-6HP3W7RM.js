import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b}from"./chunk-BPPR6QQ3.js";import"./chunk-GT2UJ7HF.js";import"./chunk-MK7RL7SW.js";import"./chunk-EEUFGP5F.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as resultFilenames,b as runProcessResult};
