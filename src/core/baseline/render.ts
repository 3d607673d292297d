/**
 * A baseline (or one cluster entry of it) as the file spells it (YAML keys,
 * key order of the spec, defaults made explicit) and as YAML text.
 */
import { Document, isScalar, visit } from "yaml";
import type { Baseline, BaselineCluster, BaselineRouteTable, Route } from "../model.js";
import { BASELINE_SPEC, type FieldSpec, type MapSpec, type Plain } from "./spec.js";

export type PlainMap = { [key: string]: Plain };

/** The spec of one cluster entry. */
export const CLUSTER_SPEC: MapSpec = clusterSpec();

function clusterSpec(): MapSpec {
  const clusters = BASELINE_SPEC.fields["clusters"];
  if (clusters?.kind !== "dictionary" || clusters.value.kind !== "map") {
    throw new Error("BASELINE_SPEC.clusters must be a dictionary of maps");
  }
  return clusters.value;
}

/** A whole baseline in file form: `exclude` only when it has items, after `clusters` as in the spec. */
export function toFileBaseline(baseline: Baseline): PlainMap {
  const clusters: PlainMap = {};
  for (const entry of baseline.clusters) clusters[entry.id] = toFileEntry(entry);
  const exclude = baseline.exclusions.map(({ id, reason }) => ({ id, reason }));
  return { version: baseline.version, clusters, ...(exclude.length > 0 ? { exclude } : {}) };
}

/** The body of a cluster entry (without its ID) in file form. */
export function toFileEntry(entry: BaselineCluster): PlainMap {
  const body = {
    owner: entry.owner,
    networkProfile: entry.networkProfile,
    nodePools: entry.nodePools,
    virtualNetworks: entry.virtualNetworks,
    subnets: entry.subnets,
    routeTables: entry.routeTables?.map(toFileRouteTable),
    alsoRoutedHere: entry.alsoRoutedHere,
    plannedMigration: entry.plannedMigration,
    suppress: entry.suppressions.length > 0 ? entry.suppressions : undefined,
  };
  return ordered(body, CLUSTER_SPEC) as PlainMap;
}

function toFileRouteTable(table: BaselineRouteTable) {
  return { ...table, routes: table.routes?.map(toFileRoute) };
}

/** A route as written: no name when it is not pinned (""), no null next hop unless it is an appliance. */
function toFileRoute(route: Route) {
  const isAppliance = route.nextHopType.toLowerCase() === "virtualappliance";
  return {
    name: route.name === "" ? undefined : route.name,
    addressPrefix: route.addressPrefix,
    nextHopType: route.nextHopType,
    nextHopIpAddress: route.nextHopIpAddress === null && !isAppliance ? undefined : route.nextHopIpAddress,
  };
}

/** A value with its map keys in spec order and undefined fields and unknown keys dropped. */
export function ordered(value: unknown, spec: FieldSpec): Plain {
  if (spec.kind === "list" && Array.isArray(value)) return value.map((item) => ordered(item, spec.item));
  if (spec.kind !== "map" || value === null || typeof value !== "object") return value as Plain;
  const source = value as Record<string, unknown>;
  const out: PlainMap = {};
  for (const [key, field] of Object.entries(spec.fields)) {
    if (source[key] !== undefined) out[key] = ordered(source[key], field);
  }
  return out;
}

/**
 * YAML text of a plain value: block style, lists of scalars in flow style
 * (`podCidrs: [10.244.0.0/16]`), no line folding; every line is prefixed with
 * `indent`, and the text ends with a newline.
 */
export function renderYaml(value: Plain, indent: string): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false, indent: 2 });
  return text
    .replace(/\n$/u, "")
    .split("\n")
    .map((line) => `${indent}${line}`)
    .join("\n")
    .concat("\n");
}
