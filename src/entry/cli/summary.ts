/**
 * What the CLI says about a run, before it is printed: each cluster's status
 * and counts, and the exit code (0 pass, 1 drift, 2 error, as drift tools do).
 * Both the terminal report and `--json` are built from it.
 */
import type { Outcome } from "../../app/gate.js";
import type { ClusterResult, Finding } from "../../core/model.js";
import type { FailOn, Mode } from "../../app/settings.js";

export type ExitCode = 0 | 1 | 2;

export type ClusterStatus = "pass" | "drift" | "error";

export interface ClusterSummary {
  id: string;
  name: string;
  status: ClusterStatus;
  errors: number;
  warnings: number;
  silenced: number;
}

/** The run as the CLI reports it; `outcome` is absent when the run stopped before any cluster was read. */
export interface RunSummary {
  command: Mode;
  baselineFile: string | undefined;
  failOn: FailOn | undefined;
  outcome: Outcome | undefined;
  /** The evidence folder, relative to the current directory when inside it. */
  evidence: string | undefined;
  /** What stopped the run (a bad baseline, a setting, a sign-in that failed). */
  error: string | undefined;
}

/** Exit 2 when the gate could not see, 1 when findings fail it under fail-on, else 0. */
export function exitCodeOf(summary: RunSummary): ExitCode {
  if (summary.error !== undefined || summary.outcome === undefined || summary.outcome.result === "error") return 2;
  return summary.outcome.failure === undefined ? 0 : 1;
}

export function clusterName(id: string): string {
  return id.split("/").at(-1) || id;
}

export function summarizeCluster(result: ClusterResult): ClusterSummary {
  const name = clusterName(result.clusterId);
  if (result.kind === "error") {
    return { id: result.clusterId, name, status: "error", errors: 0, warnings: 0, silenced: 0 };
  }
  const active = result.findings.filter((item) => !item.suppressed);
  const errors = active.filter((item) => item.severity === "error").length;
  return {
    id: result.clusterId,
    name,
    status: errors > 0 ? "drift" : "pass",
    errors,
    warnings: active.length - errors,
    silenced: result.findings.length - active.length,
  };
}

/** Findings in the order a reader wants them: errors, warnings, then the silenced ones. */
export function inReadingOrder(findings: readonly Finding[]): Finding[] {
  const rank = (item: Finding) => (item.suppressed ? 2 : item.severity === "error" ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}
