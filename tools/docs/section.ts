/**
 * The generated parts of the documentation (README.md, docs/rules.md): each sits between
 * `<!-- NAME:start: generated from SOURCE; regenerate with npm run docs -->`
 * and `<!-- NAME:end -->`, and `npm run docs -- --check` fails when one differs
 * from what its source gives.
 */
export interface GeneratedSection {
  /** The marker name: `rules`, `inputs`, `outputs`. */
  name: string;
  /** Where the content comes from, for the reader of the Markdown source. */
  source: string;
}

export function sectionStart(section: GeneratedSection): string {
  return `<!-- ${section.name}:start: generated from ${section.source}; regenerate with npm run docs -->`;
}

export function sectionEnd(section: GeneratedSection): string {
  return `<!-- ${section.name}:end -->`;
}

/** The text with the section's content replaced by `body`; throws when its markers are missing. */
export function replaceSection(text: string, section: GeneratedSection, body: string): string {
  const startTag = `<!-- ${section.name}:start`;
  const end = sectionEnd(section);
  const from = text.indexOf(startTag);
  const to = text.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`There is no "${sectionStart(section)}" … "${end}" section to regenerate.`);
  }
  return text.slice(0, from) + [sectionStart(section), "", body, "", end].join("\n") + text.slice(to + end.length);
}

/** A Markdown table cell: a pipe cannot end it, a line break cannot split the row. */
export function tableCell(text: string): string {
  return text.replace(/\r?\n/gu, " ").replace(/\|/gu, "\\|");
}
