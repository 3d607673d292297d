/**
 * Writing the baseline file (mode: capture). An existing file is edited in
 * place as text: only the captured sections of the captured cluster entries
 * change (all of them in one pass, for a fleet), so every other byte (other
 * clusters, comments, `exclude`, the hand-written `owner`, `alsoRoutedHere`,
 * `plannedMigration` and `suppress`) stays as it was. Entries can be removed
 * the same way. Every result is parsed again and compared with what was meant
 * before it is returned; a file is never written otherwise.
 *
 * Route table modes: a table the file marks `managedRoutes: exact` stays
 * `exact`. With `exact` the managed (per-node) routes are pinned too, so the
 * caller must capture all routes of such a table: it learns the modes first
 * (`managedRoutesByCluster(text)` for a fleet, one parse; or
 * `existingManagedRoutes(text, clusterId)`) and builds the entries with them.
 */
import { isDeepStrictEqual } from "node:util";
import { isMap, isNode, isScalar, LineCounter, type Document, type Pair, type YAMLMap } from "yaml";
import { idKey } from "../arm-ids.js";
import { GateError } from "../errors.js";
import type { Baseline, BaselineCluster, ManagedRoutesMode } from "../model.js";
import { parseBaseline, readDocument, type ParsedBaseline } from "./parse.js";
import { CLUSTER_SPEC, renderYaml, toFileBaseline, toFileEntry, type PlainMap } from "./render.js";
import { BASELINE_SCHEMA_URL, DEFAULT_BASELINE_FILE } from "./spec.js";

/** The hint of a write that its own check refused: the file is unchanged, and the edit was the gate's. */
const WRITER_DEFECT =
  "The file is unchanged. Unless the problem is a value Azure holds, this is a defect of the gate's baseline writer: report it with the file.";

/** The hint of one entry's write that its check refused: that entry's lines are unchanged (others may be written). */
const ENTRY_WRITER_DEFECT =
  "Its lines are unchanged. Unless the problem is a value Azure holds, this is a defect of the gate's baseline writer: report it with the file.";

/** Keys of an entry that people write; an existing value is never replaced. */
const HAND_WRITTEN = new Set(["owner", "alsoRoutedHere", "plannedMigration", "suppress"]);

export const BASELINE_HEADER = "# AKS Network Gate baseline. Reviewed in pull requests; refresh with mode: capture.";

/** A write's refusal of one entry: the file problem is that entry's, and the others can still be written. */
export class EntryRefused extends GateError {
  constructor(
    readonly clusterId: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
    this.name = "EntryRefused";
  }
}

/** A fleet's write: the file text with the entries it could write, and each one it refused with why. */
export interface EachUpsert {
  text: string | null;
  written: BaselineCluster[];
  refused: EntryRefused[];
}

export interface UpsertOptions {
  /** The JSON Schema reference written in the header of a new file. */
  schemaUrl?: string;
}

/** Route table modes of every cluster in the file: lowercase cluster ID → lowercase table ID → mode. */
export type ManagedRoutesByCluster = ReadonlyMap<string, ReadonlyMap<string, ManagedRoutesMode>>;

/** The `managedRoutes` mode of each route table of each cluster in the file, from one parse of it. */
export function managedRoutesByCluster(
  existingText: string | null,
  file: string = DEFAULT_BASELINE_FILE,
): ManagedRoutesByCluster {
  const clusters = existingText === null ? [] : parseBaseline(existingText, file).baseline.clusters;
  return new Map(
    clusters.map((cluster) => [
      idKey(cluster.id),
      new Map((cluster.routeTables ?? []).map((table) => [idKey(table.id), table.managedRoutes])),
    ]),
  );
}

/** The `managedRoutes` mode of each route table of one cluster in the file, keyed by lowercase table ID. */
export function existingManagedRoutes(
  existingText: string | null,
  clusterId: string,
  file: string = DEFAULT_BASELINE_FILE,
): Map<string, ManagedRoutesMode> {
  return new Map(managedRoutesByCluster(existingText, file).get(idKey(clusterId)));
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
  return upsertClusters(existingText, file, [entry], options);
}

/**
 * The file text with every entry written in one pass: an entry whose cluster
 * ID (ignoring case) is in the file replaces that entry's captured sections in
 * place; the others are appended after the last entry, sorted by ID, so the
 * same capture always makes the same file. Throws a GateError when the
 * existing text is not a valid baseline, when two entries have one ID, or when
 * an entry's cluster is excluded in the file.
 */
