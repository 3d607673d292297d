/**
 * The plan of a baseline change as the pull request's comment (and the job
 * summary): the change in words, the clusters that drift against the new
 * baseline until the change is applied, the network rules the new plan
 * breaks, and the address plan diagram of the new plan. The first line is the
 * hidden marker the gate finds its comment by. Every value from the baseline
 * or from Azure goes through markdown-text.ts; the body stays under GitHub's
 * 65,536 characters (diagrams go first, then a hard cut). Pure.
 */
import { lastSegment } from "../core/arm-ids.js";
import type { Finding } from "../core/model.js";
import type { BaselineEdit, ClusterChange } from "../core/pr-plan/changes.js";
import type { ClusterPlan, PullRequestPlan } from "../core/pr-plan/plan.js";
import type { FailOn, Tone } from "../core/verdict.js";
import { addressPlanMarkdown } from "./address-plan.js";
import { GITHUB_BODY_LIMIT, hardCut, type IssueLinks } from "./issue.js";
import { code, codeCell, escapeMarkdown, escapeMarkdownLines } from "./markdown-text.js";

const MARK: Record<Tone, string> = { pass: "✅", warn: "⚠️", fail: "❌" };
/** Edits listed per cluster, clusters listed, table rows and diagrams drawn, at most. */
export const MAX_EDITS = 30;
export const MAX_CHANGED_CLUSTERS = 50;
export const MAX_ROWS = 100;
export const MAX_DIAGRAMS = 10;

export interface PlanCommentContext {
  marker: string;
  baselineFile: string;
  baseSha: string;
  headSha: string | undefined;
  failOn: FailOn;
  /** The run and its evidence, for the links and a cut body's note. */
  links: IssueLinks;
  /** Lines about how the plan was made: a base baseline that does not parse, clusters another job reads. */
  notes: string[];
}

/** Which rule findings fail the job, as `fail-on` says for every check. */
const COUNTED: Record<FailOn, string> = {
  error: "the errors fail this job; warnings are shown.",
  warning: "errors and warnings fail this job.",
  never: "they are reported only.",
};

const name = (clusterId: string) => escapeMarkdown(lastSegment(clusterId));
const short = (sha: string) => code(sha.slice(0, 12));

function editLine(edit: BaselineEdit): string {
  const where = code(edit.path);
  if (edit.change === "changed") return `- ${where}: ${code(edit.before)} → ${code(edit.after)}`;
  if (edit.subject === "item") {
    return edit.change === "added"
      ? `- ${where} added: ${escapeMarkdown(edit.after)}`
      : `- ${where} removed (was: ${escapeMarkdown(edit.before)})`;
  }
  return edit.change === "added"
    ? `- ${where} now pinned: ${code(edit.after)}`
    : `- ${where} no longer pinned (was ${code(edit.before)})`;
}

function changeLines(change: ClusterChange): string[] {
  const what = escapeMarkdown(change.summary);
  if (change.change === "added") return [`- **${name(change.clusterId)}** added to the baseline: ${what}.`];
  if (change.change === "removed")
    return [`- **${name(change.clusterId)}** removed from the baseline: the gate no longer checks it (was: ${what}).`];
  const shown = change.edits.slice(0, MAX_EDITS).map((edit) => `  ${editLine(edit)}`);
  const more = change.edits.length - shown.length;
  return [`- **${name(change.clusterId)}**:`, ...shown, ...(more > 0 ? [`  - and ${more} more changes`] : [])];
}

function changeSection(plan: PullRequestPlan): string[] {
  if (plan.changes.length === 0)
    return ["### The change", "", "The baseline of this pull request plans the same network as the base branch's.", ""];
  const listed = plan.changes.slice(0, MAX_CHANGED_CLUSTERS).flatMap(changeLines);
  const more = plan.changes.length - Math.min(plan.changes.length, MAX_CHANGED_CLUSTERS);
  return ["### The change", "", ...listed, ...(more > 0 ? [`- and ${more} more clusters`] : []), ""];
}

