import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-ZCW46GZU.js";import"./chunk-GH72SYFS.js";import"./chunk-KKRDPAOS.js";import"./chunk-BRMS274B.js";import"./chunk-5NTKEGJ3.js";import"./chunk-ZBD24WRP.js";import"./chunk-K4MPQANG.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
