/**
 * The plan of a pull request that changes the baseline: for each cluster the
 * change adds or changes, read live, which drift the new entry expects until
 * the change is applied in Azure, which drift it accepts (the live network
 * already has the new values) and which stays; and the network rules over the
 * network the new entry plans (projection.ts), each told new or already
 * broken under the base branch's entry. The job's result follows `fail-on`
 * for those rule findings alone (and for a cluster that could not be read):
 * the drift the change itself expects does not fail it. Pure.
 */
import { idKey, lastSegment } from "../arm-ids.js";
import { diffCluster } from "../check/diff.js";
import { applySuppressions } from "../check/findings.js";
import { applyPlannedMigration } from "../check/migration.js";
import { checkClusterRules, checkFleetRules, fleetOf } from "../check/rules/index.js";
import type { Baseline, BaselineCluster, ClusterResult, ClusterSnapshot, Finding, GateResult } from "../model.js";
import { type ExitCode, findingLine, type Tone, verdictOf, type VerdictPolicy } from "../verdict.js";
import { baselineChanges, type ClusterChange } from "./changes.js";
import { plannedNetwork } from "./projection.js";

/** A rule finding of the new plan: one the change brings, or one the base branch's plan has too. */
export interface PlanRuleFinding {
  finding: Finding;
  since: "new" | "before";
}

export interface ClusterPlan {
  change: ClusterChange;
  /** The cluster as this run read it, or why it could not. */
  result: ClusterResult;
  /** The network the new entry plans; undefined when the cluster could not be read. */
  planned: ClusterSnapshot | undefined;
  /** Drift against the new entry that the base branch's entry does not have: it lasts until the change is applied. */
  untilApplied: Finding[];
  /** Drift against both entries, unchanged by the pull request. */
  stillDrifting: Finding[];
  /** Drift against the base branch's entry that the new one no longer has: the live network has its values. */
  accepted: Finding[];
  /** The active rule findings of the new plan. */
  rules: PlanRuleFinding[];
  /** Rule findings of the new plan that its entry silences. */
  silenced: Finding[];
  /** Rule findings of the base branch's plan that the new plan no longer has. */
  fixed: Finding[];
}

export interface PlanVerdict {
  result: GateResult;
  fails: boolean;
  exitCode: ExitCode;
  /** Active rule findings of the new plan. */
  findings: Finding[];
  failing: Finding[];
  headline: { tone: Tone; text: string };
  /** The job's failure message; set exactly when it fails. */
  failure: string | undefined;
}

export interface PullRequestPlan {
  changes: ClusterChange[];
  clusters: ClusterPlan[];
  verdict: PlanVerdict;
}

export interface PlanInputs {
  /** The base branch's baseline; undefined when it has none. */
  base: Baseline | undefined;
  /** The pull request's baseline. */
  head: Baseline;
  /** The clusters this run read: the changed and added entries of the new baseline. */
  results: ClusterResult[];
  policy: VerdictPolicy;
}

/**
 * Rules that judge how the live network keeps up, not what the plan says: the
 * node routes AKS writes for the nodes that exist (it writes them again from
 * the pod CIDR when that changes, and a planned pool has no nodes or routes
 * yet), and a planned migration's progress against the live profile. The plan
 * leaves them out; the usual check keeps judging them. The plan keeps the
 * route table rules about the table itself: attached, shared, custom routes
 * against the (new) pod CIDR, default route, BGP propagation.
 */
export const LIVE_STATE_RULES: ReadonlySet<string> = new Set([
  "routes.outsidePodCidr",
  "routes.prefixLength",
  "routes.nextHopOutsideSubnet",
  "routes.stale",
  "routes.duplicate",
  "routes.missing",
  "routes.count",
  "lifecycle.migrationOverdue",
  "lifecycle.migrationDone",
]);

const place = (item: Finding) => [item.rule, item.path.toLowerCase(), idKey(item.resourceId)].join("\u0000");
const whole = (item: Finding) => [place(item), item.severity, item.expected, item.actual].join("\u0000");
const active = (items: Finding[]) => items.filter((item) => item.suppressed === undefined);

function entryOf(baseline: Baseline | undefined, clusterId: string): BaselineCluster | undefined {
  return baseline?.clusters.find((entry) => idKey(entry.id) === idKey(clusterId));
}

function driftOf(entry: BaselineCluster | undefined, live: ClusterSnapshot): Finding[] {
  if (entry === undefined) return [];
  return active(applySuppressions(applyPlannedMigration(diffCluster(entry, live), entry, live), entry.suppressions));
}

/** Every entry's planned network, and the fleet the cross-cluster rules see under that baseline. */
function plansUnder(baseline: Baseline | undefined, results: ClusterResult[]) {
  const planned = new Map<string, { entry: BaselineCluster; network: ClusterSnapshot }>();
  for (const result of results) {
    const entry = entryOf(baseline, result.clusterId);
    if (result.kind === "checked" && entry)
      planned.set(idKey(result.clusterId), { entry, network: plannedNetwork(result.snapshot, entry) });
  }
  const networks = [...planned.values()].map((plan) => plan.network);
  return { planned, fleet: fleetOf(networks, baseline?.clusters ?? []) };
}

