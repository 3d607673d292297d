import type { ClusterResult, Finding, GateResult } from "../core/model.js";
import { addressPlanMarkdown } from "./address-plan.js";
import { code, codeCell, escapeMarkdown, escapeMarkdownLines } from "./markdown-text.js";

export { code, codeCell, escapeMarkdown, escapeMarkdownLines };

const HEADLINE: Record<GateResult, string> = {
  pass: "✅ pass: the live network matches the baseline",
  drift: "❌ drift: the live network differs from the baseline or breaks a network rule",
  error: "⚠️ error: the gate could not see the whole network, so it does not pass",
};

export interface ReportContext {
  result: GateResult;
  mode: "check" | "capture";
  baselineFile: string;
  runUrl: string | undefined;
  commit: string | undefined;
  evidencePath: string | undefined;
  /** Set when this job checks one shard of the fleet: "shard 2/8, 13 of 100 clusters". */
  slice: string | undefined;
}

function clusterName(id: string): string {
  return id.split("/").at(-1) ?? id;
}

function counts(findings: Finding[]) {
  const active = findings.filter((item) => !item.suppressed);
  return {
    errors: active.filter((item) => item.severity === "error").length,
    warnings: active.filter((item) => item.severity === "warning").length,
    suppressed: findings.length - active.length,
  };
}

function overviewRow(result: ClusterResult): string {
  const name = escapeMarkdown(clusterName(result.clusterId));
  if (result.kind === "error") return `| ${name} | ⚠️ error | – | – | – |`;
  const { errors, warnings, suppressed } = counts(result.findings);
  const status = errors > 0 ? "❌ drift" : warnings > 0 ? "✅ pass (warnings)" : "✅ pass";
  return `| ${name} | ${status} | ${errors} | ${warnings} | ${suppressed} |`;
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

function clusterSection(result: ClusterResult, planned: Set<ClusterResult>): string[] {
  const lines = [`### ${escapeMarkdown(clusterName(result.clusterId))}`, "", code(result.clusterId), ""];
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
export function renderReport(results: ClusterResult[], context: ReportContext): string {
  const lines = [`## AKS Network Gate: ${HEADLINE[context.result]}`, ""];
  const slice = context.slice ? ` (${context.slice})` : "";
  lines.push(`Baseline ${code(context.baselineFile)}, ${results.length} cluster(s) checked${slice}.`, "");
  lines.push(
    "| Cluster | Result | Errors | Warnings | Silenced |",
    "|---|---|---|---|---|",
    ...results.map(overviewRow),
    "",
  );
  const planned = plannedClusters(results);
  for (const result of results) lines.push(...clusterSection(result, planned));
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
