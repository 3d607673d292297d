import * as core from "@actions/core";
import { run as runWith } from "./main.js";

/**
 * The action on the GitHub runner: main's ActionIO backed by @actions/core.
 * index.ts calls it; `npm run local-action` imports it, with @actions/core
 * stubbed by @github/local-action, which calls the exported run().
 */
export async function run(): Promise<void> {
  await runWith({
    input: (name) => core.getInput(name),
    env: process.env,
    logger: {
      info: (message) => core.info(message),
      debug: (message) => core.debug(message),
      warning: (message, where) =>
        core.warning(message, where && { file: where.file, startLine: where.line, title: where.title }),
      error: (message, where) =>
        core.error(message, where && { file: where.file, startLine: where.line, title: where.title }),
      notice: (message) => core.notice(message),
      mask: (secret) => core.setSecret(secret),
    },
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
    },
    idToken: (audience) => core.getIDToken(audience),
    fail: (message) => core.setFailed(message),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
