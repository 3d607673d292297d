import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { captureCluster, type ClusterRef } from "./capture-cluster.js";
import { TransientError } from "../io/azure/failures.js";
import { parseResourceId, sameId } from "../core/arm-ids.js";
import type { ArmReader } from "../io/azure/reader.js";
import { baselineFromSnapshot } from "../core/baseline/from-snapshot.js";
import { type ParsedBaseline, parseBaseline } from "../core/baseline/parse.js";
import { withFileLock } from "../io/files/lock.js";
import { existingManagedRoutes, upsertCluster } from "../core/baseline/edit.js";
import { writeFileAtomic } from "../io/files/atomic-write.js";
import { compareCluster, compareFleet } from "../core/check/index.js";
import { mapLimit } from "../core/concurrency.js";
import { describeError, GateError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { BaselineCluster, ClusterResult, Finding } from "../core/model.js";
import { baselinePath } from "../present/annotations.js";
import { inShard } from "../core/shard.js";
import { findingLine, type Verdict, verdictOf } from "../core/verdict.js";
import type { ClusterSelector, Settings } from "./settings.js";

/** How often a cluster is read when reads fail transiently (throttling, 5xx, cut responses). */
export const CLUSTER_ATTEMPTS = 3;

export interface GateDeps {
  reader: ArmReader;
  logger: Logger;
  now: () => Date;
  /** Aborts when the run's time budget runs out. */
  signal: AbortSignal;
  sleep: (ms: number) => Promise<void>;
  /** Told after each cluster of a check is read or given up: how many so far, of how many. */
  progress?: ((read: number, total: number) => void) | undefined;
}

export interface Outcome {
  /** The clusters' results and what they mean under `fail-on`: everything the run reports renders it. */
  verdict: Verdict;
  /** How many clusters the baseline holds, beside those this shard checked. */
  fleetSize: number;
  /** The baseline as this run parsed it (check runs), for the issues' owners. */
  baseline: ParsedBaseline | undefined;
}

/** The baseline file of the workspace, parsed and validated. */
export async function readBaseline(settings: Settings): Promise<ParsedBaseline> {
  if (!existsSync(settings.baselinePath)) {
    throw new GateError(
      `The baseline file '${settings.baselineFile}' does not exist.`,
      "Create it with 'mode: capture' for each cluster and commit it, or set the 'baseline' input to its path.",
    );
  }
  return parseBaseline(await readFile(settings.baselinePath, "utf8"), settings.baselineFile);
}

function matches(selector: ClusterSelector, clusterId: string): boolean {
  const parts = parseResourceId(clusterId);
  if (!parts) return false;
  return (
    (selector.subscriptionId === undefined || sameId(selector.subscriptionId, parts.subscriptionId)) &&
    (selector.resourceGroup === undefined || sameId(selector.resourceGroup, parts.resourceGroup)) &&
    (selector.clusterName === undefined || sameId(selector.clusterName, parts.name))
  );
}

/** The clusters of the baseline this job checks: the selector's, in this shard. */
export function selectClusters(settings: Settings, parsed: ParsedBaseline): BaselineCluster[] {
  const clusters = parsed.baseline.clusters.filter((cluster) => matches(settings.selector, cluster.id));
  if (parsed.baseline.clusters.length === 0) {
    throw new GateError(
      `The baseline file '${settings.baselineFile}' holds no clusters: a gate over nothing does not pass.`,
    );
  }
  if (clusters.length === 0) {
    const { subscriptionId = "*", resourceGroup = "*", clusterName = "*" } = settings.selector;
    throw new GateError(
      `No cluster in '${settings.baselineFile}' matches subscription '${subscriptionId}', resource group '${resourceGroup}', cluster '${clusterName}'.`,
      "Check 'subscription', 'resource-group' and 'cluster-name', or capture the cluster first.",
    );
  }
  return clusters.filter((cluster) => inShard(cluster.id, settings.shard));
}

function refOf(cluster: BaselineCluster): ClusterRef {
  const parts = parseResourceId(cluster.id);
  if (!parts) throw new GateError(`Baseline key '${cluster.id}' is not a managed cluster resource ID.`);
  return { subscriptionId: parts.subscriptionId, resourceGroup: parts.resourceGroup, name: parts.name };
}

async function captureWithRetries(deps: GateDeps, expected: BaselineCluster) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await captureCluster(deps.reader, refOf(expected), deps.now);
    } catch (error) {
      if (!(error instanceof TransientError) || attempt >= CLUSTER_ATTEMPTS || deps.signal.aborted) throw error;
      deps.logger.info(
        `${expected.id}: ${error.message} Reading it again in ${error.retryAfterMs} ms (attempt ${attempt + 1}).`,
      );
      await deps.sleep(error.retryAfterMs);
    }
  }
}

