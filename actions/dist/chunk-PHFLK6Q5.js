import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{g as r}from"./chunk-XPFZ57ID.js";import{c as i,f as n}from"./chunk-MEABGRBZ.js";async function u(t){let e=r(i(t,"args",{required:!0}),"input 'args'"),c=await import("./bench-PMU3XHF2.js"),{code:m,stdout:o}=await n(t,c,e);if(o.trim())for(let s of o.trimEnd().split(`
`))t.core.info(s);t.core.setOutput("exit-code",String(m))}export{u as a};
