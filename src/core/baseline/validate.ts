/**
 * Validation of the baseline document against its JSON Schema (the one in
 * schema/aks-network-baseline.schema.json, generated from spec.ts) with ajv.
 * Each ajv error is put back on the line of the YAML node it is about and
 * said in the gate's words. What a JSON Schema does not say (beyondSchema
 * below) is checked after it, on the parts the schema found valid.
 */
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { Document, LineCounter } from "yaml";
import {
  describeValue,
  lineOf,
  positionOf,
  toPlain,
  type Located,
  type PathSegment,
  type PlainDocument,
  type Problem,
  type Source,
} from "./document.js";
import { FORMATS, type FormatName } from "./formats.js";
import type { JsonSchema } from "./schema.js";
import { compileSchemaValidator } from "./schema-validator.js";
import { BASELINE_SPEC, sameKey, type FieldSpec, type Plain } from "./spec.js";

type PlainMap = { [key: string]: Plain };

let compiled: ValidateFunction | undefined;

/** The schema's validator, made on first use (schema-validator.ts: compiled in tests, built into the bundle). */
export function schemaValidator(): ValidateFunction {
  compiled ??= compileSchemaValidator();
  return compiled;
}

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

export interface Validation {
  value: Plain;
  problems: Problem[];
}

/** Validates a YAML document that has contents: its plain value and every problem, each on its line. */
export function validateDocument(source: Source): Validation {
  const plain = toPlain(source);
  const validate = schemaValidator();
  const errors = validate(plain.value) ? [] : (validate.errors ?? []);
  const located = [...plain.problems, ...schemaProblems(source, plain, errors)];
  located.push(...beyondSchema(source, plain.value, BASELINE_SPEC, [], pathsOf(located)));
  const problems = located.map(({ line, path, message }) => ({ line, path: formatPath(path), message }));
  return { value: plain.value, problems: distinctProblems(problems) };
}

/*
 * ajv's errors in the gate's words.
 */

/** A problem about a key (or list item): on the line of the key. */
function atKey(source: Source, path: readonly PathSegment[], message: string): Located {
  return { line: positionOf(source, path).line, path, message };
}

/** A problem about a value: on the line where the value starts. */
function atValue(source: Source, path: readonly PathSegment[], message: string): Located {
  const { node, line } = positionOf(source, path);
  return { line: lineOf(source, node, line), path, message };
}

function schemaProblems(source: Source, plain: PlainDocument, errors: readonly ErrorObject[]): Located[] {
  return errors.flatMap((error) => {
    // An enum is an anyOf of its exact spellings and a case-insensitive pattern: the anyOf error says it all.
    // A failed `if` (a dictionary that may be empty beside a list) only repeats its `else` branch's error.
    if (error.schemaPath.includes("/anyOf/") || error.keyword === "propertyNames" || error.keyword === "if") return [];
    const path = segmentsOf(error.instancePath, plain.value);
    const within = (broken: readonly PathSegment[]) => broken.every((segment, index) => path[index] === segment);
    if (plain.broken.some(within)) return [];
    return [problemOf(source, path, error)];
  });
}

/** A JSON pointer as path segments: numbers where the value is a list. */
function segmentsOf(pointer: string, root: Plain): PathSegment[] {
  const segments: PathSegment[] = [];
  let value: unknown = root;
  for (const escaped of pointer.split("/").slice(1)) {
    const key = escaped.replaceAll("~1", "/").replaceAll("~0", "~");
    const segment = Array.isArray(value) ? Number(key) : key;
    segments.push(segment);
    value = value !== null && typeof value === "object" ? (value as Record<PathSegment, unknown>)[segment] : undefined;
  }
  return segments;
}

