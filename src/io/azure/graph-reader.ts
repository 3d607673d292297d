/**
 * The reader of `data-source: resource-graph`: what Resource Graph holds
 * (managed clusters with their pools, virtual networks with their subnets,
 * route tables with their routes, scale sets) is read there in a few batched
 * queries, and everything else through Resource Manager. Resource Graph's
 * rows have ARM's property shape (`properties` nested, as in the REST specs'
 * examples under Azure/azure-rest-api-specs resourcegraph stable/2024-04-01),
 * so they go through the same converters as ARM's answers. Resource Graph
 * lags the live state by seconds to minutes: each fact records where it came
 * from and when that source was current.
 */
import type { AgentPool, ManagedCluster } from "@azure/arm-containerservice/models";
import { idKey, managedClusterId, parseResourceId, resourceGroupId } from "../../core/arm-ids.js";
import type { FactSource } from "../../core/fleet/discovery.js";
import type { RouteTable } from "../../core/model.js";
import { toRouteTable, toScaleSet, toVirtualNetwork } from "./from-arm.js";
import { toAgentPool, toManagedCluster } from "./from-sdk.js";
import { malformed } from "./failures.js";
import { SUBSCRIPTIONS_PER_QUERY } from "./graph-discovery.js";
import type { GraphRow, ResourceGraph } from "./resource-graph.js";
import type { ActivityEvent } from "../../core/changes/events.js";
import type {
  ActivityLogReader,
  ArmReader,
  ManagedClusterFacts,
  NetworkInterfaceFacts,
  NodePoolFacts,
  ScaleSetFacts,
  ScaleSetInstanceFacts,
  VirtualNetworkFacts,
} from "./reader.js";

const CLUSTER = "microsoft.containerservice/managedclusters";
const VIRTUAL_NETWORK = "microsoft.network/virtualnetworks";
const ROUTE_TABLE = "microsoft.network/routetables";
const SCALE_SET = "microsoft.compute/virtualmachinescalesets";

/**
 * What the check reads from Resource Graph, one query per type so that their
 * pages come in side by side: clusters, VNets and route tables with their
 * whole `properties`; scale sets with their tags (`aks-managed-poolName`),
 * without their large `properties`.
 */
const [CLUSTER_QUERY, VIRTUAL_NETWORK_QUERY, ROUTE_TABLE_QUERY] = [CLUSTER, VIRTUAL_NETWORK, ROUTE_TABLE].map((type) =>
  [
    "resources",
    `where type =~ '${type}'`,
    "project id, name, type, location, resourceGroup, subscriptionId, tags, identity, properties",
    "order by id asc",
  ].join(" | "),
) as [string, string, string];
const SCALE_SET_QUERY = [
  "resources",
  `where type =~ '${SCALE_SET}'`,
  "project id, name, type, resourceGroup, subscriptionId, tags",
  "order by id asc",
].join(" | ");
export const PREFETCH_QUERIES = [CLUSTER_QUERY, VIRTUAL_NETWORK_QUERY, ROUTE_TABLE_QUERY, SCALE_SET_QUERY];

interface Held {
  row: GraphRow;
  asOf: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(row: GraphRow, key: string): string {
  return typeof row[key] === "string" ? row[key] : "";
}

function groupKey(subscriptionId: string, resourceGroup: string): string {
  return idKey(resourceGroupId(subscriptionId, resourceGroup));
}

/** A managed cluster row as the SDK's model: `properties` flattened (the SDK's deserializer keeps every field name the gate reads). */
function asManagedCluster(row: GraphRow): ManagedCluster {
  const { properties, ...rest } = row;
  return { ...rest, ...(isObject(properties) ? properties : {}) } as unknown as ManagedCluster;
}

/**
 * A pool of `agentPoolProfiles` as the SDK's AgentPool model: the profile has the
 * pool's own fields (ManagedClusterAgentPoolProfile: name, count, mode, type,
 * upgradeSettings.maxSurge, vnetSubnetID, ...), and the AgentPool model calls
 * the pool's `type` `typePropertiesType` (@azure/arm-containerservice 25,
 * `_agentPoolPropertiesDeserializer`).
 */
function asAgentPool(profile: unknown): AgentPool {
  if (!isObject(profile)) return profile as AgentPool;
  return { ...profile, typePropertiesType: profile["type"] } as AgentPool;
}

export class GraphBackedReader implements ArmReader, ActivityLogReader {
  private readonly resources = new Map<string, Held>();
  private readonly byGroup = new Map<string, Held[]>();
  /** Subscriptions whose rows are held. */
  private readonly queried = new Set<string>();
  /** Subscriptions asked for, with the read that answers them, and its managed cluster rows alone. */
  private readonly asked = new Map<string, { read: Promise<void>; clusters: Promise<GraphRow[]> }>();
  /** The last batch's read: batches go one after another. */
  private reading: Promise<void> = Promise.resolve();
  private readonly facts = new Map<string, FactSource>();

