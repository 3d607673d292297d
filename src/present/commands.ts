/**
 * For each finding: read-only commands that show the live value, and the
 * change that would restore the baseline. The gate never runs any of them;
 * the restoring change needs the owner's approval. Values go into commands
 * shell-quoted, never into the prose.
 */
import { lastSegment, parseResourceId, sameId } from "../core/arm-ids.js";
import { prefixKey } from "../core/check/values.js";
import type { BaselineCluster, ClusterSnapshot, Finding, Route } from "../core/model.js";

export interface Remedy {
  /** Read-only: `show` and `list` commands only. */
  verify: string[];
  /** What would restore the baseline, in our words. */
  restore: string;
  /** The commands of that change; empty when there is no in-place change. */
  restoreCommands: string[];
}

export const ACCEPT_INSTEAD =
  "If the change was intended, accept it instead: run the gate with `mode: capture` for this cluster and merge the baseline change through a reviewed pull request.";

const KUBECTL_POD_CIDRS = `kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.podCIDR}{"\\t"}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}'`;

/** A shell word: bare when it is plainly safe, single-quoted otherwise. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function cmd(...words: (string | undefined)[]): string {
  return words.filter((word): word is string => word !== undefined).join(" ");
}

/** `--subscription S -g RG` for a resource. */
function scopeOf(id: string): string {
  const parts = parseResourceId(id);
  return parts ? `--subscription ${shellQuote(parts.subscriptionId)} -g ${shellQuote(parts.resourceGroup)}` : "";
}

/** A resource's name, quoted for the shell. */
function quotedName(id: string): string {
  return shellQuote(lastSegment(id));
}

interface FindingContext {
  finding: Finding;
  snapshot: ClusterSnapshot;
  expected: BaselineCluster;
  /** `--subscription S -g RG -n NAME` of the cluster. */
  cluster: string;
  /** `--subscription S -g RG --cluster-name NAME` for node pool commands. */
  poolScope: string;
}

/** The `[key]` and `.field` parts of a finding path: `nodePools[np1].maxPods` → np1, maxPods. */
function pathParts(path: string): { keys: string[]; field: string | undefined } {
  const keys = [...path.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1] ?? "");
  const field = /\.([A-Za-z]+)$/.exec(path)?.[1];
  return { keys, field };
}

const PROFILE_UPDATE_FLAGS: Record<string, string> = {
  outboundType: "--outbound-type",
  networkPolicy: "--network-policy",
  networkDataplane: "--network-dataplane",
  networkPluginMode: "--network-plugin-mode",
  networkPlugin: "--network-plugin",
};

function profileRemedy(context: FindingContext): Remedy {
  const field = pathParts(context.finding.path).field ?? "";
  const verify = [cmd("az aks show", context.cluster, "--query networkProfile")];
  const want = context.expected.networkProfile[field as keyof BaselineCluster["networkProfile"]];
  const flag = PROFILE_UPDATE_FLAGS[field];
  if (flag && typeof want === "string") {
    const restore =
      field === "networkPlugin"
        ? "Migrate the cluster's network plugin back (disruptive: plan it as a maintenance)."
        : `Set ${field} back on the cluster.`;
    return { verify, restore, restoreCommands: [cmd("az aks update", context.cluster, flag, shellQuote(want))] };
  }
  const overlay = context.snapshot.networkProfile.networkPluginMode?.toLowerCase() === "overlay";
  const wantedPods = context.expected.networkProfile.podCidrs?.[0];
  if (field === "podCidrs" && overlay && wantedPods) {
    return {
      verify,
      restore: "Azure CNI Overlay can change the pod CIDR in place (it can only grow it).",
      restoreCommands: [cmd("az aks update", context.cluster, "--pod-cidr", shellQuote(wantedPods))],
    };
  }
  return {
    verify,
    restore: `AKS fixes ${field} when the cluster is created: restoring it means re-creating the cluster (or a blue/green replacement) with the baseline's value.`,
    restoreCommands: [],
  };
}

type PoolEntry = NonNullable<BaselineCluster["nodePools"]>[number];

/** A node pool that appeared or vanished. */
function poolPresenceRemedy(context: FindingContext, base: string, want: PoolEntry | undefined): Remedy {
  if (context.finding.actual !== "(none)") {
    return {
      verify: [cmd("az aks nodepool show", base)],
      restore: "Remove the node pool that is not in the baseline, once its workloads have moved.",
      restoreCommands: [cmd("az aks nodepool delete", base)],
    };
  }
  return {
    verify: [cmd("az aks nodepool list", context.poolScope, "-o table")],
    restore: "Add the node pool back with the baseline's settings.",
    restoreCommands: [
      cmd(
        "az aks nodepool add",
        base,
        want?.mode ? `--mode ${shellQuote(want.mode)}` : undefined,
        typeof want?.count === "number" ? `--node-count ${want.count}` : undefined,
        typeof want?.maxPods === "number" ? `--max-pods ${want.maxPods}` : undefined,
      ),
    ],
  };
}