export function upsertClusters(
  existingText: string | null,
  file: string,
  entries: readonly BaselineCluster[],
  options: UpsertOptions = {},
): string {
  refuseRepeatedIds(file, entries);
  if (existingText === null) {
    if (entries.length === 0) throw new GateError(`No cluster entry to write, so ${file} was not created.`);
    const baseline: Baseline = { version: 1, clusters: sortedById(entries), exclusions: [] };
    return verified(newFileText(baseline, options.schemaUrl ?? BASELINE_SCHEMA_URL), file, baseline);
  }
  const parsed = parseBaseline(existingText, file);
  refuseExcluded(file, parsed, entries);
  const byId = new Map(parsed.baseline.clusters.map((cluster) => [idKey(cluster.id), cluster]));
  const merged = entries.map((entry) => {
    const existing = byId.get(idKey(entry.id));
    return existing === undefined ? entry : mergeEntry(existing, entry);
  });
  const text = editText(existingText, file, merged, byId);
  return verified(text, file, expectedAfterUpsert(parsed.baseline, merged));
}

/**
 * upsertClusters for a fleet: an entry the writer refuses (its cluster is
 * excluded, its existing entry is not a block map, or its edit does not read
 * back as meant) is left out and returned with why, and the others are
 * written, so one odd entry does not hold back a fleet's bootstrap. The text
 * is null when there is no file and no entry left to write it with. Throws
 * what upsertClusters throws for the file as a whole.
 */
export function upsertEach(
  existingText: string | null,
  file: string,
  entries: readonly BaselineCluster[],
  options: UpsertOptions = {},
): EachUpsert {
  const refused: EntryRefused[] = [];
  let pending = [...entries];
  for (;;) {
    if (existingText === null && pending.length === 0) return { text: null, written: [], refused };
    try {
      return { text: upsertClusters(existingText, file, pending, options), written: pending, refused };
    } catch (error) {
      const id = error instanceof EntryRefused ? idKey(error.clusterId) : undefined;
      if (!(error instanceof EntryRefused) || !pending.some((entry) => idKey(entry.id) === id)) throw error;
      refused.push(error);
      pending = pending.filter((entry) => idKey(entry.id) !== id);
    }
  }
}

/** The baseline an upsert means: existing entries in place (replaced where merged), new ones after, sorted. */
function expectedAfterUpsert(before: Baseline, merged: readonly BaselineCluster[]): Baseline {
  const byId = new Map(merged.map((entry) => [idKey(entry.id), entry]));
  const clusters = before.clusters.map((cluster) => byId.get(idKey(cluster.id)) ?? cluster);
  const known = new Set(before.clusters.map((cluster) => idKey(cluster.id)));
  const added = sortedById(merged.filter((entry) => !known.has(idKey(entry.id))));
  return { ...before, clusters: [...clusters, ...added] };
}

/** Entries ordered by ID ignoring case (then by spelling), independent of the order they were captured in. */
function sortedById(entries: readonly BaselineCluster[]): BaselineCluster[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...entries].sort((a, b) => compare(idKey(a.id), idKey(b.id)) || compare(a.id, b.id));
}

function refuseRepeatedIds(file: string, entries: readonly BaselineCluster[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(idKey(entry.id))) {
      throw new GateError(
        `Two captured entries are for ${entry.id} (IDs compare ignoring case), so ${file} was left as it was. This is a defect of the gate.`,
      );
    }
    seen.add(idKey(entry.id));
  }
}

function refuseExcluded(file: string, parsed: ParsedBaseline, entries: readonly BaselineCluster[]): void {
  const excluded = new Map(parsed.baseline.exclusions.map((exclusion) => [idKey(exclusion.id), exclusion]));
  for (const entry of entries) {
    const exclusion = excluded.get(idKey(entry.id));
    if (exclusion === undefined) continue;
    const line = parsed.locateExclusion(entry.id)?.line ?? 1;
    throw new EntryRefused(
      entry.id,
      `${file}:${line}: ${entry.id} is excluded (${exclusion.reason}), so its entry was not written and the file was left as it was.`,
      "To gate the cluster, remove it from exclude; otherwise leave it out of the capture.",
    );
  }
}

