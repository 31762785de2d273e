import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b}from"./chunk-AL6EPY63.js";import"./chunk-ZSZN6D2U.js";import"./chunk-MK7RL7SW.js";import"./chunk-5NTKEGJ3.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as resultFilenames,b as runProcessResult};
