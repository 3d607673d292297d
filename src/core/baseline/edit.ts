/**
 * Writing the baseline file (mode: capture). An existing file is edited in
 * place as text: only the captured sections of one cluster entry change, so
 * every other byte (other clusters, comments, the hand-written `owner`,
 * `alsoRoutedHere`, `plannedMigration` and `suppress`) stays as it was.
 *
 * Route table modes: a table the file marks `managedRoutes: exact` stays
 * `exact`. With `exact` the managed (per-node) routes are pinned too, so the
 * caller must capture all routes of such a table: it learns the modes first
 * with `existingManagedRoutes(text, clusterId)` and builds the entry with them.
 */
import { isDeepStrictEqual } from "node:util";
import { isMap, isNode, isScalar, LineCounter, type Pair, type YAMLMap } from "yaml";
import { GateError } from "../errors.js";
import type { BaselineCluster, ManagedRoutesMode } from "../model.js";
import { parseBaseline, readDocument } from "./parse.js";
import { CLUSTER_SPEC, renderYaml, toFileEntry, type PlainMap } from "./render.js";
import { BASELINE_SCHEMA_URL, DEFAULT_BASELINE_FILE } from "./spec.js";

/** Keys of an entry that people write; an existing value is never replaced. */
const HAND_WRITTEN = new Set(["owner", "alsoRoutedHere", "plannedMigration", "suppress"]);

export const BASELINE_HEADER = "# AKS Network Gate baseline. Reviewed in pull requests; refresh with mode: capture.";

export interface UpsertOptions {
  /** The JSON Schema reference written in the header of a new file. */
  schemaUrl?: string;
}

/** The `managedRoutes` mode of each route table of a cluster in the file, keyed by lowercase table ID. */
export function existingManagedRoutes(
  existingText: string | null,
  clusterId: string,
  file: string = DEFAULT_BASELINE_FILE,
): Map<string, ManagedRoutesMode> {
  const modes = new Map<string, ManagedRoutesMode>();
  if (existingText === null) return modes;
  const cluster = findCluster(parseBaseline(existingText, file).baseline.clusters, clusterId);
  for (const table of cluster?.routeTables ?? []) {
    modes.set(table.id.toLowerCase(), table.managedRoutes);
  }
  return modes;
}

/**
 * The file text with `entry` added, or replacing the entry with the same
 * cluster ID (ignoring case; the file's spelling of the ID is kept). Throws the
 * parser's GateError when the existing text is not a valid baseline.
 */
export function upsertCluster(
  existingText: string | null,
  file: string,
  entry: BaselineCluster,
  options: UpsertOptions = {},
): string {
  if (existingText === null) {
    const text = newFileText(entry, options.schemaUrl ?? BASELINE_SCHEMA_URL);
    return verified(text, file, entry);
  }
  const existing = findCluster(parseBaseline(existingText, file).baseline.clusters, entry.id);
  const merged = existing === undefined ? entry : mergeEntry(existing, entry);
  return verified(editText(existingText, file, merged), file, merged);
}

function findCluster(clusters: readonly BaselineCluster[], id: string): BaselineCluster | undefined {
  return clusters.find((cluster) => cluster.id.toLowerCase() === id.toLowerCase());
}

function newFileText(entry: BaselineCluster, schemaUrl: string): string {
  const header = `${BASELINE_HEADER}\n# yaml-language-server: $schema=${schemaUrl}\n`;
  return header + renderYaml({ version: 1, clusters: { [entry.id]: toFileEntry(entry) } }, "");
}

/**
 * The captured sections of `captured` with the file's ID spelling, its
 * hand-written `owner` (unless it has none), `alsoRoutedHere`,
 * `plannedMigration` and `suppress`, and its `exact` modes.
 */
function mergeEntry(existing: BaselineCluster, captured: BaselineCluster): BaselineCluster {
  const exact = new Set(
    (existing.routeTables ?? []).filter((t) => t.managedRoutes === "exact").map((t) => t.id.toLowerCase()),
  );
  const routeTables = captured.routeTables?.map((table) =>
    exact.has(table.id.toLowerCase()) ? { ...table, managedRoutes: "exact" as const } : table,
  );
  const owner = existing.owner ?? captured.owner;
  return {
    ...captured,
    id: existing.id,
    ...(owner === undefined ? {} : { owner }),
    ...(routeTables === undefined ? {} : { routeTables }),
    ...keptHandWritten(existing),
    suppressions: existing.suppressions,
  };
}

function keptHandWritten(existing: BaselineCluster): Pick<BaselineCluster, "alsoRoutedHere" | "plannedMigration"> {
  const { alsoRoutedHere, plannedMigration } = existing;
  return {
    ...(alsoRoutedHere === undefined ? {} : { alsoRoutedHere }),
    ...(plannedMigration === undefined ? {} : { plannedMigration }),
  };
}

