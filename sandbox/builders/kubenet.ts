/**
 * A kubenet cluster on the VNet AKS made for it: VNet, subnet, route table and
 * NSG in the node resource group, one route per node (the node's /24 of the
 * pod CIDR, next hop VirtualAppliance at the node IP).
 */
import { addressInCidr, blockInCidr } from "./addressing.js";
import { agentPoolBodies, managedClusterBody, type NetworkProfileFields, type PoolNetwork } from "./managed-cluster.js";
import { networkSecurityGroupBody, routeTableBody, subnetBody, virtualNetworkBody, type RouteSpec } from "./network.js";
import type { BuiltNode, NodeAddresses } from "./nodes.js";
import { echoedId, planCluster, resourceId, type ClusterOptions, type ClusterPlan } from "./plan.js";
import {
  describeCluster,
  FIRST_HOST_OFFSET,
  nodeResources,
  POD_CIDR_V6,
  SERVICE_CIDR_V6,
  sshKeyOf,
  type BuiltCluster,
} from "./shared.js";

export interface KubenetClusterOptions extends ClusterOptions {
  /** Default `10.244.0.0/16`; node i gets the i-th /24. */
  podCidr?: string;
  /** Adds IPv6 pod and service CIDRs, node IPv6 addresses and a route per node per family. */
  dualStack?: boolean;
}

const AKS_VNET = { addressSpace: "10.224.0.0/12", subnet: "10.224.0.0/16" };
const AKS_VNET_V6 = { addressSpace: "fd8e:1a2b:3c4d::/48", subnet: "fd8e:1a2b:3c4d::/64" };

/** The route name cloud-provider-azure writes: the node name, suffixed per CIDR on dual-stack. */
export function kubenetRouteName(nodeName: string, podCidr: string, dualStack: boolean): string {
  return dualStack ? `${nodeName}____${podCidr.replace(/[:./]/g, "")}` : nodeName;
}

function kubenetRoutes(nodes: BuiltNode[], podCidrs: string[]): RouteSpec[] {
  const dualStack = podCidrs.length > 1;
  return nodes.flatMap((node) =>
    podCidrs.map((podCidr, family) => {
      const addressPrefix = blockInCidr(podCidr, family === 0 ? 24 : 80, node.index);
      return {
        name: kubenetRouteName(node.name, addressPrefix, dualStack),
        addressPrefix,
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: node.privateIps[family] ?? "",
      };
    }),
  );
}

function kubenetProfile(options: KubenetClusterOptions): NetworkProfileFields {
  const dualStack = options.dualStack ?? false;
  return {
    networkPlugin: "kubenet",
    networkPolicy: options.networkPolicy,
    networkDataplane: options.networkDataplane,
    podCidrs: [options.podCidr ?? "10.244.0.0/16", ...(dualStack ? [POD_CIDR_V6] : [])],
    serviceCidrs: [options.serviceCidr ?? "10.0.0.0/16", ...(dualStack ? [SERVICE_CIDR_V6] : [])],
    dnsServiceIP: options.dnsServiceIP ?? "10.0.0.10",
    outboundType: options.outboundType ?? "loadBalancer",
    ipFamilies: dualStack ? ["IPv4", "IPv6"] : ["IPv4"],
  };
}

function kubenetAddresses(dualStack: boolean): (index: number) => NodeAddresses {
  return (index) => ({
    primary: [
      addressInCidr(AKS_VNET.subnet, FIRST_HOST_OFFSET + index),
      ...(dualStack ? [addressInCidr(AKS_VNET_V6.subnet, FIRST_HOST_OFFSET + index)] : []),
    ],
    secondary: [],
  });
}

function nodeGroupIds(plan: ClusterPlan) {
  const inNodeGroup = (type: string, name: string) =>
    resourceId(plan.subscriptionId, plan.nodeResourceGroup, type, name);
  const vnetId = inNodeGroup("Microsoft.Network/virtualNetworks", `aks-vnet-${plan.suffix}`);
  return {
    vnetId,
    subnetId: `${vnetId}/subnets/aks-subnet`,
    routeTableId: inNodeGroup("Microsoft.Network/routeTables", `aks-agentpool-${plan.suffix}-routetable`),
    nsgId: inNodeGroup("Microsoft.Network/networkSecurityGroups", `aks-agentpool-${plan.suffix}-nsg`),
  };
}

/** A kubenet cluster on the VNet AKS made for it (no vnetSubnetID on its pools). */
export function kubenetCluster(options: KubenetClusterOptions): BuiltCluster {
  const plan = planCluster(options, 110);
  const dualStack = options.dualStack ?? false;
  const profile = kubenetProfile(options);
  const { vnetId, subnetId, routeTableId, nsgId } = nodeGroupIds(plan);
  const network: PoolNetwork = { vnetSubnetID: null, podSubnetID: null };
  const cluster = managedClusterBody(plan, profile, network);
  const built = nodeResources(plan, sshKeyOf(cluster), {
    subnetRef: echoedId(subnetId, "lowerGroup"),
    networkSecurityGroupRef: null,
    addressesOf: kubenetAddresses(dualStack),
  });
  const routes = kubenetRoutes(built.nodes, profile.podCidrs);
  const subnet = subnetBody({
    id: subnetId,
    prefixes: [AKS_VNET.subnet, ...(dualStack ? [AKS_VNET_V6.subnet] : [])],
    routeTableRef: echoedId(routeTableId, "lowerSegment"),
    networkSecurityGroupRef: nsgId,
    ipConfigurationIds: built.nodes.flatMap((node) => node.ipConfigurationIds),
  });
  const addressSpace = [AKS_VNET.addressSpace, ...(dualStack ? [AKS_VNET_V6.addressSpace] : [])];
  const subnetRefs = [echoedId(subnetId, "lowerGroup")];
  const resources = [
    cluster,
    ...agentPoolBodies(plan, network),
    virtualNetworkBody({ id: vnetId, location: plan.location, addressSpace, subnets: [subnet] }),
    routeTableBody({ id: routeTableId, location: plan.location, routes, subnetRefs }),
    networkSecurityGroupBody({ id: nsgId, location: plan.location, subnetRefs, networkInterfaceRefs: [] }),
    ...built.resources,
  ];
  return describeCluster(plan, resources, built.nodes, {
    virtualNetworkId: vnetId,
    subnetId,
    podSubnetId: null,
    routeTableId,
    networkSecurityGroupId: nsgId,
    routes,
    networkProfile: profile,
  });
}
