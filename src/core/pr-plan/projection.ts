/**
 * The network a baseline entry plans for a cluster: the live network with
 * every value the entry pins in its place. A field the entry leaves out stays
 * as it is live; a node pool, VNet, subnet or route table the entry names but
 * Azure does not have yet is added with what the entry says of it; the node
 * pools the entry lists are the pools of the plan (a live pool it leaves out
 * is one the change removes). Live nodes and the routes the cluster manages
 * stay as they are: the rules then judge the plan as the cluster would meet it
 * (a widened pod CIDR, a new pool's nodes at full scale). Pure.
 */
import { idKey, sameId } from "../arm-ids.js";
import type {
  BaselineCluster,
  BaselineNodePool,
  BaselineRouteTable,
  BaselineSubnet,
  ClusterSnapshot,
  NodePool,
  RouteTable,
  Subnet,
  VirtualNetwork,
} from "../model.js";
import { isManagedRoute } from "../check/rules/network.js";

/** The pinned values over the live ones: an absent (undefined) value pins nothing. */
function overlay<T extends object>(live: T, pinned: object): T {
  const result = { ...live } as Record<string, unknown>;
  for (const [name, value] of Object.entries(pinned)) if (value !== undefined && name in live) result[name] = value;
  return result as T;
}

/** What a pool has that its entry does not say: what the agent pool API leaves unset. */
function newPool(entry: BaselineNodePool): NodePool {
  const unset: NodePool = {
    name: entry.name,
    mode: null,
    count: null,
    enableAutoScaling: false,
    minCount: null,
    maxCount: null,
    maxPods: null,
    maxSurge: null,
    vnetSubnetID: null,
    podSubnetID: null,
  };
  return overlay(unset, entry);
}

function plannedPools(live: ClusterSnapshot, entries: BaselineNodePool[] | undefined): NodePool[] {
  if (entries === undefined) return live.nodePools;
  return entries.map((entry) => {
    const pool = live.nodePools.find((candidate) => candidate.name.toLowerCase() === entry.name.toLowerCase());
    return pool ? overlay(pool, entry) : newPool(entry);
  });
}

/** Live items with their entries' values, then the entries Azure does not have yet. */
function merged<L extends { id: string }, E extends { id: string }>(
  live: L[],
  entries: E[] | undefined,
  create: (entry: E) => L,
): L[] {
  if (entries === undefined) return live;
  const byId = new Map(entries.map((entry) => [idKey(entry.id), entry]));
  const kept = live.map((item) => {
    const entry = byId.get(idKey(item.id));
    byId.delete(idKey(item.id));
    return entry ? overlay(item, entry) : item;
  });
  return [...kept, ...[...byId.values()].map(create)];
}

function newSubnet(entry: BaselineSubnet): Subnet {
  return {
    id: entry.id,
    addressPrefixes: entry.addressPrefixes ?? [],
    routeTableId: entry.routeTableId ?? null,
    networkSecurityGroupId: entry.networkSecurityGroupId ?? null,
  };
}

/** A table's routes under its entry: pinned ones replace the live ones it compares (all of them with `exact`). */
function plannedRoutes(live: ClusterSnapshot, table: RouteTable, entry: BaselineRouteTable): RouteTable["routes"] {
  if (entry.routes === undefined) return table.routes;
  if (entry.managedRoutes === "exact") return entry.routes;
  return [...table.routes.filter((route) => isManagedRoute(route, live)), ...entry.routes];
}

function plannedTables(live: ClusterSnapshot, entries: BaselineRouteTable[] | undefined, subnets: Subnet[]) {
  const attached = (table: RouteTable) => {
    const kept = table.subnetIds.filter((id) => !subnets.some((subnet) => sameId(subnet.id, id)));
    const planned = subnets.filter((subnet) => sameId(subnet.routeTableId, table.id)).map((subnet) => subnet.id);
    return [...kept, ...planned];
  };
  const byId = new Map((entries ?? []).map((entry) => [idKey(entry.id), entry]));
  const tables = live.routeTables.map((table) => {
    const entry = byId.get(idKey(table.id));
    byId.delete(idKey(table.id));
    if (entry === undefined) return { ...table, subnetIds: attached(table) };
    const disable = entry.disableBgpRoutePropagation ?? table.disableBgpRoutePropagation;
    const routes = plannedRoutes(live, table, entry);
    return { ...table, disableBgpRoutePropagation: disable, routes, subnetIds: attached(table) };
  });
  const added = [...byId.values()].map((entry) => {
    const table = { id: entry.id, disableBgpRoutePropagation: entry.disableBgpRoutePropagation ?? false };
    return { ...table, routes: entry.routes ?? [], subnetIds: attached({ ...table, routes: [], subnetIds: [] }) };
  });
  return [...tables, ...added];
}

/** The cluster's network as its baseline entry plans it. */
export function plannedNetwork(live: ClusterSnapshot, entry: BaselineCluster): ClusterSnapshot {
  const subnets = merged(live.subnets, entry.subnets, newSubnet);
  const virtualNetworks = merged<VirtualNetwork, VirtualNetwork>(
    live.virtualNetworks,
    entry.virtualNetworks,
    (vnet) => ({
      ...vnet,
    }),
  );
  return {
    ...live,
    networkProfile: overlay(live.networkProfile, entry.networkProfile),
    nodePools: plannedPools(live, entry.nodePools),
    virtualNetworks,
    subnets,
    routeTables: plannedTables(live, entry.routeTables, subnets),
  };
}
