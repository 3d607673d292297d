import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { captureCluster, type ClusterRef } from "./capture-cluster.js";
import { GateDefect, TransientError } from "../io/azure/failures.js";
import { idKey, parseResourceId, sameId } from "../core/arm-ids.js";
import type { ArmReader } from "../io/azure/reader.js";
import { baselineFromSnapshot } from "../core/baseline/from-snapshot.js";
import { type ParsedBaseline, parseBaseline, parseBaselineInSteps } from "../core/baseline/parse.js";
import { withFileLock } from "../io/files/lock.js";
import { writeFileAtomic } from "../io/files/atomic-write.js";
import { compareCluster, compareFleet } from "../core/check/index.js";
import { mapInterleaved, mapLimit } from "../core/concurrency.js";
import { describeError, GateError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { BaselineCluster, ClusterResult, ClusterSnapshot, Finding } from "../core/model.js";
import { baselinePath, FINDING_ANNOTATIONS, pickAnnotations } from "../present/annotations.js";
import { inShard } from "../core/shard.js";
import { clusterStatus, findingLine, type Verdict, verdictOf } from "../core/verdict.js";
import type { ClusterSelector, Settings } from "./settings.js";
import type { FleetDiscovery, FleetReader } from "../core/fleet/discovery.js";
import type { BaselineParser } from "../io/files/baseline-thread.js";
import type { FleetRoster } from "../core/issues/plan.js";
import { type RemovalEvidence, removedResult, unbaselinedResult } from "../core/fleet/inventory.js";
import { carriesTags, namedLineNote, namedSubscriptions, tagText } from "../core/fleet/scope.js";
import {
  existingManagedRoutes,
  managedRoutesByCluster,
  removeClusters,
  upsertCluster,
  upsertEach,
} from "../core/baseline/edit.js";
import {
  confirmMissing,
  confirmOutside,
  discoverFleet,
  type FleetFacts,
  fleetRoster,
  type FleetPlan,
  type GraphReading,
  planFleet,
  refuseAbsentClusterLines,
  resolveDataSource,
  subscriptionKey,
  withSources,
} from "./fleet.js";

/** How often a cluster is read when reads fail transiently (throttling, 5xx, cut responses). */
export const CLUSTER_ATTEMPTS = 3;

export interface GateDeps {
  reader: ArmReader;
  /** Azure Resource Graph's discovery of a scope's clusters; absent where no scope is read (tests' fakes). */
  fleet?: FleetReader | undefined;
  /** `data-source: resource-graph`: a reader that takes what it can from Resource Graph. */
  graph?: GraphReading | undefined;
  logger: Logger;
  now: () => Date;
  /** Aborts when the run's time budget runs out. */
  signal: AbortSignal;
  sleep: (ms: number) => Promise<void>;
  /** Told after each cluster of a check is read or given up: how many so far, of how many. */
  progress?: ((read: number, total: number) => void) | undefined;
  /** Parses a fleet's baseline beside the run's requests, on a second thread; without it, in steps between them. */
  parseBaseline?: BaselineParser | undefined;
}

export interface Outcome {
  /** The clusters' results and what they mean under `fail-on`: everything the run reports renders it. */
  verdict: Verdict;
  /** How many clusters the baseline holds, beside those this shard checked. */
  fleetSize: number;
  /** The baseline as this run parsed it (check runs), for the issues' owners. */
  baseline: ParsedBaseline | undefined;
  /** A run with `scope`: what discovery found and where the facts came from. */
  fleet?: FleetFacts;
  /** A fleet check: its fleet's bounds and known clusters, to close the issues of clusters that are gone. */
  roster?: FleetRoster;
}

/** The baseline file of the workspace, parsed and validated; with `pause`, in steps that let requests go on. */
export async function readBaseline(settings: Settings, pause?: () => Promise<void>): Promise<ParsedBaseline> {
  const text = await baselineText(settings);
  return pause ? parseBaselineInSteps(text, settings.baselineFile, pause) : parseBaseline(text, settings.baselineFile);
}

async function baselineText(settings: Settings): Promise<string> {
  if (!existsSync(settings.baselinePath)) {
    throw new GateError(
      `The baseline file '${settings.baselineFile}' does not exist.`,
      "Create it with 'mode: capture' for each cluster and commit it, or set the 'baseline' input to its path.",
    );
  }
  return readFile(settings.baselinePath, "utf8");
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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
      parsed.baseline.exclusions.length > 0
        ? "It lists exclusions only: capture the fleet first ('mode: capture' with 'scope'), or check with 'scope'."
        : undefined,
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

async function captureWithRetries(deps: GateDeps, expected: BaselineCluster, ref: ClusterRef = refOf(expected)) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await captureCluster(deps.reader, ref, deps.now);
    } catch (error) {
      if (!(error instanceof TransientError) || attempt >= CLUSTER_ATTEMPTS || deps.signal.aborted) throw error;
      deps.logger.info(
        `${expected.id}: ${error.message} Reading it again in ${error.retryAfterMs} ms (attempt ${attempt + 1}).`,
      );
      await deps.sleep(error.retryAfterMs);
    }
  }
}

