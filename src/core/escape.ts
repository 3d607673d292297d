/**
 * Outside text (Azure names, tags and error messages, GitHub's answers) on
 * its way to a sink that could obey it. One function per kind of sink, each
 * redacting the run's secrets first (src/secrets.ts):
 *
 * - `forLog`: a line of the Actions log (`core.info`). The runner takes a
 *   line as a workflow command when, with leading white space trimmed, it
 *   starts with `::` (`ActionCommand.TryParseV2`), and anywhere it holds
 *   `##[` followed by a command name (the legacy `ActionCommand.TryParse`,
 *   which `ActionCommandManager.TryProcessCommand` falls back to), both in
 *   actions/runner `src/Runner.Common/ActionCommand.cs`. So one message is
 *   one line (a line break shows as `\n`), a leading `::` and every `##[`
 *   are broken, and control characters show as escapes.
 * - `forAnnotation`: the message of `core.error`/`warning`/`notice`, whose
 *   data the toolkit escapes itself (`%`, CR, LF as `%25`, `%0D`, `%0A`); line
 *   breaks stay, other control characters show as escapes.
 * - `showControls`: control characters (C0, DEL, C1) and the marks that
 *   reorder or hide text (bidirectional controls, line and paragraph
 *   separators) as visible `\uXXXX` escapes; the terminal and Markdown
 *   escapers build on it.
 * - `jsonSafe`: JSON text with the same marks as `\uXXXX` JSON escapes, so a
 *   file shown in a terminal or a browser shows them, and parses to the same.
 * Markdown has its escaper in src/present/markdown-text.ts, the terminal in
 * src/entry/cli/terminal.ts.
 */
import { redact } from "./secrets.js";

function hex(code: number): string {
  return code.toString(16).padStart(4, "0");
}

function charClass(ranges: [number, number][]): string {
  return `[${ranges.map(([from, to]) => (from === to ? `\\u${hex(from)}` : `\\u${hex(from)}-\\u${hex(to)}`)).join("")}]`;
}

/** Marks that reorder or hide text: ALM, LRM/RLM, the embeddings and overrides, the isolates, line and paragraph separators. */
const FORMATTING: [number, number][] = [
  [0x061c, 0x061c],
  [0x200e, 0x200f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];
/** DEL and the C1 controls (U+0080–U+009F, among them CSI U+009B, which terminals obey like ESC [). */
const C1: [number, number][] = [[0x007f, 0x009f]];
const C0: [number, number][] = [[0x0000, 0x001f]];

const UNSAFE = new RegExp(charClass([...C0, ...C1, ...FORMATTING]), "g");
const UNSAFE_OUTSIDE_C0 = new RegExp(charClass([...C1, ...FORMATTING]), "g");

function escaped(char: string): string {
  return `\\u${hex(char.codePointAt(0) ?? 0)}`;
}

/** Control and reordering characters as visible `\uXXXX`; those in `keep` (e.g. "\n\t") stay. */
export function showControls(text: string, keep = ""): string {
  return text.replace(UNSAFE, (char) => (keep.includes(char) ? char : escaped(char)));
}

/** JSON text (as JSON.stringify writes it, C0 already escaped) with DEL, C1 and reordering marks as JSON escapes. */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE_OUTSIDE_C0, escaped);
}

/** One log line that cannot be a workflow command: secrets redacted, breaks shown as `\n`, `::` and `##[` broken. */
export function forLog(message: string): string {
  const line = showControls(
    redact(message)
      .replace(/\r\n|\n/g, "\\n")
      .replace(/\r/g, "\\r"),
    "\t",
  ).replace(/##\[/g, "#\\u0023[");
  const start = line.length - line.trimStart().length;
  return line.startsWith("::", start) ? `${line.slice(0, start)}\\u003a${line.slice(start + 1)}` : line;
}

/** The message of an annotation: secrets redacted, line breaks kept (the toolkit escapes them), other controls shown. */
export function forAnnotation(message: string): string {
  return showControls(redact(message).replace(/\r\n/g, "\n"), "\n\t");
}
