/**
 * A change of the baseline in words: which cluster entries a pull request
 * adds, removes or changes, and in each changed entry every field, node pool,
 * VNet, subnet, route table, route, suppression and planned migration that
 * differs, before and after. Values compare as the check compares them (CIDRs
 * as networks, IDs and enum values case-insensitively: check/values.ts), so
 * a rewrite of the same network is no change. Pure.
 */
import { idKey, lastSegment } from "../arm-ids.js";
import type {
  Baseline,
  BaselineCluster,
  BaselineNodePool,
  BaselineRouteTable,
  BaselineSubnet,
  PlannedMigration,
  Route,
  Suppression,
  VirtualNetwork,
} from "../model.js";
import { NETWORK_PROFILE_FIELDS } from "../model.js";
import { POOL_KINDS, PROFILE_KINDS, SUBNET_KINDS } from "../check/diff.js";
import { display, prefixKey, sameValue, type Value, type ValueKind } from "../check/values.js";

export type EditKind = "added" | "removed" | "changed";

/** One difference inside a cluster's entry. */
export interface BaselineEdit {
  /** Where, as findings name fields: `networkProfile.podCidrs`, `nodePools[userpool]`. */
  path: string;
  /** `field`: a value is pinned, unpinned or changed; `item`: an entry of a list is added, removed or changed. */
  subject: "field" | "item";
  change: EditKind;
  /** The value before (removed, changed) and after (added, changed), as the report shows values; "" on the other side. */
  before: string;
  after: string;
}

export interface ClusterChange {
  clusterId: string;
  change: EditKind;
  /** A changed entry's differences, in the order of the entry's fields. */
  edits: BaselineEdit[];
  /** An added or removed entry in one line: its plugin, pod CIDRs and pools. */
  summary: string;
}

type Kind = ValueKind | "text";
type Fields = Record<string, Value | undefined>;

function same(kind: Kind, before: Value, after: Value): boolean {
  return kind === "text" ? before === after : sameValue(kind, before, after);
}

/** A value as one line: IDs by their last segment, which names the resource. */
function shown(kind: Kind, value: Value | undefined): string {
  if (kind === "id" && typeof value === "string") return lastSegment(value);
  return display(value);
}

function fieldEdits(path: string, before: Fields | undefined, after: Fields | undefined, kinds: Record<string, Kind>) {
  const edits: BaselineEdit[] = [];
  for (const [name, kind] of Object.entries(kinds)) {
    const [was, now] = [before?.[name], after?.[name]];
    const edit = { path: `${path}${path === "" ? "" : "."}${name}`, subject: "field" as const };
    if (was === undefined && now === undefined) continue;
    if (was === undefined) edits.push({ ...edit, change: "added", before: "", after: shown(kind, now) });
    else if (now === undefined) edits.push({ ...edit, change: "removed", before: shown(kind, was), after: "" });
    else if (!same(kind, was, now))
      edits.push({ ...edit, change: "changed", before: shown(kind, was), after: shown(kind, now) });
  }
  return edits;
}

/** How a list of the entry pairs its items and says what they are and how they differ. */
interface ListSpec<T> {
  key(item: T): string;
  name(item: T): string;
  summary(item: T): string;
  fields(before: T, after: T, path: string): BaselineEdit[];
}

function listEdits<T>(path: string, before: T[] | undefined, after: T[] | undefined, spec: ListSpec<T>) {
  if (before === undefined && after === undefined) return [];
  const count = (items: T[]) => `${items.length} entries`;
  if (after === undefined)
    return [{ path, subject: "field" as const, change: "removed" as const, before: count(before ?? []), after: "" }];
  const was = new Map((before ?? []).map((item) => [spec.key(item), item]));
  const edits: BaselineEdit[] = [];
  for (const item of after) {
    const old = was.get(spec.key(item));
    was.delete(spec.key(item));
    const itemPath = `${path}[${spec.name(item)}]`;
    if (old === undefined)
      edits.push({ path: itemPath, subject: "item", change: "added", before: "", after: spec.summary(item) });
    else edits.push(...spec.fields(old, item, itemPath));
  }
  for (const old of was.values()) {
    const itemPath = `${path}[${spec.name(old)}]`;
    edits.push({ path: itemPath, subject: "item", change: "removed", before: spec.summary(old), after: "" });
  }
  return edits;
}

function summaryOf(item: Fields, kinds: Record<string, Kind>): string {
  const parts = Object.entries(kinds)
    .filter(([name]) => item[name] !== undefined)
    .map(([name, kind]) => `${name} ${shown(kind, item[name])}`);
  return parts.length > 0 ? parts.join(", ") : "no fields pinned";
}

const POOL_FIELDS: Record<string, Kind> = { mode: "enum", count: "number", ...POOL_KINDS };
const byName = (item: { name: string }) => item.name.toLowerCase();
const byId = (item: { id: string }) => idKey(item.id);

const POOLS: ListSpec<BaselineNodePool> = {
  key: byName,
  name: (pool) => pool.name,
  summary: (pool) => summaryOf(pool as unknown as Fields, POOL_FIELDS),
  fields: (was, now, path) => fieldEdits(path, was as unknown as Fields, now as unknown as Fields, POOL_FIELDS),
};

const VNETS: ListSpec<VirtualNetwork> = {
  key: byId,
  name: (vnet) => lastSegment(vnet.id),
  summary: (vnet) => `addressSpace ${display(vnet.addressSpace)}`,
  fields: (was, now, path) => fieldEdits(path, { ...was }, { ...now }, { addressSpace: "cidrs" }),
};