  constructor(
    private readonly arm: ArmReader & ActivityLogReader,
    private readonly graph: ResourceGraph,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Reads, in batches of SUBSCRIPTIONS_PER_QUERY one after another, what
   * Resource Graph holds for these subscriptions; a subscription already
   * asked for is not asked again, and its answer is awaited.
   */
  async prefetchSubscriptions(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter((subscription) => subscription !== "");
    const fresh = wanted.filter((subscription) => !this.asked.has(subscription));
    for (let at = 0; at < fresh.length; at += SUBSCRIPTIONS_PER_QUERY) {
      const chunk = fresh.slice(at, at + SUBSCRIPTIONS_PER_QUERY);
      const clusters = Promise.withResolvers<GraphRow[]>();
      const read = this.reading.then(() => this.readChunk(chunk, clusters.resolve));
      // A batch that fails, or never starts because an earlier one failed, fails its cluster rows too.
      read.catch(clusters.reject);
      clusters.promise.catch(() => undefined);
      this.reading = read;
      for (const subscription of chunk) this.asked.set(subscription, { read, clusters: clusters.promise });
    }
    await Promise.all(wanted.map((subscription) => this.asked.get(subscription)?.read));
  }

  /**
   * The managed cluster rows of these subscriptions, from the same query that
   * the check takes its clusters from: discovery of subscriptions and resource groups uses
   * them instead of a query of its own (one query fewer per batch, of the 15
   * that Resource Graph allows a user every 5 seconds). It waits for that
   * query alone, not for the batch's other queries.
   */
  async managedClusterRows(subscriptions: readonly string[]): Promise<GraphRow[]> {
    const wanted = new Set(subscriptions.map((id) => id.toLowerCase()));
    const reading = this.prefetchSubscriptions([...wanted]);
    reading.catch(() => undefined);
    const batches = new Set([...wanted].flatMap((subscription) => this.asked.get(subscription)?.clusters ?? []));
    const rows = await Promise.all(batches);
    return rows.flat().filter((row) => wanted.has(text(row, "subscriptionId").toLowerCase()));
  }

  private async readChunk(chunk: string[], clustersRead: (rows: GraphRow[]) => void): Promise<void> {
    const label = chunk.map((subscription) => `/subscriptions/${subscription}`).join(", ");
    const asOf = this.now().toISOString();
    const read = (query: string) => this.graph.query({ subscriptions: chunk }, query, label);
    const clusters = read(CLUSTER_QUERY);
    clusters.then(clustersRead, () => undefined);
    const others = [VIRTUAL_NETWORK_QUERY, ROUTE_TABLE_QUERY, SCALE_SET_QUERY].map(read);
    const pages = await Promise.all([clusters, ...others]);
    for (const row of pages.flat()) this.hold(row, asOf);
    for (const subscription of chunk) this.queried.add(subscription);
  }

  /** Where the facts of one resource came from, once read. */
  sourceOf(resourceId: string): FactSource | undefined {
    return this.facts.get(idKey(resourceId));
  }

  /** Where every fact read so far came from, and when that source was current. */
  sources(): FactSource[] {
    return [...this.facts.values()];
  }

  private hold(row: GraphRow, asOf: string): void {
    const id = text(row, "id");
    if (!parseResourceId(id)) throw malformed("Azure Resource Graph", `a row's id '${id}' is not an ARM resource ID`);
    const held = { row, asOf };
    this.resources.set(idKey(id), held);
    const key = `${groupKey(text(row, "subscriptionId"), text(row, "resourceGroup"))}|${text(row, "type").toLowerCase()}`;
    const rows = this.byGroup.get(key);
    if (rows === undefined) this.byGroup.set(key, [held]);
    else rows.push(held);
  }

  private held(id: string, type: string): Held | undefined {
    const held = this.resources.get(idKey(id));
    return held && text(held.row, "type").toLowerCase() === type ? held : undefined;
  }

  /** The rows of a type in a resource group, when Resource Graph was asked for its subscription and lists any. */
  private inGroup(subscriptionId: string, resourceGroup: string, type: string): Held[] | undefined {
    if (!this.queried.has(subscriptionId.toLowerCase())) return undefined;
    const rows = this.byGroup.get(`${groupKey(subscriptionId, resourceGroup)}|${type}`) ?? [];
    return rows.length > 0 ? rows : undefined;
  }

  /** `ids`: a list's resources, each with the list's source, as a snapshot names them by their own IDs. */
  private fromGraph<T>(resourceId: string, asOf: string, value: T, ids: (value: T) => string[] = () => []): T {
    for (const id of [resourceId, ...ids(value)])
      this.facts.set(idKey(id), { resourceId: id, source: "resource-graph", asOf });
    return value;
  }

  private async fromArm<T>(resourceId: string, read: Promise<T>, ids: (value: T) => string[] = () => []): Promise<T> {
    const value = await read;
    const asOf = this.now().toISOString();
    for (const id of [resourceId, ...ids(value)])
      this.facts.set(idKey(id), { resourceId: id, source: "resource-manager", asOf });
    return value;
  }

  async getManagedCluster(subscriptionId: string, resourceGroup: string, name: string): Promise<ManagedClusterFacts> {
    const id = managedClusterId(subscriptionId, resourceGroup, name);
    const held = this.held(id, CLUSTER);
    if (!held) return this.fromArm(id, this.arm.getManagedCluster(subscriptionId, resourceGroup, name));
    return this.fromGraph(id, held.asOf, toManagedCluster(id, asManagedCluster(held.row)));
  }

  async listAgentPools(clusterId: string): Promise<NodePoolFacts[]> {
    const list = `${clusterId}/agentPools`;
    const properties = this.held(clusterId, CLUSTER)?.row["properties"];
    const profiles = isObject(properties) ? properties["agentPoolProfiles"] : undefined;
    if (!Array.isArray(profiles)) return this.fromArm(list, this.arm.listAgentPools(clusterId));
    const asOf = this.held(clusterId, CLUSTER)?.asOf ?? "";
    return this.fromGraph(
      list,
      asOf,
      profiles.map((profile) => toAgentPool(clusterId, asAgentPool(profile))),
    );
  }

  async getVirtualNetwork(id: string): Promise<VirtualNetworkFacts> {
    const held = this.held(id, VIRTUAL_NETWORK);
    if (!held) return this.fromArm(id, this.arm.getVirtualNetwork(id));
    return this.fromGraph(id, held.asOf, toVirtualNetwork(id, held.row));
  }

  async listVirtualNetworks(subscriptionId: string, resourceGroup: string): Promise<VirtualNetworkFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/virtualNetworks`;
    const rows = this.inGroup(subscriptionId, resourceGroup, VIRTUAL_NETWORK);
    const ids = (vnets: VirtualNetworkFacts[]) => vnets.map((vnet) => vnet.network.id);
    if (!rows) return this.fromArm(scope, this.arm.listVirtualNetworks(subscriptionId, resourceGroup), ids);
    return this.fromGraph(
      scope,
      rows[0]?.asOf ?? "",
      rows.map((held) => toVirtualNetwork(scope, held.row)),
      ids,
    );
  }

  async getRouteTable(id: string): Promise<RouteTable> {
    const held = this.held(id, ROUTE_TABLE);
    if (!held) return this.fromArm(id, this.arm.getRouteTable(id));
    return this.fromGraph(id, held.asOf, toRouteTable(id, held.row));
  }

  async listScaleSets(subscriptionId: string, resourceGroup: string): Promise<ScaleSetFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Compute/virtualMachineScaleSets`;
    const rows = this.inGroup(subscriptionId, resourceGroup, SCALE_SET);
    const ids = (sets: ScaleSetFacts[]) => sets.map((set) => set.id);
    if (!rows) return this.fromArm(scope, this.arm.listScaleSets(subscriptionId, resourceGroup), ids);
    return this.fromGraph(
      scope,
      rows[0]?.asOf ?? "",
      rows.map((held) => toScaleSet(scope, held.row)),
      ids,
    );
  }

