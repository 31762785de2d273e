import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-7OLGXQI6.js";import"./chunk-Z2UBCMCT.js";import"./chunk-ZBD24WRP.js";import"./chunk-DA7HMYBL.js";export{b as WRITE_ROLES,d as canWrite,f as dispatchWorkflow,a as getPullHead,c as getRepoRole,e as listRunArtifacts};
