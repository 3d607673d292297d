import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{d as a,e as b,f as c,g as d}from"./chunk-WHIT5OY2.js";import"./chunk-XY7QUVLB.js";export{d as forAnnotation,c as forLog,b as jsonSafe,a as showControls};
