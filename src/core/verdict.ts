/**
 * The one verdict of a run: from the cluster results and `fail-on`, which
 * findings are active, silenced and failing, each cluster's status, the
 * result, the exit code, the headline, whether the job fails and why, the
 * level of each annotation and which clusters get, keep or close an issue.
 * The job summary, the annotations, the outputs, the issues and the CLI all
 * render this value; none of them decides anything about pass or fail.
 *
 * The semantics (README, "fail-on"):
 * - A finding counts when it is an error, or a warning under `fail-on: warning`.
 * - A cluster is `error` when it could not be read, `drift` when a finding of
 *   it counts, else `pass` (warnings that do not count are shown, not counted).
 * - The result is `error` when any cluster could not be read, else `drift`
 *   when any cluster drifts, else `pass`.
 * - The job fails on an unreadable cluster whatever `fail-on` says (a gate
 *   that cannot see does not pass), and on counted findings unless `fail-on`
 *   is `never`, which reports them only.
 * - Issues follow the clusters, not the job: a drifting cluster has an open
 *   drift issue also under `fail-on: never` (the team's record of the drift);
 *   a passing one has none. An unreadable cluster gets an error issue when
 *   `issue-on-error` asks for it, and its drift issue is left as it is.
 */
import { type ClusterResult, type Finding, findingsOf, type GateResult } from "./model.js";
import { lastSegment } from "./arm-ids.js";

export type FailOn = "error" | "warning" | "never";

/** What the verdict is computed under: `fail-on`, and whether an unreadable cluster gets an issue. */
export interface VerdictPolicy {
  failOn: FailOn;
  issueOnError: boolean;
}

/** How a text names the `fail-on` setting: the action's input, or the CLI's flag. */
export interface VerdictWords {
  failOn(level: FailOn): string;
}

export const ACTION_WORDS: VerdictWords = { failOn: (level) => `fail-on: ${level}` };
export const CLI_WORDS: VerdictWords = { failOn: (level) => `--fail-on ${level}` };

/** pass: nothing to see; warn: attention, the job does not fail on it, or cannot see; fail: the job fails. */
export type Tone = "pass" | "warn" | "fail";

export type AnnotationLevel = "error" | "warning";

export type ExitCode = 0 | 1 | 2;

export interface ClusterVerdict {
  result: ClusterResult;
  status: GateResult;
  tone: Tone;
  /** Findings that count against the baseline (not silenced by `suppress`). */
  active: Finding[];
  silenced: Finding[];
  /** Active findings that fail the job under `fail-on`. */
  failing: Finding[];
  errors: number;
  warnings: number;
  /**
   * The cluster's annotations: one error for a cluster that could not be read
   * (no finding), else one per active finding, an error when it fails the job
   * and a warning when it does not.
   */
  annotations: { finding: Finding | undefined; level: AnnotationLevel }[];
}

/** One issue of a cluster: opened or kept with these findings, or closed when open is false. */
export interface IssueDecision {
  result: ClusterResult;
  kind: "drift" | "error";
  open: boolean;
  /** The findings a drift issue shows: the cluster's active findings. */
  findings: Finding[];
}

