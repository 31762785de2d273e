import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
function t(n){return n==null||typeof n=="number"&&!Number.isFinite(n)?"\u2013":String(n).replace(/\|/g,"\\|").replace(/\r?\n/g," ")}function r(n){return`| ${n.map(t).join(" | ")} |`}function i(n){return`${r(n.map(e=>e.title))}
|${n.map(e=>e.numeric?"---:":"---").join("|")}|`}function o(n,e){return typeof n=="number"&&Number.isFinite(n)?n.toFixed(e):"\u2013"}var u=n=>Buffer.byteLength(n,"utf8"),l=n=>n.toLocaleString("en-US");export{r as a,i as b,o as c,u as d,l as e};
