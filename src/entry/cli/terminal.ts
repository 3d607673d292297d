/**
 * The report on a terminal: the run's verdict as plain lines, wrapped to the
 * width, with colour (node:util styleText) only when the caller says so.
 * Values that come from Azure or the baseline pass through terminalSafe, so a
 * name holding an escape sequence is shown, never obeyed.
 */
import { styleText } from "node:util";
import { showControls } from "../../core/escape.js";
import type { ClusterResult, ClusterSnapshot, Finding } from "../../core/model.js";
import { redact } from "../../core/secrets.js";
import type { ClusterVerdict, Tone as VerdictTone } from "../../core/verdict.js";
import { lastSegment } from "../../core/arm-ids.js";
import { exitCodeOf, inReadingOrder, type RunSummary } from "./summary.js";

export interface TerminalStyle {
  color: boolean;
  /** Columns to wrap at. */
  width: number;
}

type Tone = "red" | "yellow" | "green" | "bold" | "dim";

/** The caller has decided whether to colour (main.ts useColor: --no-color, NO_COLOR, FORCE_COLOR, a terminal). */
function paint(style: TerminalStyle, tone: Tone | Tone[], text: string): string {
  return style.color ? styleText(tone, text, { validateStream: false }) : text;
}

/**
 * One line of untrusted text for a terminal: the run's secrets redacted, line
 * breaks and tabs as spaces; other control characters (ESC, C1 such as CSI)
 * and the bidirectional controls that reorder what is shown become visible
 * \uXXXX escapes (showControls).
 */
export function terminalSafe(text: string): string {
  return showControls(redact(text).replace(/[\r\n\t]+/gu, " "));
}

/** Words of `text` in lines of at most `width` columns (a longer word keeps a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter((part) => part !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return line === "" ? lines : [...lines, line];
}

const MARK: Record<VerdictTone, [Tone, string]> = {
  pass: ["green", "✓"],
  fail: ["red", "✗"],
  warn: ["yellow", "⚠"],
};

function indented(style: TerminalStyle, indent: string, text: string): string[] {
  return wrap(terminalSafe(text), Math.max(20, style.width - indent.length)).map((line) => `${indent}${line}`);
}

function snapshotLine(snapshot: ClusterSnapshot): string {
  const routes = snapshot.routeTables.reduce((sum, table) => sum + table.routes.length, 0);
  return (
    `captured ${snapshot.capturedAt}: plugin ${snapshot.networkProfile.networkPlugin ?? "none"}, ` +
    `${plural(snapshot.nodes.length, "node")}, ${plural(snapshot.routeTables.length, "route table")} with ${plural(routes, "route")}`
  );
}

function findingLines(style: TerminalStyle, item: Finding): string[] {
  const [tone, label] = item.suppressed
    ? (["dim", "  silenced"] as const)
    : item.severity === "error"
      ? (["red", "✗ error   "] as const)
      : (["yellow", "⚠ warning "] as const);
  const lines = [
    `  ${paint(style, tone, label)} ${paint(style, "bold", terminalSafe(item.rule))}  ${terminalSafe(item.path)}`,
  ];
  lines.push(...indented(style, "      expected ", item.expected), ...indented(style, "      actual   ", item.actual));
  lines.push(...indented(style, "      ", item.message));
  if (item.suppressed) lines.push(...indented(style, "      silenced: ", item.suppressed));
  return lines;
}

function clusterLines(style: TerminalStyle, cluster: ClusterVerdict): string[] {
  const { result } = cluster;
  const [tone, mark] = MARK[cluster.tone];
  const counts = `${plural(cluster.errors, "error")}, ${plural(cluster.warnings, "warning")}, ${cluster.silenced.length} silenced`;
  const name = terminalSafe(lastSegment(result.clusterId));
  const lines = [
    `${paint(style, tone, mark)} ${paint(style, "bold", name)}  ${paint(style, tone, cluster.status)}` +
      (result.kind !== "error" ? `  ${counts}` : ""),
    paint(style, "dim", `  ${terminalSafe(result.clusterId)}`),
  ];
  if (result.kind === "error")
    return [...lines, ...result.message.split("\n").flatMap((part) => indented(style, "  ", part)), ""];
  if (result.kind === "checked") lines.push(...indented(style, "  ", snapshotLine(result.snapshot)));
  const findings = inReadingOrder(result.findings);
  if (findings.length === 0) lines.push("  no findings");
  for (const item of findings) lines.push(...findingLines(style, item));
  return [...lines, ""];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The last line: the exit code and why, as the verdict says. */
function exitLine(summary: RunSummary): string {
  const { outcome } = summary;
  return outcome === undefined ? "Exit 2" : `Exit ${outcome.verdict.exitCode}: ${outcome.verdict.why}`;
}

function closingLines(style: TerminalStyle, summary: RunSummary): string[] {
  const lines = summary.evidence ? [`Evidence: ${terminalSafe(summary.evidence)}`] : [];
  const code = exitCodeOf(summary);
  return [...lines, paint(style, code === 0 ? "green" : code === 1 ? "red" : "yellow", exitLine(summary))];
}

function captureLines(style: TerminalStyle, summary: RunSummary, result: ClusterResult): string[] {
  const name = terminalSafe(lastSegment(result.clusterId));
  const lines = [
    paint(style, "bold", `AKS Network Gate: captured ${name} into ${terminalSafe(summary.baselineFile ?? "")}`),
  ];
  lines.push(paint(style, "dim", `  ${terminalSafe(result.clusterId)}`));
  if (result.kind === "checked") lines.push(...indented(style, "  ", snapshotLine(result.snapshot)));
  return [...lines, ""];
}

/** The whole report, ending with a newline. */
export function renderTerminalReport(summary: RunSummary, style: TerminalStyle): string {
  const { outcome } = summary;
  if (outcome === undefined) {
    const lines = (summary.error ?? "").split("\n").flatMap((part) => indented(style, "", part));
    const headline = paint(style, "yellow", "AKS Network Gate: ⚠ error: the gate did not run");
    return [headline, ...lines, "", paint(style, "yellow", exitLine(summary)), ""].join("\n");
  }
  const { clusters, headline } = outcome.verdict;
  const first = clusters[0];
  if (summary.command === "capture" && first !== undefined) {
    return [...captureLines(style, summary, first.result), ...closingLines(style, summary), ""].join("\n");
  }
  const [tone, mark] = MARK[headline.tone];
  const slice = clusters.length < outcome.fleetSize ? ` of the baseline's ${outcome.fleetSize}` : "";
  const lines = [
    paint(style, [tone, "bold"], `AKS Network Gate: ${mark} ${headline.text}`),
    `Baseline ${terminalSafe(summary.baselineFile ?? "")}: ${plural(clusters.length, "cluster")} checked${slice}.`,
    "",
  ];
  for (const cluster of clusters) lines.push(...clusterLines(style, cluster));
  return [...lines, ...closingLines(style, summary), ""].join("\n");
}
