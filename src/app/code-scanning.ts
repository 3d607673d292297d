/**
 * The run's SARIF log for code scanning (findings.sarif in the evidence): the
 * findings of the results located in the baseline file as this run parsed it.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import type { ParsedBaseline } from "../core/baseline/parse.js";
import { suppressionFor } from "../core/check/findings.js";
import type { ClusterResult, Finding } from "../core/model.js";
import { baselinePath } from "../present/annotations.js";
import { type CheckedResult, renderSarif, type SarifLocator } from "../present/sarif.js";
import type { Settings } from "./settings.js";

/** The line of the entry that silences a finding: its `suppress` item, or the cluster's `plannedMigration`. */
function suppressionLine(parsed: ParsedBaseline, result: CheckedResult, item: Finding): number | undefined {
  const entries = result.expected.suppressions;
  const entry = suppressionFor(item.rule, entries);
  if (entry !== undefined && entry.reason === item.suppressed) {
    return parsed.locate(result.clusterId, ["suppressions", entries.indexOf(entry)])?.line;
  }
  if (result.expected.plannedMigration) return parsed.locate(result.clusterId, ["plannedMigration"])?.line;
  return undefined;
}

/** Lines in the baseline; without one (a capture run has no findings) every line is the first. */
export function baselineLocator(parsed: ParsedBaseline | undefined): SarifLocator {
  return {
    cluster: (clusterId) => parsed?.locate(clusterId, [])?.line ?? 1,
    finding: (result, item) =>
      parsed?.locate(result.clusterId, baselinePath(result.expected, item.path))?.line ??
      parsed?.locate(result.clusterId, [])?.line ??
      1,
    suppression: (result, item) => (parsed ? suppressionLine(parsed, result, item) : undefined),
    inventory: (result) => parsed?.locate(result.clusterId, [])?.line ?? parsed?.locateClusters()?.line ?? 1,
  };
}

/** The baseline's path from the repository root (the workspace), with `/`, as code scanning matches files. */
function repositoryPath(settings: Settings): string {
  return path.relative(realpathSync(settings.workspace), settings.baselinePath).split(path.sep).join("/");
}

export function codeScanningLog(
  settings: Settings,
  results: readonly ClusterResult[],
  parsed: ParsedBaseline | undefined,
): Record<string, unknown> {
  const { repository, commit } = settings.run;
  return renderSarif({
    results,
    baselineUri: repositoryPath(settings),
    locate: baselineLocator(parsed),
    provenance:
      repository && commit
        ? { repositoryUri: `${settings.issues.serverUrl}/${repository}`, revisionId: commit }
        : undefined,
  });
}
