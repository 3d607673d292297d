/**
 * Capacity at the pools' maximum: the most nodes every pool can reach
 * (autoscaler maxCount, or count) plus the nodes an upgrade adds (maxSurge),
 * against the pod CIDR's per-node ranges, the subnets' usable addresses and
 * Azure's 400 routes per route table. Kubenet's classic failure modes: pod
 * address space or route table exhausted mid-scale.
 */
import { lastSegment, sameId } from "../../arm-ids.js";
import { addressCount, blockCount } from "../../cidr.js";
import type { ClusterSnapshot, NodePool, RouteTable, Subnet } from "../../model.js";
import {
  familyOf,
  isClassicAzureCni,
  isKubenet,
  isManagedRoute,
  isPodSubnet,
  maxPodsOf,
  nodeSubnetTables,
  peakNodes,
  PER_NODE_PREFIX,
  poolMaxNodes,
  poolsBehindTable,
  subnetOfPool,
  surgeNodes,
  usesPodCidr,
} from "./network.js";
import { type NetworkRule, type Violation } from "./rule.js";

/** Azure keeps the first four addresses and the last one of every subnet. */
export const AZURE_RESERVED_PER_SUBNET = 5n;
/** Azure's limit of routes in one route table. */
export const ROUTE_TABLE_LIMIT = 400;
/** The most pods a node may run when its pods come from a per-node /24 (AKS's maximum). */
export const MAX_PODS_PER_NODE_RANGE = 250;

/** A headroom under this share of the capacity is a warning. */
const HEADROOM_PERCENT = 20n;

/** How a need at the pools' maximum sits in a capacity: with 20% to spare, under 20%, or beyond it. */
export type Fit = "fits" | "tight" | "exceeds";

function fitOf(need: bigint, capacity: bigint): Fit {
  if (need > capacity) return "exceeds";
  return (capacity - need) * 100n < capacity * HEADROOM_PERCENT ? "tight" : "fits";
}

/** "nodepool1 up to 5 + 2 surge, user1 up to 3 + 1 surge" */
function poolsText(pools: NodePool[]): string {
  return pools
    .map((pool) => {
      const max = poolMaxNodes(pool);
      return `${pool.name} up to ${max} + ${surgeNodes(pool.maxSurge, max)} surge`;
    })
    .join(", ");
}

/** The nodes a pool has now: its count. */
function poolNodesNow(pool: NodePool): number {
  return pool.count ?? 0;
}

export interface PodCidrFit {
  podCidr: string;
  /** The per-node ranges the pod CIDR holds. */
  nodes: bigint;
  /** The nodes the pools have now. */
  now: bigint;
  /** The nodes the pools can reach, surge included. */
  need: bigint;
  fit: Fit;
}

/** Kubenet and Azure CNI Overlay: each pod CIDR against the nodes that take a range of it. */
export function podCidrFits(live: ClusterSnapshot): PodCidrFit[] {
  if (!usesPodCidr(live)) return [];
  const need = BigInt(peakNodes(live.nodePools));
  const now = BigInt(live.nodePools.reduce((sum, pool) => sum + poolNodesNow(pool), 0));
  return live.networkProfile.podCidrs.flatMap((podCidr) => {
    const family = familyOf(podCidr);
    if (family === null) return [];
    const nodes = blockCount(podCidr, PER_NODE_PREFIX[family]);
    return [{ podCidr, nodes, now, need, fit: fitOf(need, nodes) }];
  });
}

function podCidrViolation(live: ClusterSnapshot, fit: PodCidrFit, verdict: string): Violation {
  const family = familyOf(fit.podCidr) ?? 4;
  return {
    resourceId: live.id,
    path: "networkProfile.podCidrs",
    expected: `room for ${fit.need} nodes`,
    actual: `${fit.nodes} nodes`,
    message: `Pod CIDR ${fit.podCidr} holds ${fit.nodes} nodes (one /${PER_NODE_PREFIX[family]} each); the node pools can reach ${fit.need} during an upgrade at full scale (${poolsText(live.nodePools)}): ${verdict}.`,
  };
}

const podCidr: NetworkRule = {
  id: "capacity.podCidr",
  family: "capacity",
  scope: "cluster",
  severity: "error",
  title:
    "Kubenet and Azure CNI Overlay: the pod CIDR has a per-node range (/24, IPv6 /80) for every node the pools can reach, surge included.",
  why: "A node that gets no pod range runs no pods: scale-out and upgrades stall once the pod CIDR is used up.",
  fix: "Lower the pools' maxCount or maxSurge until they fit; Azure CNI Overlay can take a larger pod CIDR, kubenet cannot (plan the move to Azure CNI Overlay with a larger one).",
  check: ({ live }) =>
    podCidrFits(live)
      .filter((fit) => fit.fit === "exceeds")
      .map((fit) => podCidrViolation(live, fit, "the last nodes get no pod range")),
};

