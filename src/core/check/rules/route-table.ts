/**
 * Route table health. Kubenet: the routes the cluster manages are checked by
 * rule rather than pinned, so autoscaling raises no drift (exactly one route
 * per node, a per-node range inside the pod CIDR, next hop a node's IP inside
 * a node subnet, no duplicates, as many as the pools' nodes), every node
 * subnet keeps one table of the cluster's own, and custom routes leave the
 * pods' ranges alone. Any plugin: a default route must match the outbound
 * type, and a table that ignores BGP routes is reported.
 */
import { lastSegment, sameId } from "../../arm-ids.js";
import { addressInCidr, cidrContains, cidrOverlaps, parseCidr } from "../../cidr.js";
import { prefixKey } from "../values.js";
import type { ClusterSnapshot, Route, RouteTable, Subnet } from "../../model.js";
import {
  familyOf,
  isKubenet,
  isManagedRoute,
  listed,
  nodeOf,
  nodeSubnets,
  nodeSubnetTables,
  PER_NODE_PREFIX,
} from "./network.js";
import { type FleetMember, type NetworkRule, type RuleContext, type Violation } from "./rule.js";

/** A route table on the node subnets of a kubenet cluster, with the routes the cluster manages in it. */
interface KubenetTable {
  live: ClusterSnapshot;
  table: RouteTable;
  subnets: Subnet[];
  managed: Route[];
}

function kubenetTables(live: ClusterSnapshot): KubenetTable[] {
  if (!isKubenet(live)) return [];
  const subnets = nodeSubnets(live);
  return nodeSubnetTables(live).map((table) => ({
    live,
    table,
    subnets,
    managed: table.routes.filter((route) => isManagedRoute(route, live)),
  }));
}

function hopText(route: Route): string {
  return route.nextHopIpAddress ? `${route.nextHopType} ${route.nextHopIpAddress}` : route.nextHopType;
}

function routePath(table: RouteTable, route: Route | null): string {
  const name = lastSegment(table.id);
  return route ? `routeTables[${name}].routes[${route.addressPrefix}]` : `routeTables[${name}].routes`;
}

function routeViolation(
  table: RouteTable,
  route: Route | null,
  values: Pick<Violation, "expected" | "actual" | "message">,
): Violation {
  return { resourceId: table.id, path: routePath(table, route), ...values };
}

function insidePodCidr(live: ClusterSnapshot, route: Route): boolean {
  return live.networkProfile.podCidrs.some((pod) => cidrContains(pod, route.addressPrefix));
}

function eachManagedRoute(
  context: RuleContext,
  check: (kubenet: KubenetTable, route: Route) => Violation[],
): Violation[] {
  return kubenetTables(context.live).flatMap((kubenet) => kubenet.managed.flatMap((route) => check(kubenet, route)));
}

const tableDetached: NetworkRule = {
  id: "routes.tableDetached",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: every node subnet has a route table attached.",
  why: "Kubenet reaches pods on other nodes only through the route table's node routes; without it pod-to-pod traffic between nodes is dropped.",
  fix: "Attach the cluster's route table to the subnet again (az network vnet subnet update --route-table).",
  check: ({ live }) =>
    isKubenet(live)
      ? nodeSubnets(live)
          .filter((subnet) => !subnet.routeTableId)
          .map((subnet) => ({
            resourceId: subnet.id,
            path: `subnets[${lastSegment(subnet.id)}].routeTableId`,
            expected: "the cluster's route table",
            actual: "(none)",
            message: `Node subnet ${lastSegment(subnet.id)} of kubenet cluster ${live.name} has no route table attached: pod traffic between nodes is dropped.`,
          }))
      : [],
};