const SUBNETS: ListSpec<BaselineSubnet> = {
  key: byId,
  name: (subnet) => lastSegment(subnet.id),
  summary: (subnet) => summaryOf({ ...subnet }, SUBNET_KINDS),
  fields: (was, now, path) => fieldEdits(path, { ...was }, { ...now }, SUBNET_KINDS),
};

const hop = (route: Route) =>
  route.nextHopIpAddress ? `${route.nextHopType} ${route.nextHopIpAddress}` : route.nextHopType;

const ROUTES: ListSpec<Route> = {
  key: (route) => prefixKey(route.addressPrefix),
  name: (route) => route.addressPrefix,
  summary: (route) => `→ ${hop(route)}${route.name ? ` (${route.name})` : ""}`,
  fields: (was, now, path) =>
    fieldEdits(path, { nextHop: hop(was).toLowerCase() }, { nextHop: hop(now).toLowerCase() }, { nextHop: "text" }).map(
      (edit) => ({ ...edit, before: hop(was), after: hop(now) }),
    ),
};

const TABLES: ListSpec<BaselineRouteTable> = {
  key: byId,
  name: (table) => lastSegment(table.id),
  summary: (table) => `managedRoutes ${table.managedRoutes}, ${table.routes?.length ?? "any"} pinned routes`,
  fields: (was, now, path) => [
    ...fieldEdits(
      path,
      { ...was, routes: undefined },
      { ...now, routes: undefined },
      {
        disableBgpRoutePropagation: "boolean",
        managedRoutes: "enum",
      },
    ),
    ...listEdits(`${path}.routes`, was.routes, now.routes, ROUTES),
  ],
};

const SUPPRESSIONS: ListSpec<Suppression> = {
  key: (entry) => entry.rule,
  name: (entry) => entry.rule,
  summary: (entry) => entry.reason,
  fields: (was, now, path) => fieldEdits(path, { ...was }, { ...now }, { reason: "text" }),
};

const MIGRATION_FIELDS: Record<string, Kind> = {
  networkPlugin: "enum",
  networkPluginMode: "enum",
  networkDataplane: "enum",
  networkPolicy: "enum",
  podCidrs: "cidrs",
  by: "text",
  reason: "text",
};

function migrationEdits(was: PlannedMigration | undefined, now: PlannedMigration | undefined): BaselineEdit[] {
  const path = "plannedMigration";
  if (was === undefined && now === undefined) return [];
  if (was === undefined || now === undefined) {
    const summary = summaryOf({ ...(was ?? now) }, MIGRATION_FIELDS);
    return [
      {
        path,
        subject: "field",
        change: was ? "removed" : "added",
        before: was ? summary : "",
        after: now ? summary : "",
      },
    ];
  }
  return fieldEdits(path, { ...was }, { ...now }, MIGRATION_FIELDS);
}

/** Every difference between two entries of one cluster, in the order of the entry's fields. */
export function entryEdits(was: BaselineCluster, now: BaselineCluster): BaselineEdit[] {
  const profileKinds = Object.fromEntries(NETWORK_PROFILE_FIELDS.map((name) => [name, PROFILE_KINDS[name]]));
  return [
    ...fieldEdits("", { owner: was.owner }, { owner: now.owner }, { owner: "text" }),
    ...fieldEdits("networkProfile", { ...was.networkProfile }, { ...now.networkProfile }, profileKinds),
    ...listEdits("nodePools", was.nodePools, now.nodePools, POOLS),
    ...listEdits("virtualNetworks", was.virtualNetworks, now.virtualNetworks, VNETS),
    ...listEdits("subnets", was.subnets, now.subnets, SUBNETS),
    ...listEdits("routeTables", was.routeTables, now.routeTables, TABLES),
    ...fieldEdits(
      "",
      { alsoRoutedHere: was.alsoRoutedHere },
      { alsoRoutedHere: now.alsoRoutedHere },
      {
        alsoRoutedHere: "cidrs",
      },
    ),
    ...migrationEdits(was.plannedMigration, now.plannedMigration),
    ...listEdits("suppress", was.suppressions, now.suppressions, SUPPRESSIONS),
  ];
}

/** An entry in one line: its plugin, pod CIDRs and node pools. */
export function entrySummary(entry: BaselineCluster): string {
  const { networkPlugin, podCidrs } = entry.networkProfile;
  const parts = [
    networkPlugin === undefined ? undefined : `networkPlugin ${display(networkPlugin)}`,
    podCidrs === undefined ? undefined : `podCidrs ${display(podCidrs)}`,
    entry.nodePools === undefined ? undefined : `${entry.nodePools.length} node pools`,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(", ") : "no network fields pinned";
}

/** The clusters a pull request adds, removes or changes, in the new baseline's order, removed ones last. */
export function baselineChanges(base: Baseline | undefined, head: Baseline): ClusterChange[] {
  const before = new Map((base?.clusters ?? []).map((entry) => [idKey(entry.id), entry]));
  const changes: ClusterChange[] = [];
  for (const entry of head.clusters) {
    const was = before.get(idKey(entry.id));
    before.delete(idKey(entry.id));
    if (was === undefined) {
      changes.push({ clusterId: entry.id, change: "added", edits: [], summary: entrySummary(entry) });
      continue;
    }
    const edits = entryEdits(was, entry);
    if (edits.length > 0) changes.push({ clusterId: entry.id, change: "changed", edits, summary: "" });
  }
  for (const was of before.values()) {
    changes.push({ clusterId: was.id, change: "removed", edits: [], summary: entrySummary(was) });
  }
  return changes;
}
