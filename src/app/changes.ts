/**
 * Who changed it, and when: after a check, the writes behind each drifting
 * cluster's findings, from the Azure Activity Log. One read per resource
 * group that holds a resource with a finding, over the window since the
 * cluster was last confirmed (core/changes/window.ts); nothing is read when
 * no cluster drifts, in capture mode, or with `activity-log: false`.
 *
 * It never blocks the gate: the verdict is decided before it runs and is not
 * touched; a read that fails (no role, throttled, Azure failing, the lookup's
 * own time limit) becomes one line for the clusters it concerns.
 */
import { mapLimit } from "../core/concurrency.js";
import type { Deadline } from "../core/deadline.js";
import { idKey, parseResourceId } from "../core/arm-ids.js";
import { attributeChanges, type ClusterChanges, unavailableChanges } from "../core/changes/attribute.js";
import type { AksIdentity } from "../core/changes/caller.js";
import type { ActivityEvent } from "../core/changes/events.js";
import { type ChangeLookup, type ClusterLookup, type LookupScope, planScopes } from "../core/changes/plan.js";
import { ACTIVITY_LOG_SELECT, lookupWindow } from "../core/changes/window.js";
import type { Logger } from "../core/logger.js";
import type { ClusterSnapshot, Finding } from "../core/model.js";
import type { Verdict } from "../core/verdict.js";
import { activityLogFailure } from "../io/azure/failures.js";
import { type ActivityLogReader, type ArmReader, readsActivityLog } from "../io/azure/reader.js";
import { lastConfirmations } from "../io/files/evidence.js";
import type { Settings } from "./settings.js";

/** The longest the lookup may take, and never more than this share of the time the run has left. */
export const LOOKUP_LIMIT_MS = 120_000;
const LOOKUP_SHARE = 4;
/** Activity Log reads in flight at once. */
const LOOKUP_CONCURRENCY = 4;

export interface ChangeDeps {
  reader: ArmReader;
  logger: Logger;
  now: () => Date;
  deadline: Deadline;
}

interface Drifting extends ClusterLookup {
  snapshot: ClusterSnapshot;
}

/**
 * The drifting clusters and the findings that make them drift (errors, and
 * warnings under `fail-on: warning`): a warning that does not count, such as
 * kubenet's retirement, costs no read.
 */
function driftingClusters(verdict: Verdict): Omit<Drifting, "window">[] {
  const counts = (finding: Finding) => finding.severity === "error" || verdict.policy.failOn === "warning";
  return verdict.clusters.flatMap(({ result, status, active }) =>
    status === "drift" && result.kind === "checked"
      ? [{ clusterId: result.clusterId, snapshot: result.snapshot, findings: active.filter(counts) }]
      : [],
  );
}

/** The cluster's own identities, from the managed cluster the capture read (the reader's cache: no second request). */
async function aksIdentity(reader: ArmReader, snapshot: ClusterSnapshot): Promise<AksIdentity> {
  const base = { clusterId: snapshot.id, nodeResourceGroup: snapshot.nodeResourceGroup };
  const empty = { ...base, principalIds: [], clientIds: [], identityResourceIds: [] };
  const parts = parseResourceId(snapshot.id);
  if (!parts) return empty;
  try {
    const facts = await reader.getManagedCluster(parts.subscriptionId, parts.resourceGroup, parts.name);
    return facts.identities ? { ...base, ...facts.identities } : empty;
  } catch {
    return empty;
  }
}

interface ScopeRead {
  scope: LookupScope;
  events: ActivityEvent[];
  error: string | null;
}

async function readScope(reader: ActivityLogReader, scope: LookupScope, signal: AbortSignal): Promise<ScopeRead> {
  try {
    const events = await reader.listActivityLog(scope.subscriptionId, scope.filter, ACTIVITY_LOG_SELECT, signal);
    return { scope, events, error: null };
  } catch (error) {
    return { scope, events: [], error: activityLogFailure(scope.subscriptionId, error, signal.aborted) };
  }
}

