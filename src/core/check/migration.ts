import type { BaselineCluster, ClusterSnapshot, Finding } from "../model.js";
import { plannedFields, planTarget, reachesPlan } from "./rules/lifecycle.js";

/**
 * A planned migration makes the plugin change it expects planned, not drift:
 * once the live profile has every target value of the plan, the drift
 * findings of those fields are marked with the plan as the reason (shown in
 * the report, never dropped). A live profile that has only some of them, or
 * other values, is still drift.
 */
export function applyPlannedMigration(
  findings: Finding[],
  expected: BaselineCluster,
  live: ClusterSnapshot,
): Finding[] {
  const plan = expected.plannedMigration;
  if (!plan || !reachesPlan(plan, live.networkProfile)) return findings;
  const paths = new Set(plannedFields(plan).map((field) => `networkProfile.${field}`));
  const reason = `planned migration to ${planTarget(plan)} by ${plan.by}: ${plan.reason}`;
  return findings.map((item) =>
    item.rule === "drift.networkProfile" && paths.has(item.path) ? { ...item, suppressed: reason } : item,
  );
}