function driftTable(rows: [string, Finding][], expected = "New baseline"): string[] {
  const lines = rows
    .slice(0, MAX_ROWS)
    .map(
      ([cluster, item]) =>
        `| ${name(cluster)} | ${codeCell(item.path)} | ${escapeMarkdown(item.expected)} | ${escapeMarkdown(item.actual)} |`,
    );
  const more = rows.length > MAX_ROWS ? [`| and ${rows.length - MAX_ROWS} more | | | |`] : [];
  return [`| Cluster | Field | ${expected} | Live now |`, "|---|---|---|---|", ...lines, ...more, ""];
}

function rowsOf(clusters: ClusterPlan[], pick: (cluster: ClusterPlan) => Finding[]): [string, Finding][] {
  return clusters.flatMap((cluster) =>
    pick(cluster).map((item): [string, Finding] => [cluster.change.clusterId, item]),
  );
}

function driftSection(clusters: ClusterPlan[]): string[] {
  const until = rowsOf(clusters, (cluster) => cluster.untilApplied);
  const lines = ["### Would drift until the change is applied", ""];
  if (until.length === 0)
    lines.push("No cluster drifts against the new baseline: the live network already has what it plans.", "");
  else {
    const drifting = new Set(until.map(([cluster]) => cluster)).size;
    lines.push(
      `${drifting} cluster(s) differ from the new baseline until the change is made in Azure. This drift is what the change expects: it does not fail this job, but once merged, the gate reports it until the change is applied.`,
      "",
      ...driftTable(until),
    );
  }
  const accepted = rowsOf(clusters, (cluster) => cluster.accepted);
  if (accepted.length > 0) {
    lines.push(
      "Drift this change accepts: the new baseline takes the live network's values.",
      "",
      ...driftTable(accepted, "Base branch's baseline"),
    );
  }
  const still = rowsOf(clusters, (cluster) => cluster.stillDrifting);
  if (still.length > 0)
    lines.push("Drift against both baselines, which this change leaves as it is:", "", ...driftTable(still));
  return lines;
}

function ruleRow(cluster: string, item: Finding, since: string): string {
  const severity = item.severity === "error" ? "❌ error" : "⚠️ warning";
  return `| ${severity} | ${since} | ${name(cluster)} | ${codeCell(item.rule)} | ${escapeMarkdown(item.actual)} | ${escapeMarkdown(item.message)} |`;
}

function rulesSection(plan: PullRequestPlan, context: PlanCommentContext): string[] {
  const rows = plan.clusters.flatMap((cluster) =>
    cluster.rules.map((rule) =>
      ruleRow(
        cluster.change.clusterId,
        rule.finding,
        rule.since === "new" ? "new with this change" : "already in the base plan",
      ),
    ),
  );
  const lines = ["### Network rules of the new plan", ""];
  if (rows.length === 0)
    lines.push(
      "The new plan breaks no network rule (address plan overlaps, capacity at full scale, route tables).",
      "",
    );
  else {
    lines.push(
      `Under ${code(`fail-on: ${context.failOn}`)}, ${COUNTED[context.failOn]}`,
      "",
      "| Severity | Since | Cluster | Rule | Found | What it means |",
      "|---|---|---|---|---|---|",
      ...rows.slice(0, MAX_ROWS),
      ...(rows.length > MAX_ROWS ? [`| and ${rows.length - MAX_ROWS} more | | | | | |`] : []),
      "",
    );
  }
  const fixed = rowsOf(plan.clusters, (cluster) => cluster.fixed);
  if (fixed.length > 0) {
    lines.push(
      "Fixed by this change:",
      "",
      ...fixed
        .slice(0, MAX_ROWS)
        .map(([cluster, item]) => `- ${name(cluster)}: ${code(item.rule)} at ${code(item.path)}`),
      "",
    );
  }
  const silenced = plan.clusters.reduce((sum, cluster) => sum + cluster.silenced.length, 0);
  if (silenced > 0)
    lines.push(`${silenced} rule finding(s) of the new plan are silenced by its ${code("suppress")} entries.`, "");
  return lines;
}

function unreadSection(plan: PullRequestPlan): string[] {
  const errors = plan.clusters.flatMap(({ result }) => (result.kind === "error" ? [result] : []));
  if (errors.length === 0) return [];
  return [
    "### Not read",
    "",
    ...errors.map(
      (result) => `- **${name(result.clusterId)}**: ${escapeMarkdownLines(result.message).replace(/\n\n/gu, " ")}`,
    ),
    "",
  ];
}

