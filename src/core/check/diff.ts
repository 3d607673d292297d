import { idKey, lastSegment } from "../arm-ids.js";
import type {
  BaselineCluster,
  BaselineRouteTable,
  ClusterSnapshot,
  Finding,
  NetworkProfile,
  NodePool,
  Route,
  RouteTable,
  Subnet,
  VirtualNetwork,
} from "../model.js";
import { compareFields, finding, type FindingScope } from "./findings.js";
import { isManagedRoute } from "./rules/network.js";
import { display, prefixKey, type ValueKind } from "./values.js";

export const PROFILE_KINDS: Record<keyof NetworkProfile, ValueKind> = {
  networkPlugin: "enum",
  networkPluginMode: "enum",
  networkPolicy: "enum",
  networkDataplane: "enum",
  podCidrs: "cidrs",
  serviceCidrs: "cidrs",
  dnsServiceIP: "ip",
  outboundType: "enum",
  loadBalancerSku: "enum",
  ipFamilies: "enums",
};

/**
 * What an absent profile field means, where the API defines it: older AKS
 * responses leave `networkPolicy` out, newer ones say `none`, and the API
 * documents `none` as "the default value when NetworkPolicy is not specified"
 * (KnownNetworkPolicy.None in @azure/arm-containerservice).
 */
const PROFILE_ABSENT_MEANS: Partial<Record<keyof NetworkProfile, string>> = {
  networkPolicy: "none",
};

export const POOL_KINDS: Partial<Record<keyof NodePool, ValueKind>> = {
  mode: "enum",
  enableAutoScaling: "boolean",
  minCount: "number",
  maxCount: "number",
  maxPods: "number",
  vnetSubnetID: "id",
  podSubnetID: "id",
};

export const SUBNET_KINDS: Partial<Record<keyof Subnet, ValueKind>> = {
  addressPrefixes: "cidrs",
  routeTableId: "id",
  networkSecurityGroupId: "id",
};

interface Pairing<E, A> {
  both: [E, A][];
  onlyExpected: E[];
  onlyActual: A[];
}

function pair<E, A>(expected: E[], actual: A[], keyOfExpected: (e: E) => string, keyOfActual: (a: A) => string) {
  const result: Pairing<E, A> = { both: [], onlyExpected: [], onlyActual: [] };
  const byKey = new Map(actual.map((item) => [keyOfActual(item), item]));
  for (const item of expected) {
    const match = byKey.get(keyOfExpected(item));
    if (match === undefined) result.onlyExpected.push(item);
    else {
      result.both.push([item, match]);
      byKey.delete(keyOfExpected(item));
    }
  }
  result.onlyActual = [...byKey.values()];
  return result;
}

function presence(
  scope: FindingScope,
  rule: string,
  kind: string,
  id: string,
  present: "expected" | "actual",
  path: string,
) {
  const name = lastSegment(id);
  return finding(scope, {
    rule,
    resourceId: id,
    path: `${path}[${name}]`,
    expected: present === "expected" ? name : "(none)",
    actual: present === "actual" ? name : "(none)",
    message:
      present === "expected"
        ? `${kind} ${name} is in the baseline but no longer part of the cluster's network.`
        : `${kind} ${name} is part of the cluster's network but not in the baseline.`,
  });
}

function compareProfile(scope: FindingScope, expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  return compareFields(
    scope,
    { rule: "drift.networkProfile", resourceId: live.id, path: "networkProfile", subject: "network profile" },
    expected.networkProfile,
    live.networkProfile,
    PROFILE_KINDS,
    PROFILE_ABSENT_MEANS,
  );
}

function comparePools(scope: FindingScope, expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  if (!expected.nodePools) return [];
  const byName = (pool: { name: string }) => pool.name.toLowerCase();
  const pools = pair(expected.nodePools, live.nodePools, byName, byName);
  const poolId = (name: string) => `${live.id}/agentPools/${name}`;
  return [
    ...pools.onlyExpected.map((pool) =>
      presence(scope, "drift.nodePool", "Node pool", poolId(pool.name), "expected", "nodePools"),
    ),
    ...pools.onlyActual.map((pool) =>
      presence(scope, "drift.nodePool", "Node pool", poolId(pool.name), "actual", "nodePools"),
    ),
    ...pools.both.flatMap(([want, have]) => {
      const check = {
        rule: "drift.nodePool",
        resourceId: poolId(have.name),
        path: `nodePools[${have.name}]`,
        subject: `node pool ${have.name}`,
      };
      const counted = have.enableAutoScaling
        ? []
        : compareFields(scope, { ...check, severity: "warning" }, want, have, { count: "number" });
      return [...compareFields(scope, check, want, have, POOL_KINDS), ...counted];
    }),
  ];
}