function poolRemedy(context: FindingContext): Remedy {
  const { keys, field } = pathParts(context.finding.path);
  const pool = shellQuote(keys[0] ?? "");
  const base = cmd(context.poolScope, "-n", pool);
  const verify = [cmd("az aks nodepool show", base)];
  const want = context.expected.nodePools?.find((item) => item.name.toLowerCase() === (keys[0] ?? "").toLowerCase());
  if (field === undefined) return poolPresenceRemedy(context, base, want);
  if (field === "count" && typeof want?.count === "number") {
    return {
      verify,
      restore: "Scale the pool back.",
      restoreCommands: [cmd("az aks nodepool scale", base, `--node-count ${want.count}`)],
    };
  }
  if (["minCount", "maxCount", "enableAutoScaling"].includes(field) && want) {
    const command =
      want.enableAutoScaling === false
        ? cmd("az aks nodepool update", base, "--disable-cluster-autoscaler")
        : cmd(
            "az aks nodepool update",
            base,
            context.snapshot.nodePools.some((item) => item.name === keys[0] && item.enableAutoScaling)
              ? "--update-cluster-autoscaler"
              : "--enable-cluster-autoscaler",
            `--min-count ${want.minCount ?? ""}`,
            `--max-count ${want.maxCount ?? ""}`,
          );
    return { verify, restore: "Set the pool's autoscaler back.", restoreCommands: [command] };
  }
  if (field === "mode" && typeof want?.mode === "string") {
    return {
      verify,
      restore: "Set the pool's mode back.",
      restoreCommands: [cmd("az aks nodepool update", base, "--mode", shellQuote(want.mode))],
    };
  }
  return {
    verify,
    restore: `AKS fixes ${field} when a pool is created: add a pool with the baseline's value (az aks nodepool add), move the workloads, then delete this one.`,
    restoreCommands: [],
  };
}

function subnetRemedy(context: FindingContext): Remedy {
  const { field } = pathParts(context.finding.path);
  const id = shellQuote(context.finding.resourceId);
  const verify = [cmd("az network vnet subnet show --ids", id)];
  const want = context.expected.subnets?.find((subnet) => sameId(subnet.id, context.finding.resourceId));
  if (field === "routeTableId" || context.finding.rule === "routes.tableDetached") {
    const table = want?.routeTableId ?? context.snapshot.routeTables[0]?.id;
    if (table === null)
      return {
        verify,
        restore: "Detach the route table from the subnet.",
        restoreCommands: [cmd("az network vnet subnet update --ids", id, "--remove routeTable")],
      };
    return {
      verify,
      restore: "Attach the baseline's route table to the subnet again.",
      restoreCommands: [
        cmd("az network vnet subnet update --ids", id, "--route-table", shellQuote(table ?? "<route table ID>")),
      ],
    };
  }
  if (field === "networkSecurityGroupId" && want && want.networkSecurityGroupId !== undefined) {
    const nsg = want.networkSecurityGroupId;
    const change = nsg === null ? "--remove networkSecurityGroup" : `--network-security-group ${shellQuote(nsg)}`;
    return {
      verify,
      restore: "Set the subnet's network security group back.",
      restoreCommands: [cmd("az network vnet subnet update --ids", id, change)],
    };
  }
  if (field === "addressPrefixes" && want?.addressPrefixes) {
    return {
      verify,
      restore: "Set the subnet's prefixes back (Azure refuses while addresses outside them are in use).",
      restoreCommands: [
        cmd("az network vnet subnet update --ids", id, "--address-prefixes", ...want.addressPrefixes.map(shellQuote)),
      ],
    };
  }
  return {
    verify,
    restore: "The cluster's subnets changed: restore the node pools' subnets as the baseline names them.",
    restoreCommands: [],
  };
}