const multipleTables: NetworkRule = {
  id: "routes.multipleTables",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: all node subnets of the cluster share one route table.",
  why: "AKS writes the node routes into one route table; nodes on a subnet with another table never learn them and cannot reach pods on other nodes.",
  fix: "Attach the same route table to every node subnet of the cluster.",
  check: ({ live }) => {
    if (!isKubenet(live)) return [];
    const attached = nodeSubnets(live).filter((subnet) => subnet.routeTableId);
    const first = attached[0];
    if (!first?.routeTableId) return [];
    return attached
      .filter((subnet) => !sameId(subnet.routeTableId, first.routeTableId))
      .map((subnet) => ({
        resourceId: subnet.id,
        path: `subnets[${lastSegment(subnet.id)}].routeTableId`,
        expected: lastSegment(first.routeTableId ?? ""),
        actual: lastSegment(subnet.routeTableId ?? ""),
        message: `Node subnet ${lastSegment(subnet.id)} has route table ${lastSegment(subnet.routeTableId ?? "")}, node subnet ${lastSegment(first.id)} has ${lastSegment(first.routeTableId ?? "")}: kubenet keeps its node routes in one table.`,
      }));
  },
};

/** The fleet's members by each route table they use (lower-case ID): made once per fleet, not per cluster. */
const MEMBERS_BY_TABLE = new WeakMap<readonly FleetMember[], Map<string, FleetMember[]>>();

function membersByTable(fleet: readonly FleetMember[]): Map<string, FleetMember[]> {
  let index = MEMBERS_BY_TABLE.get(fleet);
  if (index === undefined) {
    index = new Map();
    for (const member of fleet) {
      for (const id of new Set(member.routeTableIds.map((table) => table.toLowerCase()))) {
        index.set(id, [...(index.get(id) ?? []), member]);
      }
    }
    MEMBERS_BY_TABLE.set(fleet, index);
  }
  return index;
}

function sharers(context: RuleContext, table: RouteTable): string[] {
  const own = isKubenet(context.live);
  return (membersByTable(context.fleet).get(table.id.toLowerCase()) ?? [])
    .filter((member) => !sameId(member.clusterId, context.live.id))
    .filter((member) => own || member.networkPlugin?.toLowerCase() === "kubenet")
    .map(
      (member) => `${lastSegment(member.clusterId)}${member.source === "baseline" ? " (per its baseline entry)" : ""}`,
    );
}

const sharedTable: NetworkRule = {
  id: "routes.sharedTable",
  family: "route table",
  scope: "fleet",
  severity: "error",
  title:
    "A route table on a kubenet cluster's node subnets is not also on another cluster's node subnets (clusters of the same baseline).",
  why: "Each cluster's route controller writes and removes node routes in the table; two clusters sharing it conflict over routes and pod CIDRs, which AKS does not support.",
  fix: "Give each cluster its own route table.",
  check: (context) =>
    nodeSubnetTables(context.live).flatMap((table) => {
      const others = sharers(context, table);
      if (others.length === 0) return [];
      return [
        {
          resourceId: table.id,
          path: `routeTables[${lastSegment(table.id)}]`,
          expected: "this cluster's own table",
          actual: `also on ${listed(others)}`,
          message: `Route table ${lastSegment(table.id)} of ${context.live.name} is also on the node subnets of ${listed(others)}.`,
        },
      ];
    }),
};

const outsidePodCidr: NetworkRule = {
  id: "routes.outsidePodCidr",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: every node route lies inside the pod CIDR.",
  why: "A node route outside the pod CIDR sends no pod traffic to its node: the node's pods take another path or none.",
  fix: "Remove the stray route; AKS writes each node's route again from the current pod CIDR.",
  check: (context) =>
    eachManagedRoute(context, ({ live, table }, route) =>
      insidePodCidr(live, route)
        ? []
        : [
            routeViolation(table, route, {
              expected: `inside ${live.networkProfile.podCidrs.join(", ")}`,
              actual: route.addressPrefix,
              message: `Route ${route.addressPrefix} (${route.name}) to node IP ${route.nextHopIpAddress ?? "(none)"} lies outside the pod CIDR: traffic to the node's pods takes another path.`,
            }),
          ],
    ),
};

