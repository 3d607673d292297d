/**
 * From the SDK's models to the gate's facts: only the network fields are
 * kept, so SSH keys, service principals and the like never leave this file.
 * A field the gate depends on that is missing makes the response malformed.
 */
import type { AgentPool, ManagedCluster } from "@azure/arm-containerservice/models";
import type {
  NetworkInterface,
  RouteTable as SdkRouteTable,
  Subnet as SdkSubnet,
  VirtualNetwork as SdkVirtualNetwork,
} from "@azure/arm-network";
import type { NetworkProfile, Route, RouteTable, Subnet } from "../model.js";
import { malformed } from "./failures.js";
import type { ManagedClusterFacts, NetworkInterfaceFacts, NodePoolFacts, VirtualNetworkFacts } from "./reader.js";

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

function toSubnet(vnetId: string, subnet: SdkSubnet): Subnet {
  if (!subnet.id) throw malformed(vnetId, "a subnet has no id");
  return {
    id: subnet.id,
    addressPrefixes: list(subnet.addressPrefixes, subnet.addressPrefix),
    routeTableId: text(subnet.routeTable?.id),
    networkSecurityGroupId: text(subnet.networkSecurityGroup?.id),
  };
}

export function toVirtualNetwork(id: string, vnet: SdkVirtualNetwork): VirtualNetworkFacts {
  if (!vnet.addressSpace) throw malformed(id, "the virtual network has no addressSpace");
  const vnetId = vnet.id ?? id;
  return {
    network: {
      id: vnetId,
      addressSpace: list(vnet.addressSpace.addressPrefixes),
    },
    subnets: (vnet.subnets ?? []).map((subnet) => toSubnet(vnetId, subnet)),
  };
}

function toRoute(tableId: string, route: NonNullable<SdkRouteTable["routes"]>[number]): Route {
  if (!route.addressPrefix || !route.nextHopType) {
    throw malformed(tableId, `route '${route.name ?? "?"}' has no addressPrefix or nextHopType`);
  }
  return {
    name: route.name ?? "",
    addressPrefix: route.addressPrefix,
    nextHopType: route.nextHopType,
    nextHopIpAddress: text(route.nextHopIpAddress),
  };
}

export function toRouteTable(id: string, table: SdkRouteTable): RouteTable {
  if (!Array.isArray(table.routes)) throw malformed(id, "the route table has no 'routes' list");
  const tableId = table.id ?? id;
  return {
    id: tableId,
    disableBgpRoutePropagation: table.disableBgpRoutePropagation === true,
    routes: table.routes.map((route) => toRoute(tableId, route)),
    subnetIds: (table.subnets ?? []).map((subnet) => subnet.id).filter((value): value is string => !!value),
  };
}

/**
 * The node IPs of a NIC: the primary IP configuration and, on dual-stack, the
 * first IPv6 one. Classic Azure CNI keeps pod IPs as further secondary
 * configurations on the same NIC; those are not the node's.
 */
export function toNetworkInterface(nic: NetworkInterface): NetworkInterfaceFacts {
  const configs = nic.ipConfigurations ?? [];
  const primary = configs.find((config) => config.primary === true) ?? configs[0];
  const ipv6 = configs.find((config) => config.privateIPAddressVersion?.toLowerCase() === "ipv6" && config !== primary);
  return {
    virtualMachineId: text(nic.virtualMachine?.id),
    primary: nic.primary !== false,
    privateIps: [primary, ipv6]
      .map((config) => text(config?.privateIPAddress))
      .filter((value): value is string => value !== null),
  };
}
