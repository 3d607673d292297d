/**
 * Lifecycle: kubenet on AKS is retired on 31 March 2028, and the move to
 * Azure CNI Overlay is the way out. A baseline records a planned migration
 * (`plannedMigration`): these rules say when it is overdue or done, and the
 * comparison treats the plugin change it expects as planned, not as drift.
 */
import { sameValue, type ValueKind } from "../values.js";
import type { ClusterSnapshot, NetworkProfile, PlannedMigration } from "../../model.js";
import { isKubenet } from "./network.js";
import type { NetworkRule, Violation } from "./rule.js";

/** The day kubenet on AKS is retired. */
export const KUBENET_RETIREMENT = "2028-03-31";

type PlanField = "networkPlugin" | "networkPluginMode" | "networkDataplane" | "networkPolicy" | "podCidrs";

const PLAN_KINDS: Record<PlanField, ValueKind> = {
  networkPlugin: "enum",
  networkPluginMode: "enum",
  networkDataplane: "enum",
  networkPolicy: "enum",
  podCidrs: "cidrs",
};

/** The network profile fields the plan changes: those it names. */
export function plannedFields(plan: PlannedMigration): PlanField[] {
  return (Object.keys(PLAN_KINDS) as PlanField[]).filter((field) => plan[field] !== undefined);
}

/** Whether the live profile has every target value of the plan. */
export function reachesPlan(plan: PlannedMigration, profile: NetworkProfile): boolean {
  return plannedFields(plan).every((field) => sameValue(PLAN_KINDS[field], plan[field] ?? null, profile[field]));
}

/** "networkPlugin azure, networkPluginMode overlay" */
export function planTarget(plan: PlannedMigration): string {
  return plannedFields(plan)
    .map((field) => {
      const value = plan[field];
      return `${field} ${Array.isArray(value) ? value.join(", ") : (value ?? "(none)")}`;
    })
    .join(", ");
}

/** The day a snapshot was taken, `YYYY-MM-DD`: the rules' clock. */
function dayOf(live: ClusterSnapshot): string {
  return live.capturedAt.slice(0, 10);
}

function retirementText(live: ClusterSnapshot): string {
  const tense = dayOf(live) > KUBENET_RETIREMENT ? "was retired" : "is retired";
  return `Kubenet on AKS ${tense} on 31 March 2028: cluster ${live.name} uses kubenet.`;
}

function planText(plan: PlannedMigration): string {
  const late = plan.by > KUBENET_RETIREMENT ? " That is after the retirement." : "";
  return ` Planned: ${planTarget(plan)} by ${plan.by} (${plan.reason}).${late}`;
}

const kubenetRetirement: NetworkRule = {
  id: "lifecycle.kubenetRetirement",
  family: "lifecycle",
  scope: "cluster",
  severity: "warning",
  title: "The cluster does not use kubenet, which AKS retires on 31 March 2028.",
  why: "After the retirement kubenet clusters are out of support; the migration target is Azure CNI Overlay, done in place with az aks update.",
  fix: "Migrate to Azure CNI Overlay (az aks update --network-plugin azure --network-plugin-mode overlay --pod-cidr <pod CIDR>) and record it as plannedMigration in the baseline until it is done.",
  silence: "a `plannedMigration` keeps the warning but names the plan in it",
  check: ({ live, expected }): Violation[] => {
    if (!isKubenet(live)) return [];
    const plan = expected.plannedMigration;
    return [
      {
        resourceId: live.id,
        path: "networkProfile.networkPlugin",
        expected: "azure (networkPluginMode overlay)",
        actual: live.networkProfile.networkPlugin ?? "kubenet",
        message: retirementText(live) + (plan ? planText(plan) : ""),
        ...(plan ? { fix: "Carry out the planned migration; capture the baseline again once it is done." } : {}),
      },
    ];
  },
};

const migrationOverdue: NetworkRule = {
  id: "lifecycle.migrationOverdue",
  family: "lifecycle",
  scope: "cluster",
  severity: "warning",
  title: "A planned migration whose date has passed is done: the live network profile has its target values.",
  why: "A plan that slips unnoticed turns into a cluster still on kubenet at the retirement.",
  fix: "Carry out the migration, or move its date (plannedMigration.by) with a reason.",
  check: ({ live, expected }) => {
    const plan = expected.plannedMigration;
    if (!plan || dayOf(live) <= plan.by || reachesPlan(plan, live.networkProfile)) return [];
    return [
      {
        resourceId: live.id,
        path: "plannedMigration.by",
        expected: `${planTarget(plan)} by ${plan.by}`,
        actual: `not done on ${dayOf(live)}`,
        message: `The planned migration to ${planTarget(plan)} was due on ${plan.by} (${plan.reason}) and is not done.`,
      },
    ];
  },
};

const migrationDone: NetworkRule = {
  id: "lifecycle.migrationDone",
  family: "lifecycle",
  scope: "cluster",
  severity: "warning",
  title: "A planned migration is removed from the baseline once the live network profile has its target values.",
  why: "Until the baseline is captured again, the changed fields are reported as planned, not checked as the new baseline.",
  fix: "Capture the baseline again (mode: capture) and remove plannedMigration in the same pull request.",
  check: ({ live, expected }) => {
    const plan = expected.plannedMigration;
    if (!plan || !reachesPlan(plan, live.networkProfile)) return [];
    return [
      {
        resourceId: live.id,
        path: "plannedMigration",
        expected: "no plannedMigration once it is done",
        actual: `done: ${planTarget(plan)}`,
        message: `The planned migration to ${planTarget(plan)} (${plan.reason}) is done.`,
      },
    ];
  },
};

export const LIFECYCLE_RULES: readonly NetworkRule[] = [kubenetRetirement, migrationOverdue, migrationDone];
