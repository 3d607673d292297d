/**
 * What the kubenet and Azure CNI builders share: the description of a built
 * cluster and the loop that makes the nodes of every pool.
 */
import type { ArmResource } from "../resource-id.js";
import type { NetworkProfileFields } from "./managed-cluster.js";
import type { RouteSpec } from "./network.js";
import { scaleSetResources, type BuiltNode, type NodeAddresses } from "./nodes.js";
import type { ClusterPlan } from "./plan.js";

export interface BuiltCluster {
  /** Every resource body, ready for `world.put(...resources)`. */
  resources: ArmResource[];
  clusterId: string;
  nodeResourceGroup: string;
  virtualNetworkId: string;
  subnetId: string;
  podSubnetId: string | null;
  routeTableId: string | null;
  networkSecurityGroupId: string;
  agentPoolIds: string[];
  scaleSetIds: string[];
  nodes: BuiltNode[];
  /** The routes of the node subnet's route table (none without one). */
  routes: RouteSpec[];
  networkProfile: NetworkProfileFields;
}

export type NetworkDescription = Omit<
  BuiltCluster,
  "resources" | "clusterId" | "nodeResourceGroup" | "agentPoolIds" | "scaleSetIds" | "nodes"
>;

export interface NodeWiring {
  subnetRef: string;
  networkSecurityGroupRef: string | null;
  addressesOf(index: number): NodeAddresses;
}

export const FIRST_HOST_OFFSET = 4;
export const POD_CIDR_V6 = "fd12:3456:789a::/64";
export const SERVICE_CIDR_V6 = "fd12:3456:789a:1::/108";

/** The SSH key of the example cluster, which the node scale sets carry too. */
export function sshKeyOf(cluster: ArmResource): string {
  const linuxProfile = cluster.properties?.["linuxProfile"] as { ssh: { publicKeys: { keyData: string }[] } };
  return linuxProfile.ssh.publicKeys[0]?.keyData ?? "";
}

/** The scale sets, instances and NICs of every pool, nodes numbered across pools. */
export function nodeResources(
  plan: ClusterPlan,
  sshKeyData: string,
  wiring: NodeWiring,
): { resources: ArmResource[]; nodes: BuiltNode[] } {
  const resources: ArmResource[] = [];
  const nodes: BuiltNode[] = [];
  for (const pool of plan.pools) {
    const built = scaleSetResources({ plan, pool, sshKeyData, firstNodeIndex: nodes.length, ...wiring });
    resources.push(...built.resources);
    nodes.push(...built.nodes);
  }
  return { resources, nodes };
}

export function describeCluster(
  plan: ClusterPlan,
  resources: ArmResource[],
  nodes: BuiltNode[],
  network: NetworkDescription,
): BuiltCluster {
  return {
    resources,
    clusterId: plan.clusterId,
    nodeResourceGroup: plan.nodeResourceGroup,
    agentPoolIds: plan.pools.map((pool) => `${plan.clusterId}/agentPools/${pool.name}`),
    scaleSetIds: [...new Set(nodes.map((node) => node.scaleSetId))],
    nodes,
    ...network,
  };
}
