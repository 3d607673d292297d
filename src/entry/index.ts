/**
 * The action's entry on the runner: it runs the gate (action-thread.ts) in a
 * worker thread, whose young generation can be bounded. Node sizes V8's young
 * generation from the machine's memory (64 MB semi-spaces on a 24 GiB machine:
 * 128 MB of the 365 MB peak of a 1,000-cluster fleet check, read with
 * v8.getHeapSpaceStatistics), and a runner passes no V8 flags to an action;
 * a worker's `resourceLimits` is Node's way to set it without flags. The
 * worker shares the process, its environment and its stdout, so the runner
 * sees the same commands and files; its exit code is the action's. Signals
 * reach the main thread only: each is passed to the worker, whose handler
 * removes the baseline lock it holds and ends the process by that signal
 * (src/io/files/lock.ts); a worker with no handler sends it back, and the
 * process ends by it here.
 */
import { Worker } from "node:worker_threads";

/** 48 MB of young generation is V8's 16 MB semi-spaces; measured on the fleet bench, no slower than 64 MB ones. */
const YOUNG_GENERATION_MB = 48;

const gate = new Worker(new URL("./action-thread.js", import.meta.url), {
  resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => gate.postMessage({ signal }));
}
gate.on("message", (message: { signal?: NodeJS.Signals }) => {
  if (message.signal !== undefined) process.kill(process.pid, message.signal);
});
let failure: Error | undefined;
gate.on("error", (error) => {
  failure = error;
});
gate.on("exit", async (code) => {
  if (failure !== undefined) {
    // Only what escaped the gate's own error handling reaches here (run() reports every error it meets).
    const [core, { forAnnotation }] = await Promise.all([import("@actions/core"), import("../core/escape.js")]);
    core.setOutput("result", "error");
    core.setFailed(
      forAnnotation(
        `The gate stopped on an error it did not handle (a defect of the gate: please report it): ${failure.message}`,
      ),
    );
    process.exit(1);
  }
  process.exit(code);
});
