/**
 * The baseline's YAML document as the validator sees it: a plain value for the
 * JSON Schema, and the way back from a field path to the line it is on.
 *
 * What JSON cannot hold is checked here, as the plain value is made: keys that
 * are not strings, keys written twice, and aliases (one that has no anchor, or
 * more than MAX_ALIASES of them). An anchored node becomes one value however
 * often it is aliased, and ajv descends only as deep as the schema, so a
 * billion-laughs file never expands.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type LineCounter,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { sameKey, type Plain } from "./spec.js";

export type PathSegment = string | number;

export interface Problem {
  line: number;
  /** Field path, e.g. `clusters["/subscriptions/…"].networkProfile.podCidrs[0]`; empty at the root. */
  path: string;
  message: string;
}

/** A problem before its path is written out, with the path as segments. */
export interface Located {
  line: number;
  path: readonly PathSegment[];
  message: string;
}

/** How many aliases a file may use: enough for sharing, too few to hide a large file in a small one. */
export const MAX_ALIASES = 100;

/** Deeper than any field of the schema: root, clusters, entry, routeTables, [i], routes, [j], field. */
const MAX_DEPTH = 16;

export interface Source {
  doc: Document;
  lines: LineCounter;
}

/** A node of the document with the line of its key (or, in a list, of the item). */
export interface Position {
  node: unknown;
  line: number;
}

/** The 1-based line a node starts on, or `fallback` when it has no position. */
export function lineOf(source: Source, node: unknown, fallback: number): number {
  if (node === null || typeof node !== "object" || !("range" in node)) return fallback;
  const range = node.range;
  if (!Array.isArray(range) || typeof range[0] !== "number") return fallback;
  return source.lines.linePos(range[0]).line || fallback;
}

function resolved(source: Source, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.doc) : node;
}

function keyText(source: Source, key: unknown): string | undefined {
  const node = resolved(source, key);
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

/** The value of the first key that matches, with the line of that key. */
export function findPair(source: Source, node: unknown, match: (key: string) => boolean): Position | undefined {
  const map = resolved(source, node);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    const key = keyText(source, pair.key);
    if (key !== undefined && match(key)) return { node: pair.value, line: lineOf(source, pair.key, 1) };
  }
  return undefined;
}

/** Keys that identify an item of a list when a path names it by value, e.g. nodePools["np1"]. */
export const ITEM_KEYS = ["name", "id", "rule", "addressPrefix"];

/** A child of a node: a map's key, a list's index, or the list item whose name, ID, rule or prefix it is. */
export function childOf(source: Source, parent: Position, segment: PathSegment): Position | undefined {
  const node = resolved(source, parent.node);
  if (typeof segment === "string" && isMap(node)) return findPair(source, node, (key) => key === segment);
  if (!isSeq(node)) return undefined;
  const item =
    typeof segment === "number"
      ? node.items[segment]
      : node.items.find((candidate) => ITEM_KEYS.some((key) => itemKeyMatches(source, candidate, key, segment)));
  if (item === undefined) return undefined;
  return { node: item, line: lineOf(source, item, lineOf(source, resolved(source, item), parent.line)) };
}

function itemKeyMatches(source: Source, item: unknown, key: string, wanted: string): boolean {
  const field = findPair(source, item, (candidate) => candidate === key);
  const value = field && resolved(source, field.node);
  return isScalar(value) && typeof value.value === "string" && sameKey(value.value, wanted);
}

