/**
 * What the CLI says about a run, before it is printed: the run's verdict (in
 * the CLI's words) or what stopped it, and the exit code (0 pass, 1 drift,
 * 2 error, as drift tools do). Both the terminal report and `--json` are
 * built from it; neither decides anything the verdict has not.
 */
import type { Outcome } from "../../app/gate.js";
import type { Finding } from "../../core/model.js";
import type { ClusterVerdict, ExitCode, FailOn } from "../../core/verdict.js";
import type { Mode } from "../../app/settings.js";

export type { ExitCode };

export type ClusterStatus = ClusterVerdict["status"];

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

/** The verdict's exit code; 2 when the run stopped before it had one. */
export function exitCodeOf(summary: RunSummary): ExitCode {
  if (summary.error !== undefined || summary.outcome === undefined) return 2;
  return summary.outcome.verdict.exitCode;
}

/** Findings in the order a reader wants them: errors, warnings, then the silenced ones. */
export function inReadingOrder(findings: readonly Finding[]): Finding[] {
  const rank = (item: Finding) => (item.suppressed ? 2 : item.severity === "error" ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}
