import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-ESMUE6NC.js";import"./chunk-R73YRBDX.js";import"./chunk-V7GQ4P2G.js";import"./chunk-33FMSD7L.js";import"./chunk-IXW3XN4W.js";import"./chunk-ZBD24WRP.js";import"./chunk-QQ735776.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
