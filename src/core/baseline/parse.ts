/**
 * Reading the baseline file: YAML text → validated Baseline, with every problem
 * named by file, line and field path, and a `locate` for annotations.
 */
import { LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import { GateError } from "../errors.js";
import type {
  Baseline,
  BaselineCluster,
  BaselineNodePool,
  BaselineRouteTable,
  BaselineSubnet,
  Exclusion,
  ManagedRoutesMode,
  NetworkProfile,
  PlannedMigration,
  Route,
  SourceLocation,
  Suppression,
  VirtualNetwork,
} from "../model.js";
import { childOf, findPair, MAX_ALIASES, type PathSegment, type Problem, type Source } from "./document.js";
import type { Plain } from "./spec.js";
import { distinctProblems, isValidPlain, schemaValidator, validateDocument } from "./validate.js";
import { entryLine } from "./entry-lines.js";
import { EntryIndex, quickValue } from "./quick.js";

export type { PathSegment } from "./document.js";

export interface ParsedBaseline {
  baseline: Baseline;
  /** The line of a field of a cluster entry (model path), or of its nearest existing parent. */
  locate(clusterId: string, path: readonly PathSegment[]): SourceLocation | undefined;
  /** The line of a cluster's item in `exclude` (its ID compared ignoring case). */
  locateExclusion(clusterId: string): SourceLocation | undefined;
  /** The line of the `clusters` key. */
  locateClusters(): SourceLocation | undefined;
}

export interface BaselineProblem extends Problem {
  file: string;
}

/** The baseline file is invalid; `problems` has each one with its line, for annotations. */
export class BaselineError extends GateError {
  readonly problems: readonly BaselineProblem[];

  constructor(file: string, problems: readonly Problem[]) {
    super(
      describeProblems(file, problems),
      "Fix the baseline file, or write the cluster's entry again with mode: capture.",
    );
    this.name = "BaselineError";
    this.problems = problems.map((problem) => ({ file, ...problem }));
  }
}

/** At most this many problems are listed in the message. */
export const MAX_LISTED_PROBLEMS = 20;

export const YAML_OPTIONS = {
  uniqueKeys: true,
  prettyErrors: true,
  strict: true,
  maxAliasCount: MAX_ALIASES,
} as const;

export function formatProblem(file: string, problem: Problem): string {
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${file}:${problem.line}: ${path}${problem.message}`;
}

function describeProblems(file: string, problems: readonly Problem[]): string {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => formatProblem(file, problem));
  if (listed.length === 1 && listed[0] !== undefined) return listed[0];
  const more = problems.length > listed.length ? [`… and ${problems.length - listed.length} more`] : [];
  return [`The baseline ${file} has ${problems.length} problems:`, ...listed.map((line) => `  ${line}`), ...more].join(
    "\n",
  );
}

/**
 * Parses and validates baseline text. Throws a BaselineError (a GateError)
 * listing every problem; never anything else, whatever the input.
 */
export function parseBaseline(text: string, file: string): ParsedBaseline {
  const baseline = quickBaseline(text);
  return baseline === undefined ? parseBaselineInFull(text, file) : parsedFrom(baseline, text, file);
}

/**
 * The costly part of parseBaseline, which needs nothing but the text: the
 * baseline of a valid file read quickly (quick.ts), or undefined for a file
 * that parseBaselineInFull must read for its problems and their lines. What
 * it returns is plain data, which a worker thread can send (baseline-thread.ts).
 */
export function quickBaseline(text: string): Baseline | undefined {
  return validBaseline(quickValue(text));
}

function validBaseline(value: Plain | undefined): Baseline | undefined {
  return value === undefined || !isValidPlain(value) ? undefined : toBaseline(value);
}

/**
 * parseBaseline in three steps with a pause between them (the schema's
 * compilation, the YAML, the checks), so that a run's requests, started
 * before, go on while a big file is read: each takes up to ~150 ms for a
 * file of 1,000 clusters.
 */
export async function parseBaselineInSteps(
  text: string,
  file: string,
  pause: () => Promise<void>,
): Promise<ParsedBaseline> {
  schemaValidator();
  await pause();
  const value = quickValue(text);
  await pause();
  const baseline = validBaseline(value);
  return baseline === undefined ? parseBaselineInFull(text, file) : parsedFrom(baseline, text, file);
}

/** How many entries' documents a quick read keeps for locating. */
const ENTRY_DOCUMENTS_KEPT = 16;

/**
 * A valid file's baseline, read quickly (quick.ts) without a YAML document;
 * lines found in the one entry they are about (by indentation, entry-lines.ts,
 * or else in the entry's document), or, for a file not written as the gate
 * writes it, in the full document, made when first asked for.
 */
export function parsedFrom(baseline: Baseline, text: string, file: string): ParsedBaseline {
  let full: Source | undefined;
  const fullSource = (): Source => {
    const lines = new LineCounter();
    full ??= { doc: readDocument(text, file, lines), lines };
    return full;
  };
  let index: { entries: EntryIndex | undefined } | undefined;
  const indexed = () =>
    (index ??= {
      entries: EntryIndex.of(
        text,
        baseline.clusters.map((cluster) => cluster.id),
      ),
    });
  // The documents of the entries read last: a report locates one cluster's findings after another.
  const entries = new Map<string, Source>();
  const entrySource = (clusterId: string, entry: { text: string }): Source => {
    const key = clusterId.toLowerCase();
    const known = entries.get(key);
    if (known !== undefined) return known;
    const lines = new LineCounter();
    const source = { doc: readDocument(entry.text, file, lines), lines };
    if (entries.size >= ENTRY_DOCUMENTS_KEPT) entries.delete(entries.keys().next().value ?? "");
    entries.set(key, source);
    return source;
  };
  // The report, the SARIF log and the annotations each ask for the same findings' lines.
  const located = new Map<string, SourceLocation | undefined>();
  const locateInEntry = (clusterId: string, path: readonly PathSegment[]): SourceLocation | undefined => {
    const byEntry = indexed().entries;
    if (byEntry === undefined) return locate(fullSource(), file, clusterId, path);
    const entry = byEntry.entry(clusterId);
    if (entry === undefined) return undefined;
    const quick = entryLine(entry.lines, filePath(path));
    if (quick !== undefined) return { file, line: entry.firstLine + quick };
    const found = locate(entrySource(clusterId, entry), file, clusterId, path);
    return found && { file, line: found.line - 2 + entry.firstLine };
  };
  return {
    baseline,
    locate: (clusterId, path) => {
      const key = JSON.stringify([clusterId.toLowerCase(), ...path]);
      if (!located.has(key)) located.set(key, locateInEntry(clusterId, path));
      return located.get(key);
    },
    locateExclusion: (clusterId) => locateExclusion(fullSource(), file, clusterId),
    locateClusters: () => clustersKey(fullSource(), file),
  };
}

function clustersKey(source: Source, file: string): SourceLocation | undefined {
  const clusters = childOf(source, { node: source.doc.contents, line: 1 }, "clusters");
  return clusters === undefined ? undefined : { file, line: clusters.line };
}

/** Any file, read in full: its document, and every problem with its line. */
export function parseBaselineInFull(text: string, file: string): ParsedBaseline {
  const lines = new LineCounter();
  const source: Source = { doc: readDocument(text, file, lines), lines };
  const { value, problems } = validated(source);
  if (problems.length > 0) throw new BaselineError(file, distinctProblems(problems));
  return {
    baseline: toBaseline(value),
    locate: (clusterId, path) => locate(source, file, clusterId, path),
    locateExclusion: (clusterId) => locateExclusion(source, file, clusterId),
    locateClusters: () => clustersKey(source, file),
  };
}

/** The text as a YAML document; problems of the YAML itself are left in `doc.errors`. */
export function readDocument(text: string, file: string, lines: LineCounter): Document {
  try {
    return parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GateError(`${file}: cannot be read as YAML: ${reason}`);
  }
}

/** The document's plain value and its problems: those of the YAML (duplicate keys aside), or else the schema's. */
function validated({ doc, lines }: Source): { value: Plain; problems: Problem[] } {
  const warnings = doc.warnings.map(yamlProblem);
  const [syntax] = doc.errors.filter((error) => error.code !== "DUPLICATE_KEY");
  if (syntax !== undefined) return { value: null, problems: [...warnings, yamlProblem(syntax)] };
  if (doc.contents === null) {
    const empty = { line: 1, path: "", message: "the baseline is empty: expected version: 1 and clusters" };
    return { value: null, problems: [...warnings, empty] };
  }
  const { value, problems } = validateDocument({ doc, lines });
  return { value, problems: [...warnings, ...problems] };
}

/** A problem of the YAML itself. Only the first syntax error is reported: later ones mostly follow from it. */
function yamlProblem(error: YAMLError): Problem {
  const line = error.linePos?.[0].line ?? 1;
  if (error.code === "MULTIPLE_DOCS") {
    return { line, path: "", message: "a second YAML document (---) starts here: the baseline is one document" };
  }
  const [first = error.message] = error.message.split("\n");
  return { line, path: "", message: `YAML: ${first.replace(/ at line \d+, column \d+:?$/u, "")}` };
}

/*
 * Conversion of the validated plain value to the model. The casts below are
 * sound because validateDocument has checked the value against the schema.
 */

interface RawRoute {
  name?: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string | null;
}

interface RawRouteTable {
  id: string;
  disableBgpRoutePropagation?: boolean;
  managedRoutes?: string;
  routes?: RawRoute[];
}

interface RawCluster {
  owner?: string;
  networkProfile: Partial<NetworkProfile>;
  nodePools?: BaselineNodePool[];
  virtualNetworks?: VirtualNetwork[];
  subnets?: BaselineSubnet[];
  routeTables?: RawRouteTable[];
  alsoRoutedHere?: string[];
  plannedMigration?: PlannedMigration;
  suppress?: Suppression[];
}

function toBaseline(value: Plain): Baseline {
  const raw = value as unknown as { clusters: Record<string, RawCluster>; exclude?: Exclusion[] };
  return {
    version: 1,
    clusters: Object.entries(raw.clusters).map(([id, cluster]) => toCluster(id, cluster)),
    exclusions: (raw.exclude ?? []).map(({ id, reason }) => ({ id, reason })),
  };
}

function toCluster(id: string, raw: RawCluster): BaselineCluster {
  const { owner, networkProfile, nodePools, virtualNetworks, subnets, routeTables, suppress } = raw;
  const { alsoRoutedHere, plannedMigration } = raw;
  return {
    id,
    ...(owner === undefined ? {} : { owner }),
    networkProfile,
    ...(nodePools === undefined ? {} : { nodePools }),
    ...(virtualNetworks === undefined ? {} : { virtualNetworks }),
    ...(subnets === undefined ? {} : { subnets }),
    ...(routeTables === undefined ? {} : { routeTables: routeTables.map(toRouteTable) }),
    ...(alsoRoutedHere === undefined ? {} : { alsoRoutedHere }),
    ...(plannedMigration === undefined ? {} : { plannedMigration }),
    suppressions: suppress ?? [],
  };
}

function toRouteTable(raw: RawRouteTable): BaselineRouteTable {
  const { id, disableBgpRoutePropagation, managedRoutes, routes } = raw;
  return {
    id,
    ...(disableBgpRoutePropagation === undefined ? {} : { disableBgpRoutePropagation }),
    managedRoutes: toManagedRoutes(managedRoutes),
    ...(routes === undefined ? {} : { routes: routes.map(toRoute) }),
  };
}

function toManagedRoutes(value: string | undefined): ManagedRoutesMode {
  return value?.toLowerCase() === "exact" ? "exact" : "perNode";
}

/**
 * A pinned route. `name` absent in the file becomes "" (Azure route names are
 * never empty): the route's name is then not compared. `nextHopIpAddress`
 * absent becomes null (the parser requires it for VirtualAppliance).
 */
function toRoute(raw: RawRoute): Route {
  return {
    name: raw.name ?? "",
    addressPrefix: raw.addressPrefix,
    nextHopType: raw.nextHopType,
    nextHopIpAddress: raw.nextHopIpAddress ?? null,
  };
}

/*
 * Locating a field of a cluster entry in the document.
 */

/** Model field names that the file spells differently. */
const FILE_KEYS: Readonly<Record<string, string>> = { suppressions: "suppress" };

/** A model path as the file spells it: its first segment mapped by FILE_KEYS. */
function filePath(path: readonly PathSegment[]): readonly PathSegment[] {
  const [first, ...rest] = path;
  return typeof first === "string" && Object.hasOwn(FILE_KEYS, first) ? [FILE_KEYS[first] ?? first, ...rest] : path;
}

function locate(
  source: Source,
  file: string,
  clusterId: string,
  path: readonly PathSegment[],
): SourceLocation | undefined {
  const clusters = childOf(source, { node: source.doc.contents, line: 1 }, "clusters");
  const entry = clusters && findPair(source, clusters.node, (key) => key.toLowerCase() === clusterId.toLowerCase());
  if (entry === undefined) return undefined;
  let position = entry;
  for (const segment of filePath(path)) {
    const child = childOf(source, position, segment);
    if (child === undefined) break;
    position = child;
  }
  return { file, line: position.line };
}

function locateExclusion(source: Source, file: string, clusterId: string): SourceLocation | undefined {
  const exclude = childOf(source, { node: source.doc.contents, line: 1 }, "exclude");
  const item = exclude && childOf(source, exclude, clusterId);
  return item === undefined ? undefined : { file, line: item.line };
}

/** A field path as a Finding carries it ("routeTables[0].routes[1]", 'nodePools["np1"]') as segments. */
export function parseFieldPath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const token = /\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/guy;
  let match: RegExpExecArray | null;
  while (token.lastIndex < text.length && (match = token.exec(text)) !== null) {
    const [, name, index, quoted] = match;
    if (name !== undefined) segments.push(name);
    else if (index !== undefined) segments.push(Number(index));
    else if (quoted !== undefined) segments.push(JSON.parse(quoted) as string);
  }
  return segments;
}