function diagramSection(plan: PullRequestPlan): string[] {
  const planned = plan.clusters.flatMap(({ change, planned, rules }) =>
    planned === undefined
      ? []
      : [{ clusterId: change.clusterId, planned, findings: rules.map((rule) => rule.finding) }],
  );
  const drawn = planned.slice(0, MAX_DIAGRAMS);
  if (drawn.length === 0) return [];
  const lines = [
    "### Address plan of the new plan",
    "",
    "The network as the new baseline plans it: its values over the live ones, its node pools at their counts (Now) and at their maximum.",
    "",
  ];
  for (const cluster of drawn) {
    lines.push(`#### ${name(cluster.clusterId)}`, "", ...addressPlanMarkdown(cluster.planned, cluster.findings));
  }
  const more = planned.length - drawn.length;
  if (more > 0)
    lines.push(`Diagrams are drawn for ${MAX_DIAGRAMS} clusters; ${more} more are in the evidence package.`, "");
  return lines;
}

function header(plan: PullRequestPlan, context: PlanCommentContext): string[] {
  const { headline } = plan.verdict;
  const head = context.headSha ? ` at ${short(context.headSha)}` : "";
  return [
    context.marker,
    `## AKS Network Gate: ${MARK[headline.tone]} plan of this baseline change`,
    "",
    `**${headline.text}**`,
    "",
    `${code(context.baselineFile)} of this pull request${head}, compared with the base branch's at ${short(context.baseSha)} and with the live network read from Azure. The job's result follows ${code(`fail-on: ${context.failOn}`)} for the network rules of the new plan (and fails when a changed cluster cannot be read); the drift the change expects until it is applied does not fail it.`,
    "",
    ...context.notes.flatMap((note) => [`> ${escapeMarkdown(note)}`, ""]),
  ];
}

function footer(links: IssueLinks): string[] {
  const parts = [
    links.runUrl ? `[workflow run ${escapeMarkdown(links.runId ?? "")}](${links.runUrl})` : undefined,
    `evidence ${code(links.evidencePath)}`,
    links.artifact ? `artifact [${escapeMarkdown(links.artifact.name)}](${links.artifact.url})` : undefined,
  ].filter((part) => part !== undefined);
  return ["---", "", `Run: ${parts.join(" · ")}`, ""];
}

function body(plan: PullRequestPlan, context: PlanCommentContext, diagrams: boolean): string {
  const left = diagrams
    ? []
    : [
        "_The address plan diagrams are left out to stay under GitHub's comment limit; the job summary and the evidence's report.md have them._",
        "",
      ];
  return [
    ...header(plan, context),
    ...changeSection(plan),
    ...unreadSection(plan),
    ...driftSection(plan.clusters),
    ...rulesSection(plan, context),
    ...(diagrams ? diagramSection(plan) : left),
    ...footer(context.links),
  ].join("\n");
}

/** The whole plan, diagrams included: the job summary and the evidence's report.md. */
export function renderPlanReport(plan: PullRequestPlan, context: PlanCommentContext): string {
  return body(plan, context, true);
}

/** The pull request's comment: the plan under GitHub's limit, diagrams left out first, then cut. */
export function renderPlanComment(plan: PullRequestPlan, context: PlanCommentContext): string {
  for (const diagrams of [true, false]) {
    const text = body(plan, context, diagrams);
    if (text.length <= GITHUB_BODY_LIMIT) return text;
  }
  return hardCut(body(plan, context, false), context.links);
}

/** What became of the comment, as the job summary's last section says it. */
export type CommentOutcome =
  { posted: true; action: "created" | "updated" | "unchanged"; url: string } | { posted: false; reason: string };

export function renderCommentOutcome(outcome: CommentOutcome): string {
  if (outcome.posted) {
    const done = outcome.action === "unchanged" ? "is current" : `was ${outcome.action}`;
    return `### Pull request comment\n\nThe pull request's [plan comment](${outcome.url}) ${done}.\n`;
  }
  return `### Pull request comment\n\nNo pull request comment was written: ${escapeMarkdown(outcome.reason)} The plan above is the same.\n`;
}
