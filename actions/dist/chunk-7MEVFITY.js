import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{existsSync as t}from"node:fs";import{fileURLToPath as i}from"node:url";function d(n,r){try{let e=i(new URL(r,n));return t(e)?e:void 0}catch{return}}export{d as a};
