import type { ClusterResult, Finding, GateResult } from "../model.js";

/**
 * Text from Azure (names, tags, messages) is untrusted: in a table cell it
 * must not end the cell, open a link or HTML, format, or mention anyone; in
 * an issue it must not turn into an autolink or a reference to an issue.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|<>~&]/g, (char) => `\\${char}`)
    .replace(/@/g, "@\u200b")
    .replace(/:\/\//g, ":\u200b//")
    .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}\u200b.`)
    .replace(/#(?=\d)/g, "#\u200b")
    .replace(/\r?\n/g, " ");
}

/** A code span; a backtick inside becomes a quote, so the span cannot end early. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

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
      code(item.rule),
      code(item.path),
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

function clusterSection(result: ClusterResult): string[] {
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
  for (const result of results) lines.push(...clusterSection(result));
  const links = [
    context.runUrl ? `[workflow run](${context.runUrl})` : undefined,
    context.commit ? `commit ${code(context.commit)}` : undefined,
    context.evidencePath ? `evidence ${code(context.evidencePath)}` : undefined,
  ].filter(Boolean);
  if (links.length > 0) lines.push(`Run: ${links.join(" · ")}`, "");
  return lines.join("\n");
}