const prefixLength: NetworkRule = {
  id: "routes.prefixLength",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: every node route is one node's range (/24, IPv6 /80).",
  why: "A wider or narrower route sends other nodes' pod traffic to this node, or leaves part of its pods unrouted.",
  fix: "Remove the route; AKS writes the node's own range again.",
  check: (context) =>
    eachManagedRoute(context, ({ live, table }, route) => {
      const cidr = parseCidr(route.addressPrefix);
      if (!cidr || !insidePodCidr(live, route) || cidr.prefixLength === PER_NODE_PREFIX[cidr.family]) return [];
      return [
        routeViolation(table, route, {
          expected: `/${PER_NODE_PREFIX[cidr.family]}`,
          actual: `/${cidr.prefixLength}`,
          message: `Route ${route.addressPrefix} (${route.name}) is not one node's pod range: kubenet gives each node a /${PER_NODE_PREFIX[cidr.family]}.`,
        }),
      ];
    }),
};

const nextHopOutsideSubnet: NetworkRule = {
  id: "routes.nextHopOutsideSubnet",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: every node route's next hop lies inside a node subnet.",
  why: "Pod traffic sent to an address outside the node subnets never reaches a node of the cluster.",
  fix: "Remove the route or point it at the node's IP.",
  check: (context) =>
    eachManagedRoute(context, ({ table, subnets }, route) => {
      const hop = route.nextHopIpAddress ?? "(none)";
      if (subnets.some((subnet) => subnet.addressPrefixes.some((prefix) => addressInCidr(hop, prefix)))) return [];
      return [
        routeViolation(table, route, {
          expected: "a next hop inside a node subnet",
          actual: hop,
          message: `Route ${route.addressPrefix} (${route.name}) sends pod traffic to ${hop}, which is in no node subnet of the cluster.`,
        }),
      ];
    }),
};

const stale: NetworkRule = {
  id: "routes.stale",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: every node route's next hop is a node's IP.",
  why: "A route left by a reimaged or deleted node sends its pod range to an address no node has, or to the wrong node once the IP is reused.",
  fix: "Delete the stale route; AKS keeps the routes of live nodes.",
  check: (context) =>
    eachManagedRoute(context, ({ live, table }, route) => {
      if (nodeOf(route, live.nodes)) return [];
      const hop = route.nextHopIpAddress ?? "(none)";
      return [
        routeViolation(table, route, {
          expected: "a node with this IP",
          actual: hop,
          message: `Route ${route.addressPrefix} (${route.name}) points at ${hop}, which no node of the cluster has: a stale route (left by a reimage or a deleted node).`,
        }),
      ];
    }),
};

function duplicatePrefixes({ table }: KubenetTable): Violation[] {
  const seen = new Map<string, Route>();
  const violations: Violation[] = [];
  for (const route of table.routes) {
    const key = prefixKey(route.addressPrefix);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, route);
      continue;
    }
    violations.push(
      routeViolation(table, route, {
        expected: "one route per prefix",
        actual: `${first.name}, ${route.name}`,
        message: `Routes ${first.name} and ${route.name} in ${lastSegment(table.id)} both cover ${route.addressPrefix}.`,
      }),
    );
  }
  return violations;
}

/** The node IPs that need a route: one per pod CIDR family. */
function routedIps(live: ClusterSnapshot, ips: string[]): string[] {
  const families = new Set(live.networkProfile.podCidrs.map((pod) => parseCidr(pod)?.family));
  return ips.filter((ip) => families.has(familyOf(ip) ?? undefined));
}

function nodesWithTwoRoutes({ live, table, managed }: KubenetTable): Violation[] {
  return live.nodes.flatMap((node) =>
    routedIps(live, node.privateIps).flatMap((ip) => {
      const routes = managed.filter((route) => route.nextHopIpAddress === ip);
      if (routes.length < 2) return [];
      return [
        routeViolation(table, routes[1] ?? null, {
          expected: `one route to node ${node.name}`,
          actual: routes.map((route) => route.addressPrefix).join(", "),
          message: `Node ${node.name} (${ip}) has ${routes.length} routes in ${lastSegment(table.id)}; kubenet keeps exactly one per node.`,
        }),
      ];
    }),
  );
}