export interface Verdict {
  policy: VerdictPolicy;
  result: GateResult;
  clusters: ClusterVerdict[];
  /** Active findings of every cluster. */
  findings: Finding[];
  failing: Finding[];
  /** Whether the job fails. */
  fails: boolean;
  exitCode: ExitCode;
  /** Why the job fails or passes, in one line: "4 findings fail the gate under fail-on: error". */
  why: string;
  headline: { tone: Tone; text: string };
  /** The job's failure message (the failing findings or the unreadable clusters); set exactly when it fails. In the action's words. */
  failure: string | undefined;
  issues: IssueDecision[];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** One line for the log and the annotation of a finding. */
export function findingLine(item: Finding): string {
  return `${item.rule} ${item.path}: ${item.message}`;
}

function counts(policy: VerdictPolicy, item: Finding): boolean {
  return item.severity === "error" || policy.failOn === "warning";
}

/** Whether a cluster's result passes, drifts (a finding that counts under `fail-on`) or is an error. */
export function clusterStatus(policy: VerdictPolicy, result: ClusterResult): GateResult {
  return clusterVerdict(policy, result).status;
}

function clusterVerdict(policy: VerdictPolicy, result: ClusterResult): ClusterVerdict {
  const findings = findingsOf(result);
  const active = findings.filter((item) => !item.suppressed);
  const counted = active.filter((item) => counts(policy, item));
  const failing = policy.failOn === "never" ? [] : counted;
  const status: GateResult = result.kind === "error" ? "error" : counted.length > 0 ? "drift" : "pass";
  const errors = active.filter((item) => item.severity === "error").length;
  return {
    result,
    status,
    tone: failing.length > 0 ? "fail" : status === "pass" ? "pass" : "warn",
    active,
    silenced: findings.filter((item) => item.suppressed),
    failing,
    errors,
    warnings: active.length - errors,
    annotations:
      result.kind === "error"
        ? [{ finding: undefined, level: "error" }]
        : active.map((finding) => ({ finding, level: failing.includes(finding) ? "error" : "warning" })),
  };
}

function issuesOf(policy: VerdictPolicy, cluster: ClusterVerdict): IssueDecision[] {
  const { result } = cluster;
  if (result.kind === "inventory" && result.ownsIssues === false) return [];
  if (result.kind === "error") {
    return policy.issueOnError ? [{ result, kind: "error", open: true, findings: [] }] : [];
  }
  const drifts = cluster.status === "drift";
  return [
    { result, kind: "drift", open: drifts, findings: drifts ? cluster.active : [] },
    { result, kind: "error", open: false, findings: [] },
  ];
}

function whyOf(verdict: Omit<Verdict, "why" | "headline" | "failure">, words: VerdictWords): string {
  const setting = words.failOn(verdict.policy.failOn);
  if (verdict.result === "error") {
    const unread = verdict.clusters.filter((cluster) => cluster.status === "error").length;
    return `${plural(unread, "cluster")} could not be read, so the gate does not pass`;
  }
  if (verdict.fails) {
    return `${plural(verdict.failing.length, "finding")} ${verdict.failing.length === 1 ? "fails" : "fail"} the gate under ${setting}`;
  }
  if (verdict.result === "drift") return `findings reported only (${setting})`;
  const warnings = verdict.findings.length;
  if (warnings === 0) return "pass";
  return `${plural(warnings, "warning")} ${warnings === 1 ? "does" : "do"} not fail the gate under ${setting}`;
}

function headlineOf(verdict: Omit<Verdict, "headline" | "failure">): Verdict["headline"] {
  // Drift that fails the job is red; an unreadable cluster (it fails too) and reported-only drift are yellow.
  const tone: Tone = verdict.result === "pass" ? "pass" : verdict.result === "drift" && verdict.fails ? "fail" : "warn";
  switch (verdict.result) {
    case "error":
      return { tone, text: "error: the gate could not see the whole network, so it does not pass" };
    case "drift":
      return {
        tone,
        text: `drift: the live network differs from the baseline or breaks a network rule; ${verdict.why}`,
      };
    case "pass":
      return {
        tone,
        text: verdict.findings.length === 0 ? "pass: the live network matches the baseline" : `pass: ${verdict.why}`,
      };
  }
}

/** The job's failure message, in the action's words also for the CLI (its `--json` carries it as documented). */
function failureOf(verdict: Omit<Verdict, "headline" | "failure">): string | undefined {
  if (verdict.result === "error") {
    const errors = verdict.clusters.flatMap(({ result }) =>
      result.kind === "error" ? [`${result.clusterId}: ${result.message}`] : [],
    );
    return `The gate could not read ${errors.length} cluster(s), so it does not pass:\n${errors.join("\n")}`;
  }
  if (!verdict.fails) return undefined;
  const list = verdict.failing.map((item) => `- ${lastSegment(item.clusterId)}: ${findingLine(item)}`);
  return `AKS network drift: ${verdict.failing.length} finding(s) fail the gate (fail-on: ${verdict.policy.failOn}):\n${list.join("\n")}`;
}

/** The verdict of a run over these results, its texts in the action's words unless told otherwise. */
export function verdictOf(
  results: readonly ClusterResult[],
  policy: VerdictPolicy,
  words: VerdictWords = ACTION_WORDS,
): Verdict {
  const clusters = results.map((result) => clusterVerdict(policy, result));
  const result: GateResult = clusters.some((cluster) => cluster.status === "error")
    ? "error"
    : clusters.some((cluster) => cluster.status === "drift")
      ? "drift"
      : "pass";
  const failing = clusters.flatMap((cluster) => cluster.failing);
  const fails = result === "error" || failing.length > 0;
  const base = {
    policy,
    result,
    clusters,
    findings: clusters.flatMap((cluster) => cluster.active),
    failing,
    fails,
    exitCode: (result === "error" ? 2 : fails ? 1 : 0) as ExitCode,
    issues: clusters.flatMap((cluster) => issuesOf(policy, cluster)),
  };
  const withWhy = { ...base, why: whyOf(base, words) };
  return { ...withWhy, headline: headlineOf(withWhy), failure: failureOf(withWhy) };
}