function vnetRemedy(context: FindingContext): Remedy {
  const id = shellQuote(context.finding.resourceId);
  const verify = [cmd("az network vnet show --ids", id, "--query addressSpace")];
  const want = context.expected.virtualNetworks?.find((vnet) => sameId(vnet.id, context.finding.resourceId));
  if (pathParts(context.finding.path).field === "addressSpace" && want) {
    return {
      verify,
      restore: "Set the address space back (Azure refuses to drop a range that subnets use).",
      restoreCommands: [
        cmd("az network vnet update --ids", id, "--address-prefixes", ...want.addressSpace.map(shellQuote)),
      ],
    };
  }
  return {
    verify,
    restore: "The cluster's virtual networks changed: the node pools' subnets must be restored to the baseline's.",
    restoreCommands: [],
  };
}

/** The route list command for the table a finding is about. */
function routeList(tableId: string): string {
  return cmd(
    "az network route-table route list",
    scopeOf(tableId),
    "--route-table-name",
    quotedName(tableId),
    "-o table",
  );
}

function routeCommand(verb: string, tableId: string, name: string, extra: string[] = []): string {
  return cmd(
    `az network route-table route ${verb}`,
    scopeOf(tableId),
    "--route-table-name",
    quotedName(tableId),
    "-n",
    shellQuote(name),
    ...extra,
  );
}

function hopArgs(route: Route): string[] {
  const args = ["--address-prefix", shellQuote(route.addressPrefix), "--next-hop-type", shellQuote(route.nextHopType)];
  return route.nextHopIpAddress ? [...args, "--next-hop-ip-address", shellQuote(route.nextHopIpAddress)] : args;
}

function liveRoute(context: FindingContext, prefix: string | undefined): Route | undefined {
  const table = context.snapshot.routeTables.find((item) => sameId(item.id, context.finding.resourceId));
  return prefix === undefined
    ? undefined
    : table?.routes.find((route) => prefixKey(route.addressPrefix) === prefixKey(prefix));
}

function pinnedRouteRemedy(context: FindingContext, verify: string[]): Remedy {
  const prefix = pathParts(context.finding.path).keys[1];
  const table = context.finding.resourceId;
  const want = context.expected.routeTables
    ?.find((item) => sameId(item.id, table))
    ?.routes?.find((route) => prefix !== undefined && prefixKey(route.addressPrefix) === prefixKey(prefix));
  const live = liveRoute(context, prefix);
  if (want && !live)
    return {
      verify,
      restore: "Add the pinned route back.",
      restoreCommands: [routeCommand("create", table, want.name || "restored-route", hopArgs(want))],
    };
  if (live && !want)
    return {
      verify,
      restore: "Remove the route that is not in the baseline.",
      restoreCommands: [routeCommand("delete", table, live.name)],
    };
  if (want && live)
    return {
      verify,
      restore: "Point the route at the baseline's next hop again.",
      restoreCommands: [routeCommand("update", table, live.name, hopArgs(want).slice(2))],
    };
  return { verify, restore: "Restore the route as the baseline pins it.", restoreCommands: [] };
}

function unroutedNodes(context: FindingContext): { name: string; ip: string }[] {
  const table = context.snapshot.routeTables.find((item) => sameId(item.id, context.finding.resourceId));
  const hops = new Set(table?.routes.map((route) => route.nextHopIpAddress));
  const nodes = context.snapshot.nodes.flatMap((node) =>
    node.privateIps.filter((ip) => !hops.has(ip)).map((ip) => ({ name: node.name, ip })),
  );
  const named = nodes.filter((node) => context.finding.expected.includes(node.name));
  return named.length > 0 ? named : nodes;
}

const ROUTE_RULE_FIXES: Record<string, string> = {
  "routes.stale": "Delete the stale route: no node has its next hop.",
  "routes.duplicate": "Delete the extra route: kubenet keeps exactly one route per node and prefix.",
  "routes.outsidePodCidr":
    "If the pod CIDR itself changed (a drift.networkProfile finding), restore that first: these routes follow from it. Otherwise delete the route; AKS re-creates the node's route inside the pod CIDR.",
};

function routeRuleRemedy(context: FindingContext, verify: string[]): Remedy {
  const table = context.finding.resourceId;
  const { rule } = context.finding;
  if (rule === "routes.missing") {
    return {
      verify,
      restore:
        "AKS re-creates a node's route itself; if it does not, add it with the node's pod CIDR as kubectl shows it.",
      restoreCommands: unroutedNodes(context).map((node) =>
        routeCommand("create", table, node.name, [
          "--address-prefix",
          `"<podCIDR of ${node.name}>"`,
          "--next-hop-type VirtualAppliance",
          "--next-hop-ip-address",
          shellQuote(node.ip),
        ]),
      ),
    };
  }
  if (rule === "routes.count") {
    return {
      verify,
      restore:
        "The node routes follow the nodes: fix the missing or stale routes reported with it; it has no change of its own.",
      restoreCommands: [],
    };
  }
  const live = liveRoute(context, pathParts(context.finding.path).keys[1]);
  return {
    verify,
    restore:
      ROUTE_RULE_FIXES[rule] ?? "Delete the route that breaks the rule; AKS re-creates the node's correct route.",
    restoreCommands: live ? [routeCommand("delete", table, live.name)] : [],
  };
}

