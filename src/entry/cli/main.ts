/**
 * `aks-network-gate capture|check ...`: the action's gate run from a terminal
 * or another CI system. The flags are the gate's options (args.ts reads them
 * into settings through the options table), the run is app/run.ts's runGate
 * (settings → capture/check → evidence), and the result is printed as a
 * terminal report or JSON and returned as the exit code.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ArmRecorder, RECORDED_BASELINE } from "../../io/azure/recorder.js";
import { describeError, GateError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { type GateIO, runGate } from "../../app/run.js";
import { jsonSafe } from "../../core/escape.js";
import { redact, registerEnvironmentSecrets, registerSecret } from "../../core/secrets.js";
import type { Settings } from "../../app/settings.js";
import { GATE_VERSION } from "../../core/version.js";
import type { Outcome } from "../../app/gate.js";
import { CLI_WORDS, verdictOf } from "../../core/verdict.js";
import { cliSettings, type CommandLine, parseCommandLine, UsageError } from "./args.js";
import { jsonReport } from "./json.js";
import { type ExitCode, exitCodeOf, type RunSummary } from "./summary.js";
import { renderTerminalReport, terminalSafe } from "./terminal.js";
import { usage } from "./usage.js";

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
  /** The built baseline-thread.js beside cli.js, which parses a fleet's baseline on a second thread; optional. */
  baselineThread?: URL;
}

/**
 * Colour never with --no-color; with FORCE_COLOR as Node reads it (any value
 * but 0 or false forces it on, also off a terminal); else only on a terminal,
 * and never with NO_COLOR (any non-empty value) or TERM=dumb.
 */
export function useColor(line: CommandLine, io: Pick<CliIO, "env" | "stdout">): boolean {
  if (line.switches.has("no-color")) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (!io.stdout.isTTY) return false;
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

/** The gate's log: on stderr with --verbose, otherwise silent (the report says it all); one safe line a message. */
function cliLogger(verbose: boolean, stderr: TerminalStream): Logger {
  const say = (prefix: string) => (message: string) => {
    if (verbose) stderr.write(`${prefix}${terminalSafe(message)}\n`);
  };
  return {
    info: say(""),
    debug: () => undefined,
    warning: say("warning: "),
    error: say("error: "),
    mask: (secret) => registerSecret(secret),
  };
}

function gateIO(line: CommandLine, io: CliIO): GateIO {
  return {
    logger: cliLogger(line.switches.has("verbose"), io.stderr),
    idToken: () =>
      Promise.reject(
        new GateError("The CLI signs in with the Azure CLI or environment credentials; GitHub OIDC is the action's."),
      ),
    now: () => io.now(),
    sleep: (ms) => io.sleep(ms),
    progress: progressReporter(line, io.stderr),
    ...(io.baselineThread === undefined ? {} : { baselineThread: io.baselineThread }),
  };
}

/** The outcome with its verdict in the CLI's words (flags, not inputs): the same verdict, worded for a terminal. */
function inCliWords(outcome: Outcome): Outcome {
  const results = outcome.verdict.clusters.map(({ result }) => result);
  return { ...outcome, verdict: verdictOf(results, outcome.verdict.policy, CLI_WORDS) };
}

function shortPath(cwd: string, target: string): string {
  const relative = path.relative(cwd, target);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : target;
}

/** `--record DIR`, relative to the current directory; undefined without it. */
function recorderOf(line: CommandLine, cwd: string): ArmRecorder | undefined {
  const dir = line.values.get("record");
  if (dir === undefined) return undefined;
  return new ArmRecorder(path.resolve(cwd, dir), { scrub: line.switches.has("scrub") });
}

/** The folder made, with the baseline as the run finds it (absent before a first capture). */
async function startRecording(recorder: ArmRecorder, settings: Settings): Promise<void> {
  await recorder.open();
  if (existsSync(settings.baselinePath)) {
    await recorder.attach(RECORDED_BASELINE, await readFile(settings.baselinePath, "utf8"));
  }
}

function recordingNote(recorder: ArmRecorder, cwd: string): string {
  const scrubbed = recorder.options.scrub ? ", subscription and tenant IDs scrubbed" : "";
  return (
    `Recorded ${recorder.responses} ARM response(s) into ${shortPath(cwd, recorder.dir)}${scrubbed}. ` +
    "It shows names, addresses and tags of your network: read it before you share it.\n"
  );
}

async function gateRun(line: CommandLine, io: CliIO, recorder: ArmRecorder | undefined): Promise<RunSummary> {
  const summary: RunSummary = {
    command: line.command ?? "check",
    baselineFile: line.values.get("baseline"),
    failOn: undefined,
    outcome: undefined,
    evidence: undefined,
    error: undefined,
  };
  try {
    const settings = cliSettings(line, io.cwd, io.env);
    summary.baselineFile = settings.baselineFile;
    summary.failOn = settings.failOn;
    if (recorder) await startRecording(recorder, settings);
    const { outcome, evidence } = await runGate(settings, gateIO(line, io), { recorder });
    await recorder?.close();
    return { ...summary, outcome: inCliWords(outcome), evidence: shortPath(io.cwd, evidence) };
  } catch (error) {
    return { ...summary, error: describeError(error) };
  }
}

function print(line: CommandLine, io: CliIO, summary: RunSummary): void {
  if (line.switches.has("json")) {
    io.stdout.write(`${jsonSafe(JSON.stringify(jsonReport(summary), null, 2))}\n`);
    return;
  }
  const stream = summary.outcome === undefined ? io.stderr : io.stdout;
  const style = { color: useColor(line, { env: io.env, stdout: stream }), width: stream.columns ?? 100 };
  stream.write(renderTerminalReport(summary, style));
}

/** A stream that redacts every secret the run holds (src/secrets.ts) from what is written to it. */
function redacted(stream: TerminalStream): TerminalStream {
  return { ...stream, write: (text) => stream.write(redact(text)) };
}

/** Runs the command line; resolves to the exit code (0 pass, 1 drift, 2 error or bad usage). */
export async function runCli(argv: readonly string[], raw: CliIO): Promise<ExitCode> {
  registerEnvironmentSecrets(raw.env);
  const io = { ...raw, stdout: redacted(raw.stdout), stderr: redacted(raw.stderr) };
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(
      `aks-network-gate: ${terminalSafe(error.message)}\nRun 'aks-network-gate --help' for the options.\n`,
    );
    return 2;
  }
  if (line.switches.has("version")) {
    io.stdout.write(`aks-network-gate ${GATE_VERSION}\n`);
    return 0;
  }
  if (line.switches.has("help")) {
    io.stdout.write(usage(line.command));
    return 0;
  }
  const recorder = recorderOf(line, io.cwd);
  const summary = await gateRun(line, io, recorder);
  print(line, io, summary);
  if (recorder?.opened) io.stderr.write(recordingNote(recorder, io.cwd));
  return exitCodeOf(summary);
}
