/**
 * The report on a terminal: plain lines, wrapped to the width, with colour
 * only when the caller says so. Values that come from Azure or the baseline
 * pass through terminalSafe, so a name holding an escape sequence is shown,
 * never obeyed.
 */
import { showControls } from "../../core/escape.js";
import type { ClusterResult, ClusterSnapshot, Finding, GateResult } from "../../core/model.js";
import { redact } from "../../core/secrets.js";
import {
  type ClusterSummary,
  clusterName,
  exitCodeOf,
  inReadingOrder,
  type RunSummary,
  summarizeCluster,
} from "./summary.js";

export interface TerminalStyle {
  color: boolean;
  /** Columns to wrap at. */
  width: number;
}

type Tone = "red" | "yellow" | "green" | "bold" | "dim";

const SGR: Record<Tone, string> = { red: "31", yellow: "33", green: "32", bold: "1", dim: "2" };

function paint(style: TerminalStyle, tone: Tone, text: string): string {
  return style.color ? `\u001b[${SGR[tone]}m${text}\u001b[0m` : text;
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

const HEADLINE: Record<GateResult, [Tone, string]> = {
  pass: ["green", "✓ pass: the live network matches the baseline"],
  drift: ["red", "✗ drift: the live network differs from the baseline or breaks a network rule"],
  error: ["yellow", "⚠ error: the gate could not see the whole network, so it does not pass"],
};

const MARK: Record<ClusterSummary["status"], [Tone, string]> = {
  pass: ["green", "✓"],
  drift: ["red", "✗"],
  error: ["yellow", "⚠"],
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

function clusterLines(style: TerminalStyle, result: ClusterResult): string[] {
  const summary = summarizeCluster(result);
  const [tone, mark] = MARK[summary.status];
  const counts = `${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}, ${summary.silenced} silenced`;
  const lines = [
    `${paint(style, tone, mark)} ${paint(style, "bold", terminalSafe(summary.name))}  ${paint(style, tone, summary.status)}` +
      (result.kind === "checked" ? `  ${counts}` : ""),
    paint(style, "dim", `  ${terminalSafe(result.clusterId)}`),
  ];
  if (result.kind === "error")
    return [...lines, ...result.message.split("\n").flatMap((part) => indented(style, "  ", part)), ""];
  lines.push(...indented(style, "  ", snapshotLine(result.snapshot)));
  const findings = inReadingOrder(result.findings);
  if (findings.length === 0) lines.push("  no findings");
  for (const item of findings) lines.push(...findingLines(style, item));
  return [...lines, ""];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function verdict(summary: RunSummary): string {
  const { outcome, failOn = "error" } = summary;
  const code = exitCodeOf(summary);
  if (outcome === undefined) return "Exit 2";
  if (code === 2) {
    const unread = outcome.results.filter((result) => result.kind === "error").length;
    return `Exit 2: ${plural(unread, "cluster")} could not be read, so the gate does not pass`;
  }
  const failing = outcome.findings.filter((item) => item.severity === "error" || failOn === "warning").length;
  const verb = failing === 1 ? "fails" : "fail";
  if (code === 1) return `Exit 1: ${plural(failing, "finding")} ${verb} the gate under --fail-on ${failOn}`;
  return outcome.result === "drift" ? "Exit 0: findings reported only (--fail-on never)" : "Exit 0: pass";
}

function closingLines(style: TerminalStyle, summary: RunSummary): string[] {
  const lines = summary.evidence ? [`Evidence: ${terminalSafe(summary.evidence)}`] : [];
  const code = exitCodeOf(summary);
  return [...lines, paint(style, code === 0 ? "green" : code === 1 ? "red" : "yellow", verdict(summary))];
}

function captureLines(style: TerminalStyle, summary: RunSummary, result: ClusterResult): string[] {
  const name = terminalSafe(clusterName(result.clusterId));
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
    return [headline, ...lines, "", paint(style, "yellow", verdict(summary)), ""].join("\n");
  }
  const first = outcome.results[0];
  if (summary.command === "capture" && first !== undefined) {
    return [...captureLines(style, summary, first), ...closingLines(style, summary), ""].join("\n");
  }
  const [tone, text] = HEADLINE[outcome.result];
  const slice = outcome.results.length < outcome.fleetSize ? ` of the baseline's ${outcome.fleetSize}` : "";
  const lines = [
    paint(style, tone, paint(style, "bold", `AKS Network Gate: ${text}`)),
    `Baseline ${terminalSafe(summary.baselineFile ?? "")}: ${plural(outcome.results.length, "cluster")} checked${slice}.`,
    "",
  ];
  for (const result of outcome.results) lines.push(...clusterLines(style, result));
  return [...lines, ...closingLines(style, summary), ""].join("\n");
}
