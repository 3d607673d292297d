import type { ClusterResult, Finding } from "../core/model.js";
import type { ClusterVerdict, Tone, Verdict } from "../core/verdict.js";
import { addressPlanMarkdown } from "./address-plan.js";
import { code, codeCell, escapeMarkdown, escapeMarkdownLines } from "./markdown-text.js";
import { idKey, lastSegment } from "../core/arm-ids.js";
import type { ClusterChanges } from "../core/changes/attribute.js";
import type { FleetFacts } from "../core/fleet/discovery.js";
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
  /** A run with `scope`: what discovery found, and where the facts were read. */
  fleet?: FleetFacts;
  /** The writes behind each drifting cluster's findings (app/changes.ts), when they were looked up. */
  changes?: readonly ClusterChanges[];
}

/** What a report leaves out to fit a budget (present/job-summary.ts); the evidence's report.md leaves out nothing. */
export interface ReportCut {
  addressPlans: boolean;
  /** The sections of clusters that pass (their overview row stays). */
  passingSections: boolean;
  /** The writes behind the findings and the silenced findings under each cluster. */
  details: boolean;
  /** Finding rows per cluster. */
  rows: number;
  /** Any cluster's section. */
  sections: boolean;
}

export const FULL_REPORT: ReportCut = {
  addressPlans: true,
  passingSections: true,
  details: true,
  rows: Infinity,
  sections: true,
};

/** Who acts on a cluster and where: the suggested owner and the issue, as the job summary's overview shows them. */
export interface ClusterPeople {
  owner: string;
  issue: string;
}

/** How the report is shown: what it cuts, the overview's owner and issue columns (by cluster ID key), the lines under it. */
export interface ReportView {
  cut: ReportCut;
  people?: ReadonlyMap<string, ClusterPeople>;
  notes: string[];
}

function overviewRow(cluster: ClusterVerdict, people: ReadonlyMap<string, ClusterPeople> | undefined): string {
  const name = escapeMarkdown(lastSegment(cluster.result.clusterId));
  const who = people?.get(idKey(cluster.result.clusterId));
  const tail = people ? ` ${who?.owner ?? "–"} | ${who?.issue ?? "–"} |` : "";
  if (cluster.status === "error") return `| ${name} | ${MARK[cluster.tone]} error | – | – | – |${tail}`;
  const { errors, warnings, silenced } = cluster;
  const status = `${MARK[cluster.tone]} ${cluster.status}${cluster.status === "pass" && warnings > 0 ? " (warnings)" : ""}`;
  return `| ${name} | ${status} | ${errors} | ${warnings} | ${silenced.length} |${tail}`;
}

function overview(verdict: Verdict, people: ReadonlyMap<string, ClusterPeople> | undefined): string[] {
  const head = people
    ? ["| Cluster | Result | Errors | Warnings | Silenced | Owner | Issue |", "|---|---|---|---|---|---|---|"]
    : ["| Cluster | Result | Errors | Warnings | Silenced |", "|---|---|---|---|---|"];
  return [...head, ...worstFirst(verdict.clusters).map((cluster) => overviewRow(cluster, people)), ""];
}

/**
 * The clusters that do not pass first, then those that pass with warnings, each in verdict order: in a
 * fleet's overview the rows that matter, with their owners and issues, stay near the top and survive
 * the summary's cut, which takes lines from the end.
 */
function worstFirst(clusters: readonly ClusterVerdict[]): ClusterVerdict[] {
  const rank = (cluster: ClusterVerdict) => (cluster.status !== "pass" ? 0 : cluster.warnings > 0 ? 1 : 2);
  return [...clusters].sort((a, b) => rank(a) - rank(b));
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
  const checked = results.filter(
    (result): result is Extract<ClusterResult, { kind: "checked" }> => result.kind === "checked",
  );
  const failing = checked.filter((result) => result.findings.some((item) => !item.suppressed));
  const passing = checked.filter((result) => !failing.includes(result));
  return new Set([...failing, ...passing].slice(0, MAX_ADDRESS_PLANS));
}

/** The findings table of a cluster, its rows cut to the view's number. */
function findingRows(active: Finding[], cut: ReportCut): string[] {
  if (active.length === 0) return ["No findings."];
  const table = findingsTable(active.slice(0, cut.rows));
  const more = active.length - cut.rows;
  return more > 0 ? [...table, "", `_${more} more findings of this cluster are in the full report._`] : table;
}

