import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b}from"./chunk-IH75C57D.js";import"./chunk-OYHX5H6H.js";import"./chunk-MEABGRBZ.js";import"./chunk-MT7VA6FE.js";import"./chunk-ZBD24WRP.js";import"./chunk-DA7HMYBL.js";export{a as resultFilenames,b as runProcessResult};
