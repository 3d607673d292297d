/**
 * A fleet's baseline parsed on a second thread. Reading 1,000 clusters' file
 * takes ~350 ms of CPU; on the gate's own thread, in steps, it holds up the
 * Resource Graph answers that the clusters' reads wait for, and on a second
 * thread, started before sign-in, it is done by about the time they are in
 * (measured with `npm run bench`: ~65 ms less to a median run of the fleet of
 * 1,000 on 2 cores). The thread (src/entry/baseline-thread.ts) sends back plain
 * data, which is copied between threads in ~10 ms for such a file; the lines
 * of findings are found here, in the text, when asked for. A file that is not
 * valid is read again here, for its problems and their lines; a thread that
 * fails to start or to answer only costs the time: the file is then parsed
 * on this thread, and what that says is the answer.
 */
import { Worker } from "node:worker_threads";
import { type ParsedBaseline, parseBaseline, parseBaselineInFull, parsedFrom } from "../../core/baseline/parse.js";
import type { Logger } from "../../core/logger.js";
import type { Baseline } from "../../core/model.js";

/** Parses a baseline's text beside the run's other work. */
export type BaselineParser = (text: string, file: string) => Promise<ParsedBaseline>;

/** What the thread sends: a valid file's baseline, or null for a file to read again for its problems. */
export interface BaselineThreadAnswer {
  baseline: Baseline | null;
}

/** A parser that runs `script` (the built baseline-thread.js) on a thread of its own for each file. */
export function offThreadParser(script: URL, logger: Pick<Logger, "info">): BaselineParser {
  return (text, file) =>
    new Promise<ParsedBaseline>((resolve, reject) => {
      let settled = false;
      const settle = (parse: () => ParsedBaseline) => {
        if (settled) return;
        settled = true;
        try {
          resolve(parse());
        } catch (error) {
          reject(error);
        }
      };
      const inThisThread = (reason: string) => {
        if (settled) return;
        logger.info(
          `The baseline's own thread ${reason}, a defect of the gate (please report it); ` +
            "the baseline is parsed on the gate's thread instead, which only takes longer.",
        );
        settle(() => parseBaseline(text, file));
      };
      let thread: Worker;
      try {
        thread = new Worker(script, { workerData: text });
      } catch (error) {
        inThisThread(`could not start (${error instanceof Error ? error.message : String(error)})`);
        return;
      }
      // The run's end does not wait for a thread whose answer nobody awaits any more.
      thread.unref();
      thread.once("message", ({ baseline }: BaselineThreadAnswer) =>
        settle(() => (baseline === null ? parseBaselineInFull(text, file) : parsedFrom(baseline, text, file))),
      );
      thread.once("error", (error) => inThisThread(`failed (${error.message})`));
      thread.once("exit", (code) => inThisThread(`ended with code ${code} before it answered`));
    });
}