const podCidrHeadroom: NetworkRule = {
  id: "capacity.podCidrHeadroom",
  family: "capacity",
  scope: "cluster",
  severity: "warning",
  title:
    "Kubenet and Azure CNI Overlay: the pod CIDR keeps at least 20% of its per-node ranges free at the pools' maximum, surge included.",
  why: "A pod CIDR that is nearly full leaves no room to raise maxCount or add a pool.",
  fix: "Plan a larger pod CIDR (Azure CNI Overlay) or keep the pools' maximum where it is.",
  check: ({ live }) =>
    podCidrFits(live)
      .filter((fit) => fit.fit === "tight")
      .map((fit) => podCidrViolation(live, fit, "under 20% headroom")),
};

/** The addresses one node of a pool takes in a subnet: its own, plus its pods' on classic Azure CNI. */
function addressesPerNode(live: ClusterSnapshot, pool: NodePool, subnet: Subnet, ipv4: boolean): number {
  if (isPodSubnet(live, subnet)) return ipv4 && sameId(pool.podSubnetID, subnet.id) ? maxPodsOf(live, pool) : 0;
  if (!sameId(subnetOfPool(live, pool)?.id, subnet.id)) return 0;
  const podsHere = ipv4 && isClassicAzureCni(live) && !pool.podSubnetID;
  return 1 + (podsHere ? maxPodsOf(live, pool) : 0);
}

export interface SubnetFit {
  subnet: Subnet;
  prefix: string;
  /** The prefix's addresses less the 5 Azure keeps. */
  usable: bigint;
  /** The addresses the pools' nodes (and on classic Azure CNI their pods) take now. */
  now: bigint;
  /** The addresses they take at the pools' maximum, surge included. */
  need: bigint;
  pools: NodePool[];
  fit: Fit;
}

/** Each prefix of each node and pod subnet against the addresses its pools take. */
export function subnetFits(live: ClusterSnapshot): SubnetFit[] {
  return live.subnets.flatMap((subnet) =>
    subnet.addressPrefixes.flatMap((prefix) => {
      const ipv4 = familyOf(prefix) === 4;
      const pools = live.nodePools.filter((pool) => addressesPerNode(live, pool, subnet, ipv4) > 0);
      if (pools.length === 0) return [];
      const taken = (nodes: (pool: NodePool) => number) =>
        pools.reduce((sum, pool) => sum + BigInt(nodes(pool) * addressesPerNode(live, pool, subnet, ipv4)), 0n);
      const need = taken((pool) => peakNodes([pool]));
      const total = addressCount(prefix);
      const usable = total > AZURE_RESERVED_PER_SUBNET ? total - AZURE_RESERVED_PER_SUBNET : 0n;
      return [{ subnet, prefix, usable, now: taken(poolNodesNow), need, pools, fit: fitOf(need, usable) }];
    }),
  );
}

function subnetViolation(live: ClusterSnapshot, fit: SubnetFit, verdict: string): Violation {
  const name = lastSegment(fit.subnet.id);
  const kind = isPodSubnet(live, fit.subnet) ? "pod subnet" : "node subnet";
  return {
    resourceId: fit.subnet.id,
    path: `subnets[${name}].addressPrefixes`,
    expected: `room for ${fit.need} addresses`,
    actual: `${fit.usable} usable`,
    message: `The ${kind} ${name} (${fit.prefix}) has ${fit.usable} usable addresses (Azure keeps 5), but the pools on it need ${fit.need} during an upgrade at full scale (${poolsText(fit.pools)}): ${verdict}.`,
  };
}

const subnet: NetworkRule = {
  id: "capacity.subnet",
  family: "capacity",
  scope: "cluster",
  severity: "error",
  title:
    "Every node subnet has an address for each node the pools can reach, surge included, and on Azure CNI without a pod subnet for each of their maxPods pods; every pod subnet has maxPods addresses per node.",
  why: "When a subnet runs out, new nodes fail to provision and upgrades stop halfway.",
  fix: "Lower the pools' maxCount, maxSurge or maxPods, or move a pool to a larger subnet.",
  check: ({ live }) =>
    subnetFits(live)
      .filter((fit) => fit.fit === "exceeds")
      .map((fit) => subnetViolation(live, fit, "the last nodes get no address")),
};

const subnetHeadroom: NetworkRule = {
  id: "capacity.subnetHeadroom",
  family: "capacity",
  scope: "cluster",
  severity: "warning",
  title:
    "Every node and pod subnet keeps at least 20% of its usable addresses free at the pools' maximum, surge included.",
  why: "Internal load balancers, private endpoints and the next pool also take addresses from the subnet.",
  fix: "Plan a larger subnet for the next pool, or keep the pools' maximum where it is.",
  check: ({ live }) =>
    subnetFits(live)
      .filter((fit) => fit.fit === "tight")
      .map((fit) => subnetViolation(live, fit, "under 20% headroom")),
};