const duplicate: NetworkRule = {
  id: "routes.duplicate",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: no two routes cover one prefix, and no node has two routes.",
  why: "Azure picks one of two equal routes; the other node's pods, or part of one node's, become unreachable.",
  fix: "Delete the extra route.",
  check: ({ live }) =>
    kubenetTables(live).flatMap((kubenet) => [...duplicatePrefixes(kubenet), ...nodesWithTwoRoutes(kubenet)]),
};

const missing: NetworkRule = {
  id: "routes.missing",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: every node has a route to its pod range.",
  why: "Without its route, a node's pods are unreachable from pods on other nodes.",
  fix: "Check the cluster's identity can write the route table (Network Contributor on it), then let AKS reconcile, or run az aks update.",
  check: ({ live }) =>
    kubenetTables(live).flatMap(({ table, managed }) =>
      live.nodes.flatMap((node) =>
        routedIps(live, node.privateIps)
          .filter((ip) => !managed.some((route) => route.nextHopIpAddress === ip))
          .map((ip) =>
            routeViolation(table, null, {
              expected: `a route to node ${node.name} (${ip})`,
              actual: "(none)",
              message: `Node ${node.name} (${ip}) has no route in ${lastSegment(table.id)}: its pods are unreachable from other nodes.`,
            }),
          ),
      ),
    ),
};

const count: NetworkRule = {
  id: "routes.count",
  family: "route table",
  scope: "cluster",
  severity: "warning",
  title: "Kubenet: the node routes number the node pools' nodes (one per node and IP family).",
  why: "A gap between routes and nodes means a scale operation is in flight or routes are being lost.",
  fix: "Look again after the scale operation ends; if it stays, look for missing or stale routes.",
  check: ({ live }) =>
    kubenetTables(live).flatMap(({ table, managed }) => {
      const poolNodes = live.nodePools.reduce((sum, pool) => sum + (pool.count ?? 0), 0);
      const families = new Set(live.networkProfile.podCidrs.map((pod) => parseCidr(pod)?.family)).size || 1;
      const expected = poolNodes * families;
      if (managed.length === expected) return [];
      return [
        routeViolation(table, null, {
          expected: `${expected} (the node pools' node count)`,
          actual: String(managed.length),
          message: `${lastSegment(table.id)} holds ${managed.length} node routes, but the node pools count ${poolNodes} nodes.`,
        }),
      ];
    }),
};

/** A custom route that shadows pod ranges: inside the pod CIDR, or overlapping a node route without covering the whole pod CIDR. */
function shadowsPods(live: ClusterSnapshot, custom: Route, managed: Route[]): string[] {
  const cidr = parseCidr(custom.addressPrefix);
  if (!cidr) return [];
  const pods = live.networkProfile.podCidrs.filter((pod) => cidrOverlaps(pod, cidr.text));
  if (pods.length > 0 && pods.every((pod) => cidrContains(cidr.text, pod))) return [];
  const shadowed = managed.filter((route) => cidrOverlaps(route.addressPrefix, cidr.text));
  if (shadowed.some((route) => prefixKey(route.addressPrefix) === cidr.text)) return [];
  return shadowed.length > 0 ? shadowed.map((route) => route.addressPrefix) : pods;
}

