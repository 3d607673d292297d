/**
 * Real ARM response bodies that the Azure CLI's live tests recorded (see
 * __tests__/fixtures/recorded/README.md), loaded into a sandbox World as one
 * coherent cluster. The stored files are never edited: what has to agree
 * between bodies taken from different recordings (the node resource group,
 * the node subnet, the node IPs) is changed here by a listed substitution,
 * and what no recording holds (the VNet, the scale set, the node routes) is
 * built with the sandbox builders. The README lists every change.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { blockInCidr } from "../../sandbox/builders/addressing.js";
import { kubenetRouteName } from "../../sandbox/builders/kubenet.js";
import { subnetBody, virtualNetworkBody } from "../../sandbox/builders/network.js";
import { scaleSetResources } from "../../sandbox/builders/nodes.js";
import { digitsFrom, planCluster, resourceId } from "../../sandbox/builders/plan.js";
import type { ArmResource } from "../../sandbox/resource-id.js";

export const RECORDED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "recorded");

/** Every recording masks the subscription with this ID. */
export const RECORDED_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

export interface RecordedSource {
  file: string;
  /** The recording in Azure/azure-cli, under src/azure-cli/azure/cli/command_modules/. */
  recording: string;
  commit: string;
  /** The recorded request, as its `uri` says (the acs module rewrites api-versions; see the README). */
  request: string;
  /** The recorded response's content-length header. */
  contentLength: number;
  /** Characters the test framework's name monikers removed; the header counts the names ARM sent. */
  monikerShortening: number;
}

const ACS = "acs/tests/latest/recordings/";
const CLUSTER = `/subscriptions/${RECORDED_SUBSCRIPTION}/resourceGroups/clitest000001/providers/Microsoft.ContainerService/managedClusters`;
const VMSS_NICS_RG = `/subscriptions/${RECORDED_SUBSCRIPTION}/resourceGroups/cli_test_vmss_nics000001`;

function acs(file: string, recording: string, commit: string, request: string, contentLength: number) {
  return { file, recording: ACS + recording, commit, request, contentLength, monikerShortening: 0 };
}

export const RECORDED_SOURCES: readonly RecordedSource[] = [
  acs(
    "kubenet-managedcluster.json",
    "test_aks_nodepool_system_pool.yaml",
    "0169150978840c45bced95dce2c8101e61a2d1f2",
    `GET ${CLUSTER}/cliakstest000001?api-version=2022-04-01`,
    3039,
  ),
  acs(
    "kubenet-agentpools.json",
    "test_aks_nodepool_system_pool.yaml",
    "0169150978840c45bced95dce2c8101e61a2d1f2",
    `GET ${CLUSTER}/cliakstest000001/agentPools?api-version=2022-04-01`,
    1036,
  ),
  acs(
    "availabilityset-managedcluster.json",
    "test_aks_create_blb_vmas.yaml",
    "0166521808dadf9de0e96ca2a8ddb7582fdbe717",
    `GET ${CLUSTER}/cliakstest000001?api-version=2022-03-01`,
    2534,
  ),
  acs(
    "availabilityset-managedcluster-creating.json",
    "test_aks_create_blb_vmas.yaml",
    "0166521808dadf9de0e96ca2a8ddb7582fdbe717",
    `GET ${CLUSTER}/cliakstest000001?api-version=2022-03-01`,
    2532,
  ),
  acs(
    "azurecni-managedcluster.json",
    "test_aks_azure_cni_overlay_migration.yaml",
    "0d869537672d49995d2015fabbc5a235f9218c6c",
    `GET ${CLUSTER}/cliakstest000002?api-version=2024-01-01`,
    4333,
  ),
  acs(
    "overlay-managedcluster.json",
    "test_aks_azure_cni_overlay_migration.yaml",
    "0d869537672d49995d2015fabbc5a235f9218c6c",
    `GET ${CLUSTER}/cliakstest000002?api-version=2024-01-01`,
    4447,
  ),
  acs(
    "dualstack-managedcluster.json",
    "test_aks_create_dualstack_with_default_network.yaml",
    "0363f1958d8b306494734cda2f5390fda42a3517",
    `GET ${CLUSTER}/cliakstest000002?api-version=2026-07-01`,
    4250,
  ),
  {
    file: "vmss-networkinterfaces.json",
    recording: "vm/tests/latest/recordings/test_vmss_nics.yaml",
    commit: "017442c3d8d55d2903ddaf3f13352eef643f6e6a",
    request: `GET ${VMSS_NICS_RG}/providers/microsoft.Compute/virtualMachineScaleSets/vmss1/networkInterfaces?api-version=2018-10-01`,
    contentLength: 5972,
    monikerShortening: 612,
  },
  {
    file: "vmss-virtualmachines.json",
    recording: "vm/tests/latest/recordings/test_vmss_nics.yaml",
    commit: "017442c3d8d55d2903ddaf3f13352eef643f6e6a",
    request: `GET ${VMSS_NICS_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1/virtualMachines?api-version=2019-03-01`,
    contentLength: 6958,
    monikerShortening: 612,
  },
  {
    file: "routetable.json",
    recording: "network/tests/latest/recordings/test_network_route_table_operation.yaml",
    commit: "0b41c1ed0b17b5cd24f6e35fb68f5a88945ea299",
    request: `GET /subscriptions/${RECORDED_SUBSCRIPTION}/resourceGroups/cli_test_route_table000001/providers/Microsoft.Network/routeTables/cli-test-route-table?api-version=2021-08-01`,
    contentLength: 888,
    monikerShortening: 0,
  },
];

