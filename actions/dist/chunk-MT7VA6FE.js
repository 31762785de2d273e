import{createRequire as __infxCreateRequire}from"node:module";const require=__infxCreateRequire(import.meta.url);
