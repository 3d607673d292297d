/**
 * Validation of a parsed YAML document against the baseline spec. It walks the
 * YAML nodes (not a JS copy) so that every problem carries the line it is on,
 * and it only ever descends where the spec does, so its depth is bounded.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { FORMATS } from "./formats.js";
import { sameKey, type DictionarySpec, type FieldSpec, type ListSpec, type MapSpec, type Plain } from "./spec.js";

export type PathSegment = string | number;

export interface Problem {
  line: number;
  /** Field path, e.g. `clusters["/subscriptions/…"].networkProfile.podCidrs[0]`; empty at the root. */
  path: string;
  message: string;
}

/** How many alias resolutions a file may make: enough for sharing, too few for a billion laughs. */
export const MAX_ALIASES = 100;

export interface Walk {
  doc: Document;
  lines: LineCounter;
  problems: Problem[];
  aliases: number;
}

type PlainMap = { [key: string]: Plain };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/u;

export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      if (!IDENTIFIER.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join("");
}

/** The 1-based line a node starts on, or `fallback` when it has no position. */
export function lineOf(walk: Pick<Walk, "lines">, node: unknown, fallback: number): number {
  if (node === null || typeof node !== "object" || !("range" in node)) return fallback;
  const range = node.range;
  if (!Array.isArray(range) || typeof range[0] !== "number") return fallback;
  return walk.lines.linePos(range[0]).line || fallback;
}

function report(walk: Walk, line: number, path: readonly PathSegment[], message: string): undefined {
  walk.problems.push({ line, path: formatPath(path), message });
  return undefined;
}

/** The problems once each, in line order. */
export function distinctProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const distinct = problems.filter((problem) => {
    const key = `${problem.line}\u0000${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return distinct.sort((a, b) => a.line - b.line);
}

/** Follows an alias to its anchored node, counting resolutions; null when it cannot. */
export function resolveAlias(walk: Walk, node: unknown, path: readonly PathSegment[], line: number): unknown {
  if (!isAlias(node)) return node;
  walk.aliases += 1;
  if (walk.aliases === MAX_ALIASES + 1) {
    return report(walk, line, path, `more than ${MAX_ALIASES} aliases: the file expands too much`);
  }
  if (walk.aliases > MAX_ALIASES) return undefined;
  const target = node.resolve(walk.doc);
  if (target === undefined) return report(walk, line, path, `alias *${node.source} has no anchor`);
  return target;
}

function describeNode(node: unknown): string {
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  const value: unknown = isScalar(node) ? node.value : node;
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${String(value)}`;
  return `a value of type ${typeof value === "object" ? value.constructor.name : typeof value}`;
}

function expected(walk: Walk, node: unknown, what: string, path: readonly PathSegment[], line: number): undefined {
  return report(walk, line, path, `expected ${what}, got ${describeNode(node)}`);
}

/** Validates one node against its spec: the plain value, or undefined when invalid. */
export function validateNode(
  walk: Walk,
  raw: unknown,
  spec: FieldSpec,
  path: readonly PathSegment[],
  line: number,
): Plain | undefined {
  const node = resolveAlias(walk, raw, path, line);
  if (node === undefined) return undefined;
  const at = lineOf(walk, raw, line);
  switch (spec.kind) {
    case "map":
      return isMap(node) ? validateMap(walk, node, spec, path, line) : expected(walk, node, "a map", path, at);
    case "list":
      return isSeq(node) ? validateList(walk, node, spec, path) : expected(walk, node, "a list", path, at);
    case "dictionary":
      return isMap(node) ? validateDictionary(walk, node, spec, path, line) : expected(walk, node, "a map", path, at);
    default:
      return validateScalar(walk, node, spec, path, at);
  }
}

type ScalarSpec = Exclude<FieldSpec, MapSpec | ListSpec | DictionarySpec>;

function validateScalar(walk: Walk, node: unknown, spec: ScalarSpec, path: readonly PathSegment[], line: number) {
  const value: unknown = isScalar(node) ? node.value : isMap(node) || isSeq(node) ? node : null;
  const nullable = "nullable" in spec && spec.nullable === true;
  if (value === null && nullable) return null;
  const orNull = nullable ? " or null" : "";
  switch (spec.kind) {
    case "string":
      if (typeof value !== "string") return expected(walk, node, `a string${orNull}`, path, line);
      return checkFormat(walk, value, spec.format, path, line);
    case "enum":
      if (typeof value !== "string")
        return expected(walk, node, `one of ${spec.values.join(", ")}${orNull}`, path, line);
      if (spec.values.some((allowed) => allowed.toLowerCase() === value.toLowerCase())) return value;
      return report(walk, line, path, `${JSON.stringify(value)} is not one of ${spec.values.join(", ")}`);
    case "integer":
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
      return expected(walk, node, `an integer ≥ 0${orNull}`, path, line);
    case "boolean":
      return typeof value === "boolean" ? value : expected(walk, node, "true or false", path, line);
    case "literal":
      if (value === spec.value) return value;
      return report(walk, line, path, `must be ${spec.value}, got ${describeNode(node)}`);
  }
}

function checkFormat(
  walk: Walk,
  value: string,
  formatName: keyof typeof FORMATS,
  path: readonly PathSegment[],
  line: number,
) {
  const format = FORMATS[formatName];
  if (format.test(value)) return value;
  if (formatName === "text") return report(walk, line, path, "must not be empty");
  return report(walk, line, path, `${JSON.stringify(value)} is not ${format.describe}`);
}

/** The key of a pair as a string, or undefined (reported) when it is not a plain string. */
function keyOf(walk: Walk, pair: unknown, path: readonly PathSegment[], line: number): string | undefined {
  if (!isPair(pair)) return report(walk, line, path, "expected a key: value pair");
  const key = resolveAlias(walk, pair.key, path, line);
  if (isScalar(key) && typeof key.value === "string") return key.value;
  return report(walk, lineOf(walk, key, line), path, `keys must be strings, got ${describeNode(key)}`);
}

function validateMap(walk: Walk, node: YAMLMap, spec: MapSpec, path: readonly PathSegment[], line: number) {
  const out: PlainMap = {};
  const keyLines = new Map<string, number>();
  let valid = true;
  for (const pair of node.items) {
    const keyLine = lineOf(walk, isPair(pair) ? pair.key : pair, line);
    const key = keyOf(walk, pair, path, keyLine);
    if (key === undefined) {
      valid = false;
      continue;
    }
    const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
    const earlierLine = keyLines.get(key);
    if (earlierLine !== undefined) {
      valid = false;
      report(walk, keyLine, [...path, key], `duplicate key: the same as on line ${earlierLine}`);
      continue;
    }
    if (field === undefined) {
      valid = false;
      report(walk, keyLine, [...path, key], `unknown key (allowed: ${Object.keys(spec.fields).join(", ")})`);
      continue;
    }
    keyLines.set(key, keyLine);
    const value = validateNode(walk, pair.value, field, [...path, key], keyLine);
    if (value === undefined) valid = false;
    else out[key] = value;
  }
  return finishMap(walk, spec, out, { valid, keyLines, path, line });
}

interface MapState {
  valid: boolean;
  keyLines: Map<string, number>;
  path: readonly PathSegment[];
  line: number;
}

function finishMap(walk: Walk, spec: MapSpec, out: PlainMap, state: MapState): PlainMap | undefined {
  const missing = spec.required.filter((key) => !state.keyLines.has(key));
  for (const key of missing) {
    report(walk, state.line, state.path, `missing required key "${key}"`);
  }
  if (!state.valid || missing.length > 0) return undefined;
  for (const problem of spec.refine?.(out) ?? []) {
    const line = (problem.field && state.keyLines.get(problem.field)) || state.line;
    report(walk, line, problem.field ? [...state.path, problem.field] : state.path, problem.message);
  }
  return out;
}

function validateList(walk: Walk, node: YAMLSeq, spec: ListSpec, path: readonly PathSegment[]) {
  const out: Plain[] = [];
  const seen: { key: string; line: number }[] = [];
  let valid = true;
  node.items.forEach((item, index) => {
    const line = lineOf(walk, item, lineOf(walk, node, 1));
    const value = validateNode(walk, item, spec.item, [...path, index], line);
    if (value === undefined) {
      valid = false;
      return;
    }
    out.push(value);
    const key = spec.uniqueBy === undefined ? undefined : uniqueKeyOf(value, spec.uniqueBy);
    const earlier = key === undefined ? undefined : seen.find((other) => sameKey(other.key, key));
    if (key !== undefined && earlier !== undefined) {
      report(
        walk,
        line,
        [...path, index],
        `duplicate ${spec.uniqueBy} ${JSON.stringify(key)} (also on line ${earlier.line})`,
      );
    } else if (key !== undefined) {
      seen.push({ key, line });
    }
  });
  return valid ? out : undefined;
}

function uniqueKeyOf(value: Plain, field: string): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const key = value[field];
  return typeof key === "string" ? key : undefined;
}