async function checkOne(deps: GateDeps, expected: BaselineCluster): Promise<ClusterResult> {
  if (deps.signal.aborted) {
    return {
      kind: "error",
      clusterId: expected.id,
      message: "Not read: the run's time budget ('timeout-minutes') ran out first.",
    };
  }
  try {
    const snapshot = await captureWithRetries(deps, expected);
    return {
      kind: "checked",
      clusterId: expected.id,
      snapshot,
      expected,
      findings: compareCluster(expected, snapshot),
    };
  } catch (error) {
    return { kind: "error", clusterId: expected.id, message: describeError(error) };
  }
}

/** What an annotation says, and the baseline path it points at: a finding, or a cluster that could not be read. */
function annotationOf(result: ClusterResult, finding: Finding | undefined) {
  if (result.kind === "checked" && finding !== undefined) {
    const path = baselinePath(result.expected, finding.path);
    return { message: findingLine(finding), path, title: `AKS Network Gate: ${finding.rule}` };
  }
  const message = `${result.clusterId}: ${result.kind === "error" ? result.message : "not read"}`;
  return { message, path: [], title: "AKS Network Gate: cannot see the cluster" };
}

/** The verdict's annotations, at the level it gives each, on the line of the baseline they are about. */
function annotate(logger: Logger, parsed: ParsedBaseline, file: string, verdict: Verdict): void {
  for (const { result, annotations } of verdict.clusters) {
    for (const { finding, level } of annotations) {
      const { message, path, title } = annotationOf(result, finding);
      logger[level](message, { file, line: parsed.locate(result.clusterId, path)?.line ?? 1, title });
    }
  }
}

/** Reads these clusters of the baseline, `concurrency` at a time, and compares each with its entry. */
export async function readClusters(
  settings: Settings,
  deps: GateDeps,
  clusters: BaselineCluster[],
  baseline: BaselineCluster[],
): Promise<ClusterResult[]> {
  let read = 0;
  const captured = await mapLimit(clusters, settings.concurrency, async (cluster) => {
    const result = await checkOne(deps, cluster);
    deps.progress?.(++read, clusters.length);
    return result;
  });
  return compareFleet(captured, baseline);
}

/** `mode: check`: every selected cluster of the baseline against its live state. */
export async function check(settings: Settings, deps: GateDeps): Promise<Outcome> {
  const parsed = await readBaseline(settings);
  const clusters = selectClusters(settings, parsed);
  const { index, count } = settings.shard;
  const slice = count > 1 ? ` (shard ${index}/${count})` : "";
  deps.logger.info(`Checking ${clusters.length} cluster(s)${slice} against ${settings.baselineFile}.`);
  const results = await readClusters(settings, deps, clusters, parsed.baseline.clusters);
  const verdict = verdictOf(results, { failOn: settings.failOn, issueOnError: settings.issues.onError });
  annotate(deps.logger, parsed, settings.baselineFile, verdict);
  return { verdict, fleetSize: parsed.baseline.clusters.length, baseline: parsed };
}

/** `mode: capture`: one cluster's live state into the baseline file, atomically. */
export async function capture(settings: Settings, deps: GateDeps): Promise<Outcome> {
  const { subscriptionId, resourceGroup, clusterName } = settings.selector;
  const ref = { subscriptionId: subscriptionId ?? "", resourceGroup: resourceGroup ?? "", name: clusterName ?? "" };
  const readExisting = async () =>
    existsSync(settings.baselinePath) ? await readFile(settings.baselinePath, "utf8") : null;
  const before = await readExisting();
  if (before !== null) parseBaseline(before, settings.baselineFile);
  const snapshot = await captureCluster(deps.reader, ref, deps.now);
  const entry = await withFileLock(
    settings.baselinePath,
    async () => {
      const existing = await readExisting();
      const modes = existing === null ? new Map() : existingManagedRoutes(existing, snapshot.id, settings.baselineFile);
      const refreshed = baselineFromSnapshot(snapshot, modes);
      await writeFileAtomic(settings.baselinePath, upsertCluster(existing, settings.baselineFile, refreshed));
      return refreshed;
    },
    { log: (message) => deps.logger.info(message) },
  );
  deps.logger.info(`Wrote the live network of ${snapshot.id} to ${settings.baselineFile}.`);
  const results: ClusterResult[] = [
    { kind: "checked", clusterId: snapshot.id, snapshot, expected: entry, findings: [] },
  ];
  return {
    verdict: verdictOf(results, { failOn: settings.failOn, issueOnError: settings.issues.onError }),
    fleetSize: 1,
    baseline: undefined,
  };
}
