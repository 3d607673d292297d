/**
 * Which Activity Log reads a run makes: one per subscription and resource
 * group that holds a resource with a finding of a drifting cluster, over the
 * widest window of the clusters that need it. Two clusters whose findings lie
 * in one resource group share its read; each keeps only the events of its own
 * window. A run in which no cluster drifts reads nothing.
 */
import { idKey, parseResourceId } from "../arm-ids.js";
import type { Finding } from "../model.js";
import type { ClusterChanges } from "./attribute.js";
import { type LookupWindow, resourceGroupFilter } from "./window.js";
import { unfolded } from "../check/consequences.js";

/** A drifting cluster's findings and the window its writes are looked up in. */
export interface ClusterLookup {
  clusterId: string;
  findings: readonly Finding[];
  window: LookupWindow;
}

/** One Activity Log read: a resource group's events in a window. */
export interface LookupScope {
  subscriptionId: string;
  resourceGroup: string;
  from: Date;
  to: Date;
  /** The `$filter` sent. */
  filter: string;
  /** The clusters whose findings lie in this resource group. */
  clusterIds: string[];
}

/** What a run's lookup did: each cluster's changes, and each read with its outcome. */
export interface ChangeLookup {
  clusters: ClusterChanges[];
  reads: { subscriptionId: string; resourceGroup: string; filter: string; events: number; error: string | null }[];
}

/** The subscriptions and resource groups of a cluster's finding resources. */
function groupsOf(findings: readonly Finding[]): { subscriptionId: string; resourceGroup: string }[] {
  const seen = new Map<string, { subscriptionId: string; resourceGroup: string }>();
  for (const finding of unfolded(findings)) {
    const parts = parseResourceId(finding.resourceId);
    if (!parts) continue;
    seen.set(idKey(`${parts.subscriptionId}/${parts.resourceGroup}`), parts);
  }
  return [...seen.values()];
}

/** The reads that cover every cluster's finding resources, one per resource group. */
export function planScopes(clusters: readonly ClusterLookup[]): LookupScope[] {
  const scopes = new Map<string, Omit<LookupScope, "filter">>();
  for (const cluster of clusters) {
    for (const { subscriptionId, resourceGroup } of groupsOf(cluster.findings)) {
      const key = idKey(`${subscriptionId}/${resourceGroup}`);
      const scope = scopes.get(key);
      if (!scope) {
        const { from, to } = cluster.window;
        scopes.set(key, { subscriptionId, resourceGroup, from, to, clusterIds: [cluster.clusterId] });
        continue;
      }
      if (cluster.window.from < scope.from) scope.from = cluster.window.from;
      if (cluster.window.to > scope.to) scope.to = cluster.window.to;
      scope.clusterIds.push(cluster.clusterId);
    }
  }
  return [...scopes.values()].map((scope) => ({
    ...scope,
    filter: resourceGroupFilter(scope.from, scope.to, scope.resourceGroup),
  }));
}
