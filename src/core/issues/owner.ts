/**
 * Who should act on a cluster's issue. The first source that answers wins:
 * the cluster's `owner` field in the baseline, an Azure tag on the cluster,
 * the CODEOWNERS entry that covers the baseline file, the `owner` input.
 * Values from a tag are untrusted: only a well-formed GitHub user or team is
 * taken, anything else is reported (escaped by the renderer) and skipped.
 */

/** A GitHub user (assigned) or team (mentioned). */
export type OwnerHandle = { kind: "user"; login: string } | { kind: "team"; org: string; slug: string };

export type OwnerSource = "baseline" | "azure-tag" | "codeowners" | "input";

export interface SuggestedOwner {
  handles: OwnerHandle[];
  source: OwnerSource;
  /** Where exactly, as plain text (the renderer escapes it): ".github/CODEOWNERS line 4 (/.github/)". */
  detail: string;
}

export interface OwnerSuggestion {
  owner: SuggestedOwner | undefined;
  /** Sources that held something unusable, for the issue to say why they were skipped. */
  skipped: string[];
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const ORG_TEAM = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9](?:[A-Za-z0-9_.-]{0,99}))$/;
/** GitHub allows at most 10 assignees on an issue. */
export const MAX_ASSIGNEES = 10;

/** One handle, with or without its `@`; undefined when it is not a GitHub user or team. */
export function parseHandle(text: string): OwnerHandle | undefined {
  const bare = text.startsWith("@") ? text.slice(1) : text;
  const team = ORG_TEAM.exec(bare);
  if (team) return { kind: "team", org: team[1] ?? "", slug: team[2] ?? "" };
  return LOGIN.test(bare) ? { kind: "user", login: bare } : undefined;
}

/** A list of handles separated by spaces or commas; undefined when any part is not a handle. */
export function parseHandles(text: string): OwnerHandle[] | undefined {
  const parts = text.split(/[\s,]+/).filter((part) => part !== "");
  if (parts.length === 0) return undefined;
  const handles = parts.map(parseHandle);
  return handles.every((handle) => handle !== undefined) ? dedupe(handles as OwnerHandle[]) : undefined;
}

