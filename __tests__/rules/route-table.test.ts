import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster, compareFleet } from "../../src/core/check/index.js";
import type { BaselineCluster, ClusterResult, ClusterSnapshot, Route } from "../../src/core/model.js";
import { fleetOf } from "../../src/core/check/rules/index.js";
import type { FleetMember } from "../../src/core/check/rules/rule.js";
import {
  azureCniSnapshot,
  BYO_SUBNET_ID,
  CLUSTER_ID,
  dualStackKubenet,
  kubenetSnapshot,
  ROUTE_TABLE_ID,
  SUBNET_ID,
  VNET_ID,
} from "../fixtures/snapshots.js";
import { check, edited, where } from "./helpers.js";

const kubenet = kubenetSnapshot(3);
const classic = azureCniSnapshot();
const TABLE = "routeTables[aks-agentpool-12345678-routetable]";

function withRoutes(snapshot: ClusterSnapshot, ...routes: Route[]): ClusterSnapshot {
  return edited(snapshot, (copy) => copy.routeTables[0]!.routes.push(...routes));
}

function route(addressPrefix: string, nextHopType: string, nextHopIpAddress: string | null = null): Route {
  return { name: `custom-${addressPrefix}`, addressPrefix, nextHopType, nextHopIpAddress };
}

const SECOND_SUBNET_ID = `${VNET_ID}/subnets/aks-subnet-2`;
const OTHER_TABLE_ID = ROUTE_TABLE_ID.replace("aks-agentpool-12345678-routetable", "rt-other");

/** A second pool on its own subnet with the given route table. */
function secondSubnet(tableId: string | null): ClusterSnapshot {
  return edited(kubenet, (copy) => {
    copy.nodePools.push({ ...copy.nodePools[0]!, name: "user1", mode: "User", vnetSubnetID: SECOND_SUBNET_ID });
    copy.nodePools[0]!.vnetSubnetID = SUBNET_ID;
    copy.subnets.push({
      id: SECOND_SUBNET_ID,
      addressPrefixes: ["10.225.0.0/16"],
      routeTableId: tableId,
      networkSecurityGroupId: null,
    });
    if (tableId && tableId !== ROUTE_TABLE_ID) {
      copy.routeTables.push({
        id: tableId,
        disableBgpRoutePropagation: false,
        routes: [],
        subnetIds: [SECOND_SUBNET_ID],
      });
    }
  });
}

describe("routes.multipleTables", () => {
  test.each<[string, ClusterSnapshot, string[]]>([
    ["one subnet: passes", kubenet, []],
    ["two subnets, one table: passes", secondSubnet(ROUTE_TABLE_ID), []],
    ["two subnets, two tables", secondSubnet(OTHER_TABLE_ID), ["subnets[aks-subnet-2].routeTableId: rt-other"]],
    ["a subnet without a table is routes.tableDetached's", secondSubnet(null), []],
    [
      "Azure CNI may use several tables",
      edited(secondSubnet(OTHER_TABLE_ID), (copy) => (copy.networkProfile.networkPlugin = "azure")),
      [],
    ],
  ])("%s", (_name, live, expected) => {
    expect(where(check("routes.multipleTables", live))).toEqual(expected);
  });

  test("a detached second subnet is reported by routes.tableDetached", () => {
    expect(where(check("routes.tableDetached", secondSubnet(null)))).toEqual([
      "subnets[aks-subnet-2].routeTableId: (none)",
    ]);
  });
});

const OTHER_CLUSTER = CLUSTER_ID.replace("clustername1", "clustername2");

function member(plugin: string, tables: string[], source: FleetMember["source"] = "live"): FleetMember {
  return { clusterId: OTHER_CLUSTER, networkPlugin: plugin, routeTableIds: tables, source };
}

