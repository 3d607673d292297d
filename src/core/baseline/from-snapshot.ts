import { idKey } from "../arm-ids.js";
import { isManagedRoute } from "../check/rules/network.js";
import type { BaselineCluster, ClusterSnapshot, ManagedRoutesMode } from "../model.js";

/**
 * The baseline entry a capture writes for a cluster. Routes the cluster
 * manages (kubenet's one route per node) are left to the per-node rule unless
 * the existing entry pins them (`managedRoutes: exact`); every other route is
 * pinned exactly. Hand-written fields (owner, suppressions) are the writer's
 * to keep, not this function's.
 */
export function baselineFromSnapshot(
  snapshot: ClusterSnapshot,
  modes: ReadonlyMap<string, ManagedRoutesMode> = new Map(),
): BaselineCluster {
  return {
    id: snapshot.id,
    networkProfile: { ...snapshot.networkProfile },
    nodePools: snapshot.nodePools.map(({ maxSurge: _maxSurge, ...pool }) => pool),
    virtualNetworks: snapshot.virtualNetworks.map((vnet) => ({ ...vnet })),
    subnets: snapshot.subnets.map((subnet) => ({ ...subnet })),
    routeTables: snapshot.routeTables.map((table) => {
      const managedRoutes = modes.get(idKey(table.id)) ?? "perNode";
      return {
        id: table.id,
        disableBgpRoutePropagation: table.disableBgpRoutePropagation,
        managedRoutes,
        routes: table.routes.filter((route) => managedRoutes === "exact" || !isManagedRoute(route, snapshot)),
      };
    }),
    suppressions: [],
  };
}