/** A signal that ends the lookup at its own limit, before the run's deadline could be spent on it. */
function lookupSignal(deadline: Deadline): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const limit = Math.min(LOOKUP_LIMIT_MS, Math.floor(deadline.remainingMs() / LOOKUP_SHARE));
  const timer = setTimeout(() => controller.abort(), limit);
  timer.unref();
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

async function clusterChanges(cluster: Drifting, reads: readonly ScopeRead[], deps: ChangeDeps) {
  const own = reads.filter((read) => read.scope.clusterIds.includes(cluster.clusterId));
  const failures = [...new Set(own.flatMap((read) => (read.error ? [read.error] : [])))];
  if (own.length === 0) {
    const note = "Not looked up: no finding names an Azure resource.";
    return unavailableChanges(cluster.clusterId, cluster.findings, note, cluster.window);
  }
  if (own.every((read) => read.error !== null)) {
    return unavailableChanges(
      cluster.clusterId,
      cluster.findings,
      `Not looked up: ${failures.join(" ")}`,
      cluster.window,
    );
  }
  const identity = await aksIdentity(deps.reader, cluster.snapshot);
  const events = own.flatMap((read) => read.events);
  const found: ClusterChanges = attributeChanges(cluster.clusterId, cluster.findings, events, cluster.window, identity);
  if (failures.length > 0) found.note = `Partly looked up: ${failures.join(" ")}`;
  return found;
}

/** What the lookup read, in the log; why a cluster has no writes shown, as one warning for the run (GitHub shows few). */
export function logLookup(logger: Logger, lookup: ChangeLookup): void {
  const events = lookup.reads.reduce((sum, read) => sum + read.events, 0);
  logger.info(`Activity Log: ${lookup.reads.length} read(s), ${events} event(s), for the writes behind the drift.`);
  const notes = lookup.clusters.flatMap((cluster) => (cluster.note ? [`${cluster.clusterId}: ${cluster.note}`] : []));
  const [first] = notes;
  if (first === undefined) return;
  if (notes.length === 1) return logger.warning(first);
  for (const note of notes) logger.info(`Activity Log: ${note}`);
  logger.warning(
    `Activity Log: ${notes.length} drifting clusters have no writes shown; the log above, the job summary and changes.json say why for each. The first: ${first}`,
  );
}

/** The writes behind each drifting cluster's findings; undefined when nothing was looked up. */
export async function lookupChanges(
  settings: Settings,
  verdict: Verdict,
  deps: ChangeDeps,
): Promise<ChangeLookup | undefined> {
  const candidates = driftingClusters(verdict);
  if (!settings.activityLog || settings.mode !== "check" || candidates.length === 0) return undefined;
  const confirmations = await lastConfirmations(settings.evidenceDir);
  const now = deps.now();
  const clusters: Drifting[] = candidates.map((cluster) => ({
    ...cluster,
    window: lookupWindow(confirmations.get(idKey(cluster.clusterId)), now),
  }));
  const reader = deps.reader;
  if (!readsActivityLog(reader)) {
    const note = "Not looked up: this reader has no Activity Log.";
    return { clusters: clusters.map((c) => unavailableChanges(c.clusterId, c.findings, note, c.window)), reads: [] };
  }
  const limit = lookupSignal(deps.deadline);
  const reads = await mapLimit(planScopes(clusters), LOOKUP_CONCURRENCY, (scope) =>
    readScope(reader, scope, limit.signal),
  ).finally(limit.done);
  const lookup: ChangeLookup = {
    clusters: await Promise.all(clusters.map((cluster) => clusterChanges(cluster, reads, deps))),
    reads: reads.map(({ scope, events, error }) => ({
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
      filter: scope.filter,
      events: events.length,
      error,
    })),
  };
  logLookup(deps.logger, lookup);
  return lookup;
}
