import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-XKMOAE2Q.js";import"./chunk-YL7OV6KZ.js";import"./chunk-7TFYWB7F.js";import"./chunk-33FMSD7L.js";import"./chunk-IXW3XN4W.js";import"./chunk-ZBD24WRP.js";import"./chunk-QQ735776.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
