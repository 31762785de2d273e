import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
function t(e){return e.is_multinode===!0}function i(e){return t(e)?e.num_prefill_gpu+e.num_decode_gpu:e.tp}function o(e,r){let n=`${e}/${r}`;return n==="1024/1024"?"1k1k":n==="1024/8192"?"1k8k":n==="8192/1024"?"8k1k":`${e}_${r}`}export{t as a,i as b,o as c};
