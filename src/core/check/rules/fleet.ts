/**
 * The fleet as the cross-cluster rules see it: every cluster of the baseline,
 * from its live snapshot when this run captured it, else from its baseline
 * entry (a cluster another shard checks, or one the selector left out).
 */
import { idKey, sameId } from "../../arm-ids.js";
import type { BaselineCluster, ClusterSnapshot } from "../../model.js";
import { nodeSubnets } from "./network.js";
import type { FleetMember } from "./rule.js";

function fromSnapshot(live: ClusterSnapshot): FleetMember {
  return {
    clusterId: live.id,
    networkPlugin: live.networkProfile.networkPlugin,
    routeTableIds: nodeSubnets(live).flatMap((subnet) => (subnet.routeTableId ? [subnet.routeTableId] : [])),
    source: "live",
  };
}

/** The route tables an entry pins on its node subnets (not on the pod subnets its pools name). */
function fromBaseline(entry: BaselineCluster): FleetMember {
  const podSubnets = (entry.nodePools ?? []).map((pool) => pool.podSubnetID).filter((id) => !!id);
  const tables = (entry.subnets ?? [])
    .filter((subnet) => !podSubnets.some((id) => sameId(id, subnet.id)))
    .flatMap((subnet) => (subnet.routeTableId ? [subnet.routeTableId] : []));
  return {
    clusterId: entry.id,
    networkPlugin: entry.networkProfile.networkPlugin ?? null,
    routeTableIds: tables,
    source: "baseline",
  };
}

export function fleetOf(snapshots: ClusterSnapshot[], baseline: BaselineCluster[]): FleetMember[] {
  const live = snapshots.map(fromSnapshot);
  const read = new Set(snapshots.map((snapshot) => idKey(snapshot.id)));
  const known = baseline.filter((entry) => !read.has(idKey(entry.id)));
  return [...live, ...known.map(fromBaseline)];
}
