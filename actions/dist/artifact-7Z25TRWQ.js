import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-ZVYLXAQT.js";import"./chunk-DA7HMYBL.js";export{a as artifactStore,d as downloadEach,c as downloadMatching,b as filesUnder};
