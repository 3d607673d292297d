/**
 * The nodes of a pool as ARM shows them in the node resource group: a scale
 * set, its instances (`.../virtualMachines/<instanceId>`) and one NIC per
 * instance (`.../virtualMachines/<instanceId>/networkInterfaces/<name>`).
 */
import { isIPv6 } from "node:net";
import type { ArmResource } from "../resource-id.js";
import { echoedId, resourceId, type ClusterPlan, type PoolPlan } from "./plan.js";

export interface NodeAddresses {
  /** IPv4 first, then IPv6 on a dual-stack cluster: one IP configuration each. */
  primary: string[];
  /** Azure CNI without overlay: the pod IPs held as secondary IP configurations. */
  secondary: string[];
}

export interface ScaleSetSpec {
  plan: ClusterPlan;
  pool: PoolPlan;
  /** The node subnet, as the NICs reference it. */
  subnetRef: string;
  /** NSG on the NICs (bring-your-own VNet); null when it sits on the subnet. */
  networkSecurityGroupRef: string | null;
  /** The index of the pool's first node among all nodes of the cluster. */
  firstNodeIndex: number;
  addressesOf(nodeIndex: number): NodeAddresses;
  sshKeyData: string;
}

export interface BuiltNode {
  name: string;
  pool: string;
  /** Position among all nodes of the cluster: node i owns pod block i under kubenet. */
  index: number;
  instanceId: string;
  scaleSetId: string;
  virtualMachineId: string;
  networkInterfaceId: string;
  /** The primary IP configurations' addresses: the node IPs. */
  privateIps: string[];
  /** IDs of every IP configuration of the NIC, for the subnet's back references. */
  ipConfigurationIds: string[];
}

type Fields = Record<string, unknown>;

export function computerName(prefix: string, instanceId: number): string {
  return prefix + instanceId.toString(36).padStart(6, "0");
}

function scaleSetTags(spec: ScaleSetSpec): Record<string, string> {
  return {
    ...spec.plan.tags,
    "aks-managed-creationSource": `vmssclient-${spec.pool.scaleSetName}`,
    "aks-managed-orchestrator": `Kubernetes:${spec.plan.kubernetesVersion}`,
    "aks-managed-poolName": spec.pool.name,
    "aks-managed-resourceNameSuffix": spec.plan.suffix,
  };
}

function backendPoolRefs(plan: ClusterPlan): Fields[] {
  const balancer = resourceId(
    plan.subscriptionId,
    plan.nodeResourceGroup,
    "Microsoft.Network/loadBalancers",
    "kubernetes",
  );
  return [{ id: `${balancer}/backendAddressPools/kubernetes` }];
}

function scaleSetBody(spec: ScaleSetSpec, id: string): ArmResource {
  const { plan, pool } = spec;
  const ipConfiguration = {
    name: "ipconfig1",
    properties: {
      primary: true,
      privateIPAddressVersion: "IPv4",
      subnet: { id: spec.subnetRef },
      loadBalancerBackendAddressPools: backendPoolRefs(plan),
    },
  };
  const nicConfiguration: Fields = {
    primary: true,
    enableAcceleratedNetworking: true,
    enableIPForwarding: true,
    ipConfigurations: [ipConfiguration],
  };
  if (spec.networkSecurityGroupRef) nicConfiguration["networkSecurityGroup"] = { id: spec.networkSecurityGroupRef };
  return {
    name: pool.scaleSetName,
    id,
    type: "Microsoft.Compute/virtualMachineScaleSets",
    location: plan.location,
    tags: scaleSetTags(spec),
    sku: { name: pool.vmSize, tier: "Standard", capacity: pool.count },
    properties: {
      singlePlacementGroup: false,
      orchestrationMode: "Uniform",
      upgradePolicy: { mode: "Manual" },
      provisioningState: "Succeeded",
      overprovision: false,
      virtualMachineProfile: {
        osProfile: linuxOsProfile({ computerNamePrefix: pool.scaleSetName }, spec.sshKeyData),
        networkProfile: { networkInterfaceConfigurations: [{ name: pool.scaleSetName, properties: nicConfiguration }] },
      },
    },
  };
}

function linuxOsProfile(naming: Fields, sshKeyData: string): Fields {
  return {
    ...naming,
    adminUsername: "azureuser",
    linuxConfiguration: {
      disablePasswordAuthentication: true,
      ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: sshKeyData }] },
      provisionVMAgent: true,
    },
    secrets: [],
  };
}

