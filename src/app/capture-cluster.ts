import type { ClusterSnapshot, Node, RouteTable, Subnet, VirtualNetwork } from "../core/model.js";
import { GateError } from "../core/errors.js";
import { malformed } from "../io/azure/failures.js";
import { idKey, managedClusterId, parentId, sameId } from "../core/arm-ids.js";
import type { ArmReader, NodePoolFacts, ScaleSetFacts, VirtualNetworkFacts } from "../io/azure/reader.js";

/** A cluster named the way `azure/aks-set-context` names it. */
export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

interface NetworkFacts {
  virtualNetworks: VirtualNetwork[];
  subnets: Subnet[];
  routeTables: RouteTable[];
}

function unique(ids: (string | null)[]): string[] {
  const byKey = new Map<string, string>();
  for (const id of ids) if (id) byKey.set(idKey(id), byKey.get(idKey(id)) ?? id);
  return [...byKey.values()];
}

/** The VNet AKS made in the node resource group, for pools without vnetSubnetID. */
async function aksManagedVirtualNetworks(
  reader: ArmReader,
  subscriptionId: string,
  nodeResourceGroup: string,
): Promise<VirtualNetworkFacts[]> {
  const all = await reader.listVirtualNetworks(subscriptionId, nodeResourceGroup);
  const made = all.filter((vnet) => /\/aks-vnet-[^/]*$/i.test(vnet.network.id));
  if (made.length === 0) {
    throw new GateError(
      `The cluster's node pools have no vnetSubnetID, but the node resource group ${nodeResourceGroup} holds no AKS-made virtual network (aks-vnet-*).`,
      "Check that the identity can read the node resource group and that the cluster was not moved to another VNet.",
    );
  }
  return made;
}

function subnetsOfPools(
  pools: NodePoolFacts[],
  vnets: VirtualNetworkFacts[],
  aksMade: VirtualNetworkFacts[],
): Subnet[] {
  const wanted = unique(pools.flatMap((pool) => [pool.vnetSubnetID, pool.podSubnetID]));
  const found = wanted.map((id) => {
    const subnet = vnets.flatMap((vnet) => vnet.subnets).find((candidate) => sameId(candidate.id, id));
    if (!subnet) {
      throw new GateError(
        `The node pool subnet ${id} does not exist in its virtual network ${parentId(id)}.`,
        "The subnet was deleted or renamed: fix the node pool or the network before the release.",
      );
    }
    return subnet;
  });
  return [...found, ...aksMade.flatMap((vnet) => vnet.subnets)];
}

async function captureNetwork(
  reader: ArmReader,
  pools: NodePoolFacts[],
  subscriptionId: string,
  nodeResourceGroup: string,
): Promise<NetworkFacts> {
  const poolSubnetIds = unique(pools.flatMap((pool) => [pool.vnetSubnetID, pool.podSubnetID]));
  const needsAksVnet = pools.some((pool) => !pool.vnetSubnetID);
  const [vnets, aksMade] = await Promise.all([
    Promise.all(unique(poolSubnetIds.map(parentId)).map((id) => reader.getVirtualNetwork(id))),
    needsAksVnet ? aksManagedVirtualNetworks(reader, subscriptionId, nodeResourceGroup) : Promise.resolve([]),
  ]);
  const subnets = subnetsOfPools(pools, vnets, aksMade);
  const routeTables = await Promise.all(
    unique(subnets.map((subnet) => subnet.routeTableId)).map((id) => reader.getRouteTable(id)),
  );
  return {
    virtualNetworks: [...vnets, ...aksMade].map((vnet) => vnet.network),
    subnets,
    routeTables,
  };
}

async function nodesOfScaleSet(reader: ArmReader, scaleSet: ScaleSetFacts): Promise<Node[]> {
  const [instances, nics] = await Promise.all([
    reader.listScaleSetInstances(scaleSet.id),
    reader.listScaleSetNetworkInterfaces(scaleSet.id),
  ]);
  return instances.map((instance) => {
    const own = nics
      .filter((nic) => sameId(nic.virtualMachineId, instance.id))
      .sort((a, b) => Number(b.primary) - Number(a.primary));
    return {
      name: instance.computerName.toLowerCase(),
      pool: scaleSet.pool,
      privateIps: own.flatMap((nic) => nic.privateIps),
    };
  });
}

