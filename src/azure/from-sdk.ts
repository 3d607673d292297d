/**
 * From the container service SDK's models to the gate's facts: only the network fields are
 * kept, so SSH keys, service principals and the like never leave this file.
 * A field the gate depends on that is missing makes the response malformed.
 */
import type { AgentPool, ManagedCluster } from "@azure/arm-containerservice/models";
import type { NetworkProfile } from "../model.js";
import { malformed } from "./failures.js";
import type { ManagedClusterFacts, NodePoolFacts } from "./reader.js";

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function number(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function list(values: unknown, single?: unknown): string[] {
  if (Array.isArray(values)) return values.filter((value): value is string => typeof value === "string");
  const one = text(single);
  return one ? [one] : [];
}

type SdkNetworkProfile = NonNullable<ManagedCluster["networkProfile"]>;

export function toNetworkProfile(profile: SdkNetworkProfile): NetworkProfile {
  return {
    networkPlugin: text(profile.networkPlugin),
    networkPluginMode: text(profile.networkPluginMode),
    networkPolicy: text(profile.networkPolicy),
    networkDataplane: text(profile.networkDataplane),
    podCidrs: list(profile.podCidrs, profile.podCidr),
    serviceCidrs: list(profile.serviceCidrs, profile.serviceCidr),
    dnsServiceIP: text(profile.dnsServiceIP),
    outboundType: text(profile.outboundType),
    loadBalancerSku: text(profile.loadBalancerSku),
    ipFamilies: list(profile.ipFamilies),
  };
}

export function toManagedCluster(id: string, cluster: ManagedCluster): ManagedClusterFacts {
  if (!cluster.networkProfile) throw malformed(id, "the managed cluster has no networkProfile");
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(cluster.tags ?? {})) {
    if (typeof value === "string") tags[name] = value;
  }
  return {
    id: cluster.id ?? id,
    name: cluster.name ?? id.split("/").at(-1) ?? id,
    location: text(cluster.location),
    nodeResourceGroup: text(cluster.nodeResourceGroup),
    tags,
    networkProfile: toNetworkProfile(cluster.networkProfile),
  };
}

export function toAgentPool(clusterId: string, pool: AgentPool): NodePoolFacts {
  if (!pool.name) throw malformed(`${clusterId}/agentPools`, "a node pool has no name");
  return {
    name: pool.name,
    type: text(pool.typePropertiesType),
    mode: text(pool.mode),
    count: number(pool.count),
    enableAutoScaling: pool.enableAutoScaling === true,
    minCount: number(pool.minCount),
    maxCount: number(pool.maxCount),
    maxPods: number(pool.maxPods),
    maxSurge: text(pool.upgradeSettings?.maxSurge),
    vnetSubnetID: text(pool.vnetSubnetID),
    podSubnetID: text(pool.podSubnetID),
  };
}