function newFileText(baseline: Baseline, schemaUrl: string): string {
  const header = `${BASELINE_HEADER}\n# yaml-language-server: $schema=${schemaUrl}\n`;
  return header + renderYaml(toFileBaseline(baseline), "");
}

/**
 * The file text without the entries of `ids` (compared ignoring case). An entry
 * goes with its lines, the comments inside and below it that are indented
 * deeper than its key, and the comment lines directly above its key at the
 * key's indentation (no blank line between: they are about it); every other
 * byte stays, and of the blank lines around a removed entry one is kept. An ID
 * the file does not list is ignored. Removing the last entry leaves
 * `clusters: {}` when the file excludes a cluster. Throws a GateError when the
 * text is not a valid baseline or when it would be left with neither an entry
 * nor an exclusion.
 */
export function removeClusters(existingText: string, file: string, ids: readonly string[]): string {
  const before = parseBaseline(existingText, file).baseline;
  const removed = new Set(ids.map(idKey));
  const kept = before.clusters.filter((cluster) => !removed.has(idKey(cluster.id)));
  if (kept.length === before.clusters.length) return existingText;
  if (kept.length === 0 && before.exclusions.length === 0) {
    throw new GateError(
      `Removing every cluster entry would leave ${file} with no cluster and no exclusion, so it was left as it was.`,
      "A baseline lists at least one cluster or one exclusion: delete the file instead when the gate should check none.",
    );
  }
  const document = readDocument(existingText, file, new LineCounter());
  const pairs = clustersMap(existingText, file).items.filter((pair) => removed.has(idKey(keyText(pair) ?? "")));
  const regions = mergedRegions(
    existingText,
    pairs.map((pair) => entryRegion(existingText, pair)),
  );
  const edits = regions.map((region) => ({ ...withBlankLines(existingText, region), text: "" }));
  if (kept.length === 0) edits.push(emptyClusters(existingText, file, document));
  return verified(applyEdits(existingText, edits), file, { ...before, clusters: kept });
}

/** The edit that writes `{}` after the `clusters:` key, for a file left with exclusions only. */
function emptyClusters(text: string, file: string, document: Document): Edit {
  const pair = isMap(document.contents)
    ? document.contents.items.find((item) => keyText(item) === "clusters")
    : undefined;
  const key = pair !== undefined && isScalar(pair.key) ? pair.key.range : undefined;
  const colon = key ? text.indexOf(":", key[1]) : -1;
  if (colon === -1) throw unsupportedLayout(file, "clusters");
  return { start: colon + 1, end: colon + 1, text: " {}" };
}

interface Region {
  start: number;
  end: number;
}

function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
}

function depthOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith("#");
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

/** The lines of one cluster entry: see removeClusters. */
function entryRegion(text: string, pair: Pair): Region {
  const keyStart = startOf(pair);
  const indent = keyStart - lineStart(text, keyStart);
  let start = lineStart(text, keyStart);
  while (start > 0) {
    const above = lineStart(text, start - 1);
    const line = text.slice(above, start);
    if (!isComment(line) || depthOf(line) !== indent) break;
    start = above;
  }
  const range = isNode(pair.value) ? pair.value.range : undefined;
  let valueEnd = range ? range[1] : nextLineStart(text, keyStart);
  while (valueEnd > keyStart && /\s/u.test(text.charAt(valueEnd - 1))) valueEnd -= 1;
  let end = nextLineStart(text, valueEnd);
  for (let next = end; next < text.length; next = nextLineStart(text, next)) {
    const line = text.slice(next, nextLineStart(text, next));
    if (isBlank(line)) continue;
    if (!isComment(line) || depthOf(line) <= indent) break;
    end = nextLineStart(text, next);
  }
  return { start, end };
}

/** Regions in text order, those with only blank lines between them made one. */
function mergedRegions(text: string, regions: readonly Region[]): Region[] {
  const merged: Region[] = [];
  for (const region of [...regions].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last !== undefined && isBlank(text.slice(last.end, region.start))) last.end = Math.max(last.end, region.end);
    else merged.push({ ...region });
  }
  return merged;
}