  /**
   * Always Resource Manager. Resource Graph's `computeresources` table lists
   * scale-set instances and their NICs (Microsoft Learn, "Resource Graph
   * table and resource type reference"), but as the model view, and no
   * recording or page we found shows a NIC row's IP configurations.
   */
  listScaleSetInstances(scaleSetId: string): Promise<ScaleSetInstanceFacts[]> {
    return this.fromArm(`${scaleSetId}/virtualMachines`, this.arm.listScaleSetInstances(scaleSetId));
  }

  listScaleSetNetworkInterfaces(scaleSetId: string): Promise<NetworkInterfaceFacts[]> {
    return this.fromArm(`${scaleSetId}/networkInterfaces`, this.arm.listScaleSetNetworkInterfaces(scaleSetId));
  }

  listNetworkInterfaces(subscriptionId: string, resourceGroup: string): Promise<NetworkInterfaceFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/networkInterfaces`;
    return this.fromArm(scope, this.arm.listNetworkInterfaces(subscriptionId, resourceGroup));
  }

  listActivityLog(
    subscriptionId: string,
    filter: string,
    select: string,
    signal?: AbortSignal,
  ): Promise<ActivityEvent[]> {
    return this.arm.listActivityLog(subscriptionId, filter, select, signal);
  }
}
