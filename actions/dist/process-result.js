import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{b as m}from"./chunk-IH75C57D.js";import"./chunk-OYHX5H6H.js";import{a as r}from"./chunk-OXTJ3XXP.js";import"./chunk-NVL6HGGT.js";import"./chunk-MEABGRBZ.js";import"./chunk-MT7VA6FE.js";import"./chunk-ZBD24WRP.js";import"./chunk-DA7HMYBL.js";await r(m);
