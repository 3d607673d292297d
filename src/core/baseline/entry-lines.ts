/**
 * The line of a field in one cluster entry, found by indentation.
 *
 * Hand-written because a `yaml` Document per entry costs about 0.5 ms (half a
 * second of a fleet's SARIF log), and the gate writes entries in one regular
 * block style, in which an indentation walk finds the same line.
 *
 * It reads `key: value` maps (plain identifier keys), `- ` lists (also the
 * compact `- key: value`), scalars on one line, flow collections closed on
 * their line, block scalars and comments. Anything else (flow collections or
 * quoted scalars over several lines, quoted or complex keys, anchors, aliases,
 * tags, tabs, multi-line plain scalars, lists at their key's indentation) makes
 * it answer undefined, "not sure": the caller then asks the yaml Document.
 */
import { ITEM_KEYS, type PathSegment } from "./document.js";
import { sameKey } from "./spec.js";

/** Plain scalars that YAML 1.2's core schema reads as null, a boolean or a number (the `yaml` library's tests). */
const NOT_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)?$/u;

/** The entry's own key line: an unquoted key alone on its line. */
const ENTRY_KEY = /^( *)[^\s#'"?{}[\]&*!|>%@`,-][^\s#]*:(?: +(?:#.*)?)?$/u;
const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$/u;
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/u;
const BLANK = /^ *$/u;
const BLOCK_HEADER = /^[|>][-+]?(?: +#.*)? *$/u;
/** Starts of a plain scalar that are something else: anchors, aliases, tags, block scalars, reserved and flow indicators. */
const NOT_PLAIN = /^(?:[&*!|>%@`,\]}#]|[-?:](?: |$))/u;
const AFTER_QUOTE = /^(?: +#.*)? *$/u;
/** White space and line breaks other than the space and \n: YAML reads some of them its own way. */
const IRREGULAR = /[\t\r\v\f\u0085\u2028\u2029\ufeff]/u;

type Value =
  | { kind: "map"; pairs: readonly Child[] }
  | { kind: "seq"; items: readonly Child[] }
  | { kind: "flow" }
  /** `text`: the string it is; null when it is not a string; undefined when not sure which string. */
  | { kind: "scalar"; text: string | null | undefined };

/** A map's pair (`key` set; the line of its key) or a list's item (the line of its `-`). */
interface Child {
  line: number;
  key: string | undefined;
  value: Value;
}

type Inline = { kind: "none" } | { kind: "block" } | { kind: "compact" } | Value;

/** A key (`key` set) or a list item on a line, and what follows it on that line. */
interface Token {
  line: number;
  indent: number;
  key?: string;
  inline: Inline;
}

class NotSure extends Error {}

const NONE: Inline = { kind: "none" };
const BLOCK: Inline = { kind: "block" };
const COMPACT: Inline = { kind: "compact" };
const FLOW: Value = { kind: "flow" };
const NULL: Value = { kind: "scalar", text: null };
const SOME_STRING: Value = { kind: "scalar", text: undefined };

/**
 * The index in `lines` of the line that `path` leads to in the entry whose key
 * is `lines[0]`: of the deepest segment found, as parse.ts's locate walks the
 * document (keys as the file spells them). Undefined when not sure.
 */
export function entryLine(lines: readonly string[], path: readonly PathSegment[]): number | undefined {
  const entryKey = ENTRY_KEY.exec(lines[0] ?? "");
  if (entryKey === null || lines.some((line) => IRREGULAR.test(line))) return undefined;
  try {
    const reader = new Reader(lines);
    const entry = blockValue(reader, entryKey[1]?.length ?? 0);
    return reader.peek() === undefined ? walk(entry, path) : undefined;
  } catch (error) {
    if (error instanceof NotSure) return undefined;
    throw error;
  }
}

/** The tokens of the lines after the entry's key, one line at a time. */
class Reader {
  private next = 1;
  private readonly queue: Token[] = [];

  constructor(private readonly lines: readonly string[]) {}

  peek(): Token | undefined {
    while (this.queue.length === 0 && this.next < this.lines.length) {
      const line = this.next;
      this.next += 1;
      this.queue.push(...tokensOf(this.lines[line] ?? "", line));
    }
    return this.queue[0];
  }

  take(): Token {
    const token = this.queue.shift();
    if (token === undefined) throw new NotSure();
    return token;
  }

  /** Passes the lines of a block scalar whose header ends the last line taken, under a key at `parent`. */
  skipBlockScalar(parent: number): void {
    const { lines } = this;
    let at = this.next;
    let blankWidth = 0;
    for (; at < lines.length && BLANK.test(lines[at] ?? ""); at += 1) {
      blankWidth = Math.max(blankWidth, lines[at]?.length ?? 0);
    }
    if (at === lines.length || indentOf(lines[at] ?? "") <= parent) return;
    const content = indentOf(lines[at] ?? "");
    if (blankWidth > content) throw new NotSure();
    while (at < lines.length && (BLANK.test(lines[at] ?? "") || indentOf(lines[at] ?? "") >= content)) at += 1;
    if (at < lines.length && indentOf(lines[at] ?? "") > parent) throw new NotSure();
    this.next = at;
  }
}

function indentOf(line: string): number {
  return /^ */u.exec(line)?.[0].length ?? 0;
}

/** A line's tokens: none for a blank or comment line, two for a compact `- key: value`. */
function tokensOf(text: string, line: number): Token[] {
  if (BLANK_OR_COMMENT.test(text)) return [];
  const indent = indentOf(text);
  const rest = text.slice(indent);
  if (rest === "-" || rest.startsWith("- ")) {
    const content = rest.slice(1).trimStart();
    if (content === "" || content.startsWith("#")) throw new NotSure();
    const key = keyToken(content, text.length - content.length, line);
    return key === undefined ? [{ line, indent, inline: leaf(content) }] : [{ line, indent, inline: COMPACT }, key];
  }
  const key = keyToken(rest, indent, line);
  if (key === undefined) throw new NotSure();
  return [key];
}

function keyToken(text: string, indent: number, line: number): Token | undefined {
  const match = KEY.exec(text);
  if (match === null) return undefined;
  const [, key = "", value = ""] = match;
  if (NOT_STRING.test(key)) throw new NotSure();
  if (value === "" || value.startsWith("#")) return { line, indent, key, inline: NONE };
  if (!value.startsWith("|") && !value.startsWith(">")) return { line, indent, key, inline: leaf(value) };
  if (!BLOCK_HEADER.test(value)) throw new NotSure();
  return { line, indent, key, inline: BLOCK };
}

/** A value that ends on its line. */
function leaf(text: string): Value {
  if (text.startsWith("[") || text.startsWith("{")) return flow(text);
  if (text.startsWith('"')) return doubleQuoted(text);
  if (text.startsWith("'")) return singleQuoted(text);
  if (NOT_PLAIN.test(text)) throw new NotSure();
  const comment = text.indexOf(" #");
  const plain = (comment === -1 ? text : text.slice(0, comment)).trimEnd();
  if (plain.includes(": ") || plain.endsWith(":")) throw new NotSure();
  return { kind: "scalar", text: NOT_STRING.test(plain) ? null : plain };
}

/** A flow collection closed on its line, quotes in it left to the yaml Document. */
function flow(text: string): Value {
  if (/["']/u.test(text)) throw new NotSure();
  const comment = text.indexOf(" #");
  const body = (comment === -1 ? text : text.slice(0, comment)).trimEnd();
  let depth = 0;
  for (let at = 0; at < body.length; at += 1) {
    const char = body.charAt(at);
    if (char === "[" || char === "{") depth += 1;
    else if (char === "]" || char === "}") depth -= 1;
    if (depth === 0 && at < body.length - 1) throw new NotSure();
  }
  if (depth !== 0) throw new NotSure();
  return FLOW;
}

function doubleQuoted(text: string): Value {
  let escaped = false;
  let at = 1;
  for (; at < text.length && text.charAt(at) !== '"'; at += 1) {
    if (text.charAt(at) === "\\") {
      escaped = true;
      at += 1;
    }
  }
  if (at >= text.length || !AFTER_QUOTE.test(text.slice(at + 1))) throw new NotSure();
  return { kind: "scalar", text: escaped ? undefined : text.slice(1, at) };
}

function singleQuoted(text: string): Value {
  let at = 1;
  for (; at < text.length; at += 1) {
    if (text.charAt(at) !== "'") continue;
    if (text.charAt(at + 1) !== "'") break;
    at += 1;
  }
  if (at >= text.length || !AFTER_QUOTE.test(text.slice(at + 1))) throw new NotSure();
  return { kind: "scalar", text: text.slice(1, at).replaceAll("''", "'") };
}

/** The value on the lines below a key at `parent`: a map, a list, or null when nothing is deeper. */
function blockValue(reader: Reader, parent: number): Value {
  const next = reader.peek();
  if (next === undefined || next.indent <= parent) return NULL;
  return next.key === undefined ? collection(reader, next.indent, "seq") : collection(reader, next.indent, "map");
}

/** The pairs or items at one indentation; a token deeper, or of the other kind, is irregular. */
function collection(reader: Reader, indent: number, kind: "map" | "seq"): Value {
  const children: Child[] = [];
  for (let token = reader.peek(); token !== undefined && token.indent >= indent; token = reader.peek()) {
    if (token.indent !== indent || (token.key === undefined) !== (kind === "seq")) throw new NotSure();
    reader.take();
    children.push({ line: token.line, key: token.key, value: valueOf(reader, token) });
  }
  return kind === "map" ? { kind, pairs: children } : { kind, items: children };
}

function valueOf(reader: Reader, token: Token): Value {
  const { inline } = token;
  if (inline.kind === "compact") return collection(reader, reader.peek()?.indent ?? 0, "map");
  if (inline.kind === "none") return blockValue(reader, token.indent);
  if (inline.kind !== "block") return inline;
  reader.skipBlockScalar(token.indent);
  return SOME_STRING;
}

function walk(entry: Value, path: readonly PathSegment[]): number {
  let at: Child = { line: 0, key: undefined, value: entry };
  for (const segment of path) {
    const child = childOf(at.value, segment);
    if (child === undefined) break;
    at = child;
  }
  return at.line;
}

/** As document.ts's childOf: a map's key, a list's index, or the list item whose name, ID, rule or prefix it is. */
function childOf(value: Value, segment: PathSegment): Child | undefined {
  if (value.kind === "map") {
    return typeof segment === "string" ? value.pairs.find((pair) => pair.key === segment) : undefined;
  }
  if (value.kind !== "seq") return undefined;
  if (typeof segment === "number") return value.items[segment];
  return value.items.find((item) => namedBy(item.value, segment));
}

function namedBy(item: Value, wanted: string): boolean {
  if (item.kind === "flow") throw new NotSure();
  if (item.kind !== "map") return false;
  return ITEM_KEYS.some((key) => {
    const field = item.pairs.find((pair) => pair.key === key)?.value;
    if (field?.kind !== "scalar" || field.text === null) return false;
    if (field.text === undefined) throw new NotSure();
    return sameKey(field.text, wanted);
  });
}
