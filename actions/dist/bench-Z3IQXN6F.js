import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-46CWIF5B.js";import"./chunk-Z6DOO4LR.js";import"./chunk-33FMSD7L.js";import"./chunk-J76P6DLG.js";import"./chunk-766KVTH3.js";import"./chunk-ZBD24WRP.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
