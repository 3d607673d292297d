/**
 * An Azure CNI cluster on a bring-your-own VNet in another resource group:
 * classic (pod IPs from the node subnet or a pod subnet) or Overlay, single or
 * dual stack, optionally behind a custom route table that sends 0.0.0.0/0 to a
 * firewall. AKS's NSG then sits on the NICs, not on the subnet.
 */
import { addressInCidr } from "./addressing.js";
import { agentPoolBodies, managedClusterBody, type NetworkProfileFields, type PoolNetwork } from "./managed-cluster.js";
import { networkSecurityGroupBody, routeTableBody, subnetBody, virtualNetworkBody, type RouteSpec } from "./network.js";
import type { NodeAddresses } from "./nodes.js";
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

export interface AzureCniClusterOptions extends ClusterOptions {
  /** The bring-your-own VNet; default `<resourceGroup>-network`/`vnet-<name>`, 10.240.0.0/16. */
  vnet?: {
    resourceGroup?: string;
    name?: string;
    addressSpace?: string[];
    subnetName?: string;
    subnetPrefix?: string;
  };
  /** Azure CNI Overlay: `networkPluginMode: overlay` and a pod CIDR (default 192.168.0.0/16). */
  overlay?: boolean;
  podCidr?: string;
  /** IPv4 + IPv6: podCidrs/serviceCidrs pairs, ipFamilies [IPv4, IPv6], IPv6 node addresses. */
  dualStack?: boolean;
  /** Dynamic pod IP allocation: a pod subnet in the same VNet, referenced as podSubnetID. */
  podSubnet?: { name: string; prefix: string };
  /** A custom route table on the node subnet sending 0.0.0.0/0 to a firewall (VirtualAppliance). */
  firewall?: { ip: string; routeTableName?: string; extraRoutes?: RouteSpec[] };
  /** Classic Azure CNI keeps pod IPs as secondary IP configurations on each NIC. Default 0. */
  podIpsPerNode?: number;
}

const BYO_VNET = { addressSpace: "10.240.0.0/16", subnet: "10.240.0.0/20" };
const BYO_VNET_V6 = { addressSpace: "fd00:db8:deca::/48", subnet: "fd00:db8:deca:deed::/64" };

interface VnetLayout {
  vnetId: string;
  addressSpace: string[];
  subnetId: string;
  subnetPrefixes: string[];
  podSubnetId: string | null;
  routeTableId: string | null;
  nsgId: string;
}

function vnetLayout(plan: ClusterPlan, options: AzureCniClusterOptions): VnetLayout {
  const dualStack = options.dualStack ?? false;
  const vnet = options.vnet ?? {};
  const networkGroup = vnet.resourceGroup ?? `${plan.resourceGroup}-network`;
  const vnetName = vnet.name ?? `vnet-${plan.name}`;
  const inNetworkGroup = (type: string, name: string) => resourceId(plan.subscriptionId, networkGroup, type, name);
  const vnetId = inNetworkGroup("Microsoft.Network/virtualNetworks", vnetName);
  const v6 = (value: string) => (dualStack ? [value] : []);
  const routeTableName = options.firewall?.routeTableName ?? `rt-${vnetName}-egress`;
  return {
    vnetId,
    addressSpace: vnet.addressSpace ?? [BYO_VNET.addressSpace, ...v6(BYO_VNET_V6.addressSpace)],
    subnetId: `${vnetId}/subnets/${vnet.subnetName ?? "snet-aks-nodes"}`,
    subnetPrefixes: [vnet.subnetPrefix ?? BYO_VNET.subnet, ...v6(BYO_VNET_V6.subnet)],
    podSubnetId: options.podSubnet ? `${vnetId}/subnets/${options.podSubnet.name}` : null,
    routeTableId: options.firewall ? inNetworkGroup("Microsoft.Network/routeTables", routeTableName) : null,
    nsgId: resourceId(
      plan.subscriptionId,
      plan.nodeResourceGroup,
      "Microsoft.Network/networkSecurityGroups",
      `aks-agentpool-${plan.suffix}-nsg`,
    ),
  };
}