/**
 * Nodes of pools that are not scale sets (AvailabilitySet, VirtualMachines):
 * standalone VMs whose NICs sit in the node resource group; the VM's name is
 * the node's name, `aks-<pool>-<digits>-<n>`.
 */
async function standaloneNodes(reader: ArmReader, subscriptionId: string, nodeResourceGroup: string): Promise<Node[]> {
  const nics = await reader.listNetworkInterfaces(subscriptionId, nodeResourceGroup);
  return nics.flatMap((nic) => {
    const vm = /\/virtualMachines\/([^/]+)$/i.exec(nic.virtualMachineId ?? "");
    if (!vm?.[1] || /\/virtualMachineScaleSets\//i.test(nic.virtualMachineId ?? "")) return [];
    const name = vm[1].toLowerCase();
    return [{ name, pool: /^aks-([a-z0-9]+)-\d+-/.exec(name)?.[1] ?? null, privateIps: nic.privateIps }];
  });
}

/** The nodes, from the scale sets AKS keeps in the node resource group (and its standalone VMs). */
async function captureNodes(
  reader: ArmReader,
  subscriptionId: string,
  nodeResourceGroup: string,
  pools: NodePoolFacts[],
): Promise<{ nodes: Node[]; scaleSets: ScaleSetFacts[] }> {
  const hasStandalone = pools.some(
    (pool) => pool.type !== null && pool.type.toLowerCase() !== "virtualmachinescalesets",
  );
  const [scaleSets, standalone] = await Promise.all([
    reader.listScaleSets(subscriptionId, nodeResourceGroup).then((sets) => sets.filter((set) => set.pool !== null)),
    hasStandalone ? standaloneNodes(reader, subscriptionId, nodeResourceGroup) : Promise.resolve([]),
  ]);
  const perSet = await Promise.all(scaleSets.map((set) => nodesOfScaleSet(reader, set)));
  const nodes = [...perSet.flat(), ...standalone].sort((a, b) => a.name.localeCompare(b.name));
  return { nodes, scaleSets };
}

/**
 * Reads one cluster's network through ARM. Independent reads run at once; the
 * sequential depth is the dependency chain: cluster → VNet → route table, and
 * cluster → scale sets → instances and NICs.
 */
export async function captureCluster(reader: ArmReader, ref: ClusterRef, now: () => Date): Promise<ClusterSnapshot> {
  const requestedId = managedClusterId(ref.subscriptionId, ref.resourceGroup, ref.name);
  const [cluster, pools] = await Promise.all([
    reader.getManagedCluster(ref.subscriptionId, ref.resourceGroup, ref.name),
    reader.listAgentPools(requestedId),
  ]);
  const nodeResourceGroup = cluster.nodeResourceGroup;
  if (!nodeResourceGroup) throw malformed(cluster.id, "the managed cluster has no nodeResourceGroup");
  const [network, compute] = await Promise.all([
    captureNetwork(reader, pools, ref.subscriptionId, nodeResourceGroup),
    captureNodes(reader, ref.subscriptionId, nodeResourceGroup, pools),
  ]);
  const nodePools = pools.map(({ type: _type, ...pool }) => pool);
  return {
    id: cluster.id,
    name: cluster.name,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    location: cluster.location,
    nodeResourceGroup,
    tags: cluster.tags,
    networkProfile: cluster.networkProfile,
    nodePools,
    ...network,
    nodes: compute.nodes,
    capturedAt: now().toISOString(),
    resourceIdsRead: unique([
      cluster.id,
      ...network.virtualNetworks.map((vnet) => vnet.id),
      ...network.routeTables.map((table) => table.id),
      ...compute.scaleSets.map((set) => set.id),
    ]),
  };
}