function rulesOf(plans: ReturnType<typeof plansUnder>, clusterId: string): Finding[] {
  const plan = plans.planned.get(idKey(clusterId));
  if (plan === undefined) return [];
  const context = { live: plan.network, expected: plan.entry };
  const found = [
    ...checkClusterRules({ ...context, fleet: [] }),
    ...checkFleetRules({ ...context, fleet: plans.fleet }),
  ].filter((item) => !LIVE_STATE_RULES.has(item.rule));
  return applySuppressions(found, plan.entry.suppressions);
}

function clusterPlan(
  change: ClusterChange,
  result: ClusterResult,
  inputs: PlanInputs,
  plans: { head: ReturnType<typeof plansUnder>; base: ReturnType<typeof plansUnder> },
): ClusterPlan {
  const empty = { untilApplied: [], stillDrifting: [], accepted: [], rules: [], silenced: [], fixed: [] };
  if (result.kind !== "checked") return { change, result, planned: undefined, ...empty };
  const live = result.snapshot;
  const [now, was] = [
    driftOf(entryOf(inputs.head, change.clusterId), live),
    driftOf(entryOf(inputs.base, change.clusterId), live),
  ];
  const wasWhole = new Set(was.map(whole));
  const nowPlaces = new Set(now.map(place));
  const rules = rulesOf(plans.head, change.clusterId);
  const before = active(rulesOf(plans.base, change.clusterId));
  const beforePlaces = new Set(before.map(place));
  const rulePlaces = new Set(rules.map(place));
  return {
    change,
    result,
    planned: plans.head.planned.get(idKey(change.clusterId))?.network,
    untilApplied: now.filter((item) => !wasWhole.has(whole(item))),
    stillDrifting: now.filter((item) => wasWhole.has(whole(item))),
    accepted: was.filter((item) => !nowPlaces.has(place(item))),
    rules: active(rules).map((finding) => ({ finding, since: beforePlaces.has(place(finding)) ? "before" : "new" })),
    silenced: rules.filter((item) => item.suppressed !== undefined),
    fixed: before.filter((item) => !rulePlaces.has(place(item))),
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** "1 finding fails", "2 findings fail". */
function counted(count: number, noun: string, verb: string): string {
  return `${plural(count, noun)} ${count === 1 ? `${verb}s` : verb}`;
}

function headlineOf(verdict: Omit<PlanVerdict, "headline" | "failure">, policy: VerdictPolicy, drifting: number) {
  const setting = `fail-on: ${policy.failOn}`;
  const expected =
    drifting > 0
      ? `; ${plural(drifting, "cluster")} will drift until the change is applied, as the change expects`
      : "";
  if (verdict.result === "error") {
    const text = "error: the gate could not read every changed cluster, so the plan does not pass";
    return { tone: "warn" as const, text };
  }
  if (verdict.fails) {
    const text = `the new plan breaks the network rules: ${counted(verdict.failing.length, "finding", "fail")} under ${setting}${expected}`;
    return { tone: "fail" as const, text };
  }
  const found = verdict.findings.length;
  if (verdict.result === "drift") {
    const text = `the new plan breaks the network rules: ${plural(found, "finding")}, reported only (${setting})${expected}`;
    return { tone: "warn" as const, text };
  }
  const warnings =
    found > 0 ? ` (${plural(found, "warning")} that ${found === 1 ? "does" : "do"} not count under ${setting})` : "";
  return { tone: "pass" as const, text: `the new plan breaks no network rule${warnings}${expected}` };
}

function failureOf(
  verdict: Omit<PlanVerdict, "headline" | "failure">,
  results: ClusterResult[],
  policy: VerdictPolicy,
) {
  if (verdict.result === "error") {
    const errors = results.flatMap((result) =>
      result.kind === "error" ? [`${result.clusterId}: ${result.message}`] : [],
    );
    return `The gate could not read ${errors.length} cluster(s) the pull request changes, so the plan does not pass:\n${errors.join("\n")}`;
  }
  if (!verdict.fails) return undefined;
  const list = verdict.failing.map((item) => `- ${lastSegment(item.clusterId)}: ${findingLine(item)}`);
  return `The baseline of this pull request plans a network that breaks ${plural(verdict.failing.length, "network rule finding")} (fail-on: ${policy.failOn}):\n${list.join("\n")}`;
}

/** The verdict over the new plan's rule findings, through the one verdict of the gate (verdict.ts). */
function planVerdict(clusters: ClusterPlan[], policy: VerdictPolicy): PlanVerdict {
  const results = clusters.map(({ result, rules, silenced }): ClusterResult =>
    result.kind === "checked" ? { ...result, findings: [...rules.map((rule) => rule.finding), ...silenced] } : result,
  );
  const { result, fails, exitCode, findings, failing } = verdictOf(results, policy);
  const base = { result, fails, exitCode, findings, failing };
  const drifting = clusters.filter((cluster) => cluster.untilApplied.length > 0).length;
  return { ...base, headline: headlineOf(base, policy, drifting), failure: failureOf(base, results, policy) };
}

/** The plan of a baseline change over the clusters this run read. */
export function planOf(inputs: PlanInputs): PullRequestPlan {
  const changes = baselineChanges(inputs.base, inputs.head);
  const plans = { head: plansUnder(inputs.head, inputs.results), base: plansUnder(inputs.base, inputs.results) };
  const clusters = inputs.results.flatMap((result) => {
    const change = changes.find((entry) => idKey(entry.clusterId) === idKey(result.clusterId));
    return change ? [clusterPlan(change, result, inputs, plans)] : [];
  });
  return { changes, clusters, verdict: planVerdict(clusters, inputs.policy) };
}
