import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-FXCYOYRM.js";import"./chunk-QQ735776.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runShard};
