/**
 * The options' values, read from either front end through the table of
 * options.ts: each kind's parser applies the table's default, allowed values
 * and range, and a value it refuses becomes an OptionError that says which
 * option, which value and what is allowed, worded in the front end's terms.
 */
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { GateError } from "../core/errors.js";
import { type OwnerHandle, parseHandles } from "../core/issues/owner.js";
import type { Shard } from "../core/shard.js";
import { LABEL_LIMIT, type OptionKind, type OptionName, OPTIONS, type OptionSpec, optionSpec } from "./options.js";

type EnumOption = Extract<(typeof OPTIONS)[number], { kind: "enum" }>;
/** The options of kind `enum`. */
export type EnumName = EnumOption["name"];
/** The values the table allows for the enum option N. */
export type AllowedValue<N extends EnumName> = Extract<EnumOption, { name: N }>["allowed"][number];

/** What is wrong with an option's value. */
export type OptionProblem =
  | { kind: "not-allowed"; allowed: readonly string[] }
  | { kind: "expected"; expected: string }
  | { kind: "invalid"; not: string; expected: string }
  | { kind: "too-long"; item: string; limit: number }
  | { kind: "outside"; resolved: string; root: string }
  /**
   * Unset, though another option's value needs it; `others` are unset too.
   * `instead`: another way to the same end, `option` in place of `replacing`.
   */
  | {
      kind: "required";
      when: { option: OptionName; value: string };
      others: readonly OptionName[];
      instead?: { option: OptionName; replacing: readonly OptionName[]; purpose: string };
    }
  /** Unset, though `partner` is set and the two go together. */
  | { kind: "paired"; partner: OptionName; purpose: string }
  /** Given together with `other`, which it cannot be. */
  | { kind: "conflict"; other: OptionName; why: string }
  /** Line `line` (from 1) of a `lines` option is not what it must be. */
  | { kind: "line"; line: number; item: string; not: string; expected: string }
  /** Given without `other`, which it needs. */
  | { kind: "needs"; other: OptionName; why: string };

/** How a front end names its options in a message: inputs for the action, flags for the CLI. */
export interface OptionWords {
  /** Options as the subject of a sentence: `Input 'shard'`, `Inputs 'a' and 'b'`; `--shard`, `--a and --b`. */
  subject(names: readonly OptionName[]): string;
  /** An option named inside a sentence: `'environment'`; `--environment`. */
  name(name: OptionName): string;
  /** The setting that makes an option needed: `when 'mode' is 'capture'`; `by the capture command`. */
  when(name: OptionName, value: string): string;
  /** What paths stay inside: `the workspace`; `the current directory`. */
  workspace: string;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The action's words: its options are the inputs of action.yml. */
export const INPUT_WORDS: OptionWords = {
  subject: (names) => `${names.length > 1 ? "Inputs" : "Input"} ${listed(names.map((name) => `'${name}'`))}`,
  name: (name) => `'${name}'`,
  when: (name, value) => `when '${name}' is '${value}'`,
  workspace: "the workspace",
};

function inTableOrder(names: readonly OptionName[]): OptionName[] {
  const at = (name: OptionName) => OPTIONS.findIndex((option) => option.name === name);
  return [...names].sort((one, other) => at(one) - at(other));
}

function sentence(option: OptionName, value: string, problem: OptionProblem, words: OptionWords): string {
  const subject = words.subject([option]);
  switch (problem.kind) {
    case "not-allowed":
      return `${subject} has the value '${value}', which is not allowed. Allowed values: ${problem.allowed.join(", ")}.`;
    case "expected":
      return `${subject} has the value '${value}'; expected ${problem.expected}.`;
    case "invalid":
      return `${subject} has the value '${value}', which is not ${problem.not}. Expected ${problem.expected}.`;
    case "too-long":
      return `${subject} holds the label '${problem.item}', longer than GitHub's ${problem.limit} characters.`;
    case "outside":
      return `${subject} is '${value}', which resolves to '${problem.resolved}', outside ${words.workspace} '${problem.root}'.`;
    case "required": {
      const names = [option, ...problem.others];
      const verb = names.length > 1 ? "are" : "is";
      return `${words.subject(names)} ${verb} required ${words.when(problem.when.option, problem.when.value)}.`;
    }
    case "line":
      return `${subject}, line ${problem.line}: '${problem.item}' is not ${problem.not}. Expected ${problem.expected}.`;
    case "conflict":
      return `${subject} cannot be given with ${words.name(problem.other)}: ${problem.why}.`;
    case "needs":
      return `${subject} is given without ${words.name(problem.other)}: ${problem.why}.`;
    case "paired": {
      const pair = inTableOrder([option, problem.partner]).map((name) => words.name(name));
      return `${subject} is missing: ${listed(pair)} go together ${problem.purpose}.`;
    }
  }
}

/** What to do, where the message alone does not say it. */
function advice(problem: OptionProblem, words: OptionWords): string | undefined {
  if (problem.kind === "outside") return `Use a path inside ${words.workspace}.`;
  if (problem.kind === "paired") return "Set both, or neither to use the credential of azure/login.";
  if (problem.kind === "required" && problem.instead !== undefined) {
    const { option, replacing, purpose } = problem.instead;
    return `Or, ${purpose}, give ${words.name(option)} in place of ${listed(replacing.map((name) => words.name(name)))}.`;
  }
  return undefined;
}

/**
 * An option's value the gate cannot take: the user's input, to fix where it
 * is given. It carries which option, what value and what is wrong, and its
 * message is worded by the front end that read the option.
 */
export class OptionError extends GateError {
  constructor(
    readonly option: OptionName,
    readonly value: string,
    readonly problem: OptionProblem,
    readonly words: OptionWords,
  ) {
    super(sentence(option, value, problem, words), advice(problem, words));
    this.name = "OptionError";
  }