function dedupe(handles: OwnerHandle[]): OwnerHandle[] {
  const seen = new Set<string>();
  return handles.filter((handle) => {
    const key = handleText(handle).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `@login` or `@org/team`. */
export function handleText(handle: OwnerHandle): string {
  return handle.kind === "user" ? `@${handle.login}` : `@${handle.org}/${handle.slug}`;
}

/** The logins to assign: users only, at most GitHub's limit. */
export function assignees(owner: SuggestedOwner | undefined): string[] {
  return (owner?.handles ?? [])
    .flatMap((handle) => (handle.kind === "user" ? [handle.login] : []))
    .slice(0, MAX_ASSIGNEES);
}

/* ------------------------------------------------------------------ CODEOWNERS */

/** Where GitHub looks for CODEOWNERS, in order; the first file found is the one used. */
export const CODEOWNERS_LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface CodeownersRule {
  pattern: string;
  /** Owners as written: `@user`, `@org/team` or an e-mail address. */
  owners: string[];
  line: number;
}

/** Splits a line at unescaped whitespace, keeping `\ ` and `\#` in the pattern. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let index = 0; index < line.length; index++) {
    const char = line[index] ?? "";
    if (char === "\\" && index + 1 < line.length) {
      current += char + (line[++index] ?? "");
    } else if (/\s/.test(char)) {
      if (current !== "") out.push(current);
      current = "";
    } else current += char;
  }
  if (current !== "") out.push(current);
  return out;
}

/** The rules of a CODEOWNERS file, in file order; comments and blank lines dropped. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [pattern, ...rest] = tokens(line);
    if (pattern === undefined) return;
    const end = rest.findIndex((token) => token.startsWith("#"));
    rules.push({ pattern, owners: end < 0 ? rest : rest.slice(0, end), line: index + 1 });
  });
  return rules;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** One path segment of a pattern (`*.yml`, `a\ b`) as a regex that never crosses `/`. */
function segmentRegex(segment: string): string {
  let out = "";
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] ?? "";
    if (char === "\\" && index + 1 < segment.length) out += escapeRegex(segment[++index] ?? "");
    else if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else out += escapeRegex(char);
  }
  return out;
}

/**
 * A CODEOWNERS pattern as a regex over a repository path (no leading slash),
 * following GitHub's gitignore-like rules: a pattern with a slash at its start
 * or middle is anchored at the root, otherwise it matches at any depth; `*`
 * and `?` stay within one segment; `**` spans segments; a trailing slash or a
 * named directory covers everything below it; a lone `*` as the last segment
 * matches only the files directly in that directory.
 */
export function codeownersRegex(pattern: string): RegExp {
  if (pattern === "/") return /(?!)/;
  let segments = pattern.split("/");
  if (segments[0] === "") segments = segments.slice(1);
  else if (segments.length === 1 || (segments.length === 2 && segments[1] === "")) {
    if (segments[0] !== "**") segments = ["**", ...segments];
  }
  if (segments.length > 1 && segments.at(-1) === "") segments[segments.length - 1] = "**";
  const last = segments.length - 1;
  let regex = "";
  let needSlash = false;
  segments.forEach((segment, index) => {
    if (segment === "**") {
      if (index === 0 && index === last) regex += ".+";
      else if (index === 0) regex += "(?:.+/)?";
      else if (index === last) regex += "/.*";
      else regex += "(?:/.+)?";
      needSlash = index !== 0;
      return;
    }
    regex += (needSlash ? "/" : "") + (segment === "*" ? "[^/]+" : segmentRegex(segment));
    if (index === last && segment !== "*") regex += "(?:/.*)?";
    needSlash = true;
  });
  return new RegExp(`^${regex}$`);
}

/** The rule that decides a path's owners: the last one that matches, as on GitHub. */
export function codeownersFor(rules: CodeownersRule[], file: string): CodeownersRule | undefined {
  const target = normalizeRepoPath(file);
  let match: CodeownersRule | undefined;
  for (const rule of rules) {
    if (codeownersRegex(rule.pattern).test(target)) match = rule;
  }
  return match;
}

/** A repository-relative path as GitHub sees it: forward slashes, no `./`, no leading slash. */
export function normalizeRepoPath(file: string): string {
  const parts: string[] = [];
  for (const part of file.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

/* ------------------------------------------------------------------ resolution */

export interface OwnerInputs {
  /** The `owner` field of the cluster's baseline entry. */
  baselineOwner: string | undefined;
  /** The cluster's Azure tags; undefined when the cluster could not be read. */
  tags: Record<string, string> | undefined;
  /** Name of the tag that names the owner (`owner-tag`). */
  ownerTag: string;
  /** The CODEOWNERS file found, if any. */
  codeowners: { file: string; rules: CodeownersRule[] } | undefined;
  /** The baseline file, relative to the repository root. */
  baselineFile: string;
  /** The `owner` input, already validated. */
  fallback: OwnerHandle[];
}

function tagValue(tags: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(tags).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : tags[key];
}

function fromCodeowners(inputs: OwnerInputs, skipped: string[]): SuggestedOwner | undefined {
  if (!inputs.codeowners) return undefined;
  const rule = codeownersFor(inputs.codeowners.rules, inputs.baselineFile);
  if (!rule) return undefined;
  const handles = rule.owners.filter((owner) => owner.startsWith("@")).map((owner) => parseHandle(owner));
  const valid = handles.filter((handle): handle is OwnerHandle => handle !== undefined);
  const where = `${inputs.codeowners.file} line ${rule.line} (${rule.pattern})`;
  if (valid.length === 0) {
    skipped.push(`${where} names no GitHub user or team for ${inputs.baselineFile}`);
    return undefined;
  }
  return {
    handles: dedupe(valid),
    source: "codeowners",
    detail: `${where}, the entry that covers ${inputs.baselineFile}`,
  };
}

/** The suggested owner of a cluster, and the sources skipped on the way. */
export function suggestOwner(inputs: OwnerInputs): OwnerSuggestion {
  const skipped: string[] = [];
  if (inputs.baselineOwner !== undefined) {
    const handles = parseHandles(inputs.baselineOwner);
    if (handles)
      return { owner: { handles, source: "baseline", detail: "the cluster's owner field in the baseline" }, skipped };
    skipped.push(`the baseline's owner '${inputs.baselineOwner}' is not a GitHub user or team`);
  }
  const tag = inputs.tags ? tagValue(inputs.tags, inputs.ownerTag) : undefined;
  if (tag !== undefined) {
    const handles = parseHandles(tag);
    if (handles) {
      return {
        owner: { handles, source: "azure-tag", detail: `the Azure tag '${inputs.ownerTag}' on the cluster` },
        skipped,
      };
    }
    skipped.push(`the Azure tag '${inputs.ownerTag}' holds '${tag}', which is not a GitHub user or team`);
  }
  const fromFile = fromCodeowners(inputs, skipped);
  if (fromFile) return { owner: fromFile, skipped };
  if (inputs.fallback.length > 0) {
    return { owner: { handles: inputs.fallback, source: "input", detail: "the owner input of the action" }, skipped };
  }
  return { owner: undefined, skipped };
}
