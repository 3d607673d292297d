/**
 * The drift rules, as docs/rules.md lists them: what `diffCluster` reports when
 * the live network differs from the baseline. Documentation only; the checks
 * are the comparison itself.
 */
import type { RuleDoc } from "./rules/rule.js";

const SEE_BASELINE =
  "If the change is approved, capture the baseline again (mode: capture) and merge it; otherwise undo the change.";

export const DRIFT_RULES: readonly RuleDoc[] = [
  {
    id: "drift.networkProfile",
    family: "drift",
    severity: "error",
    title: "A network profile field differs from the baseline.",
    why: "Plugin, CIDRs, DNS address and outbound type decide how every pod reaches anything; they change only by a reviewed change.",
    fix: SEE_BASELINE,
    silence: "a `plannedMigration` marks the plugin change it expects as planned",
  },
  {
    id: "drift.nodePool",
    family: "drift",
    severity: "error",
    severityNote: "count: warning",
    title:
      "A node pool appeared or vanished, or changed mode, autoscaler bounds, maxPods or subnet; count only for pools without autoscaler.",
    why: "Pools decide the cluster's maximum size and where nodes take their addresses.",
    fix: SEE_BASELINE,
  },
  {
    id: "drift.virtualNetwork",
    family: "drift",
    severity: "error",
    title: "A VNet's address space changed, or the cluster's VNets changed.",
    why: "The address space bounds every subnet and peering of the cluster.",
    fix: SEE_BASELINE,
  },
  {
    id: "drift.subnet",
    family: "drift",
    severity: "error",
    title: "A node or pod subnet's prefixes, route table or NSG changed.",
    why: "A subnet's route table and NSG decide where node and pod traffic may go.",
    fix: SEE_BASELINE,
  },
  {
    id: "drift.routeTable",
    family: "drift",
    severity: "error",
    title: "A route table was detached or attached, or its BGP propagation changed.",
    why: "The route table carries kubenet's node routes and the custom routes to firewalls and gateways.",
    fix: SEE_BASELINE,
  },
  {
    id: "drift.route",
    family: "drift",
    severity: "error",
    title:
      "A pinned route is missing, new, or has another next hop (kubenet's node routes are checked by rule unless the table is `managedRoutes: exact`).",
    why: "A changed route sends traffic to another hop than the reviewed one.",
    fix: SEE_BASELINE,
  },
];
