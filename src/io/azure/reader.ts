import type { ActivityEvent } from "../../core/changes/events.js";
import type { NetworkProfile, NodePool, RouteTable, Subnet, VirtualNetwork } from "../../core/model.js";

/** The IDs of a cluster's own identities (from-sdk.ts): for attribution only, never written anywhere. */
export interface ClusterIdentityFacts {
  principalIds: string[];
  clientIds: string[];
  identityResourceIds: string[];
}

export interface ManagedClusterFacts {
  id: string;
  name: string;
  location: string | null;
  nodeResourceGroup: string | null;
  tags: Record<string, string>;
  networkProfile: NetworkProfile;
  /** Absent from readers that do not read them (tests' fakes). */
  identities?: ClusterIdentityFacts;
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
  /** Gets the token the reads of `what` will use, so that the requests after it need no sign-in. */
  signIn?(what: string): Promise<void>;
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

/** The Activity Log, read (only read) through @azure/arm-monitor's `activityLogs.list`. */
export interface ActivityLogReader {
  /**
   * Every event of a subscription's Activity Log that `filter` selects, every
   * page, with the fields `select` names. `signal` ends the read early (the
   * lookup's own time limit). A failure comes as it is (the SDK's RestError
   * with its status): failures.ts's activityLogFailure says it in one line.
   */
  listActivityLog(
    subscriptionId: string,
    filter: string,
    select: string,
    signal?: AbortSignal,
  ): Promise<ActivityEvent[]>;
}

/** Whether a reader also reads the Activity Log (the action's does; tests' fakes need not). */
export function readsActivityLog(reader: ArmReader): reader is ArmReader & ActivityLogReader {
  return typeof (reader as Partial<ActivityLogReader>).listActivityLog === "function";
}
