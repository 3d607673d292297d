/** Markdown from untrusted text: escaped prose and code spans. Pure. */

/**
 * Text from Azure (names, tags, messages) is untrusted: in a table cell it
 * must not end the cell, open a link or HTML, format, or mention anyone; in
 * an issue it must not turn into an autolink or a reference to an issue.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|<>~&]/g, (char) => `\\${char}`)
    .replace(/@/g, "@\u200b")
    .replace(/:\/\//g, ":\u200b//")
    .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}\u200b.`)
    .replace(/#(?=\d)/g, "#\u200b")
    .replace(/\r?\n/g, " ");
}

/** A code span; a backtick inside becomes a quote, so the span cannot end early. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
