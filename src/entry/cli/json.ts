/**
 * `--json`: the run as one JSON document on stdout. The shape is versioned
 * (`version`) and documented in docs/cli.md; fields are added, never renamed
 * or removed, within a version. Absent values are null, never left out.
 */
import { type Finding, findingsOf, type GateResult } from "../../core/model.js";
import type { ClusterVerdict, FailOn } from "../../core/verdict.js";
import type { Mode } from "../../app/settings.js";
import { lastSegment } from "../../core/arm-ids.js";
import { type ClusterStatus, type ExitCode, exitCodeOf, type RunSummary } from "./summary.js";

export interface JsonFinding {
  rule: string;
  severity: "error" | "warning";
  path: string;
  expected: string;
  actual: string;
  message: string;
  resourceId: string;
  /** The reason from the baseline's `suppress`, or null when the finding counts. */
  silenced: string | null;
}

export interface JsonCluster {
  id: string;
  name: string;
  status: ClusterStatus;
  /** Why the cluster could not be read; null when it was. */
  error: string | null;
  capturedAt: string | null;
  errors: number;
  warnings: number;
  silenced: number;
  findings: JsonFinding[];
}

export interface JsonReport {
  version: 1;
  command: Mode;
  result: GateResult;
  exitCode: ExitCode;
  failOn: FailOn | null;
  baseline: string | null;
  evidence: string | null;
  /** Why the exit code is not 0 (the findings that fail the gate, or what stopped the run), else null. */
  failure: string | null;
  clusters: JsonCluster[];
}

function jsonFinding(item: Finding): JsonFinding {
  return {
    rule: item.rule,
    severity: item.severity,
    path: item.path,
    expected: item.expected,
    actual: item.actual,
    message: item.message,
    resourceId: item.resourceId,
    silenced: item.suppressed ?? null,
  };
}

function jsonCluster(cluster: ClusterVerdict): JsonCluster {
  const { result, status, errors, warnings, silenced } = cluster;
  return {
    id: result.clusterId,
    name: lastSegment(result.clusterId),
    status,
    error: result.kind === "error" ? result.message : null,
    capturedAt: result.kind === "checked" ? result.snapshot.capturedAt : null,
    errors,
    warnings,
    silenced: silenced.length,
    findings: findingsOf(result).map(jsonFinding),
  };
}

export function jsonReport(summary: RunSummary): JsonReport {
  const { outcome } = summary;
  return {
    version: 1,
    command: summary.command,
    result: outcome?.verdict.result ?? "error",
    exitCode: exitCodeOf(summary),
    failOn: summary.failOn ?? null,
    baseline: summary.baselineFile ?? null,
    evidence: summary.evidence ?? null,
    failure: summary.error ?? outcome?.verdict.failure ?? null,
    clusters: outcome?.verdict.clusters.map(jsonCluster) ?? [],
  };
}
