import * as core from "@actions/core";
import { forAnnotation, forLog } from "../core/escape.js";
import { type ActionIO, run as runWith } from "../app/run.js";
import type { SourceLocation } from "../core/model.js";
import { redact, registerSecret } from "../core/secrets.js";

/** An annotation's properties; the toolkit escapes them, the title is redacted and its controls shown first. */
function properties(where: (SourceLocation & { title?: string }) | undefined): core.AnnotationProperties | undefined {
  return where && { file: where.file, startLine: where.line, title: where.title && forAnnotation(where.title) };
}

/**
 * The action on the GitHub runner: main's ActionIO backed by @actions/core.
 * action-thread.ts calls it, with the built baseline thread beside it;
 * `npm run local-action` imports it, with @actions/core stubbed by
 * @github/local-action, which calls the exported run() without one.
 * Every sink escapes and redacts here (src/escape.ts, src/secrets.ts): a log
 * line cannot become a workflow command, and no registered secret reaches
 * the log, an annotation, an output or the job summary.
 */
export async function run(options: Pick<ActionIO, "baselineThread"> = {}): Promise<void> {
  await runWith({
    ...options,
    // Untrimmed: a multi-line input keeps its leading blank lines, so its line numbers are the workflow's
    // (option-values.ts trims every value it reads).
    input: (name) => core.getInput(name, { trimWhitespace: false }),
    env: process.env,
    logger: {
      info: (message) => core.info(forLog(message)),
      debug: (message) => core.debug(forLog(message)),
      warning: (message, where) => core.warning(forAnnotation(message), properties(where)),
      error: (message, where) => core.error(forAnnotation(message), properties(where)),
      notice: (message) => core.notice(forAnnotation(message)),
      mask: (secret) => {
        registerSecret(secret);
        core.setSecret(secret);
      },
    },
    setOutput: (name, value) => core.setOutput(name, redact(value)),
    writeSummary: async (markdown) => {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact(markdown), true).write();
    },
    idToken: (audience) => core.getIDToken(audience),
    fail: (message) => core.setFailed(forAnnotation(message)),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