export interface RouteTableFit {
  table: RouteTable;
  /** The nodes behind the table at the pools' maximum, surge included. */
  nodes: number;
  families: number;
  custom: number;
  /** The routes the table holds now. */
  now: number;
  /** The routes it needs at the pools' maximum: a route per node and IP family, plus the custom ones. */
  need: number;
  /** Against Azure's 400: tight from 80% on. */
  fit: Fit;
}

function routeFitOf(need: number): Fit {
  if (need > ROUTE_TABLE_LIMIT) return "exceeds";
  return need * 5 >= ROUTE_TABLE_LIMIT * 4 ? "tight" : "fits";
}

/** Kubenet: each route table of the node subnets against Azure's 400 routes. */
export function routeTableFits(live: ClusterSnapshot): RouteTableFit[] {
  if (!isKubenet(live)) return [];
  const families = new Set(live.networkProfile.podCidrs.map(familyOf)).size || 1;
  return nodeSubnetTables(live).map((table) => {
    const nodes = peakNodes(poolsBehindTable(live, table));
    const custom = table.routes.filter((route) => !isManagedRoute(route, live)).length;
    const need = nodes * families + custom;
    return { table, nodes, families, custom, now: table.routes.length, need, fit: routeFitOf(need) };
  });
}

function routeTableViolation(fit: RouteTableFit, verdict: string): Violation {
  const name = lastSegment(fit.table.id);
  return {
    resourceId: fit.table.id,
    path: `routeTables[${name}].routes`,
    expected: `at most ${ROUTE_TABLE_LIMIT} routes`,
    actual: `${fit.need} routes`,
    message: `Route table ${name} would hold ${fit.need} routes with the pools at full scale during an upgrade (${fit.nodes} nodes × ${fit.families} IP families + ${fit.custom} custom routes); Azure allows ${ROUTE_TABLE_LIMIT}: ${verdict}.`,
  };
}

const routeTable: NetworkRule = {
  id: "capacity.routeTable",
  family: "capacity",
  scope: "cluster",
  severity: "error",
  title:
    "Kubenet: the route table can hold a route per node and IP family at the pools' maximum, surge included, plus its custom routes, within Azure's 400.",
  why: "Past 400 routes Azure refuses the next node's route: its pods are unreachable from other nodes.",
  fix: "Lower the pools' maxCount or maxSurge below the limit; larger clusters need Azure CNI Overlay.",
  check: ({ live }) =>
    routeTableFits(live)
      .filter((fit) => fit.fit === "exceeds")
      .map((fit) => routeTableViolation(fit, "the last nodes get no route")),
};

const routeTableHeadroom: NetworkRule = {
  id: "capacity.routeTableHeadroom",
  family: "capacity",
  scope: "cluster",
  severity: "warning",
  title: "Kubenet: the route table stays under 80% of Azure's 400 routes at the pools' maximum, surge included.",
  why: "Near the limit, one more pool or a higher maxCount breaks routing for new nodes.",
  fix: "Plan the move to Azure CNI Overlay before the cluster grows further.",
  check: ({ live }) =>
    routeTableFits(live)
      .filter((fit) => fit.fit === "tight")
      .map((fit) => routeTableViolation(fit, "80% or more of the limit")),
};

const maxPods: NetworkRule = {
  id: "capacity.maxPods",
  family: "capacity",
  scope: "cluster",
  severity: "error",
  title: `Kubenet and Azure CNI Overlay: every pool's maxPods fits the node's /24 (at most ${MAX_PODS_PER_NODE_RANGE}).`,
  why: "A node's pods take addresses from its /24; past 250 pods the range runs out and pods stay pending.",
  fix: `Set the pool's maxPods to ${MAX_PODS_PER_NODE_RANGE} or fewer (a new pool: maxPods is fixed per pool).`,
  check: ({ live }) =>
    usesPodCidr(live)
      ? live.nodePools
          .filter((pool) => maxPodsOf(live, pool) > MAX_PODS_PER_NODE_RANGE)
          .map((pool) => ({
            resourceId: `${live.id}/agentPools/${pool.name}`,
            path: `nodePools[${pool.name}].maxPods`,
            expected: `at most ${MAX_PODS_PER_NODE_RANGE}`,
            actual: String(maxPodsOf(live, pool)),
            message: `Node pool ${pool.name} allows ${maxPodsOf(live, pool)} pods per node, more than a node's /24 of the pod CIDR holds.`,
          }))
      : [],
};

export const CAPACITY_RULES: readonly NetworkRule[] = [
  podCidr,
  podCidrHeadroom,
  subnet,
  subnetHeadroom,
  routeTable,
  routeTableHeadroom,
  maxPods,
];
