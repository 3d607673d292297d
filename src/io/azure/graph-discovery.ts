/**
 * Discovery of a fleet through Azure Resource Graph: the managed clusters of
 * the scopes that carry every tag, and which subscriptions (and resource
 * groups) the principal can read there. Resource Graph leaves out what the
 * principal cannot read, silently ("Without at least read permissions to the
 * Azure object or object group, results aren't returned", Microsoft Learn,
 * "Overview of Azure Resource Graph", Permissions), so every scope is checked
 * against the resource containers it lists: a scope with nothing readable is
 * an error naming it, never an empty fleet.
 */
import { idKey } from "../../core/arm-ids.js";
import { GateError } from "../../core/errors.js";
import type { DiscoveredCluster, FleetDiscovery, FleetReader } from "../../core/fleet/discovery.js";
import { carriesTags, scopeLineName, withinScope, type FleetScope, type ScopeTag } from "../../core/fleet/scope.js";
import { Fields } from "./fields.js";
import { kqlString, type GraphRow, type GraphScope, type ResourceGraph } from "./resource-graph.js";

/**
 * Subscriptions per query: Resource Graph's guidance recommends groups of fewer than 300
 * (Microsoft Learn, "Guidance for throttled requests in Azure Resource Graph", Grouping queries).
 */
export const SUBSCRIPTIONS_PER_QUERY = 299;

const SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions";
const RESOURCE_GROUP_TYPE = "microsoft.resources/subscriptions/resourcegroups";
const CLUSTER_TYPE = "microsoft.containerservice/managedclusters";

/** Scopes answered by one query: a management group, or a set of subscriptions. */
interface ScopeGroup {
  scopes: FleetScope[];
  request: GraphScope;
}

type ContainedScope = Exclude<FleetScope, { kind: "managementGroup" }>;

function groupScopes(scopes: readonly FleetScope[]): ScopeGroup[] {
  const groups: ScopeGroup[] = [];
  const bySubscription = new Map<string, ContainedScope[]>();
  for (const scope of scopes) {
    if (scope.kind === "managementGroup") {
      groups.push({ scopes: [scope], request: { managementGroups: [scope.name] } });
      continue;
    }
    const key = scope.subscriptionId.toLowerCase();
    bySubscription.set(key, [...(bySubscription.get(key) ?? []), scope]);
  }
  const subscriptions = [...bySubscription.keys()];
  for (let at = 0; at < subscriptions.length; at += SUBSCRIPTIONS_PER_QUERY) {
    const chunk = subscriptions.slice(at, at + SUBSCRIPTIONS_PER_QUERY);
    groups.push({
      scopes: chunk.flatMap((subscription) => bySubscription.get(subscription) ?? []),
      request: { subscriptions: chunk },
    });
  }
  return groups;
}

function labelOf(group: ScopeGroup): string {
  return group.scopes.map((scope) => `'${scope.text}'`).join(", ");
}

const SCOPE_INPUT = "input 'scope'";

/** The KQL condition that keeps a contained scope's rows (its IDs are checked by parseScope, and escaped all the same). */
function scopeCondition(scope: ContainedScope): string {
  const subscription = `subscriptionId =~ ${kqlString(scope.subscriptionId, SCOPE_INPUT)}`;
  switch (scope.kind) {
    case "subscription":
      return subscription;
    case "resourceGroup":
      return `(${subscription} and resourceGroup =~ ${kqlString(scope.resourceGroup, SCOPE_INPUT)})`;
    case "cluster":
      return `id =~ ${kqlString(scope.id, SCOPE_INPUT)}`;
  }
}

function containedScopes(group: ScopeGroup): ContainedScope[] {
  return group.scopes.filter((scope): scope is ContainedScope => scope.kind !== "managementGroup");
}

