/**
 * `aks-network-gate --help`, `help [COMMAND]` and `COMMAND --help`, made from
 * the options table (src/app/options.ts) and the CLI's own flags (args.ts):
 * each option's line carries the table's allowed values, range and default.
 */
import { cliOptions, type CliFlag, type Mode, type OptionSpec } from "../../app/options.js";
import { listed } from "../../app/option-values.js";
import { CLI_FLAGS, COMMANDS } from "./args.js";

const WIDTH = 80;
/** Where a flag's help starts. */
const HELP_COLUMN = 27;

const COMMAND_HELP: Record<Mode, string> = {
  check: "compare the live network of the baseline's clusters with the baseline and the network rules",
  capture: "write one cluster's live network into the baseline",
};

const SIGN_IN = `Sign-in: DefaultAzureCredential, so an Azure CLI login ('az login') or the
AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET (or federated token)
environment variables. The CLI writes no GitHub issue and uploads no artifact.`;

const EXIT_CODES = `Exit codes: 0 pass, 1 drift (findings fail the gate under --fail-on),
2 error (a cluster could not be read, a bad baseline or option).`;

// Hand-written: node:util has no word wrap, and a dependency for ten lines of plain text would be worse.
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** `  --flag VALUE   help`, the help wrapped in its column. */
function entry(flag: string, help: string): string {
  const [first = "", ...rest] = wrap(help, WIDTH - HELP_COLUMN);
  const head = `  ${flag}`;
  const lines =
    head.length < HELP_COLUMN - 1 ? [head.padEnd(HELP_COLUMN) + first] : [head, " ".repeat(HELP_COLUMN) + first];
  return [...lines, ...rest.map((line) => " ".repeat(HELP_COLUMN) + line)].join("\n");
}

function or(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** The option's help line with what the table says of its values. */
function optionHelp(option: OptionSpec & { cli: CliFlag }): string {
  const values = option.allowed
    ? `: ${or(option.allowed)}`
    : option.kind === "integer"
      ? `, ${option.min} to ${option.max}`
      : option.kind === "minutes"
        ? `, at most ${option.max}`
        : "";
  const fallback = option.default === undefined ? "" : ` (default ${option.default})`;
  return `${option.cli.help}${values}${fallback}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The flags the command cannot run without, as its usage line shows them. */
function requiredFlags(command: Mode): string[] {
  return cliOptions()
    .filter((option) => option.requiredFor === command)
    .map((option) => `--${option.name} ${option.cli.value}`);
}

function commandHelp(command: Mode): string {
  const required = requiredFlags(command).map((flag) => flag.split(" ")[0] ?? "");
  return required.length > 0 ? `${COMMAND_HELP[command]}; needs ${listed(required)}` : COMMAND_HELP[command];
}

function flagsHelp(): string {
  const options = cliOptions().map((option) => entry(`--${option.name} ${option.cli.value}`, optionHelp(option)));
  const own = (group: string) =>
    CLI_FLAGS.filter((flag) => flag.group === group).map((flag) => {
      const names = "short" in flag ? `-${flag.short}, --${flag.name}` : `--${flag.name}`;
      return entry("value" in flag ? `${names} ${flag.value}` : names, flag.help);
    });
  return [
    "Options (the action's inputs of the same names, with the same defaults; paths are",
    "relative to the current directory and stay inside it):",
    ...options,
    "",
    "Output:",
    ...own("output"),
    "",
    "Recording, for a report of a wrong result:",
    ...own("recording"),
  ].join("\n");
}

/** The help of the CLI, or of one command. */
export function usage(command?: Mode): string {
  const head =
    command === undefined
      ? [
          "Usage: aks-network-gate COMMAND [options]",
          "       aks-network-gate help [COMMAND]",
          "       aks-network-gate --version",
          "",
          "Commands:",
          ...COMMANDS.map((name) => entry(name, commandHelp(name))),
        ]
      : [
          `Usage: aks-network-gate ${[command, ...requiredFlags(command)].join(" ")} [options]`,
          "",
          ...wrap(`${capitalized(commandHelp(command))}.`, WIDTH),
        ];
  return [...head, "", flagsHelp(), "", SIGN_IN, "", EXIT_CODES, ""].join("\n");
}

/** `aks-network-gate --help`. */
export const USAGE = usage();