describe("routes.sharedTable (fleet)", () => {
  const self: FleetMember = {
    clusterId: CLUSTER_ID,
    networkPlugin: "kubenet",
    routeTableIds: [ROUTE_TABLE_ID],
    source: "live",
  };
  const firewall = edited(classic, (copy) => {
    copy.subnets[0]!.routeTableId = ROUTE_TABLE_ID;
    copy.routeTables = [{ ...structuredClone(kubenet.routeTables[0]!), routes: [] }];
  });
  test.each<[string, ClusterSnapshot, FleetMember[], string[]]>([
    ["alone: passes", kubenet, [self], []],
    ["another cluster, another table: passes", kubenet, [self, member("kubenet", [OTHER_TABLE_ID])], []],
    [
      "another kubenet cluster on the same table",
      kubenet,
      [self, member("kubenet", [ROUTE_TABLE_ID.toUpperCase()])],
      [`${TABLE}: also on clustername2`],
    ],
    [
      "known from its baseline entry (another shard)",
      kubenet,
      [self, member("kubenet", [ROUTE_TABLE_ID], "baseline")],
      [`${TABLE}: also on clustername2 (per its baseline entry)`],
    ],
    [
      "an Azure CNI cluster shares a kubenet cluster's table",
      firewall,
      [member("kubenet", [ROUTE_TABLE_ID])],
      [`${TABLE}: also on clustername2`],
    ],
    ["two Azure CNI clusters may share a firewall table", firewall, [member("azure", [ROUTE_TABLE_ID])], []],
  ])("%s", (_name, live, fleet, expected) => {
    expect(where(check("routes.sharedTable", live, {}, fleet))).toEqual(expected);
  });

  test("does not run in compareCluster, which sees one cluster", () => {
    expect(compareCluster(baselineFromSnapshot(kubenet), kubenet).map((item) => item.rule)).not.toContain(
      "routes.sharedTable",
    );
  });
});

describe("fleetOf and compareFleet", () => {
  const other = edited(kubenet, (copy) => {
    copy.id = OTHER_CLUSTER;
    copy.name = "clustername2";
  });

  test("members from the snapshots, the rest of the baseline from its entries", () => {
    const third: BaselineCluster = {
      id: CLUSTER_ID.replace("clustername1", "clustername3"),
      networkProfile: { networkPlugin: "kubenet" },
      nodePools: [{ name: "np", podSubnetID: BYO_SUBNET_ID }],
      subnets: [
        { id: SUBNET_ID, routeTableId: OTHER_TABLE_ID },
        { id: BYO_SUBNET_ID, routeTableId: ROUTE_TABLE_ID },
      ],
      suppressions: [],
    };
    expect(fleetOf([kubenet], [baselineFromSnapshot(kubenet), third])).toEqual([
      { clusterId: CLUSTER_ID, networkPlugin: "kubenet", routeTableIds: [ROUTE_TABLE_ID], source: "live" },
      { clusterId: third.id, networkPlugin: "kubenet", routeTableIds: [OTHER_TABLE_ID], source: "baseline" },
    ]);
  });

  test("two captured clusters on one table both get the finding, silenced where the baseline says so", () => {
    const results: ClusterResult[] = [kubenet, other].map((snapshot) => {
      const expected = baselineFromSnapshot(snapshot);
      return { kind: "checked", clusterId: snapshot.id, snapshot, expected, findings: [] };
    });
    const [first, second] = results as [ClusterResult & { kind: "checked" }, ClusterResult & { kind: "checked" }];
    second.expected.suppressions = [{ rule: "routes.sharedTable", reason: "decommissioned on Friday" }];
    const compared = compareFleet(results, [first.expected, second.expected]);
    const shared = compared.map((result) =>
      result.kind === "checked" ? result.findings.filter((item) => item.rule === "routes.sharedTable") : [],
    );
    expect(shared[0]).toEqual([expect.objectContaining({ actual: "also on clustername2", severity: "error" })]);
    expect(shared[0]![0]).not.toHaveProperty("suppressed");
    expect(shared[1]).toEqual([
      expect.objectContaining({ actual: "also on clustername1", suppressed: "decommissioned on Friday" }),
    ]);
  });

  test("a cluster that could not be read is left as it is", () => {
    const failed: ClusterResult = { kind: "error", clusterId: OTHER_CLUSTER, message: "403" };
    expect(compareFleet([failed], [])).toEqual([failed]);
  });
});

