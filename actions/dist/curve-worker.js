import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{d as o}from"./chunk-6KO2U3FA.js";import"./chunk-OL2TXOWF.js";import"./chunk-DA7HMYBL.js";import{workerData as r}from"node:worker_threads";o(r);
