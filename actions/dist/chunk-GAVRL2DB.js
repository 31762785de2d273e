import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
function n(e){return"prefill"in e}export{n as a};