/** A recorded body exactly as stored. */
export function readRecorded(file: string): string {
  return readFileSync(path.join(RECORDED_DIR, file), "utf8");
}

export function recordedJson(file: string): ArmResource {
  return JSON.parse(readRecorded(file)) as ArmResource;
}

export interface Substitution {
  from: string;
  to: string;
}

/** Replaces every occurrence of each `from`; one that matches nothing throws, so a stale list fails loudly. */
export function substitute(text: string, substitutions: readonly Substitution[]): string {
  return substitutions.reduce((current, { from, to }) => {
    if (!current.includes(from)) throw new Error(`the recorded body holds no '${from}' to replace`);
    return current.split(from).join(to);
  }, text);
}

export type RecordedKind = "kubenet" | "azureCni" | "overlay" | "dualStack" | "availabilitySet";

export const RECORDED_CLUSTERS: Record<RecordedKind, { cluster: string; agentPools: string | null }> = {
  kubenet: { cluster: "kubenet-managedcluster.json", agentPools: "kubenet-agentpools.json" },
  azureCni: { cluster: "azurecni-managedcluster.json", agentPools: null },
  overlay: { cluster: "overlay-managedcluster.json", agentPools: null },
  dualStack: { cluster: "dualstack-managedcluster.json", agentPools: null },
  availabilitySet: { cluster: "availabilityset-managedcluster.json", agentPools: null },
};

/** Where the nodes of the loaded cluster sit: every ID and address the bodies must agree on. */
export interface Layout {
  resourceGroup: string;
  name: string;
  location: string;
  kubernetesVersion: string;
  clusterId: string;
  nodeResourceGroup: string;
  /** The 8 digits AKS puts in the names of the node resource group's resources. */
  suffix: string;
  poolName: string;
  podCidr: string;
  kubenet: boolean;
  dualStack: boolean;
  standalone: boolean;
  virtualNetworkId: string;
  subnetId: string;
  routeTableId: string;
}

interface Profile {
  name: string;
  type?: string;
}

