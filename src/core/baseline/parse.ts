/**
 * Reading the baseline file: YAML text → validated Baseline, with every problem
 * named by file, line and field path, and a `locate` for annotations.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type YAMLError,
} from "yaml";
import { GateError } from "../errors.js";
import type {
  Baseline,
  BaselineCluster,
  BaselineNodePool,
  BaselineRouteTable,
  BaselineSubnet,
  ManagedRoutesMode,
  NetworkProfile,
  PlannedMigration,
  Route,
  SourceLocation,
  Suppression,
  VirtualNetwork,
} from "../model.js";
import { BASELINE_SPEC, sameKey, type Plain } from "./spec.js";
import {
  distinctProblems,
  lineOf,
  MAX_ALIASES,
  validateNode,
  type PathSegment,
  type Problem,
  type Walk,
} from "./validate.js";

export type { PathSegment } from "./validate.js";

export interface ParsedBaseline {
  baseline: Baseline;
  /** The line of a field of a cluster entry (model path), or of its nearest existing parent. */
  locate(clusterId: string, path: readonly PathSegment[]): SourceLocation | undefined;
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
  const lines = new LineCounter();
  const doc = readDocument(text, file, lines);
  const walk: Walk = { doc, lines, problems: [], aliases: 0 };
  const value = validateDocument(walk);
  if (walk.problems.length > 0 || value === undefined) {
    throw new BaselineError(file, distinctProblems(walk.problems));
  }
  const baseline = toBaseline(value);
  return { baseline, locate: (clusterId, path) => locate(walk, file, clusterId, path) };
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

function validateDocument(walk: Walk): Plain | undefined {
  const { doc } = walk;
  const [syntax] = doc.errors.filter((error) => error.code !== "DUPLICATE_KEY");
  walk.problems.push(...doc.warnings.map(yamlProblem));
  if (syntax !== undefined) {
    walk.problems.push(yamlProblem(syntax));
    return undefined;
  }
  if (doc.contents === null) {
    walk.problems.push({ line: 1, path: "", message: "the baseline is empty: expected version: 1 and clusters" });
    return undefined;
  }
  return validateNode(walk, doc.contents, BASELINE_SPEC, [], lineOf(walk, doc.contents, 1));
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
 * sound because validateNode has checked the value against BASELINE_SPEC.
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
  const raw = value as unknown as { clusters: Record<string, RawCluster> };
  return { version: 1, clusters: Object.entries(raw.clusters).map(([id, cluster]) => toCluster(id, cluster)) };
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

/** Keys that identify an item of a list when a path names it by value, e.g. nodePools["np1"]. */
const ITEM_KEYS = ["name", "id", "rule", "addressPrefix"];

interface Position {
  node: unknown;
  line: number;
}

function locate(walk: Walk, file: string, clusterId: string, path: readonly PathSegment[]): SourceLocation | undefined {
  const clusters = childOf(walk, { node: walk.doc.contents, line: 1 }, "clusters");
  const entry = clusters && findPair(walk, clusters.node, (key) => key.toLowerCase() === clusterId.toLowerCase());
  if (entry === undefined) return undefined;
  let position = entry;
  for (const [index, segment] of path.entries()) {
    const key = index === 0 && typeof segment === "string" ? (FILE_KEYS[segment] ?? segment) : segment;
    const child = childOf(walk, position, key);
    if (child === undefined) break;
    position = child;
  }
  return { file, line: position.line };
}

function childOf(walk: Walk, parent: Position, segment: PathSegment): Position | undefined {
  const node = resolved(walk, parent.node);
  if (typeof segment === "string" && isMap(node)) return findPair(walk, node, (key) => key === segment);
  if (!isSeq(node)) return undefined;
  const item =
    typeof segment === "number"
      ? node.items[segment]
      : node.items.find((candidate) => ITEM_KEYS.some((key) => itemKeyMatches(walk, candidate, key, segment)));
  return item === undefined ? undefined : { node: item, line: lineOf(walk, resolved(walk, item), parent.line) };
}

function findPair(walk: Walk, node: unknown, match: (key: string) => boolean): Position | undefined {
  const map = resolved(walk, node);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isPair(pair) && isScalar(pair.key) && typeof pair.key.value === "string" && match(pair.key.value)) {
      return { node: pair.value, line: lineOf(walk, pair.key, 1) };
    }
  }
  return undefined;
}

function itemKeyMatches(walk: Walk, item: unknown, key: string, wanted: string): boolean {
  const field = findPair(walk, item, (candidate) => candidate === key);
  const value = field && resolved(walk, field.node);
  return isScalar(value) && typeof value.value === "string" && sameKey(value.value, wanted);
}

function resolved(walk: Walk, node: unknown): unknown {
  return isAlias(node) ? node.resolve(walk.doc) : node;
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
