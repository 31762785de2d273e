import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{b as m}from"./chunk-WQGCH7TS.js";import"./chunk-OYHX5H6H.js";import"./chunk-ZBD24WRP.js";import{a as r}from"./chunk-77M2XWAD.js";import"./chunk-NVL6HGGT.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";await r(m);
