import { addressInCidr, cidrContains, parseCidr } from "../cidr.js";
import { idKey, sameId } from "../azure/ids.js";
import type { BaselineCluster, ClusterSnapshot, Finding, Node, Route, RouteTable, Subnet } from "../model.js";
import { finding, type FindingScope } from "./findings.js";
import { prefixKey } from "./values.js";

/** The pod range kubenet gives each node: a /24 of an IPv4 pod CIDR, a /80 of an IPv6 one (AKS dual-stack). */
const PER_NODE_PREFIX = { 4: 24, 6: 80 } as const;

function isKubenet(live: ClusterSnapshot): boolean {
  return live.networkProfile.networkPlugin?.toLowerCase() === "kubenet";
}

/**
 * A route the cluster manages itself: on kubenet, the route to one node's pod
 * range, next hop VirtualAppliance, with a prefix inside the pod CIDR or a
 * node's IP as next hop (a node route left outside a changed pod CIDR is
 * still the cluster's, and is reported as such).
 */
export function isManagedRoute(route: Route, live: ClusterSnapshot): boolean {
  if (!isKubenet(live) || route.nextHopType.toLowerCase() !== "virtualappliance") return false;
  return (
    live.networkProfile.podCidrs.some((pod) => cidrContains(pod, route.addressPrefix)) ||
    nodeOf(route, live.nodes) !== undefined
  );
}

/** The subnets the nodes sit in: every cluster subnet that is not a pod subnet. */
export function nodeSubnets(live: ClusterSnapshot): Subnet[] {
  const podSubnets = live.nodePools.map((pool) => pool.podSubnetID).filter((id): id is string => !!id);
  return live.subnets.filter((subnet) => !podSubnets.some((id) => sameId(id, subnet.id)));
}

interface RouteContext {
  scope: FindingScope;
  live: ClusterSnapshot;
  table: RouteTable;
  subnets: Subnet[];
}

function tableName(table: RouteTable): string {
  return table.id.split("/").at(-1) ?? table.id;
}

function routeFinding(
  context: RouteContext,
  rule: string,
  route: Route | null,
  expected: string,
  actual: string,
  message: string,
): Finding {
  const table = tableName(context.table);
  return finding(context.scope, {
    rule,
    resourceId: context.table.id,
    path: route ? `routeTables[${table}].routes[${route.addressPrefix}]` : `routeTables[${table}].routes`,
    expected,
    actual,
    message,
  });
}

function nodeOf(route: Route, nodes: Node[]): Node | undefined {
  const hop = route.nextHopIpAddress;
  return hop ? nodes.find((node) => node.privateIps.some((ip) => ip === hop)) : undefined;
}

function checkRouteShape(context: RouteContext, route: Route): Finding[] {
  const findings: Finding[] = [];
  const cidr = parseCidr(route.addressPrefix);
  const hop = route.nextHopIpAddress ?? "(none)";
  if (!context.live.networkProfile.podCidrs.some((pod) => cidrContains(pod, route.addressPrefix))) {
    findings.push(
      routeFinding(
        context,
        "routes.outsidePodCidr",
        route,
        `inside ${context.live.networkProfile.podCidrs.join(", ")}`,
        route.addressPrefix,
        `Route ${route.addressPrefix} (${route.name}) to node IP ${hop} lies outside the pod CIDR: traffic to the node's pods takes another path.`,
      ),
    );
  } else if (cidr && cidr.prefixLength !== PER_NODE_PREFIX[cidr.family]) {
    findings.push(
      routeFinding(
        context,
        "routes.prefixLength",
        route,
        `/${PER_NODE_PREFIX[cidr.family]}`,
        `/${cidr.prefixLength}`,
        `Route ${route.addressPrefix} (${route.name}) is not one node's pod range: kubenet gives each node a /${PER_NODE_PREFIX[cidr.family]}.`,
      ),
    );
  }
  if (!context.subnets.some((subnet) => subnet.addressPrefixes.some((prefix) => addressInCidr(hop, prefix)))) {
    findings.push(
      routeFinding(
        context,
        "routes.nextHopOutsideSubnet",
        route,
        "a next hop inside a node subnet",
        hop,
        `Route ${route.addressPrefix} (${route.name}) sends pod traffic to ${hop}, which is in no node subnet of the cluster.`,
      ),
    );
  }
  if (!nodeOf(route, context.live.nodes)) {
    findings.push(
      routeFinding(
        context,
        "routes.stale",
        route,
        "a node with this IP",
        hop,
        `Route ${route.addressPrefix} (${route.name}) points at ${hop}, which no node of the cluster has: a stale route (left by a reimage or a deleted node).`,
      ),
    );
  }
  return findings;
}

