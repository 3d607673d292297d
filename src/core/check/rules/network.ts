/**
 * Facts about one cluster's network that several rules share: which plugin
 * uses a pod CIDR, which routes the cluster manages, which subnets hold the
 * nodes, how far each node pool can grow. Pure functions of a snapshot.
 */
import { sameId } from "../../arm-ids.js";
import { cidrContains, parseCidr, type IpFamily } from "../../cidr.js";
import type { ClusterSnapshot, Node, NodePool, Route, RouteTable, Subnet } from "../../model.js";

/** The pod range each node gets from the pod CIDR: a /24 of IPv4, a /80 of IPv6 (AKS dual-stack). */
export const PER_NODE_PREFIX: Record<IpFamily, number> = { 4: 24, 6: 80 };

/** The surge AKS uses when a pool sets none (agent pool API: "If not specified, the default is 10%"). */
export const DEFAULT_MAX_SURGE = "10%";

/** Node addresses each plugin needs by default when a pool does not say (AKS defaults). */
const DEFAULT_MAX_PODS = { kubenet: 110, azure: 30, overlay: 250 } as const;

function lower(value: string | null): string {
  return value?.toLowerCase() ?? "";
}

export function isKubenet(live: ClusterSnapshot): boolean {
  return lower(live.networkProfile.networkPlugin) === "kubenet";
}

export function isOverlay(live: ClusterSnapshot): boolean {
  return (
    lower(live.networkProfile.networkPlugin) === "azure" && lower(live.networkProfile.networkPluginMode) === "overlay"
  );
}

/** Kubenet and Azure CNI Overlay give pods addresses from the pod CIDR, outside the VNet. */
export function usesPodCidr(live: ClusterSnapshot): boolean {
  return isKubenet(live) || isOverlay(live);
}

/** Classic Azure CNI: pods take VNet addresses, from the node subnet or a pod subnet. */
export function isClassicAzureCni(live: ClusterSnapshot): boolean {
  return lower(live.networkProfile.networkPlugin) === "azure" && !isOverlay(live);
}

export function familyOf(cidrOrIp: string): IpFamily | null {
  return parseCidr(cidrOrIp)?.family ?? (cidrOrIp.includes(":") ? 6 : cidrOrIp.includes(".") ? 4 : null);
}

export function nodeOf(route: Route, nodes: Node[]): Node | undefined {
  const hop = route.nextHopIpAddress;
  return hop ? nodes.find((node) => node.privateIps.some((ip) => ip === hop)) : undefined;
}

/**
 * A route the cluster manages itself: on kubenet, the route to one node's pod
 * range, next hop VirtualAppliance, with a prefix inside the pod CIDR or a
 * node's IP as next hop (a node route left outside a changed pod CIDR is
 * still the cluster's, and is reported as such).
 */
export function isManagedRoute(route: Route, live: ClusterSnapshot): boolean {
  if (!isKubenet(live) || route.nextHopType.toLowerCase() !== "virtualappliance") return false;
  return (
    live.networkProfile.podCidrs.some((pod) => cidrContains(pod, route.addressPrefix)) ||
    nodeOf(route, live.nodes) !== undefined
  );
}

export function isPodSubnet(live: ClusterSnapshot, subnet: Subnet): boolean {
  return live.nodePools.some((pool) => sameId(pool.podSubnetID, subnet.id));
}

/** The subnets the nodes sit in: every cluster subnet that is not a pod subnet. */
export function nodeSubnets(live: ClusterSnapshot): Subnet[] {
  return live.subnets.filter((subnet) => !isPodSubnet(live, subnet));
}

/** The node subnet of a pool: its vnetSubnetID, or the AKS-made subnet that no pool names. */
export function subnetOfPool(live: ClusterSnapshot, pool: NodePool): Subnet | undefined {
  const subnets = nodeSubnets(live);
  if (pool.vnetSubnetID) return subnets.find((subnet) => sameId(subnet.id, pool.vnetSubnetID));
  return subnets.find((subnet) => !live.nodePools.some((other) => sameId(other.vnetSubnetID, subnet.id)));
}

/** The route tables attached to the cluster's node subnets. */
export function nodeSubnetTables(live: ClusterSnapshot): RouteTable[] {
  const ids = nodeSubnets(live).map((subnet) => subnet.routeTableId);
  return live.routeTables.filter((table) => ids.some((id) => sameId(id, table.id)));
}

/** The pools whose node subnet carries the table. */
export function poolsBehindTable(live: ClusterSnapshot, table: RouteTable): NodePool[] {
  return live.nodePools.filter((pool) => sameId(subnetOfPool(live, pool)?.routeTableId, table.id));
}

/** Nodes added during an upgrade: maxSurge as AKS reads it ("1", "33%": of the pool, rounded up). */
export function surgeNodes(maxSurge: string | null, poolNodes: number): number {
  const surge = (maxSurge ?? DEFAULT_MAX_SURGE).trim();
  const percent = /^(\d+)%$/u.exec(surge);
  if (percent) return Math.ceil((poolNodes * Number(percent[1])) / 100);
  if (/^\d+$/u.test(surge)) return Number(surge);
  return surgeNodes(DEFAULT_MAX_SURGE, poolNodes);
}

/** The most nodes a pool can have: its autoscaler's maxCount, or its count. */
export function poolMaxNodes(pool: NodePool): number {
  const max = pool.enableAutoScaling ? (pool.maxCount ?? pool.count) : pool.count;
  return max ?? 0;
}

/** The most nodes a pool can have during an upgrade at full scale: maximum plus surge. */
export function poolPeakNodes(pool: NodePool): number {
  const max = poolMaxNodes(pool);
  return max + surgeNodes(pool.maxSurge, max);
}

export function peakNodes(pools: NodePool[]): number {
  return pools.reduce((sum, pool) => sum + poolPeakNodes(pool), 0);
}

/** A pool's maxPods, or the plugin's default when the pool does not say. */
export function maxPodsOf(live: ClusterSnapshot, pool: NodePool): number {
  if (pool.maxPods !== null) return pool.maxPods;
  if (isKubenet(live)) return DEFAULT_MAX_PODS.kubenet;
  return isOverlay(live) ? DEFAULT_MAX_PODS.overlay : DEFAULT_MAX_PODS.azure;
}

/** "a, b and c" */
export function listed(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
