/**
 * The inventory of a fleet: the clusters a scope holds set against those the
 * baseline lists. A cluster in scope that the baseline neither lists nor
 * excludes is `inventory.unbaselined`; a baseline cluster that is gone is
 * `inventory.removed`. Both severities are options (`unbaselined-severity`,
 * `removed-severity`); this module only words the findings.
 */
import type { RuleDoc } from "../check/rules/rule.js";
import type { ClusterResult, Finding, Severity } from "../model.js";
import type { DiscoveredCluster } from "./discovery.js";

const EXCLUDE =
  "an `exclude` entry in the baseline with the cluster's ID and a reason (the cluster stays out of the gate)";

export const INVENTORY_RULES: readonly RuleDoc[] = [
  {
    id: "inventory.unbaselined",
    family: "inventory",
    severity: "warning",
    severityNote: "the `unbaselined-severity` input",
    title: "A cluster in the fleet's `scope` is not in the baseline.",
    why: "A cluster created outside the process is never checked: its network drifts unseen until an outage or an audit.",
    fix: "Capture it (`mode: capture` with the same `scope` writes every cluster of the fleet in one change) or exclude it.",
    silence: EXCLUDE,
  },
  {
    id: "inventory.removed",
    family: "inventory",
    severity: "error",
    severityNote: "the `removed-severity` input",
    title:
      "A baseline cluster in the fleet's `scope` no longer exists: Resource Manager answers 404 for it (its resource group present or gone too).",
    why: "A baseline that lists a deleted cluster gates nothing for it; a cluster that cannot be read is an error instead, never this.",
    fix: "Remove its entry (a fleet capture removes the entries of clusters that are gone), or restore the cluster.",
  },
];

function tagsText(tags: Record<string, string>): string {
  const pairs = Object.entries(tags).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? `tags ${pairs.join(", ")}` : "no tags";
}

/** A cluster in scope that the baseline does not list. */
export function unbaselinedResult(cluster: DiscoveredCluster, severity: Severity): ClusterResult {
  const finding: Finding = {
    rule: "inventory.unbaselined",
    severity,
    clusterId: cluster.id,
    resourceId: cluster.id,
    path: "clusters",
    expected: "an entry in the baseline, or an `exclude` entry with a reason",
    actual: `${cluster.networkPlugin ?? "no"} plugin, ${cluster.location ?? "unknown location"}, ${tagsText(cluster.tags)}`,
    message: `The cluster is in the fleet's scope but the baseline does not list it. ${INVENTORY_RULES[0]?.fix ?? ""}`,
  };
  return { kind: "inventory", clusterId: cluster.id, findings: [finding], discovered: cluster };
}

/** How the gate knows a baseline cluster is gone, in one clause: "Resource Manager answers 404 ResourceNotFound, ...". */
export type RemovalEvidence = string;

/**
 * A baseline cluster that no longer exists. `silenced`: the reason it is only
 * reported (a capture that removed its entry). `untold`: a gone cluster under
 * `scope-tags`, which may be another team's: its fix says to remove the entry
 * by hand (a tagged capture keeps it), and the run leaves its issues alone.
 */
export function removedResult(
  clusterId: string,
  evidence: RemovalEvidence,
  severity: Severity,
  silenced?: string,
  untold = false,
): ClusterResult {
  const fix = untold
    ? "Remove its entry by hand (a capture with 'scope-tags' keeps it), or restore the cluster."
    : (INVENTORY_RULES[1]?.fix ?? "");
  const finding: Finding = {
    rule: "inventory.removed",
    severity,
    clusterId,
    resourceId: clusterId,
    path: "clusters",
    expected: "the cluster exists",
    actual: evidence,
    message: `The baseline lists a cluster that no longer exists: ${evidence}. ${fix}`,
    ...(silenced === undefined ? {} : { suppressed: silenced }),
  };
  return {
    kind: "inventory",
    clusterId,
    findings: [finding],
    discovered: undefined,
    ...(untold ? { ownsIssues: false as const } : {}),
  };
}