function checkDuplicates(context: RouteContext): Finding[] {
  const seen = new Map<string, Route>();
  const findings: Finding[] = [];
  for (const route of context.table.routes) {
    const key = prefixKey(route.addressPrefix);
    const first = seen.get(key);
    if (first) {
      findings.push(
        routeFinding(
          context,
          "routes.duplicate",
          route,
          "one route per prefix",
          `${first.name}, ${route.name}`,
          `Routes ${first.name} and ${route.name} in ${tableName(context.table)} both cover ${route.addressPrefix}.`,
        ),
      );
    } else seen.set(key, route);
  }
  return findings;
}

function checkEveryNodeRouted(context: RouteContext, managed: Route[]): Finding[] {
  const findings: Finding[] = [];
  const families = new Set(context.live.networkProfile.podCidrs.map((pod) => parseCidr(pod)?.family));
  for (const node of context.live.nodes) {
    const ips = node.privateIps.filter((ip) => families.has(ip.includes(":") ? 6 : 4));
    for (const ip of ips) {
      const routes = managed.filter((route) => route.nextHopIpAddress === ip);
      if (routes.length === 0) {
        findings.push(
          routeFinding(
            context,
            "routes.missing",
            null,
            `a route to node ${node.name} (${ip})`,
            "(none)",
            `Node ${node.name} (${ip}) has no route in ${tableName(context.table)}: its pods are unreachable from other nodes.`,
          ),
        );
      } else if (routes.length > 1) {
        findings.push(
          routeFinding(
            context,
            "routes.duplicate",
            routes[1] ?? null,
            `one route to node ${node.name}`,
            routes.map((route) => route.addressPrefix).join(", "),
            `Node ${node.name} (${ip}) has ${routes.length} routes in ${tableName(context.table)}; kubenet keeps exactly one per node.`,
          ),
        );
      }
    }
  }
  return findings;
}

function checkCount(context: RouteContext, managed: Route[]): Finding[] {
  const poolNodes = context.live.nodePools.reduce((sum, pool) => sum + (pool.count ?? 0), 0);
  const families = new Set(context.live.networkProfile.podCidrs.map((pod) => parseCidr(pod)?.family)).size || 1;
  const expected = poolNodes * families;
  if (managed.length === expected) return [];
  return [
    {
      ...routeFinding(
        context,
        "routes.count",
        null,
        `${expected} (the node pools' node count)`,
        String(managed.length),
        `${tableName(context.table)} holds ${managed.length} node routes, but the node pools count ${poolNodes} nodes.`,
      ),
      severity: "warning",
    },
  ];
}

function detachedSubnets(scope: FindingScope, live: ClusterSnapshot, subnets: Subnet[]): Finding[] {
  return subnets
    .filter((subnet) => !subnet.routeTableId)
    .map((subnet) =>
      finding(scope, {
        rule: "routes.tableDetached",
        resourceId: subnet.id,
        path: `subnets[${subnet.id.split("/").at(-1)}].routeTableId`,
        expected: "the cluster's route table",
        actual: "(none)",
        message: `Node subnet ${subnet.id.split("/").at(-1)} of kubenet cluster ${live.name} has no route table attached: pod traffic between nodes is dropped.`,
      }),
    );
}

/**
 * The routes kubenet manages, checked by rule rather than pinned, so that
 * autoscaling raises no drift: exactly one route per node, each a per-node
 * range inside the pod CIDR, next hop a node's IP inside a node subnet, no
 * duplicates, as many as the pools' nodes; every node subnet keeps the table.
 */
export function checkManagedRoutes(expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  if (!isKubenet(live)) return [];
  const scope: FindingScope = { clusterId: expected.id };
  const subnets = nodeSubnets(live);
  const tableIds = new Set(
    subnets
      .map((subnet) => subnet.routeTableId)
      .filter((id): id is string => !!id)
      .map(idKey),
  );
  const tables = live.routeTables.filter((table) => tableIds.has(idKey(table.id)));
  return [
    ...detachedSubnets(scope, live, subnets),
    ...tables.flatMap((table) => {
      const context: RouteContext = { scope, live, table, subnets };
      const managed = table.routes.filter((route) => isManagedRoute(route, live));
      return [
        ...managed.flatMap((route) => checkRouteShape(context, route)),
        ...checkDuplicates(context),
        ...checkEveryNodeRouted(context, managed),
        ...checkCount(context, managed),
      ];
    }),
  ];
}