function azureCniProfile(options: AzureCniClusterOptions): NetworkProfileFields {
  const dualStack = options.dualStack ?? false;
  const overlay = options.overlay ?? false;
  const podCidrs = overlay ? [options.podCidr ?? "192.168.0.0/16", ...(dualStack ? [POD_CIDR_V6] : [])] : [];
  return {
    networkPlugin: "azure",
    networkPluginMode: overlay ? "overlay" : undefined,
    networkPolicy: options.networkPolicy,
    networkDataplane: options.networkDataplane,
    podCidrs,
    serviceCidrs: [options.serviceCidr ?? "10.0.0.0/16", ...(dualStack ? [SERVICE_CIDR_V6] : [])],
    dnsServiceIP: options.dnsServiceIP ?? "10.0.0.10",
    outboundType: options.outboundType ?? (options.firewall ? "userDefinedRouting" : "loadBalancer"),
    ipFamilies: dualStack ? ["IPv4", "IPv6"] : ["IPv4"],
  };
}

function cniAddresses(layout: VnetLayout, podIpsPerNode: number): (index: number) => NodeAddresses {
  const [v4Subnet = BYO_VNET.subnet, v6Subnet] = layout.subnetPrefixes;
  return (index) => {
    const first = FIRST_HOST_OFFSET + index * (1 + podIpsPerNode);
    const secondary = Array.from({ length: podIpsPerNode }, (_unused, pod) => addressInCidr(v4Subnet, first + 1 + pod));
    const v6 = v6Subnet ? [addressInCidr(v6Subnet, FIRST_HOST_OFFSET + index)] : [];
    return { primary: [addressInCidr(v4Subnet, first), ...v6], secondary };
  };
}

function firewallRoutes(firewall: AzureCniClusterOptions["firewall"]): RouteSpec[] {
  if (!firewall) return [];
  const toFirewall = {
    name: "default-to-firewall",
    addressPrefix: "0.0.0.0/0",
    nextHopType: "VirtualAppliance",
    nextHopIpAddress: firewall.ip,
  };
  return [toFirewall, ...(firewall.extraRoutes ?? [])];
}

function vnetResources(
  plan: ClusterPlan,
  options: AzureCniClusterOptions,
  layout: VnetLayout,
  nodeIpConfigs: string[],
) {
  const nodeSubnet = subnetBody({
    id: layout.subnetId,
    prefixes: layout.subnetPrefixes,
    routeTableRef: layout.routeTableId ? echoedId(layout.routeTableId, "lowerSegment") : null,
    networkSecurityGroupRef: null,
    ipConfigurationIds: nodeIpConfigs,
  });
  const podSubnet =
    options.podSubnet && layout.podSubnetId
      ? [
          subnetBody({
            id: layout.podSubnetId,
            prefixes: [options.podSubnet.prefix],
            routeTableRef: null,
            networkSecurityGroupRef: null,
            ipConfigurationIds: [],
          }),
        ]
      : [];
  const vnet = virtualNetworkBody({
    id: layout.vnetId,
    location: plan.location,
    addressSpace: layout.addressSpace,
    subnets: [nodeSubnet, ...podSubnet],
  });
  const routes = firewallRoutes(options.firewall);
  const routeTable = layout.routeTableId
    ? [routeTableBody({ id: layout.routeTableId, location: plan.location, routes, subnetRefs: [layout.subnetId] })]
    : [];
  return { resources: [vnet, ...routeTable], routes };
}

/** An Azure CNI cluster whose pools sit on a subnet of a bring-your-own VNet. */
export function azureCniCluster(options: AzureCniClusterOptions): BuiltCluster {
  const plan = planCluster(options, options.overlay ? 250 : 30);
  const layout = vnetLayout(plan, options);
  const profile = azureCniProfile(options);
  const network: PoolNetwork = { vnetSubnetID: layout.subnetId, podSubnetID: layout.podSubnetId };
  const cluster = managedClusterBody(plan, profile, network);
  const built = nodeResources(plan, sshKeyOf(cluster), {
    subnetRef: layout.subnetId,
    networkSecurityGroupRef: layout.nsgId,
    addressesOf: cniAddresses(layout, options.podIpsPerNode ?? 0),
  });
  const vnet = vnetResources(
    plan,
    options,
    layout,
    built.nodes.flatMap((node) => node.ipConfigurationIds),
  );
  const nsg = networkSecurityGroupBody({
    id: layout.nsgId,
    location: plan.location,
    subnetRefs: [],
    networkInterfaceRefs: built.nodes.map((node) => echoedId(node.networkInterfaceId, "lowerGroup")),
  });
  const resources = [cluster, ...agentPoolBodies(plan, network), ...vnet.resources, nsg, ...built.resources];
  return describeCluster(plan, resources, built.nodes, {
    virtualNetworkId: layout.vnetId,
    subnetId: layout.subnetId,
    podSubnetId: layout.podSubnetId,
    routeTableId: layout.routeTableId,
    networkSecurityGroupId: layout.nsgId,
    routes: vnet.routes,
    networkProfile: profile,
  });
}
