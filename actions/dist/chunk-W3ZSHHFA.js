import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
import{c as $}from"./chunk-UQMNPZ33.js";import{a as g,b as w,c as x}from"./chunk-BRMS274B.js";import{a as l,b as d}from"./chunk-ZBD24WRP.js";import{a as u,b as p}from"./chunk-XP4ZBVTK.js";async function b(t){let i=$(p(t,"args",{required:!0}),"input 'args'"),c=await import("./bench-5I2I4TLS.js"),{code:r,stdout:s}=await y(t,c,i);if(s.trim())for(let e of s.trimEnd().split(`
`))t.core.info(e);t.core.setOutput("exit-code",String(r))}async function y(t,i,c,r={}){let s=[],e=[],f={out:n=>{s.push(n)},err:n=>{e.push(n)},cwd:r.cwd??t.cwd,env:r.env??t.env,isTTY:!1},a=i.spec.name;t.core.info(`infx ${[a,...c].map(E).join(" ")}`);let o;try{let n=w(i.spec,c);n.help?(f.out(x(i.spec)),o=0):o=await i.run(g(i.spec,n),f)}catch(n){if(n instanceof l)e.push(`infx ${a}: ${n.message}
`),o=2;else if(n instanceof d)e.push(`infx ${a}: ${n.message}
${n.details.map(h=>h+`
`).join("")}`),o=n.exitCode;else throw n}let m=e.join("");if(m.trim())for(let n of m.trimEnd().split(`
`))t.core.info(n);if(o!==0&&!(r.allowExit??[]).includes(o))throw new u(`infx ${a} failed (exit ${o})${m.trim()?`: ${m.trim().split(`
`)[0].replace(/^infx [\w-]+: /,"")}`:""}`);return{code:o,stdout:s.join("")}}function E(t){return/^[\w@%+=:,./-]+$/.test(t)?t:`'${t.replace(/'/g,"'\\''")}'`}export{b as a};
