/**
 * The command line of `aks-network-gate`, read with node:util's parseArgs.
 * Its flags come from two tables: the gate's options the CLI offers
 * (src/app/options.ts: `--NAME` is the action's input NAME, same default, same
 * checks), and CLI_FLAGS below, the CLI's own (how it prints and records).
 */
import { nearestName } from "../../core/nearest.js";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { type Settings, settingsFrom } from "../../app/settings.js";
import { listed, type OptionSource, type OptionWords } from "../../app/option-values.js";
import { type CliOptionName, cliOptions, MODES, type Mode } from "../../app/options.js";

/** The CLI's own flags: how it prints and records, not what the gate does. */
export const CLI_FLAGS = [
  { name: "json", group: "output", help: "print the result as JSON on stdout (see docs/cli.md)" },
  { name: "no-color", group: "output", help: "no colour (also off when NO_COLOR is set or stdout is not a terminal)" },
  { name: "progress", group: "output", help: 'show "read N/M clusters" on stderr even when it is not a terminal' },
  { name: "verbose", group: "output", help: "print the gate's log on stderr" },
  {
    name: "record",
    group: "recording",
    value: "DIR",
    help:
      "write every ARM response the run reads into DIR (a new or empty folder): one JSON file per request " +
      "with its method, path, api-version, status and body, and the baseline the run read. Never a token or " +
      "a request header. We replay it offline with 'npm run sandbox -- --replay DIR' from the repository",
  },
  {
    name: "scrub",
    group: "recording",
    help:
      "with --record: subscription and tenant IDs become 00000000-0000-0000-0000-00000000000N, the same ID " +
      "the same fake in every file. It does not remove resource and group names, IP addresses and CIDRs, " +
      "tags, or other IDs (principal and client IDs): read the folder before you share it",
  },
  { name: "help", group: "output", short: "h", help: "this help; 'help COMMAND' or 'COMMAND --help' for one command" },
  { name: "version", group: "output", help: "print the version of aks-network-gate" },
] as const;

type CliFlag = (typeof CLI_FLAGS)[number];

/** The gate's options the CLI takes as flags. */
export type ValueFlag = CliOptionName;
/** The CLI's own flags that take a value. */
export type CliValueFlag = Extract<CliFlag, { value: string }>["name"];
/** The CLI's own flags that take none. */
export type Switch = Exclude<CliFlag, { value: string }>["name"];

export const COMMANDS: readonly Mode[] = MODES;

export interface CommandLine {
  /** Undefined only with --help or --version (and `help` without a command). */
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

/** parseArgs' configuration, made from both tables. */
const PARSE_OPTIONS: ParseArgsOptionsConfig = Object.fromEntries([
  ...cliOptions().map((option) => [option.name, { type: "string" }] as const),
  ...CLI_FLAGS.map((flag) => [
    flag.name,
    { type: "value" in flag ? "string" : "boolean", ...("short" in flag ? { short: flag.short } : {}) },
  ]),
]);

/** The CLI's words for its options: flags. */
export const FLAG_WORDS: OptionWords = {
  subject: (names) => listed(names.map((name) => `--${name}`)),
  name: (name) => `--${name}`,
  when: (name, value) => (name === "mode" ? `by the ${value} command` : `when --${name} is '${value}'`),
  workspace: "the current directory",
};

// parseArgs names an unknown option but suggests none, and a typo deserves the nearest flag.
function unknownFlag(rawName: string, name: string): UsageError {
  const near = nearestName(name, Object.keys(PARSE_OPTIONS));
  return new UsageError(`Unknown option '${rawName}'.${near !== undefined ? ` Did you mean --${near}?` : ""}`);
}

/** The value a flag takes, as --help shows it: `PATH`, `DIR`. */
function placeholder(name: string): string {
  const option = cliOptions().find((each) => each.name === name);
  const flag = CLI_FLAGS.find((each) => each.name === name);
  return option?.cli.value ?? (flag !== undefined && "value" in flag ? flag.value : "VALUE");
}

type Token = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];