function layoutOf(cluster: ArmResource): Layout {
  const properties = cluster.properties as Record<string, unknown>;
  const network = properties["networkProfile"] as { networkPlugin: string; podCidr?: string; ipFamilies?: string[] };
  const pools = properties["agentPoolProfiles"] as Profile[];
  const resourceGroup = /\/resourcegroups\/([^/]+)\//i.exec(cluster.id)?.[1] ?? "";
  const clusterId = `/subscriptions/${RECORDED_SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${cluster.name}`;
  const nodeResourceGroup = String(properties["nodeResourceGroup"]);
  const suffix = digitsFrom(clusterId);
  const inNodeGroup = (type: string, name: string) => resourceId(RECORDED_SUBSCRIPTION, nodeResourceGroup, type, name);
  const virtualNetworkId = inNodeGroup("Microsoft.Network/virtualNetworks", `aks-vnet-${suffix}`);
  return {
    resourceGroup,
    name: cluster.name,
    location: String(cluster["location"]),
    kubernetesVersion: String(properties["kubernetesVersion"]),
    clusterId,
    nodeResourceGroup,
    suffix,
    poolName: pools[0]?.name ?? "nodepool1",
    podCidr: network.podCidr ?? "",
    kubenet: network.networkPlugin === "kubenet",
    dualStack: (network.ipFamilies ?? []).length > 1,
    standalone: pools.some((pool) => pool.type === "AvailabilitySet"),
    virtualNetworkId,
    subnetId: `${virtualNetworkId}/subnets/aks-subnet`,
    routeTableId: inNodeGroup("Microsoft.Network/routeTables", `aks-agentpool-${suffix}-routetable`),
  };
}

/** AKS's own VNet: 10.224.0.0/12 with the node subnet 10.224.0.0/16; dual-stack adds an IPv6 pair. */
const AKS_VNET = { space: ["10.224.0.0/12"], subnet: ["10.224.0.0/16"] };
const AKS_VNET_V6 = { space: ["fd8e:1a2b:3c4d::/48"], subnet: ["fd8e:1a2b:3c4d::/64"] };

/** The recorded scale-set node IPs, moved into the AKS subnet. */
export const NODE_IPS: Readonly<Record<string, string>> = { "10.0.0.4": "10.224.0.4", "10.0.0.7": "10.224.0.7" };

/** The recorded VMSS lives in the test's own group and VNet: move it into the node resource group and AKS subnet. */
export function scaleSetSubstitutions(layout: Layout): Substitution[] {
  return [
    {
      from: `${VMSS_NICS_RG}/providers/Microsoft.Network/virtualNetworks/vmss1VNET/subnets/vmss1Subnet`,
      to: layout.subnetId,
    },
    { from: "/resourceGroups/cli_test_vmss_nics000001/", to: `/resourceGroups/${layout.nodeResourceGroup}/` },
  ];
}

export function nodeIpSubstitutions(): Substitution[] {
  return Object.entries(NODE_IPS).map(([from, to]) => ({ from: `"${from}"`, to: `"${to}"` }));
}

/** AvailabilitySet nodes are standalone VMs: the instance NICs become `aks-<pool>-<digits>-nic-<n>` of VM `aks-<pool>-<digits>-<n>`. */
export function standaloneSubstitutions(layout: Layout): Substitution[] {
  const scaleSet = `${VMSS_NICS_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1`;
  const group = `/subscriptions/${RECORDED_SUBSCRIPTION}/resourceGroups/${layout.nodeResourceGroup}/providers`;
  const prefix = `aks-${layout.poolName}-${layout.suffix}`;
  return ["0", "3"].flatMap((instance) => [
    {
      from: `${scaleSet}/virtualMachines/${instance}/networkInterfaces/vmss1efd7Nic`,
      to: `${group}/Microsoft.Network/networkInterfaces/${prefix}-nic-${instance}`,
    },
    {
      from: `${scaleSet}/virtualMachines/${instance}"`,
      to: `${group}/Microsoft.Compute/virtualMachines/${prefix}-${instance}"`,
    },
  ]);
}

