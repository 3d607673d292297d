/**
 * A fleet run (`scope`): discover the clusters of the scopes, set them against
 * the baseline, and check or capture them. A check reports the clusters in
 * scope that the baseline does not list and the baseline clusters that are
 * gone; a capture writes every cluster of the scope in one change.
 */
import { idKey, parseResourceId, sameId } from "../core/arm-ids.js";
import { GateError } from "../core/errors.js";
import type {
  AbsentCluster,
  DiscoveredCluster,
  FactSource,
  FleetDiscovery,
  FleetReader,
} from "../core/fleet/discovery.js";
export type { FleetFacts } from "../core/fleet/discovery.js";
import { type RemovalEvidence } from "../core/fleet/inventory.js";
import { carriesTags, type ClusterScope, type FleetScope, scopeLineName, withinScope } from "../core/fleet/scope.js";
import type { ClusterResult, ClusterSnapshot } from "../core/model.js";
import type { ParsedBaseline } from "../core/baseline/parse.js";
import { DeniedError, GateDefect, NotFoundError, TransientError } from "../io/azure/failures.js";
import type { ArmReader } from "../io/azure/reader.js";
import { describeError } from "../core/errors.js";
import type { FleetRoster } from "../core/issues/plan.js";
import type { DataSource, Settings } from "./settings.js";

/** A reader that answers from Resource Graph where it can, and says where each fact came from. */
export interface SourcedReader extends ArmReader {
  sourceOf(resourceId: string): FactSource | undefined;
}

/** `data-source: resource-graph`: the run's reader, once it holds Resource Graph's copy of these subscriptions (each read once). */
export interface GraphReading {
  readerFor(subscriptions: readonly string[]): Promise<SourcedReader>;
}

/** From this many clusters in scope that a job takes, `data-source: auto` reads them from Resource Graph. */
export const GRAPH_FROM_CLUSTERS = 25;

/** The data source a fleet run that takes this many clusters of its scope uses. */
export function resolveDataSource(chosen: DataSource, fleet: boolean, clusters: number): "arm" | "resource-graph" {
  if (chosen !== "auto") return chosen;
  return fleet && clusters >= GRAPH_FROM_CLUSTERS ? "resource-graph" : "arm";
}

/** What a fleet run sets against the baseline. */
export interface FleetPlan {
  discovery: FleetDiscovery;
  /** Baseline clusters of the fleet that discovery lists: read as usual. */
  present: string[];
  /** Clusters in scope the baseline neither lists nor excludes. */
  unbaselined: DiscoveredCluster[];
  /** Baseline clusters of the fleet that discovery does not list: gone, lagging or unreadable (see `confirmMissing`). */
  missing: string[];
  /** Baseline clusters in scope that discovery lists without every `scope-tags` pair: outside the fleet, not read. */
  untagged: string[];
  /**
   * Baseline clusters outside every scope line but the management groups, in a subscription Resource Graph
   * does not list under them: outside the fleet, or unreadable (see `confirmOutside`).
   */
  unsure: string[];
  excluded: { id: string; reason: string }[];
  /** The baseline's clusters of the fleet, whatever the selector and shard: none, with none discovered, is an empty fleet. */
  held: number;
}

/** The subscription of a resource ID, lower case: the key of its ARM read bucket and of readable subscriptions. */
export function subscriptionKey(id: string): string {
  return parseResourceId(id)?.subscriptionId.toLowerCase() ?? "";
}

/**
 * Whether a cluster lies in the scopes: listed by discovery (with or without the tags), inside a scope
 * line, or in a subscription Resource Graph lists under a management-group scope.
 */
export function inScopes(scopes: readonly FleetScope[], discovery: FleetDiscovery): (clusterId: string) => boolean {
  const listed = new Set([...discovery.clusters, ...discovery.untagged].map((cluster) => idKey(cluster.id)));
  return (clusterId) =>
    listed.has(idKey(clusterId)) ||
    scopes.some((scope) =>
      scope.kind === "managementGroup"
        ? discovery.managementGroupSubscriptions.has(subscriptionKey(clusterId))
        : withinScope(scope, clusterId),
    );
}