function compareVirtualNetworks(scope: FindingScope, expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  if (!expected.virtualNetworks) return [];
  const byId = (vnet: VirtualNetwork) => idKey(vnet.id);
  const vnets = pair(expected.virtualNetworks, live.virtualNetworks, byId, byId);
  const rule = "drift.virtualNetwork";
  return [
    ...vnets.onlyExpected.map((vnet) =>
      presence(scope, rule, "Virtual network", vnet.id, "expected", "virtualNetworks"),
    ),
    ...vnets.onlyActual.map((vnet) => presence(scope, rule, "Virtual network", vnet.id, "actual", "virtualNetworks")),
    ...vnets.both.flatMap(([want, have]) =>
      compareFields(
        scope,
        {
          rule,
          resourceId: have.id,
          path: `virtualNetworks[${lastSegment(have.id)}]`,
          subject: `virtual network ${lastSegment(have.id)}`,
        },
        want,
        have,
        { addressSpace: "cidrs" },
      ),
    ),
  ];
}

function compareSubnets(scope: FindingScope, expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  if (!expected.subnets) return [];
  const byId = (subnet: { id: string }) => idKey(subnet.id);
  const subnets = pair(expected.subnets, live.subnets, byId, byId);
  const rule = "drift.subnet";
  return [
    ...subnets.onlyExpected.map((subnet) => presence(scope, rule, "Subnet", subnet.id, "expected", "subnets")),
    ...subnets.onlyActual.map((subnet) => presence(scope, rule, "Subnet", subnet.id, "actual", "subnets")),
    ...subnets.both.flatMap(([want, have]) =>
      compareFields(
        scope,
        {
          rule,
          resourceId: have.id,
          path: `subnets[${lastSegment(have.id)}]`,
          subject: `subnet ${lastSegment(have.id)}`,
        },
        want,
        have,
        SUBNET_KINDS,
      ),
    ),
  ];
}

function routeText(route: Route): string {
  return route.nextHopIpAddress ? `${route.nextHopType} ${route.nextHopIpAddress}` : route.nextHopType;
}

function samehop(a: Route, b: Route): boolean {
  return (
    a.nextHopType.toLowerCase() === b.nextHopType.toLowerCase() &&
    display(a.nextHopIpAddress) === display(b.nextHopIpAddress)
  );
}

/** Pinned routes, keyed by address prefix; names are reported, not compared. */
function comparePinnedRoutes(scope: FindingScope, want: BaselineRouteTable, have: RouteTable, live: ClusterSnapshot) {
  if (!want.routes) return [];
  const compared =
    want.managedRoutes === "exact" ? have.routes : have.routes.filter((route) => !isManagedRoute(route, live));
  const byPrefix = (route: Route) => prefixKey(route.addressPrefix);
  const routes = pair(want.routes, compared, byPrefix, byPrefix);
  const base = { rule: "drift.route", resourceId: have.id };
  const path = (route: Route) => `routeTables[${lastSegment(have.id)}].routes[${route.addressPrefix}]`;
  return [
    ...routes.onlyExpected.map((route) =>
      finding(scope, {
        ...base,
        path: path(route),
        expected: routeText(route),
        actual: "(none)",
        message: `Route ${route.addressPrefix} → ${routeText(route)} (${route.name}) is missing from ${lastSegment(have.id)}.`,
      }),
    ),
    ...routes.onlyActual.map((route) =>
      finding(scope, {
        ...base,
        path: path(route),
        expected: "(none)",
        actual: routeText(route),
        message: `Route ${route.addressPrefix} → ${routeText(route)} (${route.name}) in ${lastSegment(have.id)} is not in the baseline.`,
      }),
    ),
    ...routes.both
      .filter(([a, b]) => !samehop(a, b))
      .map(([a, b]) =>
        finding(scope, {
          ...base,
          path: path(a),
          expected: routeText(a),
          actual: routeText(b),
          message: `Route ${a.addressPrefix} in ${lastSegment(have.id)} goes to ${routeText(b)}, the baseline expects ${routeText(a)}.`,
        }),
      ),
  ];
}

function compareRouteTables(scope: FindingScope, expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  if (!expected.routeTables) return [];
  const byId = (table: { id: string }) => idKey(table.id);
  const tables = pair(expected.routeTables, live.routeTables, byId, byId);
  const rule = "drift.routeTable";
  return [
    ...tables.onlyExpected.map((table) => presence(scope, rule, "Route table", table.id, "expected", "routeTables")),
    ...tables.onlyActual.map((table) => presence(scope, rule, "Route table", table.id, "actual", "routeTables")),
    ...tables.both.flatMap(([want, have]) => [
      ...compareFields(
        scope,
        {
          rule,
          resourceId: have.id,
          path: `routeTables[${lastSegment(have.id)}]`,
          subject: `route table ${lastSegment(have.id)}`,
        },
        { disableBgpRoutePropagation: want.disableBgpRoutePropagation },
        have,
        { disableBgpRoutePropagation: "boolean" },
      ),
      ...comparePinnedRoutes(scope, want, have, live),
    ]),
  ];
}

/** Everything that differs between a cluster's baseline entry and its live state. */
export function diffCluster(expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  const scope: FindingScope = { clusterId: expected.id };
  return [
    ...compareProfile(scope, expected, live),
    ...comparePools(scope, expected, live),
    ...compareVirtualNetworks(scope, expected, live),
    ...compareSubnets(scope, expected, live),
    ...compareRouteTables(scope, expected, live),
  ];
}
