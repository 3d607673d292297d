import type { NetworkProfile, NodePool, RouteTable, Subnet, VirtualNetwork } from "../../core/model.js";

export interface ManagedClusterFacts {
  id: string;
  name: string;
  location: string | null;
  nodeResourceGroup: string | null;
  tags: Record<string, string>;
  networkProfile: NetworkProfile;
}

export interface NodePoolFacts extends NodePool {
  /** VirtualMachineScaleSets, AvailabilitySet or VirtualMachines. */
  type: string | null;
}

export interface VirtualNetworkFacts {
  network: VirtualNetwork;
  /** The subnets as the VNet reports them, with their route table and NSG. */
  subnets: Subnet[];
}

export interface ScaleSetFacts {
  id: string;
  name: string;
  /** The node pool the scale set belongs to (tag `aks-managed-poolName`). */
  pool: string | null;
}

export interface ScaleSetInstanceFacts {
  id: string;
  computerName: string;
}

export interface NetworkInterfaceFacts {
  /** The scale set instance (or VM) the NIC is attached to. */
  virtualMachineId: string | null;
  primary: boolean;
  privateIps: string[];
}

/**
 * Every ARM read the capture makes, one method per question. The action's
 * reader goes through the Azure SDK clients; unit tests pass a fake.
 */
export interface ArmReader {
  getManagedCluster(subscriptionId: string, resourceGroup: string, name: string): Promise<ManagedClusterFacts>;
  listAgentPools(clusterId: string): Promise<NodePoolFacts[]>;
  getVirtualNetwork(id: string): Promise<VirtualNetworkFacts>;
  listVirtualNetworks(subscriptionId: string, resourceGroup: string): Promise<VirtualNetworkFacts[]>;
  getRouteTable(id: string): Promise<RouteTable>;
  listScaleSets(subscriptionId: string, resourceGroup: string): Promise<ScaleSetFacts[]>;
  listScaleSetInstances(scaleSetId: string): Promise<ScaleSetInstanceFacts[]>;
  listScaleSetNetworkInterfaces(scaleSetId: string): Promise<NetworkInterfaceFacts[]>;
  /** The NICs of a resource group: those of standalone VMs (AvailabilitySet and VirtualMachines pools). */
  listNetworkInterfaces(subscriptionId: string, resourceGroup: string): Promise<NetworkInterfaceFacts[]>;
}