/**
 * What the issues of a fleet check need to close those of clusters that are
 * gone: the fleet's bounds (`inScopes`) and every cluster the run knows of,
 * its results, discovery (with or without the tags), and the whole baseline
 * with its exclusions. With `scope-tags` the run covers no cluster it does
 * not know: a gone cluster's tags can no longer be read, so its issue may
 * belong to another job's fleet in the same scope, and is left open. A
 * cluster of the fleet (discovery lists it) that the baseline excludes is
 * retired with the exclusion's reason.
 */
export function fleetRoster(
  fleet: Pick<Settings["fleet"], "scopes" | "tags">,
  parsed: ParsedBaseline,
  discovery: FleetDiscovery,
  results: readonly ClusterResult[],
): FleetRoster {
  const bounds = inScopes(fleet.scopes, discovery);
  const known = new Set(
    [
      ...results.map((result) => result.clusterId),
      ...discovery.clusters.map((cluster) => cluster.id),
      ...discovery.untagged.map((cluster) => cluster.id),
      ...parsed.baseline.clusters.map((cluster) => cluster.id),
      ...parsed.baseline.exclusions.map((entry) => entry.id),
    ].map(idKey),
  );
  const listed = new Set(discovery.clusters.map((cluster) => idKey(cluster.id)));
  const reasons = new Map(parsed.baseline.exclusions.map((entry) => [idKey(entry.id), entry.reason]));
  return {
    covers: (clusterId) => fleet.tags.length === 0 && bounds(clusterId),
    knows: (clusterId) => known.has(idKey(clusterId)),
    excluded: (clusterId) => (listed.has(idKey(clusterId)) ? reasons.get(idKey(clusterId)) : undefined),
  };
}

/**
 * The clusters named by `scope` lines that are cluster IDs, read from Resource Manager (no Resource Graph
 * needed). A 404 of the cluster or its resource group is kept as absent: whether the line names a baseline
 * cluster that is gone or nothing at all, only the baseline tells (`refuseAbsentClusterLines`). Any other
 * failure is the line's error, the first line's of several.
 */
async function namedClusters(
  reader: ArmReader,
  scopes: readonly FleetScope[],
): Promise<{ found: DiscoveredCluster[]; absent: AbsentCluster[] }> {
  const named = scopes.flatMap((scope) => (scope.kind === "cluster" ? [scope] : []));
  const read = await Promise.allSettled(
    named.map(async (scope): Promise<DiscoveredCluster | AbsentCluster> => {
      try {
        const cluster = await reader.getManagedCluster(scope.subscriptionId, scope.resourceGroup, scope.name);
        return {
          id: cluster.id,
          name: cluster.name,
          subscriptionId: scope.subscriptionId,
          resourceGroup: scope.resourceGroup,
          location: cluster.location,
          networkPlugin: cluster.networkProfile.networkPlugin,
          tags: cluster.tags,
        };
      } catch (error) {
        if (error instanceof NotFoundError && error.code !== "SubscriptionNotFound") {
          return { scope, answer: error.message };
        }
        throw lineFailure(scope, error);
      }
    }),
  );
  const failed = read.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  const values = read.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  return {
    found: values.filter((value): value is DiscoveredCluster => !("scope" in value)),
    absent: values.filter((value): value is AbsentCluster => "scope" in value),
  };
}

/**
 * A failed read of a cluster-ID scope line, as that line's error. A 403, or ARM's 404 SubscriptionNotFound
 * (it shows the identity no such subscription), is the identity's role or the line's IDs: the user's to fix.
 * Any other failure keeps its class (a transient one stays transient, with its hint), now naming the line.
 */
function lineFailure(scope: ClusterScope, error: unknown): unknown {
  if (!(error instanceof GateError)) return error;
  const where = scopeLineName(scope);
  if (error instanceof DeniedError || (error instanceof NotFoundError && error.code === "SubscriptionNotFound")) {
    return new GateError(
      `${where} is a cluster the signed-in identity cannot read: ${error.message}`,
      `Check the subscription ID and resource group in that line; if they are right, grant the signed-in identity the 'Reader' role on /subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}.`,
    );
  }
  if (error instanceof TransientError) {
    return new TransientError(`${where}: ${error.message}`, error.hint ?? "", error.retryAfterMs);
  }
  if (error instanceof GateDefect) return new GateDefect(`${where}: ${error.message}`);
  return new GateError(`${where}: ${error.message}`, error.hint);
}

