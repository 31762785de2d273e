import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-H5LIC6UO.js";import"./chunk-4IC4ACKE.js";import"./chunk-766KVTH3.js";import"./chunk-33FMSD7L.js";import"./chunk-ZBD24WRP.js";import"./chunk-J76P6DLG.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