export const ROUTE_TABLE_NAME = "cli-test-route-table";

/** The recorded route table becomes the AKS-made table of the node resource group. */
export function routeTableSubstitutions(layout: Layout): Substitution[] {
  const name = layout.routeTableId.split("/").at(-1) ?? "";
  return [
    {
      from: `/resourceGroups/cli_test_route_table000001/providers/Microsoft.Network/routeTables/${ROUTE_TABLE_NAME}`,
      to: `/resourceGroups/${layout.nodeResourceGroup}/providers/Microsoft.Network/routeTables/${name}`,
    },
    { from: `"name":"${ROUTE_TABLE_NAME}"`, to: `"name":"${name}"` },
  ];
}

function listItems(text: string): ArmResource[] {
  return (JSON.parse(text) as { value: ArmResource[] }).value;
}

interface Node {
  name: string;
  ip: string;
}

interface NodeSet {
  resources: ArmResource[];
  nodes: Node[];
  ipConfigurationIds: string[];
}

interface NicProperties {
  virtualMachine: { id: string };
  ipConfigurations: { id: string; properties: { privateIPAddress: string } }[];
}

function nicProperties(nic: ArmResource): NicProperties {
  return nic.properties as unknown as NicProperties;
}

function ipOf(nics: ArmResource[], virtualMachineId: string): string {
  const nic = nics.find((item) => nicProperties(item).virtualMachine.id === virtualMachineId);
  return nic ? (nicProperties(nic).ipConfigurations[0]?.properties.privateIPAddress ?? "") : "";
}

function ipConfigurationIds(nics: ArmResource[]): string[] {
  return nics.flatMap((nic) => nicProperties(nic).ipConfigurations.map((config) => config.id));
}

/** The scale set AKS would have made for the pool: no recording holds one with AKS's tags, so it is built. */
function builtScaleSet(layout: Layout): ArmResource {
  const plan = {
    ...planCluster(
      {
        subscriptionId: RECORDED_SUBSCRIPTION,
        resourceGroup: layout.resourceGroup,
        name: layout.name,
        location: layout.location,
        kubernetesVersion: layout.kubernetesVersion,
        suffix: layout.suffix,
        pools: [{ name: layout.poolName, count: 0 }],
      },
      110,
    ),
    nodeResourceGroup: layout.nodeResourceGroup,
  };
  const pool = { ...(plan.pools[0] as (typeof plan.pools)[number]), scaleSetName: "vmss1" };
  const spec = { plan, pool, subnetRef: layout.subnetId, networkSecurityGroupRef: null, firstNodeIndex: 0 };
  const built = scaleSetResources({ ...spec, addressesOf: () => ({ primary: [], secondary: [] }), sshKeyData: "" });
  return built.resources[0] as ArmResource;
}

function scaleSetNodes(layout: Layout): NodeSet {
  const moved = scaleSetSubstitutions(layout);
  const nics = listItems(substitute(readRecorded("vmss-networkinterfaces.json"), [...moved, ...nodeIpSubstitutions()]));
  const instances = listItems(substitute(readRecorded("vmss-virtualmachines.json"), moved));
  const nodes = instances.map((instance) => ({
    name: String((instance.properties?.["osProfile"] as { computerName: string }).computerName).toLowerCase(),
    ip: ipOf(nics, instance.id),
  }));
  return {
    resources: [builtScaleSet(layout), ...instances, ...nics],
    nodes,
    ipConfigurationIds: ipConfigurationIds(nics),
  };
}

function standaloneNodes(layout: Layout): NodeSet {
  const subs = [...standaloneSubstitutions(layout), ...scaleSetSubstitutions(layout), ...nodeIpSubstitutions()];
  const nics = listItems(substitute(readRecorded("vmss-networkinterfaces.json"), subs));
  const nodes = nics.map((nic) => {
    const vm = nicProperties(nic).virtualMachine.id;
    return { name: (vm.split("/").at(-1) ?? "").toLowerCase(), ip: ipOf(nics, vm) };
  });
  return { resources: nics, nodes, ipConfigurationIds: ipConfigurationIds(nics) };
}

