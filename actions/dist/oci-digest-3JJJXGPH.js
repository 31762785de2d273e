import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b}from"./chunk-KO4CFBIR.js";import"./chunk-ZBD24WRP.js";import"./chunk-DA7HMYBL.js";export{a as ociDigestResolver,b as resolvePlanDigests};
