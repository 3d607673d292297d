/**
 * `aks-network-gate capture|check ...`: the action's gate run from a terminal
 * or another CI system. The flags become action inputs for readSettings, the
 * run is main's runGate (settings → capture/check → evidence), and the result
 * is printed as a terminal report or JSON and returned as the exit code.
 */
import path from "node:path";
import { describeError, GateError } from "../errors.js";
import type { Logger } from "../logger.js";
import { type GateIO, runGate } from "../main.js";
import { readSettings } from "../settings.js";
import type { Outcome } from "../gate.js";
import { type CommandLine, inputReader, parseCommandLine, UsageError } from "./args.js";
import { jsonReport } from "./json.js";
import { type ExitCode, exitCodeOf, type RunSummary } from "./summary.js";
import { renderTerminalReport } from "./terminal.js";
import { USAGE } from "./usage.js";
import { inCliTerms } from "./wording.js";

export interface TerminalStream {
  write(text: string): void;
  isTTY: boolean;
  /** Width of a terminal; undefined for a pipe or file. */
  columns: number | undefined;
}

/** Everything the CLI touches outside itself; cli.ts backs it with the process. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: TerminalStream;
  stderr: TerminalStream;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Colour only on a terminal, and never with NO_COLOR (any non-empty value), TERM=dumb or --no-color. */
export function useColor(line: CommandLine, io: Pick<CliIO, "env" | "stdout">): boolean {
  if (line.switches.has("no-color") || !io.stdout.isTTY) return false;
  return (io.env.NO_COLOR ?? "") === "" && io.env.TERM !== "dumb";
}

/** `read 12/200 clusters` on stderr: one updating line on a terminal, else (with --progress) about 20 lines. */
export function progressReporter(line: CommandLine, stderr: TerminalStream) {
  if (!stderr.isTTY && !line.switches.has("progress")) return undefined;
  return (read: number, total: number) => {
    if (stderr.isTTY) {
      stderr.write(read < total ? `\r\u001b[Kread ${read}/${total} clusters` : "\r\u001b[K");
      return;
    }
    const every = Math.max(1, Math.ceil(total / 20));
    if (read % every === 0 || read === total) stderr.write(`read ${read}/${total} clusters\n`);
  };
}

/** The gate's log: on stderr with --verbose, otherwise silent (the report says it all). */
function cliLogger(verbose: boolean, stderr: TerminalStream): Logger {
  const say = (prefix: string) => (message: string) => {
    if (verbose) stderr.write(`${prefix}${message}\n`);
  };
  return {
    info: say(""),
    debug: () => undefined,
    warning: say("warning: "),
    error: say("error: "),
    mask: () => undefined,
  };
}

function gateIO(line: CommandLine, io: CliIO): GateIO {
  return {
    logger: cliLogger(line.switches.has("verbose"), io.stderr),
    setOutput: () => undefined,
    writeSummary: async () => undefined,
    idToken: () =>
      Promise.reject(
        new GateError("The CLI signs in with the Azure CLI or environment credentials; GitHub OIDC is the action's."),
      ),
    now: () => io.now(),
    sleep: (ms) => io.sleep(ms),
    progress: progressReporter(line, io.stderr),
  };
}

/** The outcome with its messages in the CLI's words (flags, not inputs). */
function inCliWords(outcome: Outcome): Outcome {
  return {
    ...outcome,
    results: outcome.results.map((result) =>
      result.kind === "error" ? { ...result, message: inCliTerms(result.message) } : result,
    ),
    failure: outcome.failure === undefined ? undefined : inCliTerms(outcome.failure),
  };
}

function shortPath(cwd: string, target: string): string {
  const relative = path.relative(cwd, target);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : target;
}

async function gateRun(line: CommandLine, io: CliIO): Promise<RunSummary> {
  const summary: RunSummary = {
    command: line.command ?? "check",
    baselineFile: line.values.get("baseline"),
    failOn: undefined,
    outcome: undefined,
    evidence: undefined,
    error: undefined,
  };
  try {
    // The workspace is the current directory: the paths given are relative to it, and stay inside it.
    const settings = readSettings(inputReader(line), { ...io.env, GITHUB_WORKSPACE: io.cwd });
    summary.baselineFile = settings.baselineFile;
    summary.failOn = settings.failOn;
    const { outcome, evidence } = await runGate(settings, gateIO(line, io));
    return { ...summary, outcome: inCliWords(outcome), evidence: shortPath(io.cwd, evidence) };
  } catch (error) {
    const message = describeError(error);
    return { ...summary, error: error instanceof GateError ? inCliTerms(message) : message };
  }
}

function print(line: CommandLine, io: CliIO, summary: RunSummary): void {
  if (line.switches.has("json")) {
    io.stdout.write(`${JSON.stringify(jsonReport(summary), null, 2)}\n`);
    return;
  }
  const stream = summary.outcome === undefined ? io.stderr : io.stdout;
  const style = { color: useColor(line, { env: io.env, stdout: stream }), width: stream.columns ?? 100 };
  stream.write(renderTerminalReport(summary, style));
}

/** Runs the command line; resolves to the exit code (0 pass, 1 drift, 2 error or bad usage). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`aks-network-gate: ${error.message}\nRun 'aks-network-gate --help' for the options.\n`);
    return 2;
  }
  if (line.switches.has("help")) {
    io.stdout.write(USAGE);
    return 0;
  }
  const summary = await gateRun(line, io);
  print(line, io, summary);
  return exitCodeOf(summary);
}
