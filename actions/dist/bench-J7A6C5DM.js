import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-B4LIZACY.js";import"./chunk-DOMZBVHY.js";import"./chunk-MAK5WQIM.js";import"./chunk-33FMSD7L.js";import"./chunk-ZBD24WRP.js";import"./chunk-QQ735776.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