/** The subscriptions, and the resource groups the scopes name, as Resource Graph lists them to the principal. */
function containersQuery(group: ScopeGroup): string {
  const groups = containedScopes(group)
    .filter((scope) => scope.kind !== "subscription")
    .map(
      (scope) =>
        `(subscriptionId =~ ${kqlString(scope.subscriptionId, SCOPE_INPUT)} and resourceGroup =~ ${kqlString(scope.resourceGroup, SCOPE_INPUT)})`,
    );
  const resourceGroups = groups.length > 0 ? ` or (type =~ '${RESOURCE_GROUP_TYPE}' and (${groups.join(" or ")}))` : "";
  return [
    "resourcecontainers",
    `where type =~ '${SUBSCRIPTION_TYPE}'${resourceGroups}`,
    "project id, name, type, subscriptionId, resourceGroup",
    "order by id asc",
  ].join(" | ");
}

/**
 * The managed clusters of the group's scopes; `id` is projected, as paging
 * requires. `scope-tags` are not in the query: KQL looks up `tags['env']`
 * with case while Azure's tag names ignore it, so the rows are filtered by
 * carriesTags instead.
 */
export function clustersQuery(group: { scopes: readonly FleetScope[] }): string {
  const contained = group.scopes.filter((scope): scope is ContainedScope => scope.kind !== "managementGroup");
  const where = [`type =~ '${CLUSTER_TYPE}'`];
  if (contained.length > 0 && contained.length === group.scopes.length) {
    where.push(`(${contained.map(scopeCondition).join(" or ")})`);
  }
  return [
    "resources",
    `where ${where.join(" and ")}`,
    "project id, name, location, resourceGroup, subscriptionId, tags, networkPlugin = properties.networkProfile.networkPlugin",
    "order by id asc",
  ].join(" | ");
}

interface Readable {
  subscriptions: Set<string>;
  resourceGroups: Set<string>;
}

function readableOf(rows: GraphRow[], scopes: string): Readable {
  const readable: Readable = { subscriptions: new Set(), resourceGroups: new Set() };
  for (const row of rows) {
    const fields = Fields.of(`Azure Resource Graph (the query for ${scopes})`, row, "a resource container");
    const type = fields.text("type")?.toLowerCase();
    const subscription = fields.text("subscriptionId")?.toLowerCase();
    if (!subscription) throw fields.missing("subscriptionId");
    if (type === SUBSCRIPTION_TYPE) readable.subscriptions.add(subscription);
    if (type === RESOURCE_GROUP_TYPE) {
      readable.resourceGroups.add(`${subscription}/${(fields.text("resourceGroup") ?? "").toLowerCase()}`);
    }
  }
  return readable;
}

function canRead(scope: FleetScope, readable: Readable): boolean {
  if (scope.kind === "managementGroup") return readable.subscriptions.size > 0;
  const subscription = scope.subscriptionId.toLowerCase();
  if (scope.kind === "subscription") return readable.subscriptions.has(subscription);
  const group = readable.resourceGroups.has(`${subscription}/${scope.resourceGroup.toLowerCase()}`);
  return group || (scope.kind === "cluster" && readable.subscriptions.has(subscription));
}

function unreadable(scope: FleetScope, readable: Readable): GateError {
  if (
    scope.kind !== "managementGroup" &&
    scope.kind !== "subscription" &&
    readable.subscriptions.has(scope.subscriptionId.toLowerCase())
  ) {
    // The subscription is readable, so a resource group it does not list most often does not exist.
    return new GateError(
      `${scopeLineName(scope)}: Azure Resource Graph lists subscription ${scope.subscriptionId} to the signed-in identity, but no resource group '${scope.resourceGroup}' in it, for '${scope.text}'.`,
      "Check the resource group's name in that 'scope' line; if it is right, grant the signed-in identity the 'Reader' role on it.",
    );
  }
  const what =
    scope.kind === "managementGroup"
      ? "no subscription the signed-in identity may read"
      : scope.kind === "resourceGroup"
        ? "the resource group is not among those the signed-in identity may read"
        : "the subscription is not among those the signed-in identity may read";
  return new GateError(
    `${scopeLineName(scope)}: Azure Resource Graph lists nothing readable for '${scope.text}' (${what}); a scope that cannot be read is never taken for an empty fleet.`,
    `Grant the signed-in identity the 'Reader' role on ${scope.text}, or remove the line from 'scope'.`,
  );
}