function instanceBody(spec: ScaleSetSpec, node: BuiltNode): ArmResource {
  return {
    name: `${spec.pool.scaleSetName}_${node.instanceId}`,
    id: node.virtualMachineId,
    type: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
    location: spec.plan.location,
    tags: scaleSetTags(spec),
    instanceId: node.instanceId,
    sku: { name: spec.pool.vmSize, tier: "Standard" },
    properties: {
      latestModelApplied: true,
      provisioningState: "Succeeded",
      osProfile: linuxOsProfile({ computerName: node.name }, spec.sshKeyData),
      networkProfile: { networkInterfaces: [{ id: node.networkInterfaceId }] },
    },
  };
}

function ipConfigurationBody(
  nicId: string,
  name: string,
  address: string,
  spec: ScaleSetSpec,
  primary: boolean,
): Fields {
  return {
    name,
    id: `${nicId}/ipConfigurations/${name}`,
    type: "Microsoft.Network/networkInterfaces/ipConfigurations",
    properties: {
      provisioningState: "Succeeded",
      privateIPAddress: address,
      privateIPAllocationMethod: "Dynamic",
      privateIPAddressVersion: isIPv6(address) ? "IPv6" : "IPv4",
      subnet: { id: spec.subnetRef },
      primary,
      loadBalancerBackendAddressPools: primary ? backendPoolRefs(spec.plan) : [],
    },
  };
}

function macAddress(index: number): string {
  const hex = index.toString(16).padStart(6, "0").toUpperCase();
  return `60-45-BD-${hex.slice(0, 2)}-${hex.slice(2, 4)}-${hex.slice(4, 6)}`;
}

function ipConfigurationNames(addresses: NodeAddresses): string[] {
  const primary = addresses.primary.map((_ip, index) => (index === 0 ? "ipconfig1" : "ipconfigv6"));
  const secondary = addresses.secondary.map((_ip, index) => `ipconfig${index + 2}`);
  return [...primary, ...secondary];
}

function networkInterfaceBody(spec: ScaleSetSpec, node: BuiltNode, addresses: NodeAddresses): ArmResource {
  const names = ipConfigurationNames(addresses);
  const all = [...addresses.primary, ...addresses.secondary];
  const properties: Fields = {
    provisioningState: "Succeeded",
    ipConfigurations: all.map((ip, index) =>
      ipConfigurationBody(node.networkInterfaceId, names[index] ?? `ipconfig${index + 1}`, ip, spec, index === 0),
    ),
    dnsSettings: { dnsServers: [], appliedDnsServers: [] },
    macAddress: macAddress(node.index),
    enableAcceleratedNetworking: true,
    enableIPForwarding: true,
    primary: true,
    virtualMachine: { id: echoedId(node.virtualMachineId, "upperGroup") },
    hostedWorkloads: [],
    tapConfigurations: [],
    nicType: "Standard",
  };
  if (spec.networkSecurityGroupRef) properties["networkSecurityGroup"] = { id: spec.networkSecurityGroupRef };
  const name = spec.pool.scaleSetName;
  return {
    name,
    id: node.networkInterfaceId,
    type: "Microsoft.Network/networkInterfaces",
    location: spec.plan.location,
    properties,
  };
}

function describeNode(spec: ScaleSetSpec, scaleSetId: string, instance: number): BuiltNode {
  const index = spec.firstNodeIndex + instance;
  const virtualMachineId = `${scaleSetId}/virtualMachines/${instance}`;
  const networkInterfaceId = `${virtualMachineId}/networkInterfaces/${spec.pool.scaleSetName}`;
  const addresses = spec.addressesOf(index);
  const names = ipConfigurationNames(addresses);
  return {
    name: computerName(spec.pool.scaleSetName, instance),
    pool: spec.pool.name,
    index,
    instanceId: String(instance),
    scaleSetId,
    virtualMachineId,
    networkInterfaceId,
    privateIps: addresses.primary,
    ipConfigurationIds: names.map((name) => `${networkInterfaceId}/ipConfigurations/${name}`),
  };
}

/** The scale set of a pool, its instances and their NICs. */
export function scaleSetResources(spec: ScaleSetSpec): { resources: ArmResource[]; nodes: BuiltNode[] } {
  const { plan, pool } = spec;
  const scaleSetId = resourceId(
    plan.subscriptionId,
    plan.nodeResourceGroup,
    "Microsoft.Compute/virtualMachineScaleSets",
    pool.scaleSetName,
  );
  const resources: ArmResource[] = [scaleSetBody(spec, scaleSetId)];
  const nodes: BuiltNode[] = [];
  for (let instance = 0; instance < pool.count; instance++) {
    const node = describeNode(spec, scaleSetId, instance);
    resources.push(instanceBody(spec, node), networkInterfaceBody(spec, node, spec.addressesOf(node.index)));
    nodes.push(node);
  }
  return { resources, nodes };
}
