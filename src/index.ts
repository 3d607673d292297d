import * as core from "@actions/core";
import { run } from "./main.js";

await run({
  input: (name) => core.getInput(name),
  env: process.env,
  logger: {
    info: (message) => core.info(message),
    debug: (message) => core.debug(message),
    warning: (message, where) =>
      core.warning(message, where && { file: where.file, startLine: where.line, title: where.title }),
    error: (message, where) =>
      core.error(message, where && { file: where.file, startLine: where.line, title: where.title }),
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
