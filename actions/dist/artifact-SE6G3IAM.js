import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-NQRDTNWG.js";import"./chunk-DA7HMYBL.js";export{a as artifactStore,c as downloadMatching,b as filesUnder};
