/**
 * What Resource Graph says of a fleet: the managed clusters in its scopes,
 * and which subscriptions the principal can read there (a scope that lists
 * no cluster because it cannot be read is never taken for an empty fleet).
 */
import type { ClusterScope, FleetScope, ScopeTag } from "./scope.js";

/** A managed cluster as discovery lists it: enough to report it unbaselined and to read it. */
export interface DiscoveredCluster {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string | null;
  networkPlugin: string | null;
  tags: Record<string, string>;
}

/** A cluster-ID scope line whose cluster Resource Manager answers 404 for (no such cluster, or no such resource group). */
export interface AbsentCluster {
  scope: ClusterScope;
  /** Azure's answer, as the gate words a 404: "Azure has no resource … (404 ResourceNotFound: …)." */
  answer: string;
}

export interface FleetDiscovery {
  /** The clusters of the scopes that carry every `scope-tags` pair: the fleet. */
  clusters: DiscoveredCluster[];
  /** The clusters of the scopes that lack a `scope-tags` pair: in scope, outside the fleet (none without tags). */
  untagged: DiscoveredCluster[];
  /**
   * Subscriptions (lower case) Resource Graph lists as readable under the management-group scopes: a
   * baseline cluster there is in the fleet. Resource Graph leaves out what the principal cannot read,
   * so a subscription missing here may be outside the management groups or unreadable.
   */
  managementGroupSubscriptions: Set<string>;
  /** When Resource Graph answered (ISO 8601): its copy lags the live state by seconds to minutes. */
  queriedAt: string;
  /**
   * How many Resource Graph queries (pages included) the run had sent when discovery ended: with
   * `data-source: resource-graph`, the check's own queries go out beside discovery's, and answer its clusters.
   */
  queries: number;
  /**
   * The cluster-ID scope lines whose cluster Resource Manager does not have: a baseline cluster that is
   * gone, or a line that names none (see `refuseAbsentClusterLines`). Resource Graph's discovery has none.
   */
  absent?: AbsentCluster[];
}

/** Discovery of the clusters in the scopes that carry every tag. An unreadable scope is a GateError naming it. */
export interface FleetReader {
  discover(scopes: readonly FleetScope[], tags: readonly ScopeTag[]): Promise<FleetDiscovery>;
  /** How many Resource Graph queries (pages included) the run has sent so far, discovery's and any other reader's. */
  queriesSent?(): number;
}

/** Where a fact of a snapshot came from, and when that source was current. */
export interface FactSource {
  /** The ARM resource ID (or list path) the fact was read as. */
  resourceId: string;
  source: "resource-manager" | "resource-graph";
  /** ISO 8601: the read's time (Resource Manager) or the query's (Resource Graph, which lags the live state). */
  asOf: string;
}

/** What the evidence and the report say of a fleet run: the scopes, what discovery found, where facts came from. */
export interface FleetFacts {
  scopes: string[];
  tags: string[];
  /** Where the clusters' network was read: Resource Manager, or Resource Graph first (nodes always from Resource Manager). */
  dataSource: "arm" | "resource-graph";
  /** Resource Graph's answer time; absent when every scope named a cluster (read from Resource Manager). */
  queriedAt: string | undefined;
  /** Resource Graph queries the run sent, pages included: discovery's and, reading from Resource Graph, the check's. */
  queries: number;
  discovered: number;
  excluded: { id: string; reason: string }[];
}
