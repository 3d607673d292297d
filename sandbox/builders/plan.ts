/**
 * The options of the cluster builders and the plan they turn into: every name,
 * ID and address a cluster's resources share, decided once.
 */
import { createHash } from "node:crypto";

export interface PoolOptions {
  name: string;
  count: number;
  autoscale?: { min: number; max: number };
  maxPods?: number;
  /** Default: System for the first pool, User for the others. */
  mode?: "System" | "User";
  vmSize?: string;
  maxSurge?: string;
}

export interface ClusterOptions {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Default `eastus`. */
  location?: string;
  /** Default one System pool `nodepool1` with 3 nodes. */
  pools?: PoolOptions[];
  /** Default `10.0.0.0/16`. */
  serviceCidr?: string;
  /** Default `10.0.0.10`. */
  dnsServiceIP?: string;
  networkPolicy?: string;
  networkDataplane?: string;
  /** Default `loadBalancer`. */
  outboundType?: string;
  tags?: Record<string, string>;
  kubernetesVersion?: string;
  /** The 8 digits AKS puts in node resource names; default derived from the cluster ID. */
  suffix?: string;
}

export interface PoolPlan {
  name: string;
  count: number;
  autoscale: { min: number; max: number } | null;
  maxPods: number;
  mode: "System" | "User";
  vmSize: string;
  maxSurge: string | null;
  scaleSetName: string;
}

export interface ClusterPlan {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  clusterId: string;
  nodeResourceGroup: string;
  suffix: string;
  kubernetesVersion: string;
  tags: Record<string, string>;
  pools: PoolPlan[];
}

const DEFAULT_POOLS: PoolOptions[] = [{ name: "nodepool1", count: 3 }];

/** Eight stable digits from a seed, like the `aks-nodepool1-12345678-vmss` suffix AKS picks. */
export function digitsFrom(seed: string): string {
  const hash = createHash("sha256").update(seed.toLowerCase()).digest();
  return String(hash.readUInt32BE(0) % 100_000_000).padStart(8, "0");
}

function planPool(pool: PoolOptions, index: number, suffix: string, defaultMaxPods: number): PoolPlan {
  return {
    name: pool.name,
    count: pool.count,
    autoscale: pool.autoscale ?? null,
    maxPods: pool.maxPods ?? defaultMaxPods,
    mode: pool.mode ?? (index === 0 ? "System" : "User"),
    vmSize: pool.vmSize ?? "Standard_D4ds_v5",
    maxSurge: pool.maxSurge ?? null,
    scaleSetName: `aks-${pool.name}-${suffix}-vmss`,
  };
}

export function planCluster(options: ClusterOptions, defaultMaxPods: number): ClusterPlan {
  const location = options.location ?? "eastus";
  const clusterId =
    `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}` +
    `/providers/Microsoft.ContainerService/managedClusters/${options.name}`;
  const suffix = options.suffix ?? digitsFrom(clusterId);
  const pools = (options.pools ?? DEFAULT_POOLS).map((pool, index) => planPool(pool, index, suffix, defaultMaxPods));
  return {
    subscriptionId: options.subscriptionId,
    resourceGroup: options.resourceGroup,
    name: options.name,
    location,
    clusterId,
    nodeResourceGroup: `MC_${options.resourceGroup}_${options.name}_${location}`,
    suffix,
    kubernetesVersion: options.kubernetesVersion ?? "1.32.7",
    tags: options.tags ?? {},
    pools,
  };
}

/** `/subscriptions/S/resourceGroups/G/providers/<type>/<name>` */
export function resourceId(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${name}`;
}

/**
 * The same ID the way other resource providers echo it back: ARM keeps the
 * case it was given, so references mix `resourcegroups` and `MC_` / `mc_`.
 */
export function echoedId(id: string, style: "lowerSegment" | "lowerGroup" | "upperGroup"): string {
  return id.replace(/\/resourceGroups\/([^/]+)/i, (_match, group: string) => {
    if (style === "lowerSegment") return `/resourcegroups/${group}`;
    if (style === "lowerGroup") return `/resourceGroups/${group.toLowerCase()}`;
    return `/resourceGroups/${group.toUpperCase()}`;
  });
}
