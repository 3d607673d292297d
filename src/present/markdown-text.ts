/**
 * Markdown from untrusted text: escaped prose, lines and code spans. The one
 * Markdown escaper of the gate: the job summary, report.md, the issues and
 * their comments all use it for every value that is not the gate's own,
 * error messages included. Each value's secrets are redacted first
 * (src/secrets.ts), before escaping could split them.
 */
import { showControls } from "../core/escape.js";
import { redact } from "../core/secrets.js";

/**
 * What GitHub turns into a reference or a mention: `#123` (also after
 * `owner/repo`), `GH-123`, `@name`, bare URLs (`https://`, `www.`). A zero
 * width space after the `#`, the `-`, the `@`, the `:` or the `www` breaks the
 * pattern and shows nothing.
 */
export function breakReferences(text: string): string {
  return text
    .replace(/@/g, "@\u200b")
    .replace(/:\/\//g, ":\u200b//")
    .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}\u200b.`)
    .replace(/#(?=\d)/g, "#\u200b")
    .replace(/(gh-)(?=\d)/gi, "$1\u200b");
}

/**
 * Text from Azure (names, tags, messages) is untrusted: in a table cell it
 * must not end the cell, open a link, an image or HTML, format (math with `$`
 * too), or mention anyone; in an issue it must not turn into an autolink or a
 * reference to an issue; and control and bidirectional characters show as
 * `\uXXXX` escapes instead of reordering what the reader sees. One line:
 * breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  const inline = redact(text)
    .replace(/[\\`*_[\]|<>~&$]/g, (char) => `\\${char}`)
    .replace(/\r?\n|\t/g, " ");
  return showControls(breakReferences(inline));
}

/** Marks that start a block at the beginning of a line: heading, list item, setext underline. */
const BLOCK_MARK = /^(\s*)([#+=-])/;
/** An ordered list item: `1.` or `1)`. */
const ORDERED = /^(\s*\d+)([.)])/;

/**
 * Untrusted text of several lines (an error message) as paragraphs: each line
 * escaped as escapeMarkdown does, and one that would start a heading or a
 * list escaped at its start (quotes, emphasis and fences are already).
 */
export function escapeMarkdownLines(text: string): string {
  return redact(text)
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => escapeMarkdown(line).replace(BLOCK_MARK, "$1\\$2").replace(ORDERED, "$1\\$2"))
    .join("\n\n");
}

/**
 * A code span: a backtick inside becomes a quote, so the span cannot end
 * early; a line break becomes a space; control and bidirectional characters
 * show as `\uXXXX` escapes. Secrets are redacted.
 */
export function code(text: string): string {
  const inside = showControls(
    redact(text)
      .replace(/`/g, "'")
      .replace(/\r?\n|\t/g, " "),
  );
  return `\`${inside}\``;
}

/** A code span in a table cell: GitHub's tables split cells at a pipe even inside a code span, unless escaped. */
export function codeCell(text: string): string {
  return code(text).replace(/\|/g, "\\|");
}