/** The recorded route table as the AKS table of the node subnet: attached to it, and with one built route per node. */
export function recordedRouteTable(layout: Layout, nodes: readonly Node[]): ArmResource {
  const table = JSON.parse(substitute(readRecorded("routetable.json"), routeTableSubstitutions(layout))) as ArmResource;
  const properties = table.properties as { routes: ArmResource[]; subnets?: { id: string }[] };
  const recordedRoute = properties.routes[0] as ArmResource;
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  const nodeRoutes = sorted.map((node, index) => {
    const addressPrefix = blockInCidr(layout.podCidr, 24, index);
    const name = kubenetRouteName(node.name, addressPrefix, layout.dualStack);
    const route = { addressPrefix, nextHopType: "VirtualAppliance", nextHopIpAddress: node.ip };
    return {
      ...recordedRoute,
      name,
      id: `${table.id}/routes/${name}`,
      properties: { ...recordedRoute.properties, ...route },
    };
  });
  properties.routes = [...properties.routes, ...nodeRoutes];
  properties.subnets = [{ id: layout.subnetId }];
  return table;
}

function virtualNetwork(layout: Layout, ipConfigurations: string[]): ArmResource {
  const family = (pick: (range: typeof AKS_VNET) => string[]) => [
    ...pick(AKS_VNET),
    ...(layout.dualStack ? pick(AKS_VNET_V6) : []),
  ];
  const subnet = subnetBody({
    id: layout.subnetId,
    prefixes: family((range) => range.subnet),
    routeTableRef: layout.kubenet ? layout.routeTableId : null,
    networkSecurityGroupRef: null,
    ipConfigurationIds: ipConfigurations,
  });
  const space = family((range) => range.space);
  return virtualNetworkBody({
    id: layout.virtualNetworkId,
    location: layout.location,
    addressSpace: space,
    subnets: [subnet],
  });
}

/** The pools as the agentPools list serves them: a recorded list, or each recorded profile without its name. */
function agentPools(cluster: ArmResource, file: string | null): ArmResource[] {
  if (file) return listItems(readRecorded(file));
  const profiles = (cluster.properties?.["agentPoolProfiles"] ?? []) as (Profile & Record<string, unknown>)[];
  return profiles.map(({ name, ...properties }) => ({
    id: `${cluster.id}/agentPools/${name}`,
    name,
    type: "Microsoft.ContainerService/managedClusters/agentPools",
    properties,
  }));
}

export interface RecordedCluster {
  resources: ArmResource[];
  layout: Layout;
  nodes: Node[];
  /** The action's inputs that name the cluster. */
  target: { subscription: string; "resource-group": string; "cluster-name": string };
}

/** One recorded cluster with its node resource group, ready for `new World(...resources)`. */
export function recordedCluster(kind: RecordedKind, clusterFile = RECORDED_CLUSTERS[kind].cluster): RecordedCluster {
  const cluster = recordedJson(clusterFile);
  const layout = layoutOf(cluster);
  const nodeSet = layout.standalone ? standaloneNodes(layout) : scaleSetNodes(layout);
  const routeTable = layout.kubenet ? [recordedRouteTable(layout, nodeSet.nodes)] : [];
  return {
    resources: [
      cluster,
      ...agentPools(cluster, RECORDED_CLUSTERS[kind].agentPools),
      virtualNetwork(layout, nodeSet.ipConfigurationIds),
      ...routeTable,
      ...nodeSet.resources,
    ],
    layout,
    nodes: nodeSet.nodes,
    target: {
      subscription: RECORDED_SUBSCRIPTION,
      "resource-group": layout.resourceGroup,
      "cluster-name": layout.name,
    },
  };
}
