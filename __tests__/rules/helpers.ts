/** Running one declared rule against a snapshot, and the findings in a form a table can list. */
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import type { BaselineCluster, ClusterSnapshot, Finding } from "../../src/core/model.js";
import { NETWORK_RULES } from "../../src/core/check/rules/index.js";
import { findingOf, type FleetMember, type NetworkRule } from "../../src/core/check/rules/rule.js";

export function ruleById(id: string): NetworkRule {
  const rule = NETWORK_RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** The findings of one rule for a live snapshot, against its own capture (plus any hand-written fields). */
export function check(
  id: string,
  live: ClusterSnapshot,
  entry: Partial<BaselineCluster> = {},
  fleet: FleetMember[] = [],
): Finding[] {
  const rule = ruleById(id);
  const expected = { ...baselineFromSnapshot(live), ...entry };
  return rule.check({ live, expected, fleet }).map((violation) => findingOf(rule, expected.id, violation));
}

/** A copy of a snapshot with a change applied. */
export function edited(snapshot: ClusterSnapshot, change: (copy: ClusterSnapshot) => void): ClusterSnapshot {
  const copy = structuredClone(snapshot);
  change(copy);
  return copy;
}

/** "path: actual" of each finding: what a table of cases lists. */
export function where(findings: Finding[]): string[] {
  return findings.map((item) => `${item.path}: ${item.actual}`);
}
