import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a as m}from"./chunk-DKZH6SHN.js";import"./chunk-HRIO3C6R.js";import"./chunk-GAVRL2DB.js";import{a as r}from"./chunk-NDVG2DFE.js";import"./chunk-XP4ZBVTK.js";import"./chunk-NVL6HGGT.js";import"./chunk-DA7HMYBL.js";await r(m);
