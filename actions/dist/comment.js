import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{b as o}from"./chunk-PFQYCZA6.js";import"./chunk-ZVYLXAQT.js";import"./chunk-O2QLJF7G.js";import"./chunk-ZBD24WRP.js";import{a as m}from"./chunk-NDVG2DFE.js";import"./chunk-XP4ZBVTK.js";import"./chunk-NVL6HGGT.js";import"./chunk-DA7HMYBL.js";await m(o);