function clusterSection(
  result: ClusterResult,
  planned: Set<ClusterResult>,
  cut: ReportCut,
  changes?: ClusterChanges,
): string[] {
  const lines = [`### ${escapeMarkdown(lastSegment(result.clusterId))}`, "", code(result.clusterId), ""];
  if (result.kind === "error") return [...lines, `⚠️ ${escapeMarkdown(result.message)}`, ""];
  if (result.kind === "inventory") return [...lines, ...inventoryLines(result)];
  const { snapshot } = result;
  const routes = snapshot.routeTables.reduce((sum, table) => sum + table.routes.length, 0);
  lines.push(
    `Captured ${snapshot.capturedAt}: plugin ${escapeMarkdown(snapshot.networkProfile.networkPlugin ?? "none")}, ` +
      `${snapshot.nodes.length} nodes, ${snapshot.routeTables.length} route tables with ${routes} routes.`,
    "",
  );
  const active = result.findings.filter((item) => !item.suppressed);
  const suppressed = result.findings.filter((item) => item.suppressed);
  lines.push(...findingRows(active, cut), "");
  if (cut.details) lines.push(...reportChanges(changes));
  if (cut.details && suppressed.length > 0) {
    lines.push("Silenced by the baseline:", "");
    for (const item of suppressed) {
      lines.push(
        `- ${code(item.rule)} at ${code(item.path)}: ${escapeMarkdown(item.message)} Reason: ${escapeMarkdown(item.suppressed ?? "")}`,
      );
    }
    lines.push("");
  }
  if (cut.addressPlans && planned.has(result)) lines.push(...addressPlanSection(result));
  return lines;
}

/** A cluster reported by its presence alone: what discovery saw of it, and its findings (or silenced notes). */
function inventoryLines(result: Extract<ClusterResult, { kind: "inventory" }>): string[] {
  const seen = result.discovered;
  const lines = seen
    ? [
        `Discovered by Resource Graph: plugin ${escapeMarkdown(seen.networkPlugin ?? "none")} in ${escapeMarkdown(seen.location ?? "unknown location")}.`,
        "",
      ]
    : [];
  const active = result.findings.filter((item) => !item.suppressed);
  if (active.length > 0) lines.push(...findingsTable(active), "");
  for (const item of result.findings.filter((each) => each.suppressed)) {
    lines.push(`- ${code(item.rule)}: ${escapeMarkdown(item.message)} ${escapeMarkdown(item.suppressed ?? "")}`, "");
  }
  return lines;
}

/** One line on the fleet: its scopes, what Resource Graph found and when, and where the network was read. */
function fleetLine(fleet: FleetFacts): string {
  const tags = fleet.tags.length > 0 ? ` with tags ${fleet.tags.map(code).join(", ")}` : "";
  const found =
    fleet.queriedAt !== undefined
      ? `${fleet.discovered} cluster(s) in it per Azure Resource Graph at ${fleet.queriedAt}`
      : `${fleet.discovered} cluster(s) in it`;
  const excluded = fleet.excluded.length > 0 ? `, ${fleet.excluded.length} excluded by the baseline` : "";
  const source =
    fleet.dataSource === "resource-graph"
      ? "network read from Resource Graph where it holds it (nodes from Resource Manager)"
      : "network read live from Resource Manager";
  return `Fleet: ${fleet.scopes.map(code).join(", ")}${tags}: ${found}${excluded}; ${source}.`;
}

/** The clusters whose section the view shows. */
function shownClusters(verdict: Verdict, cut: ReportCut): ClusterResult[] {
  if (!cut.sections) return [];
  const shown = cut.passingSections
    ? verdict.clusters
    : verdict.clusters.filter((cluster) => cluster.status !== "pass");
  return shown.map((cluster) => cluster.result);
}

/** The run's report: the evidence package's report.md, and the job summary in the view present/job-summary.ts fits. */
export function renderReport(
  verdict: Verdict,
  context: ReportContext,
  view: ReportView = { cut: FULL_REPORT, notes: [] },
): string {
  const { headline } = verdict;
  const results = verdict.clusters.map((cluster) => cluster.result);
  const lines = [`## AKS Network Gate: ${MARK[headline.tone]} ${headline.text}`, ""];
  const slice = context.slice ? ` (${context.slice})` : "";
  // A fleet's inventory results (a cluster nobody baselined, one that is gone) were not read as a baseline cluster is.
  const inventory = results.filter((result) => result.kind === "inventory").length;
  const also = inventory > 0 ? `, and ${inventory} of the fleet's inventory (not in the baseline, or gone)` : "";
  lines.push(
    `Baseline ${code(context.baselineFile)}, ${results.length - inventory} cluster(s) checked${slice}${also}.`,
    "",
  );
  if (context.fleet) lines.push(fleetLine(context.fleet), "");
  lines.push(...overview(verdict, view.people), ...view.notes);
  const planned = plannedClusters(results);
  const changes = new Map(context.changes?.map((cluster) => [idKey(cluster.clusterId), cluster]));
  for (const result of shownClusters(verdict, view.cut)) {
    lines.push(...clusterSection(result, planned, view.cut, changes.get(idKey(result.clusterId))));
  }
  const unplanned = results.filter((result) => result.kind === "checked" && !planned.has(result)).length;
  if (view.cut.addressPlans && unplanned > 0) {
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
