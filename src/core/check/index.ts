import type { BaselineCluster, ClusterResult, ClusterSnapshot, Finding } from "../model.js";
import { checkClusterRules, checkFleetRules, fleetOf } from "./rules/index.js";
import { diffCluster } from "./diff.js";
import { applySuppressions } from "./findings.js";
import { applyPlannedMigration } from "./migration.js";
import { foldConsequences } from "./consequences.js";

/**
 * Every finding for one cluster on its own: drift from the baseline (a planned
 * migration's expected change marked as planned) and the network rules,
 * suppressions applied, and the many findings one change causes folded into
 * it (check/consequences.ts).
 */
export function compareCluster(expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  const drift = applyPlannedMigration(diffCluster(expected, live), expected, live);
  const rules = checkClusterRules({ live, expected, fleet: [] });
  return foldConsequences(applySuppressions([...drift, ...rules], expected.suppressions));
}

/**
 * Adds the findings of the rules that look across clusters (a route table
 * shared by two clusters) once every cluster of the run is captured; clusters
 * of the baseline this run did not capture count by their baseline entries.
 */
export function compareFleet(results: ClusterResult[], baseline: BaselineCluster[]): ClusterResult[] {
  const snapshots = results.flatMap((result) => (result.kind === "checked" ? [result.snapshot] : []));
  const fleet = fleetOf(snapshots, baseline);
  return results.map((result) => {
    if (result.kind !== "checked") return result;
    const found = checkFleetRules({ live: result.snapshot, expected: result.expected, fleet });
    return { ...result, findings: [...result.findings, ...applySuppressions(found, result.expected.suppressions)] };
  });
}