function routeTableRemedy(context: FindingContext): Remedy {
  const table = context.finding.resourceId;
  const verify = [routeList(table)];
  if (context.finding.rule === "drift.route") return pinnedRouteRemedy(context, verify);
  if (context.finding.rule.startsWith("routes.")) return routeRuleRemedy(context, [...verify, KUBECTL_POD_CIDRS]);
  const want = context.expected.routeTables?.find((item) => sameId(item.id, table));
  if (
    pathParts(context.finding.path).field === "disableBgpRoutePropagation" &&
    want?.disableBgpRoutePropagation !== undefined
  ) {
    return {
      verify,
      restore: "Set BGP route propagation back.",
      restoreCommands: [
        cmd(
          "az network route-table update --ids",
          shellQuote(table),
          "--disable-bgp-route-propagation",
          String(want.disableBgpRoutePropagation),
        ),
      ],
    };
  }
  const subnets = (context.expected.subnets ?? []).filter((subnet) => sameId(subnet.routeTableId, table));
  return {
    verify,
    restore:
      context.finding.actual === "(none)"
        ? "Attach the route table to the node subnets again."
        : "Detach the route table that is not in the baseline.",
    restoreCommands:
      context.finding.actual === "(none)"
        ? subnets.map((subnet) =>
            cmd("az network vnet subnet update --ids", shellQuote(subnet.id), "--route-table", shellQuote(table)),
          )
        : [],
  };
}

/** The remedies by rule; a rule not named here gets only a verify command. */
const REMEDIES: Record<string, (context: FindingContext) => Remedy> = {
  "drift.networkProfile": profileRemedy,
  "drift.nodePool": poolRemedy,
  "drift.virtualNetwork": vnetRemedy,
  "drift.subnet": subnetRemedy,
  "routes.tableDetached": subnetRemedy,
  "drift.routeTable": routeTableRemedy,
  "drift.route": routeTableRemedy,
};

/** A read-only look at what a finding of another rule is about. */
function genericVerify(context: FindingContext): string {
  const { path, resourceId } = context.finding;
  if (path.startsWith("routeTables")) return routeList(resourceId);
  if (path.startsWith("subnets")) return cmd("az network vnet subnet show --ids", shellQuote(resourceId));
  if (path.startsWith("virtualNetworks")) return cmd("az network vnet show --ids", shellQuote(resourceId));
  if (path.startsWith("nodePools")) return cmd("az aks nodepool list", context.poolScope, "-o table");
  return cmd("az aks show", context.cluster, "--query networkProfile");
}

/** Verify and restore for one finding of a checked cluster. */
export function remedyFor(finding: Finding, snapshot: ClusterSnapshot, expected: BaselineCluster): Remedy {
  const parts = parseResourceId(snapshot.id);
  const scope = `--subscription ${shellQuote(parts?.subscriptionId ?? "")} -g ${shellQuote(parts?.resourceGroup ?? "")}`;
  const name = shellQuote(parts?.name ?? snapshot.name);
  const context: FindingContext = {
    finding,
    snapshot,
    expected,
    cluster: `${scope} -n ${name}`,
    poolScope: `${scope} --cluster-name ${name}`,
  };
  const byRule = REMEDIES[finding.rule] ?? (finding.rule.startsWith("routes.") ? routeTableRemedy : undefined);
  if (byRule) return byRule(context);
  return {
    verify: [genericVerify(context)],
    restore: "This rule has no change of its own to suggest: follow the advice in the finding's message above.",
    restoreCommands: [],
  };
}

/** Read-only commands for a cluster the gate could not read: what ARM says to the same identity. */
export function errorVerifyCommands(clusterId: string): string[] {
  const parts = parseResourceId(clusterId);
  if (!parts) return [];
  const scope = `--subscription ${shellQuote(parts.subscriptionId)} -g ${shellQuote(parts.resourceGroup)}`;
  return [
    cmd("az aks show", scope, "-n", shellQuote(parts.name), "--query networkProfile"),
    cmd("az role assignment list --all --assignee", '"$(az account show --query user.name -o tsv)"', "-o table"),
  ];
}
