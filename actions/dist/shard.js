import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a as m}from"./chunk-RZ6BFUI5.js";import"./chunk-K4MPQANG.js";import{a as r}from"./chunk-XPUA5R7D.js";import"./chunk-XP4ZBVTK.js";import"./chunk-NVL6HGGT.js";import"./chunk-DA7HMYBL.js";await r(m);