/** The node at a path and the line of its key (or item); as far as the path exists. */
export function positionOf(source: Source, path: readonly PathSegment[]): Position {
  let position: Position = { node: source.doc.contents, line: lineOf(source, source.doc.contents, 1) };
  for (const segment of path) {
    const child = childOf(source, position, segment);
    if (child === undefined) break;
    position = child;
  }
  return position;
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${String(value)}`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === null) return "a map";
  return `a value of type ${typeof value === "object" ? value.constructor.name : typeof value}`;
}

/** The document as a plain value; `problems` has what JSON cannot hold, `broken` the paths of values left null. */
export interface PlainDocument {
  value: Plain;
  problems: Located[];
  broken: (readonly PathSegment[])[];
}

interface Conversion extends Source, PlainDocument {
  aliases: number;
  /** Each map and list made so far, with the depth it was made at: deeper than MAX_DEPTH it is left empty. */
  done: Map<Node, { value: Plain; depth: number }>;
}

export function toPlain(source: Source): PlainDocument {
  const conversion: Conversion = { ...source, value: null, problems: [], broken: [], aliases: 0, done: new Map() };
  const contents = source.doc.contents;
  conversion.value = plainOf(conversion, contents, { path: [], line: lineOf(source, contents, 1), depth: 0 });
  return conversion;
}

/** A value that cannot be made: null in its place, and no further problem reported at or below its path. */
function broken(conversion: Conversion, { line, path }: Place, message?: string): null {
  if (message !== undefined) conversion.problems.push({ line, path, message });
  conversion.broken.push(path);
  return null;
}

/** Where a value is made: its path, the line to fall back on, and how deep it is. */
interface Place {
  path: readonly PathSegment[];
  line: number;
  depth: number;
}

function plainOf(conversion: Conversion, raw: unknown, place: Place): Plain {
  const at = { ...place, line: lineOf(conversion, raw, place.line) };
  if (isAlias(raw)) return aliased(conversion, raw, at);
  if (isScalar(raw)) return raw.value as Plain;
  if (!isMap(raw) && !isSeq(raw)) return null;
  const known = conversion.done.get(raw);
  if (known !== undefined && known.depth <= at.depth) return known.value;
  return isSeq(raw) ? listOf(conversion, raw, at) : mapOf(conversion, raw, at);
}

function aliased(conversion: Conversion, alias: Alias, at: Place): Plain {
  conversion.aliases += 1;
  if (conversion.aliases > MAX_ALIASES) {
    const tooMany = `more than ${MAX_ALIASES} aliases: the file expands too much`;
    return broken(conversion, at, conversion.aliases === MAX_ALIASES + 1 ? tooMany : undefined);
  }
  const target = alias.resolve(conversion.doc);
  if (target === undefined) return broken(conversion, at, `alias *${alias.source} has no anchor`);
  return plainOf(conversion, target, at);
}

function listOf(conversion: Conversion, raw: YAMLSeq, at: Place): Plain[] {
  const list: Plain[] = [];
  conversion.done.set(raw, { value: list, depth: at.depth });
  if (at.depth >= MAX_DEPTH) return list;
  raw.items.forEach((item, index) => {
    list.push(plainOf(conversion, item, { path: [...at.path, index], line: at.line, depth: at.depth + 1 }));
  });
  return list;
}

/** A map with no prototype, so that a key such as `__proto__` is only a key. */
function mapOf(conversion: Conversion, raw: YAMLMap, at: Place): { [key: string]: Plain } {
  const map = Object.create(null) as { [key: string]: Plain };
  conversion.done.set(raw, { value: map, depth: at.depth });
  const keyLines = new Map<string, number>();
  for (const pair of at.depth >= MAX_DEPTH ? [] : raw.items) {
    const keyLine = lineOf(conversion, pair.key, at.line);
    const key = keyText(conversion, pair.key);
    const earlier = key === undefined ? undefined : keyLines.get(key);
    if (key === undefined) {
      const message = `keys must be strings, got ${describeNode(resolved(conversion, pair.key))}`;
      conversion.problems.push({ line: keyLine, path: at.path, message });
    } else if (earlier !== undefined) {
      const message = `duplicate key: the same as on line ${earlier}`;
      conversion.problems.push({ line: keyLine, path: [...at.path, key], message });
    } else {
      keyLines.set(key, keyLine);
      map[key] = plainOf(conversion, pair.value, { path: [...at.path, key], line: keyLine, depth: at.depth + 1 });
    }
  }
  return map;
}

function describeNode(node: unknown): string {
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  return describeValue(isScalar(node) ? node.value : node);
}
