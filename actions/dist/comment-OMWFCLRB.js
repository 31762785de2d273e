import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b}from"./chunk-PFQYCZA6.js";import"./chunk-ZVYLXAQT.js";import"./chunk-O2QLJF7G.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as COMMENT_INPUTS,b as runComment};