  /** The same error in another front end's words. */
  wordedFor(words: OptionWords): OptionError {
    return new OptionError(this.option, this.value, this.problem, words);
  }
}

/** The options as one front end was given them. */
export interface OptionSource {
  /** The value given for the option; undefined or blank when it was not. */
  read(name: OptionName): string | undefined;
  words: OptionWords;
  /** The folder relative paths start from and must stay inside. */
  workspace: string;
}

/** The nearest existing ancestor, resolved through symlinks. */
function realExistingPath(target: string): string {
  let current = target;
  const rest: string[] = [];
  while (!existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    rest.unshift(path.basename(current));
    current = parent;
  }
  return path.join(realpathSync(current), ...rest);
}

const TRUE_VALUES = ["true", "True", "TRUE"];
const FALSE_VALUES = ["false", "False", "FALSE"];
const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const SHARD = /^(\d+)\s*\/\s*(\d+)$/;

/** Reads each option by its row of the table: its kind, default, allowed values and range. */
export class OptionValues {
  constructor(private readonly source: OptionSource) {}

  /** The option's row, which must be of the kind its caller parses. */
  private spec(name: OptionName, kind: OptionKind): OptionSpec {
    const spec = optionSpec(name);
    if (spec.kind !== kind) throw new Error(`Option '${name}' is a ${spec.kind}, read as a ${kind}.`);
    return spec;
  }

  /** The value given, trimmed; "" when none was. */
  given(name: OptionName): string {
    return this.source.read(name)?.trim() ?? "";
  }

  /** The value given, else the table's default; "" when there is neither. */
  private valueOf(spec: OptionSpec): string {
    return this.given(spec.name as OptionName) || (spec.default ?? "");
  }

  /** A defect of the table: the code reads an option as always set, and the table gives it no default. */
  private noDefault(name: OptionName): never {
    throw new Error(`Option '${name}' has no default in the options table, yet it is read as always set.`);
  }

  fail(name: OptionName, value: string, problem: OptionProblem): never {
    throw new OptionError(name, value, problem, this.source.words);
  }

  /** `enum`: the allowed value, spelled as the table spells it. */
  choice<N extends EnumName>(name: N): AllowedValue<N> {
    const spec = this.spec(name, "enum");
    const allowed = spec.allowed ?? [];
    const value = this.valueOf(spec);
    const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    // The table's row for N lists exactly the values of AllowedValue<N>.
    return (match as AllowedValue<N> | undefined) ?? this.fail(name, value, { kind: "not-allowed", allowed });
  }

  boolean(name: OptionName): boolean {
    const value = this.valueOf(this.spec(name, "boolean"));
    if (TRUE_VALUES.includes(value)) return true;
    if (FALSE_VALUES.includes(value)) return false;
    return this.fail(name, value, { kind: "not-allowed", allowed: ["true", "false"] });
  }

  /** `integer`, with the table's default when unset. */
  integer(name: OptionName): number {
    return this.optionalInteger(name) ?? this.noDefault(name);
  }

  /** `integer`: undefined when unset without a default. */
  optionalInteger(name: OptionName): number | undefined {
    const spec = this.spec(name, "integer");
    const value = this.valueOf(spec);
    if (value === "") return undefined;
    const { min = 0, max = Number.MAX_SAFE_INTEGER } = spec;
    const number = Number(value);
    if (WHOLE.test(value) && number >= min && number <= max) return number;
    return this.fail(name, value, { kind: "expected", expected: `a whole number from ${min} to ${max}` });
  }

