import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-PKVD6UOS.js";import"./chunk-QTVP4FZO.js";import"./chunk-ZGZRFNBZ.js";import"./chunk-33FMSD7L.js";import"./chunk-EEUFGP5F.js";import"./chunk-ZBD24WRP.js";import"./chunk-QQ735776.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runBench};
