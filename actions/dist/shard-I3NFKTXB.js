import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a}from"./chunk-DKZH6SHN.js";import"./chunk-HRIO3C6R.js";import"./chunk-GAVRL2DB.js";import"./chunk-XP4ZBVTK.js";import"./chunk-DA7HMYBL.js";export{a as runShard};
