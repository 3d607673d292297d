/**
 * What a network rule is: a declaration (stable id, severity, what it checks,
 * why it matters, what to do) and a pure check of one cluster's live network,
 * its baseline entry and, for rules that look across clusters, the fleet. The
 * rule tables of docs/rules.md are generated from the same declarations.
 */
import type { BaselineCluster, ClusterSnapshot, Finding, Severity } from "../../model.js";

export type RuleFamily = "drift" | "address plan" | "capacity" | "route table" | "lifecycle" | "inventory";

/** What docs/rules.md says of a rule. */
export interface RuleDoc {
  id: string;
  family: RuleFamily;
  severity: Severity;
  /** When some findings of the rule take another severity, e.g. "count: warning". */
  severityNote?: string;
  /** What the rule checks, one sentence. */
  title: string;
  /** Why it matters: what breaks. */
  why: string;
  /** What to do about a finding; the finding's message ends with it. */
  fix: string;
  /** A way to silence it besides `suppress` with its id. */
  silence?: string;
}

/** A cluster of the same baseline, as far as the rules that look across clusters need it. */
export interface FleetMember {
  clusterId: string;
  networkPlugin: string | null;
  /** The route tables on the cluster's node subnets. */
  routeTableIds: string[];
  /** `live` when captured in this run; `baseline` when known from its baseline entry only (another shard). */
  source: "live" | "baseline";
}

export interface RuleContext {
  live: ClusterSnapshot;
  expected: BaselineCluster;
  /** Every cluster of the baseline, this one included; empty when the rule sees this cluster alone. */
  fleet: FleetMember[];
}

/** One breach of a rule: where, what was expected and found, what is wrong, and what to do when it is specific. */
export interface Violation {
  resourceId: string;
  /** Field path inside the baseline entry, for the annotation's line. */
  path: string;
  expected: string;
  actual: string;
  message: string;
  /** Replaces the rule's `fix` when the violation knows better. */
  fix?: string;
}

export interface NetworkRule extends RuleDoc {
  family: Exclude<RuleFamily, "drift">;
  /** `fleet` rules need every cluster's network and run once all are captured. */
  scope: "cluster" | "fleet";
  check(context: RuleContext): Violation[];
}

/** A violation as a finding: the rule's id and severity, the message followed by what to do. */
export function findingOf(rule: NetworkRule, clusterId: string, violation: Violation): Finding {
  const { fix, message, ...where } = violation;
  return { rule: rule.id, severity: rule.severity, clusterId, ...where, message: `${message} ${fix ?? rule.fix}` };
}
