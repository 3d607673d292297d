import type { ClusterResult, Finding } from "../core/model.js";
import type { ClusterVerdict, Tone, Verdict } from "../core/verdict.js";
import { addressPlanMarkdown } from "./address-plan.js";
import { code, codeCell, escapeMarkdown, escapeMarkdownLines } from "./markdown-text.js";
import { idKey, lastSegment } from "../core/arm-ids.js";
import type { ClusterChanges } from "../core/changes/attribute.js";
import { reportChanges } from "./changes.js";

export { code, codeCell, escapeMarkdown, escapeMarkdownLines };

const MARK: Record<Tone, string> = { pass: "✅", warn: "⚠️", fail: "❌" };

export interface ReportContext {
  mode: "check" | "capture";
  baselineFile: string;
  runUrl: string | undefined;
  commit: string | undefined;
  evidencePath: string | undefined;
  /** Set when this job checks one shard of the fleet: "shard 2/8, 13 of 100 clusters". */
  slice: string | undefined;
  /** The writes behind each drifting cluster's findings (app/changes.ts), when they were looked up. */
  changes?: readonly ClusterChanges[];
}

function overviewRow(cluster: ClusterVerdict): string {
  const name = escapeMarkdown(lastSegment(cluster.result.clusterId));
  if (cluster.status === "error") return `| ${name} | ${MARK[cluster.tone]} error | – | – | – |`;
  const { errors, warnings, silenced } = cluster;
  const status = `${MARK[cluster.tone]} ${cluster.status}${cluster.status === "pass" && warnings > 0 ? " (warnings)" : ""}`;
  return `| ${name} | ${status} | ${errors} | ${warnings} | ${silenced.length} |`;
}

export function findingsTable(findings: Finding[]): string[] {
  const rows = findings.map((item) =>
    [
      item.severity === "error" ? "❌ error" : "⚠️ warning",
      codeCell(item.rule),
      codeCell(item.path),
      escapeMarkdown(item.expected),
      escapeMarkdown(item.actual),
      escapeMarkdown(item.message),
    ].join(" | "),
  );
  return [
    "| Severity | Rule | Field | Expected | Actual | What it means |",
    "|---|---|---|---|---|---|",
    ...rows.map((row) => `| ${row} |`),
  ];
}

/** Address plans drawn at most in one report; clusters with findings come first. */
export const MAX_ADDRESS_PLANS = 50;

/** The cluster's address plan: open when it has findings, folded away when it passes. */
function addressPlanSection(result: Extract<ClusterResult, { kind: "checked" }>): string[] {
  const plan = addressPlanMarkdown(result.snapshot, result.findings);
  if (result.findings.some((item) => !item.suppressed)) return ["#### Address plan", "", ...plan];
  return ["<details><summary>Address plan and capacity</summary>", "", ...plan, "</details>", ""];
}

/** The clusters whose address plan the report draws: those with findings first, up to the limit. */
function plannedClusters(results: ClusterResult[]): Set<ClusterResult> {
  const checked = results.filter((result) => result.kind === "checked");
  const failing = checked.filter((result) => result.findings.some((item) => !item.suppressed));
  const passing = checked.filter((result) => !failing.includes(result));
  return new Set([...failing, ...passing].slice(0, MAX_ADDRESS_PLANS));
}

function clusterSection(result: ClusterResult, planned: Set<ClusterResult>, changes?: ClusterChanges): string[] {
  const lines = [`### ${escapeMarkdown(lastSegment(result.clusterId))}`, "", code(result.clusterId), ""];
  if (result.kind === "error") return [...lines, `⚠️ ${escapeMarkdown(result.message)}`, ""];
  const { snapshot } = result;
  const routes = snapshot.routeTables.reduce((sum, table) => sum + table.routes.length, 0);
  lines.push(
    `Captured ${snapshot.capturedAt}: plugin ${escapeMarkdown(snapshot.networkProfile.networkPlugin ?? "none")}, ` +
      `${snapshot.nodes.length} nodes, ${snapshot.routeTables.length} route tables with ${routes} routes.`,
    "",
  );
  const active = result.findings.filter((item) => !item.suppressed);
  const suppressed = result.findings.filter((item) => item.suppressed);
  lines.push(...(active.length > 0 ? findingsTable(active) : ["No findings."]), "");
  lines.push(...reportChanges(changes));
  if (suppressed.length > 0) {
    lines.push("Silenced by the baseline:", "");
    for (const item of suppressed) {
      lines.push(
        `- ${code(item.rule)} at ${code(item.path)}: ${escapeMarkdown(item.message)} Reason: ${escapeMarkdown(item.suppressed ?? "")}`,
      );
    }
    lines.push("");
  }
  if (planned.has(result)) lines.push(...addressPlanSection(result));
  return lines;
}

/** The run's report: the job summary and the evidence package's report.md. */
export function renderReport(verdict: Verdict, context: ReportContext): string {
  const { headline } = verdict;
  const results = verdict.clusters.map((cluster) => cluster.result);
  const lines = [`## AKS Network Gate: ${MARK[headline.tone]} ${headline.text}`, ""];
  const slice = context.slice ? ` (${context.slice})` : "";
  lines.push(`Baseline ${code(context.baselineFile)}, ${results.length} cluster(s) checked${slice}.`, "");
  lines.push(
    "| Cluster | Result | Errors | Warnings | Silenced |",
    "|---|---|---|---|---|",
    ...verdict.clusters.map(overviewRow),
    "",
  );
  const planned = plannedClusters(results);
  const changes = new Map(context.changes?.map((cluster) => [idKey(cluster.clusterId), cluster]));
  for (const result of results) lines.push(...clusterSection(result, planned, changes.get(idKey(result.clusterId))));
  const unplanned = results.filter((result) => result.kind === "checked" && !planned.has(result)).length;
  if (unplanned > 0) {
    lines.push(
      `Address plans are drawn for ${MAX_ADDRESS_PLANS} clusters (those with findings first); ${unplanned} more are in the evidence package's ${code("snapshot.json")}.`,
      "",
    );
  }
  const links = [
    context.runUrl ? `[workflow run](${context.runUrl})` : undefined,
    context.commit ? `commit ${code(context.commit)}` : undefined,
    context.evidencePath ? `evidence ${code(context.evidencePath)}` : undefined,
  ].filter(Boolean);
  if (links.length > 0) lines.push(`Run: ${links.join(" · ")}`, "");
  return lines.join("\n");
}