  minutes(name: OptionName): number {
    const spec = this.spec(name, "minutes");
    const value = this.valueOf(spec);
    const minutes = Number(value);
    if (DECIMAL.test(value) && minutes > 0 && minutes <= (spec.max ?? Infinity)) return minutes;
    return this.fail(name, value, { kind: "expected", expected: `a number of minutes above 0, at most ${spec.max}` });
  }

  /** `text` and `secret`: undefined when unset without a default. */
  optionalText(name: OptionName): string | undefined {
    const spec = optionSpec(name);
    if (spec.kind !== "secret") this.spec(name, "text");
    return this.valueOf(spec) || undefined;
  }

  /** `text`, with the table's default when unset. */
  text(name: OptionName): string {
    return this.optionalText(name) ?? this.noDefault(name);
  }

  /**
   * `path`: the value as given (for messages) and resolved inside the
   * workspace. `..`, an absolute path elsewhere and a symlink that leads out
   * are refused: the gate reads and writes only the folder it runs in.
   */
  path(name: OptionName): { given: string; resolved: string } {
    const given = this.valueOf(this.spec(name, "path"));
    const root = realpathSync(this.source.workspace);
    const resolved = realExistingPath(path.resolve(root, given));
    const relative = path.relative(root, resolved);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
      this.fail(name, given, { kind: "outside", resolved, root });
    }
    return { given, resolved };
  }

  /** `url`: an https URL, undefined when unset; ARM only takes bearer tokens over TLS. */
  url(name: OptionName): string | undefined {
    const value = this.valueOf(this.spec(name, "url"));
    if (value === "") return undefined;
    const expected = "https://host[:port]";
    if (!URL.canParse(value)) return this.fail(name, value, { kind: "invalid", not: "a URL", expected });
    if (new URL(value).protocol !== "https:") {
      const why = `${expected}: ARM only accepts bearer tokens over TLS`;
      return this.fail(name, value, { kind: "invalid", not: "an https URL", expected: why });
    }
    return value;
  }

  /** `shard`: all of the fleet (1 of 1) when unset. */
  shard(name: OptionName): Shard {
    const value = this.valueOf(this.spec(name, "shard"));
    if (value === "") return { index: 1, count: 1 };
    const match = SHARD.exec(value);
    const index = Number(match?.[1]);
    const count = Number(match?.[2]);
    if (match && count >= 1 && index >= 1 && index <= count) return { index, count };
    const expected = "'INDEX/COUNT' with 1 <= INDEX <= COUNT, e.g. '2/8'";
    return this.fail(name, value, { kind: "expected", expected });
  }

  /** `labels`: each once, in the order given; the table's default when none is given. */
  labels(name: OptionName): string[] {
    const spec = this.spec(name, "labels");
    const split = (text: string) => text.split(/[,\n]/).map((label) => label.trim());
    const given = [...new Set(split(this.source.read(name) ?? ""))].filter((label) => label !== "");
    const long = given.find((label) => label.length > LABEL_LIMIT);
    if (long !== undefined) this.fail(name, this.given(name), { kind: "too-long", item: long, limit: LABEL_LIMIT });
    return given.length > 0 ? given : split(spec.default ?? "");
  }

  /** `owners`: none when unset. */
  owners(name: OptionName): OwnerHandle[] {
    const value = this.valueOf(this.spec(name, "owners"));
    if (value === "") return [];
    const expected = "'@user' or '@org/team', several separated by spaces or commas";
    return parseHandles(value) ?? this.fail(name, value, { kind: "invalid", not: "a GitHub user or team", expected });
  }

  /** `lines`, each read by `parse` with its number; a line it cannot read fails naming the option and the line. */
  parsedLines<T>(
    name: OptionName,
    parse: (line: string, number: number) => T | undefined,
    words: { not: string; expected: string },
  ): T[] {
    return this.numberedLines(name).map(
      ({ line, number }) =>
        parse(line, number) ?? this.fail(name, this.given(name), { kind: "line", line: number, item: line, ...words }),
    );
  }

  /** `lines`: each non-blank line, trimmed, in the order given; none when unset. */
  lines(name: OptionName): string[] {
    return this.numberedLines(name).map(({ line }) => line);
  }

  /** The non-blank lines with their numbers in the value as given, blank lines counted, so an error points at the right one. */
  private numberedLines(name: OptionName): { line: string; number: number }[] {
    this.spec(name, "lines");
    return (this.source.read(name) ?? "")
      .split(/\r?\n/)
      .map((line, index) => ({ line: line.trim(), number: index + 1 }))
      .filter(({ line }) => line !== "");
  }
}
