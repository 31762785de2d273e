import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-RZ6BFUI5.js";import"./chunk-K4MPQANG.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runShard};