/** Discovery of every scope: Resource Graph for subscriptions, groups and management groups; Resource Manager for named clusters. */
export async function discoverFleet(
  settings: Settings,
  deps: { reader: ArmReader; fleet?: FleetReader | undefined; now: () => Date },
): Promise<FleetDiscovery> {
  const { scopes, tags } = settings.fleet;
  const wide = scopes.filter((scope) => scope.kind !== "cluster");
  if (wide.length > 0 && deps.fleet === undefined) {
    throw new GateDefect(
      "A scope other than a cluster ID needs Azure Resource Graph, which this run has no reader for.",
    );
  }
  const [graph, { found: named, absent }] = await Promise.all([
    wide.length > 0 && deps.fleet ? deps.fleet.discover(wide, tags) : Promise.resolve(undefined),
    namedClusters(deps.reader, scopes),
  ]);
  const unique = (clusters: DiscoveredCluster[]) =>
    [...new Map(clusters.map((cluster) => [idKey(cluster.id), cluster])).values()].sort((a, b) =>
      a.id.localeCompare(b.id),
    );
  return {
    clusters: unique([...(graph?.clusters ?? []), ...named.filter((cluster) => carriesTags(cluster.tags, tags))]),
    untagged: unique([...(graph?.untagged ?? []), ...named.filter((cluster) => !carriesTags(cluster.tags, tags))]),
    managementGroupSubscriptions: graph?.managementGroupSubscriptions ?? new Set(),
    queriedAt: graph?.queriedAt ?? deps.now().toISOString(),
    queries: graph?.queries ?? 0,
    absent,
  };
}

/**
 * A cluster-ID scope line of this job (`selected`) whose cluster Resource Manager does not have, and that
 * the baseline neither lists nor excludes, ends the run: nothing says the cluster ever was, so the line is
 * most often mistyped, and a fleet that silently lost it would pass. One the baseline lists is gone:
 * `planFleet` holds it missing, and `confirmMissing` reports it removed.
 */
export function refuseAbsentClusterLines(
  settings: Settings,
  parsed: ParsedBaseline,
  discovery: FleetDiscovery,
  selected: (clusterId: string) => boolean,
): void {
  const entries = [...parsed.baseline.clusters, ...parsed.baseline.exclusions];
  const unknown = (discovery.absent ?? []).filter(
    ({ scope }) => selected(scope.id) && !entries.some((entry) => sameId(entry.id, scope.id)),
  );
  if (unknown.length === 0) return;
  throw new GateError(
    unknown
      .map(
        ({ scope, answer }) =>
          `${scopeLineName(scope)} names no cluster Resource Manager has, and the baseline '${settings.baselineFile}' does not list it: ${answer}`,
      )
      .join(" "),
    `If the cluster was deleted, take ${unknown.length === 1 ? "the line" : "those lines"} out of 'scope'; otherwise check the subscription ID, resource group and cluster name in ${unknown.length === 1 ? "it" : "them"}.`,
  );
}

/** The discovered clusters set against the baseline: present, unbaselined, missing and excluded. */
export function planFleet(
  settings: Settings,
  parsed: ParsedBaseline,
  discovery: FleetDiscovery,
  selected: (clusterId: string) => boolean,
): FleetPlan {
  const { scopes } = settings.fleet;
  const bounds = inScopes(scopes, discovery);
  const listed = new Set(discovery.clusters.map((cluster) => idKey(cluster.id)));
  const untagged = new Set(discovery.untagged.map((cluster) => idKey(cluster.id)));
  const chosen = parsed.baseline.clusters.filter((cluster) => selected(cluster.id)).map((cluster) => cluster.id);
  const baseline = chosen.filter(bounds);
  const known = new Set(parsed.baseline.clusters.map((cluster) => cluster.id.toLowerCase()));
  const exclusions = parsed.baseline.exclusions;
  const excludedIds = new Set(exclusions.map((entry) => entry.id.toLowerCase()));
  const managementGroups = scopes.some((scope) => scope.kind === "managementGroup");
  return {
    discovery,
    present: baseline.filter((id) => listed.has(idKey(id))),
    missing: baseline.filter((id) => !listed.has(idKey(id)) && !untagged.has(idKey(id))),
    untagged: baseline.filter((id) => untagged.has(idKey(id))),
    unsure: managementGroups ? chosen.filter((id) => !bounds(id)) : [],
    held: parsed.baseline.clusters.filter((cluster) => bounds(cluster.id) && !untagged.has(idKey(cluster.id))).length,
    unbaselined: discovery.clusters.filter(
      (cluster) =>
        selected(cluster.id) && !known.has(cluster.id.toLowerCase()) && !excludedIds.has(cluster.id.toLowerCase()),
    ),
    excluded: exclusions.filter((entry) => discovery.clusters.some((cluster) => sameId(cluster.id, entry.id))),
  };
}

