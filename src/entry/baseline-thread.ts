/** A baseline's text parsed on its own thread (src/io/files/baseline-thread.ts starts it and says why). */
import { parentPort, workerData } from "node:worker_threads";
import { quickBaseline } from "../core/baseline/parse.js";
import type { BaselineThreadAnswer } from "../io/files/baseline-thread.js";

const answer: BaselineThreadAnswer = { baseline: quickBaseline(workerData as string) ?? null };
parentPort?.postMessage(answer);