async function checkOne(deps: GateDeps, expected: BaselineCluster, mixed = false): Promise<ClusterResult> {
  if (deps.signal.aborted) {
    return {
      kind: "error",
      clusterId: expected.id,
      message: "Not read: the run's time budget ('timeout-minutes') ran out first.",
    };
  }
  try {
    const snapshot = withSources(await captureWithRetries(deps, expected), deps.reader, mixed);
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
  if (result.kind === "inventory" && finding !== undefined) {
    // A removed cluster's annotation sits on its entry; an unbaselined one's at the top of the file.
    return { message: `${result.clusterId}: ${finding.message}`, path: [], title: `AKS Network Gate: ${finding.rule}` };
  }
  const message = `${result.clusterId}: ${result.kind === "error" ? result.message : "not read"}`;
  return { message, path: [], title: "AKS Network Gate: cannot see the cluster" };
}

/**
 * The verdict's annotations, at the level it gives each, on the line of the
 * baseline they are about: as many as GitHub shows less the places kept for
 * the rest of the run, most severe first, and one that counts the rest
 * (present/annotations.ts).
 */
function annotate(logger: Logger, parsed: ParsedBaseline, file: string, verdict: Verdict): void {
  const all = verdict.clusters.flatMap(({ result, annotations }) => annotations.map((each) => ({ result, ...each })));
  const { shown, more } = pickAnnotations(all, FINDING_ANNOTATIONS);
  for (const { result, finding, level } of shown) {
    const { message, path, title } = annotationOf(result, finding);
    logger[level](message, { file, line: parsed.locate(result.clusterId, path)?.line ?? 1, title });
  }
  if (more) logger[more.level](more.message, { file, line: 1, title: "AKS Network Gate: more findings" });
}

/**
 * Reads these clusters of the baseline, `concurrency` at a time, and compares
 * each with its entry. With `live` (a run that read Resource Graph's copy), a
 * cluster that does not pass on the copy is read again from Resource Manager
 * before the fleet's rules (see confirmedLive).
 */
export async function readClusters(
  settings: Settings,
  deps: GateDeps,
  clusters: BaselineCluster[],
  baseline: BaselineCluster[],
  live?: GateDeps,
): Promise<ClusterResult[]> {
  let read = 0;
  const captured = await mapInterleaved(clusters, settings.concurrency, subscriptionOfCluster, async (cluster) => {
    const result = await checkOne(deps, cluster);
    deps.progress?.(++read, clusters.length);
    return result;
  });
  return compareFleet(live ? await confirmedLive(settings, live, clusters, captured) : captured, baseline);
}

/**
 * Resource Graph's copy lags the live state: it indexes asynchronously, and
 * the resource provider is the source of truth to fall back to (Microsoft
 * Learn, "Choose a query strategy" for Azure Resource Graph, which describes
 * this hybrid of Resource Graph and provider reads). So a cluster that would
 * fail the gate on the copy (a finding that counts under
 * `fail-on`, or an error) is read again from Resource Manager, and that live
 * read is its result: a fix made minutes ago is not reported as drift, and
 * every failure rests on live facts. A cluster that passes on the copy is not
 * read again: a change newer than the copy can pass until the copy has it.
 */
async function confirmedLive(
  settings: Settings,
  deps: GateDeps,
  clusters: BaselineCluster[],
  captured: ClusterResult[],
): Promise<ClusterResult[]> {
  const policy = { failOn: settings.failOn, issueOnError: settings.issues.onError };
  const doubted = new Set(
    captured.filter((result) => clusterStatus(policy, result) !== "pass").map((result) => idKey(result.clusterId)),
  );
  if (doubted.size === 0) return captured;
  deps.logger.info(
    `${doubted.size} cluster(s) do not pass on Resource Graph's copy: reading them again from Resource Manager, live.`,
  );
  const again = clusters.filter((cluster) => doubted.has(idKey(cluster.id)));
  const live = await mapInterleaved(again, settings.concurrency, subscriptionOfCluster, (cluster) =>
    checkOne(deps, cluster, true),
  );
  const byId = new Map(live.map((result) => [idKey(result.clusterId), result]));
  return captured.map((result) => byId.get(idKey(result.clusterId)) ?? result);
}

function subscriptionOfCluster(cluster: BaselineCluster): string {
  return subscriptionKey(cluster.id);
}

/** Whether a cluster is one this job takes: the selector's, in this shard. */
export function selectedBy(settings: Settings): (clusterId: string) => boolean {
  return (clusterId) => matches(settings.selector, clusterId) && inShard(clusterId, settings.shard);
}

/** Discovery of the scope, set against the baseline, with the missing clusters confirmed by Resource Manager. */
async function fleetPlan(
  settings: Settings,
  deps: GateDeps,
  parsed: ParsedBaseline,
  discovering: Promise<FleetDiscovery>,
) {
  const discovery = await discovering;
  refuseAbsentClusterLines(settings, parsed, discovery, selectedBy(settings));
  const plan = planFleet(settings, parsed, discovery, selectedBy(settings));
  const managementGroups = settings.fleet.scopes.flatMap((scope) =>
    scope.kind === "managementGroup" ? [scope.name] : [],
  );
  const [confirmed, outside] = await Promise.all([
    mapLimit(plan.missing, settings.concurrency, (id) => confirmMissing(deps.reader, id)),
    mapLimit(plan.unsure, settings.concurrency, (id) => confirmOutside(deps.reader, id, managementGroups)),
  ]);
  // A cluster Resource Graph does not list yet (it lags) is in the fleet if Resource Manager shows it with the tags.
  const found = confirmed.flatMap((item) => (item.state === "present" ? [item] : []));
  const tagged = (item: (typeof found)[number]) => carriesTags(item.tags, settings.fleet.tags);
  const present = [...plan.present, ...found.filter(tagged).map((item) => item.id)];
  const untagged = [...plan.untagged, ...found.filter((item) => !tagged(item)).map((item) => item.id)];
  const gone = confirmed.flatMap((item) => (item.state === "removed" ? [item] : []));
  // A gone cluster's tags went with it: with 'scope-tags', whether it was in this fleet cannot be told.
  const byTags = settings.fleet.tags.length > 0;
  const removed = byTags ? [] : gone;
  const untold = byTags ? gone.map((item) => ({ ...item, evidence: untoldEvidence(settings, item.evidence) })) : [];
  const unreadable = [
    ...confirmed.flatMap((item) => (item.state === "unreadable" ? [item.result] : [])),
    ...outside.flatMap((result) => result ?? []),
  ];
  if (discovery.clusters.length === 0 && plan.held === 0 && unreadable.length === 0) {
    throw emptyFleet(settings, discovery);
  }
  // With 'scope-tags', gone clusters are not known to be the fleet's: they alone do not make it one.
  if (byTags && discovery.clusters.length === 0 && present.length === 0 && unreadable.length === 0) {
    throw emptyFleet(settings, discovery, gone.length);
  }
  if (unreadable.length === 0 && !holdsAny(settings, parsed, discovery)) {
    throw nothingSelected(settings, parsed, discovery);
  }
  deps.logger.info(
    `Fleet: ${discovery.clusters.length} cluster(s) in scope (${discovery.queries} Resource Graph queries), ` +
      `${present.length} in the baseline, ${plan.unbaselined.length} not in it, ${plan.excluded.length} excluded, ${gone.length} gone.`,
  );
  if (untagged.length > 0) {
    deps.logger.info(
      `${untagged.length} baseline cluster(s) in scope lack a 'scope-tags' pair (${tagsText(settings)}), so they are outside the fleet and not read: ` +
        `${untagged.join(", ")}.`,
    );
  }
  const unsureOutside = plan.unsure.length - outside.filter((result) => result !== undefined).length;
  if (unsureOutside > 0) {
    deps.logger.info(
      `${unsureOutside} baseline cluster(s) lie outside the scopes: Resource Manager reads their subscriptions, which Resource Graph does not list under ${managementGroups.join(", ")}.`,
    );
  }
  return { plan, present, removed, untold, unreadable };
}

function tagsText(settings: Settings): string {
  return settings.fleet.tags.map(tagText).join(", ");
}

function untoldEvidence(settings: Settings, evidence: RemovalEvidence): RemovalEvidence {
  return (
    `${evidence}; its tags went with it, so whether it carried every 'scope-tags' pair (${tagsText(settings)}) ` +
    "cannot be told, and it is a warning whatever 'removed-severity' says"
  );
}

/**
 * Whether the fleet, narrowed by 'subscription', 'resource-group' and
 * 'cluster-name' but not by the shard, holds a cluster to check or report:
 * one of the baseline (gone or not) or one discovery lists that is not
 * excluded. A shard of it may hold none; the whole of it may not.
 */
function holdsAny(settings: Settings, parsed: ParsedBaseline, discovery: FleetDiscovery): boolean {
  const whole = planFleet(settings, parsed, discovery, (clusterId) => matches(settings.selector, clusterId));
  return whole.present.length + whole.missing.length + whole.unbaselined.length > 0;
}

/** A fleet with clusters in it of which the inputs leave none: they select none, or the baseline excludes them all. */
function nothingSelected(settings: Settings, parsed: ParsedBaseline, discovery: FleetDiscovery): GateError {
  const scopes = settings.fleet.scopes.map((scope) => `'${scope.text}'`).join(", ");
  const { subscriptionId, resourceGroup, clusterName } = settings.selector;
  const selector = subscriptionId !== undefined || resourceGroup !== undefined || clusterName !== undefined;
  const excluded = parsed.baseline.exclusions.filter(
    (entry) =>
      matches(settings.selector, entry.id) && discovery.clusters.some((cluster) => sameId(cluster.id, entry.id)),
  );
  if (selector && excluded.length > 0) {
    return new GateError(
      `'subscription', 'resource-group' and 'cluster-name' leave only cluster(s) the baseline '${settings.baselineFile}' excludes: ` +
        `${excluded.map((entry) => `${entry.id} (${entry.reason})`).join(", ")}: a gate over nothing does not pass.`,
      "Gate another cluster, or take this one out of 'exclude' in the baseline.",
    );
  }
  if (selector) {
    return new GateError(
      `No cluster of the fleet in ${scopes} matches subscription '${subscriptionId ?? "*"}', resource group '${resourceGroup ?? "*"}', ` +
        `cluster '${clusterName ?? "*"}': a gate over nothing does not pass.`,
      "Check 'subscription', 'resource-group' and 'cluster-name': with 'scope' they narrow the fleet to the clusters they name.",
    );
  }
  return new GateError(
    `Every one of the ${discovery.clusters.length} managed cluster(s) in ${scopes} is excluded in the baseline '${settings.baselineFile}': ` +
      "a gate over nothing does not pass.",
    "Take the scope out of this job, or a cluster out of 'exclude' in the baseline.",
  );
}

/**
 * A fleet with no cluster in it: discovery lists none in the scopes (with the
 * tags) and the baseline holds none there. A gate over nothing does not pass,
 * and a scope that names nothing is most often a mistyped line or tag.
 */
function emptyFleet(settings: Settings, discovery: FleetDiscovery, gone = 0): GateError {
  const scopes = settings.fleet.scopes.map((scope) => `'${scope.text}'`).join(", ");
  const baseline =
    gone > 0
      ? `${gone} cluster(s) of the baseline '${settings.baselineFile}' there are gone, their tags with them`
      : `the baseline '${settings.baselineFile}' lists none there either`;
  const goneHint = gone > 0 ? " Remove the entries of the gone clusters by hand." : "";
  if (discovery.untagged.length > 0 || gone > 0) {
    const listed =
      discovery.untagged.length > 0
        ? `none of the ${discovery.untagged.length} managed cluster(s) in ${scopes} carries every pair (${tagsText(settings)})`
        : `Azure lists no managed cluster in ${scopes} to the signed-in identity`;
    return new GateError(
      `Input 'scope-tags': ${listed}, and ${baseline}: a gate over nothing does not pass.`,
      `Check the 'scope-tags' pairs: tag names compare ignoring case, values exactly, as Azure compares them.${goneHint}`,
    );
  }
  return new GateError(
    `Input 'scope': Azure lists no managed cluster in ${scopes} to the signed-in identity, and ${baseline}: a gate over nothing does not pass.`,
    "Check each 'scope' line: a subscription, resource group or management group that holds clusters, or the ID of a cluster that exists.",
  );
}

/**
 * The reader of a fleet run's clusters: Resource Manager, or Resource Graph
 * first (data-source; `auto` counts the clusters in scope that this job
 * takes, so a release gate of a few clusters of a big scope reads live).
 * Resource Graph's reader is the run's one: asked again, it queries only
 * subscriptions it has not read yet.
 */
async function fleetReader(settings: Settings, deps: GateDeps, discovery: FleetDiscovery, ids: readonly string[]) {
  const selected = selectedBy(settings);
  const count = discovery.clusters.filter((cluster) => selected(cluster.id)).length;
  const source = resolveDataSource(settings.fleet.dataSource, true, count);
  if (source === "arm" || ids.length === 0) return { source, deps };
  if (deps.graph === undefined) throw new GateDefect("'data-source: resource-graph' needs a Resource Graph reader.");
  return { source, deps: { ...deps, reader: await deps.graph.readerFor(ids.map(subscriptionKey)) } };
}

/**
 * Resource Graph's copy of the fleet's subscriptions, read while the baseline
 * is parsed: beside discovery with `data-source: resource-graph` and scopes
 * that name their subscriptions, else once discovery has found the clusters
 * (`auto` goes by their count; a management group's subscriptions are its).
 */
async function prefetchFleet(settings: Settings, deps: GateDeps, discovering: Promise<FleetDiscovery>): Promise<void> {
  const named = namedSubscriptions(settings.fleet.scopes);
  if (settings.fleet.dataSource === "resource-graph" && named !== undefined && deps.graph !== undefined) {
    await deps.graph.readerFor(named);
    return;
  }
  const discovery = await discovering;
  await fleetReader(
    settings,
    deps,
    discovery,
    discovery.clusters.map((cluster) => cluster.id),
  );
}

/** What the evidence says of a fleet run, once its reads are done (`queries` counts every query the run sent). */
function fleetFacts(settings: Settings, deps: GateDeps, plan: FleetPlan, source: "arm" | "resource-graph"): FleetFacts {
  const { discovery } = plan;
  return {
    scopes: settings.fleet.scopes.map((scope) => scope.text),
    tags: settings.fleet.tags.map(tagText),
    dataSource: source,
    queriedAt: discovery.queries > 0 ? discovery.queriedAt : undefined,
    queries: deps.fleet?.queriesSent?.() ?? discovery.queries,
    discovered: discovery.clusters.length,
    excluded: plan.excluded,
  };
}

/** `mode: check` with `scope`: the baseline's clusters of the fleet, and the inventory of the scope. */
async function checkFleet(settings: Settings, deps: GateDeps): Promise<Outcome> {
  // Discovery waits on the network (sign-in, Resource Graph), and the baseline is read meanwhile: from the
  // start on a second thread, or else in steps once discovery has started.
  const { parseBaseline: offThread } = deps;
  const parsing = offThread && baselineText(settings).then((text) => offThread(text, settings.baselineFile));
  parsing?.catch(() => undefined);
  await deps.reader.signIn?.(`the clusters of ${settings.fleet.scopes.map((scope) => scope.text).join(", ")}`);
  const discovering = discoverFleet(settings, deps);
  const prefetching = prefetchFleet(settings, deps, discovering);
  // A baseline that cannot be read is the error to report; discovery's and Resource Graph's are seen when awaited.
  discovering.catch(() => undefined);
  prefetching.catch(() => undefined);
  const parsed = await (parsing ?? readBaseline(settings, nextTurn));
  const { plan, present, removed, untold, unreadable } = await fleetPlan(settings, deps, parsed, discovering);
  const byId = new Map(parsed.baseline.clusters.map((cluster) => [cluster.id.toLowerCase(), cluster]));
  const entries = present.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
  await prefetching;
  const reading = await fleetReader(settings, deps, plan.discovery, present);
  deps.logger.info(`Checking ${entries.length} cluster(s) of the fleet from ${reading.source}.`);
  const live = reading.source === "resource-graph" ? deps : undefined;
  const checked = await readClusters(settings, reading.deps, entries, parsed.baseline.clusters, live);
  const results: ClusterResult[] = [
    ...checked,
    ...unreadable,
    ...removed.map((item) => removedResult(item.id, item.evidence, settings.fleet.removed)),
    ...untold.map((item) => removedResult(item.id, item.evidence, "warning", undefined, true)),
    ...plan.unbaselined.map((cluster) => unbaselinedResult(cluster, settings.fleet.unbaselined)),
  ];
  const verdict = verdictOf(results, { failOn: settings.failOn, issueOnError: settings.issues.onError });
  annotate(deps.logger, parsed, settings.baselineFile, verdict);
  return {
    verdict,
    fleetSize: parsed.baseline.clusters.length,
    baseline: parsed,
    fleet: fleetFacts(settings, deps, plan, reading.source),
    roster: fleetRoster(settings.fleet, parsed, plan.discovery, results),
  };
}

/** `mode: check`: every selected cluster of the baseline against its live state. */
export async function check(settings: Settings, deps: GateDeps): Promise<Outcome> {
  if (settings.fleet.scopes.length > 0) return checkFleet(settings, deps);
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

/** The baseline file as it stands (null when there is none yet), parsed so that a broken file stops the capture before any read. */
async function existingBaseline(settings: Settings): Promise<ParsedBaseline> {
  if (existsSync(settings.baselinePath)) {
    return parseBaseline(await readFile(settings.baselinePath, "utf8"), settings.baselineFile);
  }
  const nowhere = () => undefined;
  const baseline = { version: 1 as const, clusters: [], exclusions: [] };
  return { baseline, locate: nowhere, locateExclusion: nowhere, locateClusters: nowhere };
}

/** One cluster of a fleet capture: its snapshot, or why it could not be read. */
async function captureOne(deps: GateDeps, id: string): Promise<ClusterSnapshot | ClusterResult> {
  const parts = parseResourceId(id);
  const ref = {
    subscriptionId: parts?.subscriptionId ?? "",
    resourceGroup: parts?.resourceGroup ?? "",
    name: parts?.name ?? "",
  };
  const entry: BaselineCluster = { id, networkProfile: {}, suppressions: [] };
  if (deps.signal.aborted) return checkOne(deps, entry);
  try {
    return withSources(await captureWithRetries(deps, entry, ref), deps.reader);
  } catch (error) {
    return { kind: "error", clusterId: id, message: describeError(error) };
  }
}

/**
 * `mode: capture` with `scope`: every cluster of the scope (those the baseline
 * excludes aside) into the baseline file in one atomic write, and the entries
 * of clusters that are gone removed in the same change. A cluster that cannot
 * be read is listed and its entry left as it is. The clusters are read from
 * Resource Manager whatever `data-source` says: a baseline written from
 * Resource Graph's lagging copy would put stale facts under review as the
 * truth, and no live read after it would tell.
 */
async function captureFleet(settings: Settings, deps: GateDeps): Promise<Outcome> {
  const before = await existingBaseline(settings);
  const { plan, present, removed, untold, unreadable } = await fleetPlan(
    settings,
    deps,
    before,
    discoverFleet(settings, deps),
  );
  const ids = [...present, ...plan.unbaselined.map((cluster) => cluster.id)];
  if (settings.fleet.dataSource === "resource-graph") {
    deps.logger.info(
      "A capture reads its clusters from Resource Manager, live: the baseline it writes is reviewed as the truth, " +
        "and Resource Graph's copy lags ('data-source: resource-graph' applies to checks).",
    );
  }
  deps.logger.info(`Capturing ${ids.length} cluster(s) of the fleet from arm.`);
  let read = 0;
  const captured = await mapInterleaved(ids, settings.concurrency, subscriptionKey, async (id) => {
    const result = await captureOne(deps, id);
    deps.progress?.(++read, ids.length);
    return result;
  });
  const snapshots = captured.filter((item): item is ClusterSnapshot => !("kind" in item));
  const failed = captured.filter((item): item is ClusterResult => "kind" in item);
  const { written, refused } = await writeFleet(
    settings,
    deps,
    snapshots,
    removed.map((item) => item.id),
  );
  for (const item of removed) {
    const note = namedLineNote(settings.fleet.scopes, item.id);
    if (note !== "")
      deps.logger.warning(`This capture removed the entry of ${item.id}, which Azure no longer has.${note}`);
  }
  const results: ClusterResult[] = [
    ...snapshots.flatMap((snapshot): ClusterResult[] => {
      const expected = written.get(snapshot.id.toLowerCase());
      return expected ? [{ kind: "checked", clusterId: snapshot.id, snapshot, expected, findings: [] }] : [];
    }),
    ...refused,
    ...failed,
    ...unreadable,
    ...removed.map((item) =>
      removedResult(
        item.id,
        item.evidence,
        settings.fleet.removed,
        "Its entry was removed from the baseline by this capture.",
      ),
    ),
    ...untold.map((item) =>
      removedResult(
        item.id,
        item.evidence,
        "warning",
        "Its entry was left in the baseline: a capture with 'scope-tags' cannot tell whether it was in this fleet. " +
          "Remove the entry by hand, or capture without 'scope-tags'.",
        true,
      ),
    ),
  ];
  return {
    verdict: verdictOf(results, { failOn: settings.failOn, issueOnError: settings.issues.onError }),
    fleetSize: results.length,
    baseline: undefined,
    fleet: fleetFacts(settings, deps, plan, "arm"),
  };
}

/**
 * The captured clusters and the removals, as one change of the baseline file
 * under its lock: the entries written, by lowercase ID, and an error result
 * for each entry the writer refused (edit.ts upsertEach), whose lines stay as
 * they were.
 */
async function writeFleet(
  settings: Settings,
  deps: GateDeps,
  snapshots: ClusterSnapshot[],
  removed: string[],
): Promise<{ written: Map<string, BaselineCluster>; refused: ClusterResult[] }> {
  return withFileLock(
    settings.baselinePath,
    async () => {
      const existing = existsSync(settings.baselinePath) ? await readFile(settings.baselinePath, "utf8") : null;
      const modes = managedRoutesByCluster(existing, settings.baselineFile);
      const entries = snapshots.map((snapshot) =>
        baselineFromSnapshot(snapshot, new Map(modes.get(snapshot.id.toLowerCase()))),
      );
      const each = upsertEach(existing, settings.baselineFile, entries);
      const refused = each.refused.map((error): ClusterResult => ({
        kind: "error",
        clusterId: error.clusterId,
        message: describeError(error),
      }));
      const written = new Map(each.written.map((entry) => [entry.id.toLowerCase(), entry]));
      if (each.text === null) {
        deps.logger.info(`No cluster could be captured, so ${settings.baselineFile} was not created.`);
        return { written, refused };
      }
      const text = removed.length > 0 ? removeClusters(each.text, settings.baselineFile, removed) : each.text;
      if (text !== existing) await writeFileAtomic(settings.baselinePath, text);
      deps.logger.info(
        `Wrote ${written.size} cluster(s) to ${settings.baselineFile}` +
          (removed.length > 0 ? ` and removed ${removed.length} that no longer exist` : "") +
          (refused.length > 0
            ? `; ${refused.length} entr${refused.length === 1 ? "y was" : "ies were"} refused and left as they were.`
            : "."),
      );
      return { written, refused };
    },
    { log: (message) => deps.logger.info(message) },
  );
}

/** `mode: capture`: one cluster's live state into the baseline file, atomically; with `scope`, the whole fleet's. */
export async function capture(settings: Settings, deps: GateDeps): Promise<Outcome> {
  if (settings.fleet.scopes.length > 0) return captureFleet(settings, deps);
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
