import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{d as o}from"./chunk-ML7RMDQZ.js";import"./chunk-OL2TXOWF.js";import"./chunk-7MEVFITY.js";import"./chunk-DA7HMYBL.js";import{workerData as r}from"node:worker_threads";o(r);