/** What one ARM read of a missing cluster says: there after all (Resource Graph lags), gone, or unreadable. */
export type Confirmation =
  | { state: "present"; id: string; tags: Record<string, string> }
  | { state: "removed"; id: string; evidence: RemovalEvidence }
  | { state: "unreadable"; result: ClusterResult };

/**
 * A baseline cluster discovery does not list is read once from Resource
 * Manager: ARM's 404 says it is gone (ResourceNotFound: its resource group is
 * there; ResourceGroupNotFound: the group went with it); any other failure
 * is an unreadable cluster, never a removed one.
 */
export async function confirmMissing(reader: ArmReader, clusterId: string): Promise<Confirmation> {
  const { subscriptionId = "", resourceGroup = "", name = "" } = parseResourceId(clusterId) ?? {};
  try {
    const cluster = await reader.getManagedCluster(subscriptionId, resourceGroup, name);
    return { state: "present", id: clusterId, tags: cluster.tags };
  } catch (error) {
    if (error instanceof NotFoundError && error.code === "ResourceNotFound") {
      const evidence = `Resource Manager answers 404 ResourceNotFound for it, and its resource group ${resourceGroup} is present`;
      return { state: "removed", id: clusterId, evidence };
    }
    if (error instanceof NotFoundError && error.code === "ResourceGroupNotFound") {
      const evidence = `Resource Manager answers 404 ResourceGroupNotFound: its resource group ${resourceGroup} is gone too`;
      return { state: "removed", id: clusterId, evidence };
    }
    return { state: "unreadable", result: { kind: "error", clusterId, message: describeError(error) } };
  }
}

/**
 * A baseline cluster that no scope line holds, in a subscription Resource Graph
 * does not list under the management-group scopes: Resource Graph leaves out
 * what the principal cannot read, so it lies outside the management groups or
 * cannot be read. One ARM read tells: an answer (the cluster, or a 404 of its
 * resource or group, which only a reader of its subscription gets) says the
 * subscription is readable and so outside the management groups; a refusal
 * (403, or 404 SubscriptionNotFound) or a failure leaves it unknown, and is
 * the cluster's error: never a fleet that silently lost a subscription.
 */
export async function confirmOutside(
  reader: ArmReader,
  clusterId: string,
  managementGroups: readonly string[],
): Promise<ClusterResult | undefined> {
  const confirmed = await confirmMissing(reader, clusterId);
  if (confirmed.state !== "unreadable") return undefined;
  const result = confirmed.result;
  if (result.kind !== "error") return result;
  return {
    ...result,
    message:
      `Resource Graph lists neither it nor its subscription under ${managementGroups.map((name) => `'${name}'`).join(", ")} ` +
      "to the signed-in identity, and reading it from Resource Manager to tell whether it lies outside the fleet failed: " +
      `${result.message} If it is outside the fleet, take it out of this baseline; if not, grant the identity 'Reader' on its subscription.`,
  };
}

/**
 * The facts of a snapshot with where each came from: Resource Graph's copy where the reader took it, else
 * Resource Manager. A reader that cannot say gives none, unless the run mixes sources (`mixed`): then all
 * its facts are Resource Manager's.
 */
export function withSources(snapshot: ClusterSnapshot, reader: ArmReader, mixed = false): ClusterSnapshot {
  const sourced = reader as Partial<SourcedReader>;
  if (typeof sourced.sourceOf !== "function" && !mixed) return snapshot;
  const sources = snapshot.resourceIdsRead.map(
    (resourceId): FactSource =>
      sourced.sourceOf?.(resourceId) ?? { resourceId, source: "resource-manager", asOf: snapshot.capturedAt },
  );
  return { ...snapshot, sources };
}