/** A region with the blank lines after it (when blank lines are before it too) or before it (at the end of the text). */
function withBlankLines(text: string, region: Region): Region {
  let before = region.start;
  while (before > 0 && isBlank(text.slice(lineStart(text, before - 1), before))) before = lineStart(text, before - 1);
  let after = region.end;
  while (after < text.length && isBlank(text.slice(after, nextLineStart(text, after))))
    after = nextLineStart(text, after);
  if (after === text.length) return { start: before, end: after };
  return before < region.start ? { start: region.start, end: after } : region;
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

/**
 * Checks that the text parses and holds exactly `expected`: the same entries in
 * the same order with the same IDs, and the same exclusions. A file is never
 * written otherwise.
 */
function verified(text: string, file: string, expected: Baseline): string {
  let written: Baseline;
  try {
    written = parseBaseline(text, file).baseline;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GateError(`Updating ${file} would make it invalid, so it was left as it was: ${reason}`, WRITER_DEFECT);
  }
  const differing = expected.clusters.find((entry, index) => {
    const actual = written.clusters[index];
    return actual?.id !== entry.id || !isDeepStrictEqual(toFileEntry(actual), toFileEntry(entry));
  });
  if (differing !== undefined) {
    throw new EntryRefused(
      differing.id,
      `Updating ${file} did not reproduce the entry of ${differing.id}, so it was left as it was.`,
      ENTRY_WRITER_DEFECT,
    );
  }
  if (
    written.clusters.length !== expected.clusters.length ||
    !isDeepStrictEqual(written.exclusions, expected.exclusions)
  ) {
    throw new GateError(
      `Updating ${file} changed more than the entries it was meant to, so it was left as it was.`,
      WRITER_DEFECT,
    );
  }
  return text;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The map of `clusters` in the document of the text: a block map, or `{}` (a file with exclusions only). */
function clustersMap(text: string, file: string): YAMLMap {
  const clusters = readDocument(text, file, new LineCounter()).get("clusters", true);
  if (!isMap(clusters) || (clusters.flow && clusters.items.length > 0)) throw unsupportedLayout(file, "clusters");
  return clusters;
}

/** The text with `entries` written; `existing` has the file's entries by lowercase ID. */
function editText(
  text: string,
  file: string,
  entries: readonly BaselineCluster[],
  existing: ReadonlyMap<string, BaselineCluster>,
): string {
  const clusters = clustersMap(text, file);
  const pairs = new Map(clusters.items.map((pair) => [keyText(pair)?.toLowerCase(), pair]));
  const edits: Edit[] = [];
  const added: BaselineCluster[] = [];
  for (const entry of entries) {
    const pair = pairs.get(idKey(entry.id));
    if (pair === undefined) added.push(entry);
    else edits.push(...entryEdits(text, file, pair, entry, existing.get(idKey(entry.id))));
  }
  if (added.length > 0) edits.push(...appendEntries(text, file, clusters, sortedById(added)));
  return applyEdits(text, edits);
}

function entryEdits(text: string, file: string, pair: Pair, entry: BaselineCluster, was?: BaselineCluster): Edit[] {
  if (!isMap(pair.value) || pair.value.flow) {
    const { message, hint } = unsupportedLayout(file, `the entry of ${entry.id}`);
    throw new EntryRefused(entry.id, message, hint);
  }
  return sectionEdits(text, pair.value, toFileEntry(entry), was === undefined ? {} : toFileEntry(was));
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

function appendEntries(text: string, file: string, clusters: YAMLMap, entries: readonly BaselineCluster[]): Edit[] {
  if (clusters.flow) return replaceEmpty(text, file, clusters, entries);
  const last = clusters.items.at(-1);
  const lastKey = last && (isScalar(last.key) ? last.key : undefined);
  if (last === undefined || lastKey?.range === undefined || lastKey.range === null) {
    throw unsupportedLayout(file, "clusters");
  }
  const at = entryRegion(text, last).end;
  const body = Object.fromEntries(entries.map((entry) => [entry.id, toFileEntry(entry)]));
  const rendered = renderYaml(body, indentAt(text, lastKey.range[0]));
  return [{ start: at, end: at, text: (text.slice(0, at).endsWith("\n") ? "" : "\n") + rendered }];
}

/**
 * `clusters: {}` made a block map of `entries`: the `{}` goes (a comment after
 * it stays on the key's line) and the entries follow that line, indented two
 * spaces deeper than the key.
 */
function replaceEmpty(text: string, file: string, clusters: YAMLMap, entries: readonly BaselineCluster[]): Edit[] {
  const range = clusters.range;
  if (range === undefined || range === null) throw unsupportedLayout(file, "clusters");
  let start = range[0];
  while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start -= 1;
  const at = nextLineStart(text, range[1]);
  const body = Object.fromEntries(entries.map((entry) => [entry.id, toFileEntry(entry)]));
  const keyLine = text.slice(lineStart(text, range[0]), range[0]);
  const rendered = renderYaml(body, `${keyLine.slice(0, depthOf(keyLine))}  `);
  return [
    { start, end: range[1], text: "" },
    { start: at, end: at, text: (text.slice(0, at).endsWith("\n") ? "" : "\n") + rendered },
  ];
}

/**
 * The edits that make an existing entry hold `body`'s captured sections (and
 * hand-written ones it lacks). A section whose value is what the file already
 * holds (`was`) stays as written, with its comments.
 */
function sectionEdits(text: string, entryMap: YAMLMap, body: PlainMap, was: PlainMap): Edit[] {
  return mapEdits(text, entryMap, Object.keys(CLUSTER_SPEC.fields), body, was, (key) => HAND_WRITTEN.has(key));
}

function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The edits that make a block map hold `body` at `keys`: a key whose value is
 * unchanged (or `kept`) stays as written; a changed block map is edited key by
 * key the same way, so the comments among its unchanged keys stay; any other
 * changed value is written anew in its pair's place; a missing key is added
 * after the one before it. Comment lines after a pair's value are not the
 * pair's: they stay where they are.
 */
function mapEdits(
  text: string,
  map: YAMLMap,
  keys: readonly string[],
  body: PlainMap,
  was: PlainMap,
  kept: (key: string) => boolean,
): Edit[] {
  const present = new Map(map.items.flatMap((pair) => (keyText(pair) === undefined ? [] : [[keyText(pair), pair]])));
  const firstKey = map.items[0]?.key;
  const mapStart = isScalar(firstKey) && firstKey.range ? firstKey.range[0] : 0;
  const indent = indentAt(text, mapStart);
  const edits: Edit[] = [];
  let anchor = lineStart(text, mapStart);
  for (const key of keys) {
    const pair = present.get(key);
    const value = body[key];
    const before = was[key];
    if (pair !== undefined && (kept(key) || isDeepStrictEqual(before, value))) {
      anchor = endOf(text, pair);
    } else if (pair !== undefined) {
      if (
        isPlainMap(value) &&
        isPlainMap(before) &&
        isMap(pair.value) &&
        !pair.value.flow &&
        pair.value.items.length > 0
      ) {
        const inner = [...Object.keys(value), ...Object.keys(before).filter((name) => !(name in value))];
        edits.push(...mapEdits(text, pair.value, inner, value, before, () => false));
      } else {
        edits.push({
          start: lineStart(text, startOf(pair)),
          end: endOf(text, pair),
          text: value === undefined ? "" : renderYaml({ [key]: value }, indent),
        });
      }
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

/**
 * The offset just past a pair's value, the comment on its last line and that
 * line's end. Comment lines below the value are not included: the parser
 * counts them in the node's own end (range[2]), up to the next key or the end
 * of the file, and they are the file's to keep.
 */
function endOf(text: string, pair: Pair): number {
  const range = isNode(pair.value) ? pair.value.range : isScalar(pair.key) ? pair.key.range : undefined;
  const end = range ? range[1] : text.length;
  const newline = text.indexOf("\n", Math.max(end - 1, 0));
  return text[end - 1] === "\n" || newline === -1 ? end : newline + 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  return " ".repeat(offset - lineStart(text, offset));
}

/**
 * Applies edits that do not overlap in one pass over the text (a fleet's
 * capture makes thousands), in the text's line ends; edits at one offset keep
 * their order.
 */
function applyEdits(text: string, edits: readonly Edit[]): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => a.edit.start - b.edit.start || a.index - b.index);
  const pieces: string[] = [];
  let cursor = 0;
  for (const { edit } of order) {
    pieces.push(text.slice(cursor, edit.start), edit.text.replaceAll("\n", eol));
    cursor = Math.max(cursor, edit.end);
  }
  pieces.push(text.slice(cursor));
  return pieces.join("");
}
