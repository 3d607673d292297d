import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a,b}from"./chunk-TNVBRK2L.js";import"./chunk-T37XUIR2.js";import"./chunk-PUEYVPIM.js";import"./chunk-XY7QUVLB.js";export{a as VERSION,b as retry};
