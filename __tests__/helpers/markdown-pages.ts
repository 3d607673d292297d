/**
 * The project's documentation pages as GitHub shows them: the README, CONTRIBUTING.md,
 * SECURITY.md and docs/*.md, with their outline (the headings outside code blocks, and the
 * anchors GitHub gives them), their links and their YAML examples.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every documentation page, relative to the repository's root. */
export function documentationPages(): string[] {
  const docs = readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", "CONTRIBUTING.md", "SECURITY.md", ...docs];
}

export function readPage(page: string): string {
  return readFileSync(path.join(ROOT, page), "utf8");
}

/** Whether `line` closes the fenced code block `fence` opened: the same kind, at least as long, nothing after. */
function closes(fence: string, line: string): boolean {
  const marker = /^ {0,3}(`{3,}|~{3,})\s*$/u.exec(line)?.[1];
  return marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length;
}

/** The lines of a page outside fenced code blocks (``` or ~~~). */
export function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    if (fence !== undefined) {
      if (closes(fence, line)) fence = undefined;
      continue;
    }
    fence = /^ {0,3}(`{3,}|~{3,})/u.exec(line)?.[1];
    if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** The text of each heading of the page's outline, inline Markdown removed. */
export function headings(markdown: string): string[] {
  return proseLines(markdown).flatMap((line) => {
    const text = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/u.exec(line)?.[1];
    return text === undefined ? [] : [text.replace(/\[([^\]]*)\]\([^)]*\)/gu, "$1").replace(/[`*_]/gu, "")];
  });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const text of headings(markdown)) {
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /gu, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** The targets of the page's inline links and images, outside code blocks and code spans. */
export function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown)
    .join("\n")
    .replace(/`[^`\n]*`/gu, "");
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/gu)].map((match) => match[1] ?? "");
}

/** The YAML code blocks of a page. */
export function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})ya?ml\n([\s\S]*?)\n\1$/gmu)].map((match) => match[2] ?? "");
}
