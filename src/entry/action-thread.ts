/** The gate itself, run by index.ts in a worker thread (see there why, and how signals reach it). */
import { parentPort } from "node:worker_threads";
import { run } from "./action.js";

parentPort?.on("message", (message: { signal?: NodeJS.Signals }) => {
  const { signal } = message;
  if (signal === undefined) return;
  if (process.listenerCount(signal) > 0) process.emit(signal, signal);
  else parentPort?.postMessage({ signal });
});
parentPort?.unref();

await run({ baselineThread: new URL("./baseline-thread.js", import.meta.url) });
// The run is over and its outcome written. A request it gave up on when the time budget
// ran out (a GitHub API or an `az` that never answered) must not hold the job open.
process.exit();
