/**
 * The quick read of a baseline file, for the files of big fleets. The `yaml`
 * document that keeps every node's position (parse.ts) costs about 0.9 s and
 * 200 MB of memory for a 2 MB file of 1,000 clusters; js-yaml makes its plain
 * value in about 0.1 s and 15 MB. Positions are only needed for line numbers:
 * of problems (a file with any problem is read again in full, which names
 * them) and of findings (annotations and the SARIF log), which the quick read
 * finds by reading only the lines of the one entry they are about.
 *
 * Both read YAML 1.2 with its core schema (js-yaml 5's default; the test
 * holds the two to the same value for every scalar form of that schema).
 * What the quick read is not sure to read as the full read does goes to the
 * full read: anchors, aliases, tags, merge keys and directives (the full read
 * counts and bounds aliases and names what it refuses).
 */
import { CORE_SCHEMA, load } from "js-yaml";
import type { Plain } from "./spec.js";

/** Text the quick read leaves to the full read; a false alarm (an `&` in a reason) only costs time. */
const UNSURE = /[&*!]|<<|^%/mu;

/** Maps with no prototype, as the full read makes them, so that a key such as `__proto__` is only a key. */
function plainCopy(value: unknown, depth: number): Plain | undefined {
  if (depth > 32) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") {
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => plainCopy(item, depth + 1));
    return items.includes(undefined) ? undefined : (items as Plain[]);
  }
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const map = Object.create(null) as { [key: string]: Plain };
  for (const [key, item] of Object.entries(value)) {
    const copy = plainCopy(item, depth + 1);
    if (copy === undefined) return undefined;
    map[key] = copy;
  }
  return map;
}

/** The file's plain value, or undefined when the full read must decide. */
export function quickValue(text: string): Plain | undefined {
  if (UNSURE.test(text)) return undefined;
  try {
    return plainCopy(load(text, { schema: CORE_SCHEMA }), 0);
  } catch {
    return undefined;
  }
}

/** Where an entry of `clusters` lies in the file: its key's line and the line after its last (1-based). */
export interface EntryLines {
  start: number;
  end: number;
}

const CLUSTERS_KEY = /^clusters:[ \t]*(#.*)?$/u;
const ENTRY_KEY = /^ {2}(\/[^\s:'"#]+):[ \t]*(#.*)?$/u;
const TOP_LEVEL = /^\S/u;
const BLANK_OR_COMMENT = /^\s*(#.*)?$/u;

/** The lines of each cluster entry, by lower-case ID; undefined when a line is not as the gate writes it. */
function scanEntries(lines: readonly string[]): Map<string, EntryLines> | undefined {
  const entries = new Map<string, EntryLines>();
  let inClusters = false;
  let current: { key: string; start: number } | undefined;
  const close = (end: number) => {
    if (current !== undefined) entries.set(current.key, { start: current.start, end });
    current = undefined;
  };
  for (const [index, line] of lines.entries()) {
    if (CLUSTERS_KEY.test(line)) {
      inClusters = true;
    } else if (inClusters && !BLANK_OR_COMMENT.test(line)) {
      if (TOP_LEVEL.test(line)) {
        close(index + 1);
        inClusters = false;
        continue;
      }
      const key = ENTRY_KEY.exec(line)?.[1];
      if (key !== undefined) {
        close(index + 1);
        current = { key: key.toLowerCase(), start: index + 1 };
      } else if (current === undefined || !line.startsWith("   ")) {
        return undefined;
      }
    }
  }
  close(lines.length + 1);
  return entries;
}

/**
 * The cluster entries of a file written as the gate writes it (`clusters:` at
 * the margin, each ID two spaces in, unquoted), each readable as a small file
 * of its own. Made only when the scan finds exactly the clusters the value
 * holds; otherwise the full read locates.
 */
export class EntryIndex {
  private constructor(
    private readonly lines: readonly string[],
    private readonly entries: ReadonlyMap<string, EntryLines>,
  ) {}

  static of(text: string, clusterIds: readonly string[]): EntryIndex | undefined {
    const lines = text.split(/\r?\n/u);
    const entries = scanEntries(lines);
    const same =
      entries !== undefined &&
      entries.size === clusterIds.length &&
      clusterIds.every((id) => entries.has(id.toLowerCase()));
    return same ? new EntryIndex(lines, entries) : undefined;
  }

  /** Whether the file holds the cluster; every cluster of the file is indexed. */
  has(clusterId: string): boolean {
    return this.entries.has(clusterId.toLowerCase());
  }

  /** The entry's lines, as a small file (`clusters:` and those lines), and the file's line of its first line. */
  entry(clusterId: string): { lines: readonly string[]; text: string; firstLine: number } | undefined {
    const at = this.entries.get(clusterId.toLowerCase());
    if (at === undefined) return undefined;
    const lines = this.lines.slice(at.start - 1, at.end - 1);
    return { lines, text: ["clusters:", ...lines].join("\n"), firstLine: at.start };
  }
}
