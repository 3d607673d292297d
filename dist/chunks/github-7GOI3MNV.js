import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as a,c as b}from"./chunk-YQRJFHFK.js";import"./chunk-T37XUIR2.js";import"./chunk-73NUGYCO.js";import"./chunk-XY7QUVLB.js";export{a as context,b as getOctokit};
