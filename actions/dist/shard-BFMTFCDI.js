import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-M3SQRFKI.js";import"./chunk-PMX2IOJO.js";import"./chunk-MEABGRBZ.js";import"./chunk-MT7VA6FE.js";import"./chunk-ZBD24WRP.js";import"./chunk-DA7HMYBL.js";export{a as runShard};
