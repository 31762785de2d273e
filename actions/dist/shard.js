import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a as m}from"./chunk-M3SQRFKI.js";import"./chunk-PMX2IOJO.js";import{a as r}from"./chunk-OXTJ3XXP.js";import"./chunk-NVL6HGGT.js";import"./chunk-MEABGRBZ.js";import"./chunk-MT7VA6FE.js";import"./chunk-ZBD24WRP.js";import"./chunk-DA7HMYBL.js";await r(m);