/** Checks that the text parses and holds exactly `entry`; the file is never written otherwise. */
function verified(text: string, file: string, entry: BaselineCluster): string {
  let written: BaselineCluster | undefined;
  try {
    written = findCluster(parseBaseline(text, file).baseline.clusters, entry.id);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GateError(`Updating ${file} would make it invalid, so it was left as it was: ${reason}`);
  }
  if (written?.id !== entry.id || !isDeepStrictEqual(toFileEntry(written), toFileEntry(entry))) {
    throw new GateError(`Updating ${file} did not reproduce the entry of ${entry.id}, so it was left as it was.`);
  }
  return text;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function editText(text: string, file: string, entry: BaselineCluster): string {
  const doc = readDocument(text, file, new LineCounter());
  const clusters = doc.get("clusters", true);
  if (!isMap(clusters) || clusters.flow) throw unsupportedLayout(file, "clusters");
  const pair = clusters.items.find((item) => keyText(item)?.toLowerCase() === entry.id.toLowerCase());
  const edits = pair === undefined ? [appendEntry(text, file, clusters, entry)] : entryEdits(text, file, pair, entry);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return applyEdits(
    text,
    edits.map((edit) => ({ ...edit, text: edit.text.replaceAll("\n", eol) })),
  );
}

function entryEdits(text: string, file: string, pair: Pair, entry: BaselineCluster): Edit[] {
  if (!isMap(pair.value) || pair.value.flow) throw unsupportedLayout(file, `the entry of ${entry.id}`);
  return sectionEdits(text, pair.value, toFileEntry(entry));
}

function unsupportedLayout(file: string, what: string): GateError {
  return new GateError(
    `${file}: ${what} is not written as a block map, so the gate cannot update it in place.`,
    "Write it in block style (one key per line) or remove the entry and capture again.",
  );
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && typeof pair.key.value === "string" ? pair.key.value : undefined;
}

function appendEntry(text: string, file: string, clusters: YAMLMap, entry: BaselineCluster): Edit {
  const last = clusters.items.at(-1);
  const lastKey = last && (isScalar(last.key) ? last.key : undefined);
  if (last === undefined || lastKey?.range === undefined || lastKey.range === null) {
    throw unsupportedLayout(file, "clusters");
  }
  const at = endOf(text, last);
  const rendered = renderYaml({ [entry.id]: toFileEntry(entry) }, indentAt(text, lastKey.range[0]));
  return { start: at, end: at, text: (text.slice(0, at).endsWith("\n") ? "" : "\n") + rendered };
}

/** The edits that make an existing entry hold `body`'s captured sections (and hand-written ones it lacks). */
function sectionEdits(text: string, entryMap: YAMLMap, body: PlainMap): Edit[] {
  const present = new Map(
    entryMap.items.flatMap((pair) => (keyText(pair) === undefined ? [] : [[keyText(pair), pair]])),
  );
  const firstKey = entryMap.items[0]?.key;
  const entryStart = isScalar(firstKey) && firstKey.range ? firstKey.range[0] : 0;
  const indent = indentAt(text, entryStart);
  const edits: Edit[] = [];
  let anchor = lineStart(text, entryStart);
  for (const key of Object.keys(CLUSTER_SPEC.fields)) {
    const pair = present.get(key);
    const value = body[key];
    if (pair !== undefined && HAND_WRITTEN.has(key)) {
      anchor = endOf(text, pair);
    } else if (pair !== undefined) {
      const start = lineStart(text, startOf(pair));
      edits.push({
        start,
        end: endOf(text, pair),
        text: value === undefined ? "" : renderYaml({ [key]: value }, indent),
      });
      anchor = endOf(text, pair);
    } else if (value !== undefined) {
      const newline = text.slice(0, anchor).endsWith("\n") || anchor === 0 ? "" : "\n";
      edits.push({ start: anchor, end: anchor, text: newline + renderYaml({ [key]: value }, indent) });
    }
  }
  return edits;
}

function startOf(pair: Pair): number {
  return isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0;
}

/** The offset just past a pair's value, its trailing comment and its line end. */
function endOf(text: string, pair: Pair): number {
  const range = isNode(pair.value) ? pair.value.range : isScalar(pair.key) ? pair.key.range : undefined;
  const end = range ? range[2] : text.length;
  const newline = text.indexOf("\n", Math.max(end - 1, 0));
  return text[end - 1] === "\n" || newline === -1 ? end : newline + 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  return " ".repeat(offset - lineStart(text, offset));
}

/** Applies edits from the end of the text backwards; edits at one offset keep their order. */
function applyEdits(text: string, edits: readonly Edit[]): string {
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => b.edit.start - a.edit.start || b.index - a.index);
  return order.reduce((result, { edit }) => result.slice(0, edit.start) + edit.text + result.slice(edit.end), text);
}