const customOverlap: NetworkRule = {
  id: "routes.customOverlap",
  family: "route table",
  scope: "cluster",
  severity: "error",
  title: "Kubenet: no custom route overlaps the node routes or the pod CIDR, unless it covers the whole pod CIDR.",
  why: "A custom route as specific as a node route takes that node's pod traffic elsewhere, and one inside the pod CIDR blocks the route AKS adds for a new node.",
  fix: "Remove the custom route or widen it to cover the whole pod CIDR (node routes, being more specific, then still win).",
  check: ({ live }) =>
    kubenetTables(live).flatMap(({ table, managed }) =>
      table.routes
        .filter((route) => !isManagedRoute(route, live))
        .flatMap((route) => {
          const shadowed = shadowsPods(live, route, managed);
          if (shadowed.length === 0) return [];
          return [
            routeViolation(table, route, {
              expected: "no overlap with the pods' ranges",
              actual: shadowed.join(", "),
              message: `Custom route ${route.addressPrefix} (${route.name}) → ${hopText(route)} overlaps ${shadowed.join(", ")}: pod traffic there goes to ${hopText(route)}, not to the node.`,
            }),
          ];
        }),
    ),
};

function isDefaultRoute(route: Route): boolean {
  const cidr = parseCidr(route.addressPrefix);
  return cidr !== null && cidr.prefixLength === 0;
}

const defaultRoute: NetworkRule = {
  id: "routes.defaultRoute",
  family: "route table",
  scope: "cluster",
  severity: "warning",
  title:
    "A route table on a node subnet sends 0.0.0.0/0 (or ::/0) somewhere other than Internet only when outboundType is userDefinedRouting.",
  why: "Outbound traffic then leaves through the route's next hop, not the way the cluster's outbound type says: replies to the load balancer's or NAT gateway's public IP come back on another path and egress rules are not where the profile says.",
  fix: "Set outboundType to userDefinedRouting when egress goes through a firewall or appliance, or remove the default route.",
  check: ({ live }) => {
    const outbound = live.networkProfile.outboundType ?? "(none)";
    if (outbound.toLowerCase() === "userdefinedrouting") return [];
    return nodeSubnetTables(live).flatMap((table) =>
      table.routes
        .filter((route) => isDefaultRoute(route) && route.nextHopType.toLowerCase() !== "internet")
        .map((route) => {
          const hop = hopText(route);
          return routeViolation(table, route, {
            expected: "outboundType userDefinedRouting",
            actual: `outboundType ${outbound}, ${route.addressPrefix} → ${hop}`,
            message: `Route table ${lastSegment(table.id)} sends ${route.addressPrefix} to ${hop}, but the cluster's outboundType is ${outbound}: outbound traffic does not leave the way the profile says.`,
          });
        }),
    );
  },
};

const bgpPropagationDisabled: NetworkRule = {
  id: "routes.bgpPropagationDisabled",
  family: "route table",
  scope: "cluster",
  severity: "warning",
  title: "A route table on a node subnet has disableBgpRoutePropagation: true.",
  why: "The node subnets then ignore the routes VPN and ExpressRoute gateways learn by BGP: on-premises ranges are reachable only through the table's own routes. Right for forced tunnelling through a firewall, an outage when flipped by accident; a warning so that it never passes unseen and a deliberate choice is written down with its reason.",
  fix: "If it is intended, silence the rule for this cluster with suppress and say why; otherwise set disableBgpRoutePropagation to false.",
  check: ({ live }) =>
    nodeSubnetTables(live)
      .filter((table) => table.disableBgpRoutePropagation)
      .map((table) => ({
        resourceId: table.id,
        path: `routeTables[${lastSegment(table.id)}].disableBgpRoutePropagation`,
        expected: "false, or a written reason",
        actual: "true",
        message: `Route table ${lastSegment(table.id)} ignores gateway routes (disableBgpRoutePropagation: true): from the node subnets, on-premises ranges are reachable only through its own routes.`,
      })),
};

export const ROUTE_TABLE_RULES: readonly NetworkRule[] = [
  tableDetached,
  multipleTables,
  sharedTable,
  outsidePodCidr,
  prefixLength,
  nextHopOutsideSubnet,
  stale,
  duplicate,
  missing,
  count,
  customOverlap,
  defaultRoute,
  bgpPropagationDisabled,
];