describe("routes.customOverlap", () => {
  test.each<[string, ClusterSnapshot, string[]]>([
    ["no custom routes: passes", kubenet, []],
    [
      "0.0.0.0/0 to a firewall is broader than every node route: passes",
      withRoutes(kubenet, route("0.0.0.0/0", "VirtualAppliance", "10.225.0.4")),
      [],
    ],
    [
      "the whole pod CIDR to a gateway: passes",
      withRoutes(kubenet, route("10.244.0.0/16", "VirtualNetworkGateway")),
      [],
    ],
    ["a /8 around the pod CIDR: passes", withRoutes(kubenet, route("10.0.0.0/8", "VirtualNetworkGateway")), []],
    [
      "half of a node's /24",
      withRoutes(kubenet, route("10.244.1.128/25", "VirtualNetworkGateway")),
      [`${TABLE}.routes[10.244.1.128/25]: 10.244.1.0/24`],
    ],
    [
      "a /32 to one pod",
      withRoutes(kubenet, route("10.244.2.7/32", "None")),
      [`${TABLE}.routes[10.244.2.7/32]: 10.244.2.0/24`],
    ],
    [
      "inside the pod CIDR where no node is yet",
      withRoutes(kubenet, route("10.244.200.0/24", "None")),
      [`${TABLE}.routes[10.244.200.0/24]: 10.244.0.0/16`],
    ],
    [
      "a /22 over several nodes' ranges, not the whole pod CIDR",
      withRoutes(kubenet, route("10.244.0.0/22", "VirtualNetworkGateway")),
      [`${TABLE}.routes[10.244.0.0/22]: 10.244.0.0/24, 10.244.1.0/24, 10.244.2.0/24`],
    ],
    ["a service tag is no CIDR", withRoutes(kubenet, route("AzureCloud", "Internet")), []],
    ["the same prefix as a node route is routes.duplicate's", withRoutes(kubenet, route("10.244.1.0/24", "None")), []],
    [
      "IPv6: a /96 inside a node's /80",
      withRoutes(dualStackKubenet(3), route("fd12:3456:789a:0:1::/96", "None")),
      [`${TABLE}.routes[fd12:3456:789a:0:1::/96]: fd12:3456:789a:0:1::/80`],
    ],
    ["IPv6: ::/0 is broader", withRoutes(dualStackKubenet(3), route("::/0", "VirtualAppliance", "fd00:10::99")), []],
  ])("%s", (_name, live, expected) => {
    expect(where(check("routes.customOverlap", live))).toEqual(expected);
  });
});

describe("routes.defaultRoute", () => {
  const outbound = (snapshot: ClusterSnapshot, outboundType: string) =>
    edited(snapshot, (copy) => (copy.networkProfile.outboundType = outboundType));
  const toFirewall = withRoutes(kubenet, route("0.0.0.0/0", "VirtualAppliance", "10.225.0.4"));
  test.each<[string, ClusterSnapshot, string[]]>([
    ["no default route: passes", kubenet, []],
    ["userDefinedRouting through a firewall: passes", outbound(toFirewall, "userDefinedRouting"), []],
    [
      "loadBalancer with 0.0.0.0/0 to a firewall",
      toFirewall,
      [`${TABLE}.routes[0.0.0.0/0]: outboundType loadBalancer, 0.0.0.0/0 → VirtualAppliance 10.225.0.4`],
    ],
    ["0.0.0.0/0 to Internet is the default anyway: passes", withRoutes(kubenet, route("0.0.0.0/0", "Internet")), []],
    [
      "managedNATGateway with ::/0 to None",
      outbound(withRoutes(dualStackKubenet(3), route("::/0", "None")), "managedNATGateway"),
      [`${TABLE}.routes[::/0]: outboundType managedNATGateway, ::/0 → None`],
    ],
    [
      "Azure CNI on a firewall table with outbound loadBalancer",
      edited(classic, (copy) => {
        copy.subnets[0]!.routeTableId = OTHER_TABLE_ID;
        copy.routeTables = [
          {
            id: OTHER_TABLE_ID,
            disableBgpRoutePropagation: false,
            routes: [route("0.0.0.0/0", "VirtualAppliance", "10.241.0.4")],
            subnetIds: [BYO_SUBNET_ID],
          },
        ];
      }),
      ["routeTables[rt-other].routes[0.0.0.0/0]: outboundType loadBalancer, 0.0.0.0/0 → VirtualAppliance 10.241.0.4"],
    ],
  ])("%s", (_name, live, expected) => {
    const findings = check("routes.defaultRoute", live);
    expect(where(findings)).toEqual(expected);
    expect(findings.every((item) => item.severity === "warning")).toBe(true);
  });
});

describe("routes.bgpPropagationDisabled", () => {
  test.each<[string, boolean, string[]]>([
    ["propagation on: passes", false, []],
    ["propagation off: a warning", true, [`${TABLE}.disableBgpRoutePropagation: true`]],
  ])("%s", (_name, disabled, expected) => {
    const live = edited(kubenet, (copy) => (copy.routeTables[0]!.disableBgpRoutePropagation = disabled));
    const findings = check("routes.bgpPropagationDisabled", live);
    expect(where(findings)).toEqual(expected);
    expect(findings.every((item) => item.severity === "warning")).toBe(true);
  });

  test("a written reason silences it, and the report keeps it", () => {
    const live = edited(kubenet, (copy) => (copy.routeTables[0]!.disableBgpRoutePropagation = true));
    const entry = {
      ...baselineFromSnapshot(live),
      suppressions: [{ rule: "routes.bgpPropagationDisabled", reason: "forced tunnelling through the hub firewall" }],
    };
    expect(compareCluster(entry, live).find((item) => item.rule === "routes.bgpPropagationDisabled")).toMatchObject({
      suppressed: "forced tunnelling through the hub firewall",
    });
  });
});