/** The flag parseArgs refused, in this CLI's words; undefined when none is found. */
function offence(tokens: readonly Token[]): UsageError | undefined {
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const type = PARSE_OPTIONS[token.name]?.type;
    if (type === undefined) return unknownFlag(token.rawName, token.name);
    if (type === "boolean" && token.value !== undefined) {
      return new UsageError(`Option --${token.name} takes no value.`);
    }
    if (type === "string" && (token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))) {
      return new UsageError(`Option --${token.name} needs a value: --${token.name} ${placeholder(token.name)}.`);
    }
  }
  return undefined;
}

/** parseArgs' refusal; told by its code alone, since Node's errors may come from another realm (a test VM). */
function isParseArgsError(error: unknown): error is { code: string; message: string } {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/** parseArgs, strict; what it refuses is reworded from the lenient parse's tokens, which show the flag. */
function tokenize(argv: readonly string[]): { positionals: string[]; tokens: Token[] } {
  const config = { args: [...argv], options: PARSE_OPTIONS, allowPositionals: true, tokens: true } as const;
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    throw offence(parseArgs({ ...config, strict: false }).tokens) ?? new UsageError(error.message);
  }
}

function commandOf(word: string): Mode {
  const command = COMMANDS.find((candidate) => candidate === word);
  if (command === undefined) throw new UsageError(`Unknown command '${word}'. Expected ${COMMANDS.join(" or ")}.`);
  return command;
}

/** `check`, `capture`, `help [COMMAND]`: the command, and whether help was asked for. */
function readPositionals(words: readonly string[], line: CommandLine): void {
  const [first, ...rest] = words;
  const help = first === "help";
  if (help) line.switches.add("help");
  const [command, extra] = help ? rest : words;
  if (command !== undefined) line.command = commandOf(command);
  if (extra !== undefined) {
    throw COMMANDS.includes(extra as Mode)
      ? new UsageError(`Only one command is allowed; got '${command}' and '${extra}'.`)
      : new UsageError(`Unexpected argument '${extra}' after the command '${command}'.`);
  }
}

function readFlag(token: Extract<Token, { kind: "option" }>, line: CommandLine): void {
  if (PARSE_OPTIONS[token.name]?.type === "boolean") {
    line.switches.add(token.name as Switch);
    return;
  }
  const name = token.name as ValueFlag | CliValueFlag;
  const value = token.value ?? "";
  const repeatable = cliOptions().some((option) => option.name === name && option.kind === "lines");
  if (line.values.has(name) && !repeatable) throw new UsageError(`Option --${name} is given twice.`);
  if (value.trim() === "") throw new UsageError(`Option --${name} is given an empty value.`);
  const before = line.values.get(name);
  line.values.set(name, before === undefined ? value : `${before}\n${value}`);
}

/** Reads argv (without node and the script); throws UsageError for anything it cannot take. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { positionals, tokens } = tokenize(argv);
  const line: CommandLine = { command: undefined, values: new Map(), switches: new Set() };
  readPositionals(positionals, line);
  for (const token of tokens) if (token.kind === "option") readFlag(token, line);
  const asking = line.switches.has("help") || line.switches.has("version");
  if (line.command === undefined && !asking) throw new UsageError(`Missing command: ${COMMANDS.join(" or ")}.`);
  if (line.switches.has("scrub") && !line.values.has("record")) {
    throw new UsageError("Option --scrub needs --record DIR: it scrubs the recording, and there is none.");
  }
  return line;
}

/**
 * The settings from the command line: the command is the mode, the flags
 * are the options, paths start from (and stay inside) the current directory.
 * An option the CLI has no flag for is unset and takes the table's default;
 * those are the issue, artifact and OIDC options of a workflow run, which
 * runGate does not use.
 */
export function cliSettings(line: CommandLine, cwd: string, env: NodeJS.ProcessEnv): Settings {
  const source: OptionSource = {
    read: (name) => (name === "mode" ? line.command : line.values.get(name as ValueFlag)),
    words: FLAG_WORDS,
    workspace: cwd,
  };
  return settingsFrom(source, env);
}