function validateDictionary(
  walk: Walk,
  node: YAMLMap,
  spec: DictionarySpec,
  path: readonly PathSegment[],
  line: number,
) {
  const out: PlainMap = {};
  const seen = new Map<string, { key: string; line: number }>();
  let valid = true;
  if (node.items.length < spec.minEntries) {
    return report(walk, lineOf(walk, node, line), path, `is empty: expected at least ${spec.minEntries} entry`);
  }
  for (const pair of node.items) {
    const keyLine = lineOf(walk, isPair(pair) ? pair.key : pair, line);
    const key = keyOf(walk, pair, path, keyLine);
    if (key === undefined || !dictionaryKeyOk(walk, spec, key, { seen, path, line: keyLine })) {
      valid = false;
      continue;
    }
    const value = validateNode(walk, pair.value, spec.value, [...path, key], keyLine);
    if (value === undefined) valid = false;
    else out[key] = value;
  }
  return valid ? out : undefined;
}

interface KeyContext {
  seen: Map<string, { key: string; line: number }>;
  path: readonly PathSegment[];
  line: number;
}

function dictionaryKeyOk(walk: Walk, spec: DictionarySpec, key: string, context: KeyContext): boolean {
  const format = FORMATS[spec.key];
  const keyPath = [...context.path, key];
  if (!format.test(key)) {
    report(walk, context.line, keyPath, `${JSON.stringify(key)} is not ${format.describe}`);
    return false;
  }
  const folded = spec.caseInsensitiveKeys ? key.toLowerCase() : key;
  const earlier = context.seen.get(folded);
  if (earlier !== undefined) {
    const why = earlier.key === key ? "" : " (resource IDs are case-insensitive)";
    report(walk, context.line, keyPath, `duplicate key: the same as on line ${earlier.line}${why}`);
    return false;
  }
  context.seen.set(folded, { key, line: context.line });
  return true;
}