function toDiscovered(row: GraphRow, scopes: string): DiscoveredCluster {
  const fields = Fields.of(`Azure Resource Graph (the query for ${scopes})`, row, "a managed cluster row");
  const id = fields.text("id");
  if (!id) throw fields.missing("id");
  const own = fields.about(id);
  return {
    id,
    name: own.text("name") ?? id.split("/").at(-1) ?? id,
    subscriptionId: (own.text("subscriptionId") ?? "").toLowerCase(),
    resourceGroup: own.text("resourceGroup") ?? "",
    location: own.text("location"),
    // Discovery's own query projects the plugin; the check's cluster query (graph-reader.ts) keeps `properties` whole.
    networkPlugin: own.has("properties")
      ? (own.object("properties")?.object("networkProfile")?.text("networkPlugin") ?? null)
      : own.text("networkPlugin"),
    tags: own.stringMap("tags"),
  };
}

/** The managed cluster rows of whole subscriptions, all their columns, as another reader of the run reads them. */
export type ClusterRows = (subscriptions: readonly string[]) => Promise<GraphRow[]>;

/**
 * Discovery over Resource Graph: two queries per group of scopes (containers,
 * clusters), pages included. Given `clusterRows` (a run that reads its clusters
 * from Resource Graph, graph-reader.ts), a group of subscriptions takes its
 * clusters from there and is filtered here, so that one query answers both.
 */
export class ResourceGraphFleetReader implements FleetReader {
  constructor(
    private readonly graph: ResourceGraph,
    private readonly now: () => Date = () => new Date(),
    private readonly clusterRows?: ClusterRows,
  ) {}

  private clustersOf(group: ScopeGroup, label: string): Promise<GraphRow[]> {
    const { subscriptions } = group.request;
    if (this.clusterRows !== undefined && subscriptions !== undefined) return this.clusterRows(subscriptions);
    return this.graph.query(group.request, clustersQuery(group), label);
  }

  queriesSent(): number {
    return this.graph.queries;
  }

  async discover(scopes: readonly FleetScope[], tags: readonly ScopeTag[]): Promise<FleetDiscovery> {
    const before = this.graph.queries;
    const queriedAt = this.now().toISOString();
    const clusters = new Map<string, DiscoveredCluster>();
    const untagged = new Map<string, DiscoveredCluster>();
    const managementGroupSubscriptions = new Set<string>();
    for (const group of groupScopes(scopes)) {
      const label = labelOf(group);
      // Both queries at once: what the principal can read there, and the clusters it sees.
      const [containers, rows] = await Promise.all([
        this.graph.query(group.request, containersQuery(group), label),
        this.clustersOf(group, label),
      ]);
      const readable = readableOf(containers, label);
      const refused = group.scopes.find((scope) => !canRead(scope, readable));
      if (refused) throw unreadable(refused, readable);
      if (group.request.managementGroups !== undefined) {
        for (const subscription of readable.subscriptions) managementGroupSubscriptions.add(subscription);
      }
      for (const row of rows) {
        const cluster = toDiscovered(row, label);
        if (!group.scopes.some((scope) => withinScope(scope, cluster.id))) continue;
        (carriesTags(cluster.tags, tags) ? clusters : untagged).set(idKey(cluster.id), cluster);
      }
    }
    const sorted = (found: Map<string, DiscoveredCluster>) =>
      [...found.values()].sort((a, b) => idKey(a.id).localeCompare(idKey(b.id)));
    return {
      clusters: sorted(clusters),
      untagged: sorted(untagged),
      managementGroupSubscriptions,
      queriedAt,
      queries: this.graph.queries - before,
    };
  }
}
