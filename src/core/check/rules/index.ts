/**
 * The network rules that run on every check, in report order: address plan,
 * capacity, route table health, lifecycle. Pure: no I/O.
 */
import type { Finding } from "../../model.js";
import { ADDRESS_PLAN_RULES } from "./address-plan.js";
import { CAPACITY_RULES } from "./capacity.js";
import { LIFECYCLE_RULES } from "./lifecycle.js";
import { ROUTE_TABLE_RULES } from "./route-table.js";
import { findingOf, type NetworkRule, type RuleContext } from "./rule.js";

export { fleetOf } from "./fleet.js";
export type { FleetMember, NetworkRule, RuleContext, RuleDoc } from "./rule.js";

export const NETWORK_RULES: readonly NetworkRule[] = [
  ...ADDRESS_PLAN_RULES,
  ...CAPACITY_RULES,
  ...ROUTE_TABLE_RULES,
  ...LIFECYCLE_RULES,
];

function run(rules: readonly NetworkRule[], context: RuleContext): Finding[] {
  return rules.flatMap((rule) =>
    rule.check(context).map((violation) => findingOf(rule, context.expected.id, violation)),
  );
}

/** The findings of the rules that need only this cluster's network. */
export function checkClusterRules(context: RuleContext): Finding[] {
  return run(
    NETWORK_RULES.filter((rule) => rule.scope === "cluster"),
    context,
  );
}

/** The findings of the rules that look across the clusters of the baseline. */
export function checkFleetRules(context: RuleContext): Finding[] {
  return run(
    NETWORK_RULES.filter((rule) => rule.scope === "fleet"),
    context,
  );
}