function problemOf(source: Source, path: PathSegment[], error: ErrorObject): Located {
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const got = describeValue(error.data);
  if (error.propertyName !== undefined) {
    return atKey(source, [...path, error.propertyName], notOfFormat(error.propertyName, schema));
  }
  switch (error.keyword) {
    case "required":
      return atKey(source, path, `missing required key "${String(error.params["missingProperty"])}"`);
    case "additionalProperties": {
      const allowed = Object.keys(schema["properties"] ?? {}).join(", ");
      return atKey(source, [...path, String(error.params["additionalProperty"])], `unknown key (allowed: ${allowed})`);
    }
    case "minProperties": {
      const limit = Number(error.params["limit"]);
      return atValue(source, path, `is empty: expected at least ${limit} ${limit === 1 ? "entry" : "entries"}`);
    }
    case "const":
      return atValue(source, path, `must be ${String(error.schema)}, got ${got}`);
    case "anyOf":
      return atValue(source, path, notOneOf(schema["anyOf"] as JsonSchema[], error.data));
    case "pattern":
    case "format":
      return atValue(source, path, notOfFormat(error.data, schema));
    case "type":
    case "minimum":
    case "maximum":
      return atValue(source, path, `expected ${expectedType(schema)}, got ${got}`);
    default:
      return atValue(source, path, error.message ?? error.keyword);
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a map",
  null: "null",
};

function expectedType(schema: JsonSchema): string {
  const types = [schema["type"]].flat().map(String);
  const minimum = String(schema["minimum"]);
  return types
    .map((type) => (type === "integer" ? `an integer ≥ ${minimum}` : (TYPE_WORDS[type] ?? type)))
    .join(" or ");
}

function notOfFormat(value: unknown, schema: JsonSchema): string {
  const format = String(schema["format"]) as FormatName;
  if (format === "text") return "must not be empty";
  return `${JSON.stringify(value)} is not ${FORMATS[format]?.describe ?? String(schema["description"])}`;
}

function notOneOf(variants: readonly JsonSchema[], value: unknown): string {
  const values = variants.flatMap((variant) => (Array.isArray(variant["enum"]) ? variant["enum"] : [])).join(", ");
  if (typeof value === "string") return `${JSON.stringify(value)} is not one of ${values}`;
  const orNull = variants.some((variant) => variant["type"] === "null") ? " or null" : "";
  return `expected one of ${values}${orNull}, got ${describeValue(value)}`;
}

/*
 * What JSON Schema cannot say, checked on the parts it found valid: items
 * unique by a key compared as the gate compares it (CIDRs as networks, the
 * rest ignoring case; `uniqueItems` compares whole items exactly), keys that
 * differ only in case (`propertyNames` sees one name at a time), and the
 * conditions of spec.ts's `refine` across fields.
 */

/** Every path that has a problem at or below it. */
function pathsOf(problems: readonly Located[]): Set<string> {
  const paths = new Set<string>();
  for (const { path } of problems) {
    for (let length = 0; length <= path.length; length++) paths.add(JSON.stringify(path.slice(0, length)));
  }
  return paths;
}

function isMap(value: Plain): value is PlainMap {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function beyondSchema(
  source: Source,
  value: Plain,
  spec: FieldSpec,
  path: PathSegment[],
  dirty: Set<string>,
  problems: Located[] = [],
): Located[] {
  // A valid file has no dirty paths: the check then costs no path's text (1,000 clusters' files have ~40,000 fields).
  const clean = (at: PathSegment[]) => dirty.size === 0 || !dirty.has(JSON.stringify(at));
  if (spec.kind === "map" && isMap(value)) {
    for (const [key, field] of Object.entries(spec.fields)) {
      if (key in value) beyondSchema(source, value[key] ?? null, field, [...path, key], dirty, problems);
    }
    for (const { field, at, message } of spec.refine?.(value) ?? []) {
      const target = at === undefined ? [...path, ...(field === undefined ? [] : [field])] : [...path, ...at];
      if (clean(at === undefined ? path : target)) problems.push(atKey(source, target, message));
    }
  } else if (spec.kind === "list" && Array.isArray(value)) {
    value.forEach((item, index) => beyondSchema(source, item, spec.item, [...path, index], dirty, problems));
    if (spec.uniqueBy !== undefined) {
      const items = value.map((item, index) => ({ item, path: [...path, index] })).filter((item) => clean(item.path));
      problems.push(...duplicateItems(source, items, spec.uniqueBy));
    }
  } else if (spec.kind === "dictionary" && isMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      beyondSchema(source, item, spec.value, [...path, key], dirty, problems);
    }
    if (spec.caseInsensitiveKeys) problems.push(...keysDifferingInCase(source, value, spec.key, path));
  }
  return problems;
}

/** The second and later of items whose `field` is the same key; lines are looked up only for those. */
function duplicateItems(source: Source, items: { item: Plain; path: PathSegment[] }[], field: string): Located[] {
  const seen: { key: string; path: PathSegment[] }[] = [];
  return items.flatMap(({ item, path }) => {
    const key = isMap(item) ? item[field] : undefined;
    if (typeof key !== "string") return [];
    const earlier = seen.find((other) => sameKey(other.key, key));
    if (earlier === undefined) {
      seen.push({ key, path });
      return [];
    }
    const message = `duplicate ${field} ${JSON.stringify(key)} (also on line ${positionOf(source, earlier.path).line})`;
    return [atKey(source, path, message)];
  });
}

function keysDifferingInCase(source: Source, map: PlainMap, format: FormatName, path: PathSegment[]): Located[] {
  const seen = new Map<string, string>();
  return Object.keys(map).flatMap((key) => {
    const earlier = seen.get(key.toLowerCase());
    if (!FORMATS[format].test(key)) return [];
    if (earlier === undefined) {
      seen.set(key.toLowerCase(), key);
      return [];
    }
    const line = positionOf(source, [...path, earlier]).line;
    return [
      atKey(source, [...path, key], `duplicate key: the same as on line ${line} (resource IDs are case-insensitive)`),
    ];
  });
}

/**
 * Whether a plain value, made without a YAML document (quick.ts), is a valid
 * baseline: the same schema and the same checks beyond it. Lines are not
 * looked for: a value with any problem is read again in full, which names them.
 */
export function isValidPlain(value: Plain): boolean {
  const validate = schemaValidator();
  if (!validate(value)) return false;
  const noLines: Source = { doc: new Document(null), lines: new LineCounter() };
  return beyondSchema(noLines, value, BASELINE_SPEC, [], new Set()).length === 0;
}
