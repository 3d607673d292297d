#!/usr/bin/env node
import { runCli, type TerminalStream } from "./cli/main.js";
import { terminalSafe } from "./cli/terminal.js";
import { describeError } from "../core/errors.js";

function stream(target: NodeJS.WriteStream): TerminalStream {
  return {
    write: (text) => void target.write(text),
    isTTY: target.isTTY === true,
    // A terminal that reports no size (0 columns, as some ptys do) counts as none.
    columns: target.isTTY && target.columns > 0 ? target.columns : undefined,
  };
}

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: stream(process.stdout),
    stderr: stream(process.stderr),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    baselineThread: new URL("./baseline-thread.js", import.meta.url),
  });
} catch (error) {
  // Node's own exit code for an uncaught error is 1, which here means drift.
  process.stderr.write(`aks-network-gate: ${terminalSafe(describeError(error))}\n`);
  process.exitCode = 2;
}
// As in the action: a request given up on when the time budget ran out must not keep the process alive.
process.exit();
