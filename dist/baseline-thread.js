import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{f as e}from"./chunks/chunk-WM37VX42.js";import"./chunks/chunk-CZDPKXJX.js";import"./chunks/chunk-HOWJ77YH.js";import"./chunks/chunk-XY7QUVLB.js";import{parentPort as r,workerData as s}from"node:worker_threads";var a={baseline:e(s)??null};r?.postMessage(a);
