/**
 * The command line of `aks-network-gate`, read into action inputs: each value
 * flag is named after the action input it sets, so that settings.ts reads the
 * CLI and the action alike and nothing parses an input twice.
 */
import type { InputReader, Mode } from "../../app/settings.js";

/** The action inputs a flag may set, in the order `--help` lists them. */
export const VALUE_FLAGS = [
  "baseline",
  "subscription",
  "resource-group",
  "cluster-name",
  "environment",
  "arm-endpoint",
  "fail-on",
  "evidence-dir",
  "concurrency",
  "shard",
  "timeout-minutes",
] as const;

export type ValueFlag = (typeof VALUE_FLAGS)[number];

/** Value flags of the CLI alone, no action input: `--record DIR` writes the ARM responses the run reads. */
export const CLI_VALUE_FLAGS = ["record"] as const;

export type CliValueFlag = (typeof CLI_VALUE_FLAGS)[number];

/** Switches of the CLI itself: how it prints and records, not what the gate does. */
export const SWITCHES = ["json", "no-color", "progress", "verbose", "scrub", "help"] as const;

export type Switch = (typeof SWITCHES)[number];

/**
 * Inputs the CLI always sets: issues and artifacts belong to a workflow run,
 * so the CLI writes neither; the report goes to the terminal and the evidence
 * folder.
 */
export const CLI_FIXED_INPUTS: Readonly<Record<string, string>> = {
  "create-issue": "false",
  "upload-evidence": "false",
};

export interface CommandLine {
  /** Undefined only with `--help`. */
  command: Mode | undefined;
  values: Map<ValueFlag | CliValueFlag, string>;
  switches: Set<Switch>;
}

/** A command line that cannot be run; the CLI prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const COMMANDS: readonly Mode[] = ["check", "capture"];

export function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

function isCliValueFlag(name: string): name is CliValueFlag {
  return (CLI_VALUE_FLAGS as readonly string[]).includes(name);
}

function isSwitch(name: string): name is Switch {
  return (SWITCHES as readonly string[]).includes(name);
}

/** Edits (insert, delete, replace) from one word to the other. */
function distance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let row = 1; row <= from.length; row++) {
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const replace = (previous[column - 1] ?? 0) + (from[row - 1] === to[column - 1] ? 0 : 1);
      current.push(Math.min(replace, (previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[to.length] ?? 0;
}

function unknownFlag(flag: string): UsageError {
  const name = flag.replace(/^-+/, "").split("=")[0] ?? "";
  const near = [...VALUE_FLAGS, ...CLI_VALUE_FLAGS, ...SWITCHES].find(
    (known) => name.length >= 3 && (known.startsWith(name) || distance(name, known) <= 2),
  );
  const hint = near !== undefined ? ` Did you mean --${near}?` : "";
  return new UsageError(`Unknown option '${flag}'.${hint}`);
}

function readValue(flag: ValueFlag | CliValueFlag, inline: string | undefined, next: string | undefined): string {
  const value = inline ?? next;
  if (value === undefined || (inline === undefined && value.startsWith("--"))) {
    throw new UsageError(`Option --${flag} needs a value, e.g. --${flag} ${example(flag)}.`);
  }
  if (value.trim() === "") throw new UsageError(`Option --${flag} is given an empty value.`);
  return value;
}

function example(flag: ValueFlag | CliValueFlag): string {
  const examples: Partial<Record<ValueFlag | CliValueFlag, string>> = {
    baseline: ".github/aks-network-baseline.yml",
    concurrency: "8",
    shard: "2/8",
    "timeout-minutes": "15",
    "fail-on": "error",
    environment: "AzureCloud",
    record: "gate-recording",
  };
  return examples[flag] ?? "VALUE";
}

function setCommand(line: CommandLine, word: string): void {
  const command = COMMANDS.find((candidate) => candidate === word);
  if (command === undefined) {
    throw new UsageError(`Unknown command '${word}'. Expected ${COMMANDS.join(" or ")}.`);
  }
  if (line.command !== undefined)
    throw new UsageError(`Only one command is allowed; got '${line.command}' and '${word}'.`);
  line.command = command;
}

/** Reads argv (without node and the script); throws UsageError for anything it cannot take. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const line: CommandLine = { command: undefined, values: new Map(), switches: new Set() };
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? "";
    if (word === "-h") line.switches.add("help");
    else if (!word.startsWith("-")) setCommand(line, word);
    else {
      const match = /^--([a-z-]+)(?:=(.*))?$/su.exec(word);
      const name = match?.[1] ?? "";
      const inline = match?.[2];
      if (isSwitch(name) && inline === undefined) line.switches.add(name);
      else if (isValueFlag(name) || isCliValueFlag(name)) {
        if (line.values.has(name)) throw new UsageError(`Option --${name} is given twice.`);
        line.values.set(name, readValue(name, inline, inline === undefined ? argv[++index] : undefined));
      } else throw unknownFlag(word);
    }
  }
  if (line.command === undefined && !line.switches.has("help")) {
    throw new UsageError(`Missing command: ${COMMANDS.join(" or ")}.`);
  }
  if (line.switches.has("scrub") && !line.values.has("record")) {
    throw new UsageError("Option --scrub needs --record DIR: it scrubs the recording, and there is none.");
  }
  return line;
}

/** The command line as the action inputs readSettings takes. */
export function inputReader(line: CommandLine): InputReader {
  return (name) => {
    if (name === "mode") return line.command ?? "";
    if (isValueFlag(name)) return line.values.get(name) ?? "";
    return CLI_FIXED_INPUTS[name] ?? "";
  };
}
