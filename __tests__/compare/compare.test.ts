import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import type { BaselineCluster, ClusterSnapshot, Finding } from "../../src/core/model.js";
import { kubenetSnapshot, nodeIp, nodeRoute, ROUTE_TABLE_ID, scaleUp, SUBNET_ID } from "../fixtures/snapshots.js";

const firewallRoute = {
  name: "to-firewall",
  addressPrefix: "0.0.0.0/0",
  nextHopType: "VirtualAppliance",
  nextHopIpAddress: "10.225.0.4",
};

/** Every kubenet cluster gets the retirement warning; these tests are about drift and node routes. */
function compare(expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  return compareCluster(expected, live).filter((item) => item.rule !== "lifecycle.kubenetRetirement");
}

function rulesOf(findings: Finding[]): string[] {
  return findings.map((item) => `${item.severity} ${item.rule} ${item.path}`).sort();
}

function mutate(snapshot: ClusterSnapshot, change: (copy: ClusterSnapshot) => void): ClusterSnapshot {
  const copy = structuredClone(snapshot);
  change(copy);
  return copy;
}

describe("compareCluster: drift against the baseline", () => {
  const live = mutate(kubenetSnapshot(3, [firewallRoute]), (copy) => {
    copy.networkProfile.outboundType = "userDefinedRouting";
  });
  const baseline = baselineFromSnapshot(live);

  it("finds nothing when the live state is the captured one", () => {
    expect(compare(baseline, live)).toEqual([]);
  });

  it("reports a changed pod CIDR with field, expected, actual, rule and resource", () => {
    const changed = mutate(live, (copy) => {
      copy.networkProfile.podCidrs = ["10.245.0.0/16"];
    });
    const findings = compare(baseline, changed).filter((item) => item.rule === "drift.networkProfile");
    expect(findings).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "networkProfile.podCidrs",
        expected: "10.244.0.0/16",
        actual: "10.245.0.0/16",
        resourceId: live.id,
        clusterId: baseline.id,
      }),
    ]);
  });

  it.each<[string, (entry: BaselineCluster) => void]>([
    ["a CIDR written with host bits", (entry) => (entry.networkProfile.podCidrs = ["10.244.7.0/16"])],
    ["an enum in another case", (entry) => (entry.networkProfile.loadBalancerSku = "Standard")],
    ["a resource ID in another case", (entry) => (entry.subnets![0]!.routeTableId = ROUTE_TABLE_ID.toUpperCase())],
    ["an IPv4 dnsServiceIP", (entry) => (entry.networkProfile.dnsServiceIP = "10.0.0.10")],
    ["a field left out of the baseline", (entry) => delete entry.networkProfile.networkPolicy],
  ])("treats %s as the same value", (_, edit) => {
    const entry = structuredClone(baseline);
    edit(entry);
    expect(
      compare(
        entry,
        mutate(live, (copy) => (copy.networkProfile.networkPolicy = "calico")),
      ),
    ).toEqual(
      "networkPolicy" in entry.networkProfile
        ? [expect.objectContaining({ path: "networkProfile.networkPolicy" })]
        : [],
    );
  });

  describe("noise that real responses of one cluster show is not drift", () => {
    it.each<[string, string | null, string | null]>([
      ["absent in the baseline, none live (an older response, then a newer one)", null, "none"],
      ["none in the baseline, absent live", "none", null],
      ["None in the baseline, absent live", "None", null],
    ])("networkPolicy %s", (_, expected, actual) => {
      const entry = structuredClone(baseline);
      entry.networkProfile.networkPolicy = expected;
      const findings = compare(
        entry,
        mutate(live, (copy) => (copy.networkProfile.networkPolicy = actual)),
      );
      expect(findings).toEqual([]);
    });

    it("still reports a network policy switched on where the baseline has none", () => {
      const entry = structuredClone(baseline);
      entry.networkProfile.networkPolicy = null;
      const findings = compare(
        entry,
        mutate(live, (copy) => (copy.networkProfile.networkPolicy = "azure")),
      );
      expect(findings).toEqual([
        expect.objectContaining({
          path: "networkProfile.networkPolicy",
          expected: "none",
          actual: "azure",
          message: "network profile: networkPolicy is azure, the baseline expects none.",
        }),
      ]);
    });

    it("loadBalancerSku standard against Standard, and resourcegroups against resourceGroups in every ID", () => {
      const entry = structuredClone(baseline);
      entry.networkProfile.loadBalancerSku = "standard";
      const lowered = (id: string) => id.replace("/resourceGroups/", "/resourcegroups/");
      const changed = mutate(live, (copy) => {
        copy.networkProfile.loadBalancerSku = "Standard";
        for (const subnet of copy.subnets) {
          subnet.id = lowered(subnet.id);
          if (subnet.routeTableId) subnet.routeTableId = lowered(subnet.routeTableId);
          if (subnet.networkSecurityGroupId) subnet.networkSecurityGroupId = lowered(subnet.networkSecurityGroupId);
        }
        for (const table of copy.routeTables) table.id = lowered(table.id);
        for (const pool of copy.nodePools) if (pool.vnetSubnetID) pool.vnetSubnetID = lowered(pool.vnetSubnetID);
      });
      expect(compare(entry, changed)).toEqual([]);
    });

    it("never words a finding as 'is none, the baseline expects (none)'", () => {
      const entry = structuredClone(baseline);
      entry.networkProfile.networkPolicy = null;
      const messages = compare(
        entry,
        mutate(live, (copy) => (copy.networkProfile.networkPolicy = "none")),
      ).map((item) => item.message);
      expect(messages.join("\n")).not.toMatch(/is none, the baseline expects \(none\)/);
    });
  });

  it("does not report autoscaling: a new node with its route is not drift", () => {
    expect(compare(baseline, scaleUp(scaleUp(live)))).toEqual([]);
  });

  it("reports a pinned custom route that changed, vanished or appeared", () => {
    const changedHop = mutate(live, (copy) => {
      copy.routeTables[0]!.routes.find((route) => route.name === "to-firewall")!.nextHopIpAddress = "10.225.0.5";
    });
    expect(rulesOf(compare(baseline, changedHop))).toEqual([
      "error drift.route routeTables[aks-agentpool-12345678-routetable].routes[0.0.0.0/0]",
    ]);
    const gone = mutate(live, (copy) => {
      copy.routeTables[0]!.routes = copy.routeTables[0]!.routes.filter((route) => route.name !== "to-firewall");
    });
    expect(compare(baseline, gone)).toEqual([
      expect.objectContaining({ rule: "drift.route", expected: "VirtualAppliance 10.225.0.4", actual: "(none)" }),
    ]);
    const extra = mutate(live, (copy) => {
      copy.routeTables[0]!.routes.push({
        name: "onprem",
        addressPrefix: "192.168.0.0/16",
        nextHopType: "VirtualNetworkGateway",
        nextHopIpAddress: null,
      });
    });
    expect(compare(baseline, extra)).toEqual([
      expect.objectContaining({ rule: "drift.route", expected: "(none)", actual: "VirtualNetworkGateway" }),
    ]);
  });

  it("pins managed routes too when the baseline says managedRoutes: exact", () => {
    const exact = baselineFromSnapshot(live, new Map([[ROUTE_TABLE_ID.toLowerCase(), "exact"]]));
    expect(exact.routeTables![0]!.routes).toHaveLength(4);
    expect(compare(exact, live)).toEqual([]);
    expect(rulesOf(compare(exact, scaleUp(live)))).toEqual([
      "error drift.route routeTables[aks-agentpool-12345678-routetable].routes[10.244.3.0/24]",
    ]);
  });

  it("reports a node pool count change only for pools without autoscaler, as a warning", () => {
    const fixed = mutate(live, (copy) => (copy.nodePools[0]!.enableAutoScaling = false));
    const entry = baselineFromSnapshot(fixed);
    expect(compare(entry, fixed)).toEqual([]);
    const scaled = scaleUp(fixed);
    expect(rulesOf(compare(entry, scaled))).toEqual(["warning drift.nodePool nodePools[nodepool1].count"]);
  });

  it("marks findings of a silenced rule with the reason instead of dropping them", () => {
    const entry = {
      ...baseline,
      suppressions: [{ rule: "drift.networkProfile", reason: "CHG-42 widens the pod CIDR" }],
    };
    const changed = mutate(live, (copy) => (copy.networkProfile.podCidrs = ["10.240.0.0/12"]));
    expect(compare(entry, changed)).toEqual([
      expect.objectContaining({ rule: "drift.networkProfile", suppressed: "CHG-42 widens the pod CIDR" }),
    ]);
  });
});

describe("compareCluster: kubenet's managed routes, by rule", () => {
  const live = kubenetSnapshot(3);
  const baseline = baselineFromSnapshot(live);

  it("reports a node without a route", () => {
    const missing = mutate(live, (copy) => copy.routeTables[0]!.routes.splice(1, 1));
    const findings = compare(baseline, missing);
    expect(rulesOf(findings)).toEqual([
      "error routes.missing routeTables[aks-agentpool-12345678-routetable].routes",
      "warning routes.count routeTables[aks-agentpool-12345678-routetable].routes",
    ]);
    expect(findings[0]!.message).toContain(nodeIp(1));
  });

  it("reports a stale route whose next hop no node has", () => {
    const stale = mutate(live, (copy) => {
      copy.nodes.splice(2, 1);
      copy.nodePools[0]!.count = 2;
    });
    expect(rulesOf(compare(baseline, stale))).toEqual([
      "error routes.stale routeTables[aks-agentpool-12345678-routetable].routes[10.244.2.0/24]",
      "warning routes.count routeTables[aks-agentpool-12345678-routetable].routes",
    ]);
  });

  it("reports a next hop outside the node subnets and a route that is not a /24", () => {
    const odd = mutate(live, (copy) => {
      copy.routeTables[0]!.routes[0] = { ...nodeRoute(0), addressPrefix: "10.244.0.0/23" };
      copy.routeTables[0]!.routes[1] = { ...nodeRoute(1), nextHopIpAddress: "10.230.0.9" };
    });
    expect(rulesOf(compare(baseline, odd))).toEqual([
      "error routes.missing routeTables[aks-agentpool-12345678-routetable].routes",
      "error routes.nextHopOutsideSubnet routeTables[aks-agentpool-12345678-routetable].routes[10.244.1.0/24]",
      "error routes.prefixLength routeTables[aks-agentpool-12345678-routetable].routes[10.244.0.0/23]",
      "error routes.stale routeTables[aks-agentpool-12345678-routetable].routes[10.244.1.0/24]",
    ]);
  });

  it("reports duplicate prefixes and two routes to one node", () => {
    const doubled = mutate(live, (copy) => copy.routeTables[0]!.routes.push({ ...nodeRoute(0), name: "copy" }));
    expect(rulesOf(compare(baseline, doubled))).toEqual([
      "error routes.duplicate routeTables[aks-agentpool-12345678-routetable].routes[10.244.0.0/24]",
      "error routes.duplicate routeTables[aks-agentpool-12345678-routetable].routes[10.244.0.0/24]",
      "warning routes.count routeTables[aks-agentpool-12345678-routetable].routes",
    ]);
  });

  it("reports a route table detached from the node subnet", () => {
    const detached = mutate(live, (copy) => {
      copy.subnets[0]!.routeTableId = null;
      copy.routeTables = [];
    });
    expect(rulesOf(compare(baseline, detached))).toEqual([
      "error drift.routeTable routeTables[aks-agentpool-12345678-routetable]",
      "error drift.subnet subnets[aks-subnet].routeTableId",
      "error routes.tableDetached subnets[aks-subnet].routeTableId",
    ]);
    expect(compare(baseline, detached).find((item) => item.rule === "routes.tableDetached")?.resourceId).toBe(
      SUBNET_ID,
    );
  });

  it("checks IPv6 node routes of a dual-stack kubenet cluster with /80 per node", () => {
    const dual = mutate(live, (copy) => {
      copy.networkProfile.podCidrs.push("fd12:3456:789a::/64");
      copy.networkProfile.serviceCidrs.push("fd12:3456:789b::/108");
      copy.networkProfile.ipFamilies = ["IPv4", "IPv6"];
      copy.subnets[0]!.addressPrefixes.push("fd00:10::/64");
      copy.nodes.forEach((node, index) => node.privateIps.push(`fd00:10::${4 + index}`));
      copy.nodes.forEach((node, index) =>
        copy.routeTables[0]!.routes.push({
          name: `${node.name}____fd123456${index}64`,
          addressPrefix: `fd12:3456:789a:0:${index}::/80`,
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: `fd00:10::${4 + index}`,
        }),
      );
    });
    const entry = baselineFromSnapshot(dual);
    expect(compare(entry, dual)).toEqual([]);
    const lost = mutate(dual, (copy) => copy.routeTables[0]!.routes.pop());
    expect(rulesOf(compare(entry, lost))).toEqual([
      "error routes.missing routeTables[aks-agentpool-12345678-routetable].routes",
      "warning routes.count routeTables[aks-agentpool-12345678-routetable].routes",
    ]);
  });

  it("keeps node routes the cluster's own when the pod CIDR moves, and folds their lying outside it into the change", () => {
    const moved = mutate(live, (copy) => (copy.networkProfile.podCidrs = ["10.245.0.0/16"]));
    const findings = compare(baseline, moved);
    expect(rulesOf(findings)).toEqual(["error drift.networkProfile networkProfile.podCidrs"]);
    expect(rulesOf(findings[0]?.consequences?.all ?? [])).toEqual([
      "error routes.outsidePodCidr routeTables[aks-agentpool-12345678-routetable].routes[10.244.0.0/24]",
      "error routes.outsidePodCidr routeTables[aks-agentpool-12345678-routetable].routes[10.244.1.0/24]",
      "error routes.outsidePodCidr routeTables[aks-agentpool-12345678-routetable].routes[10.244.2.0/24]",
    ]);
  });

  it("does not apply kubenet route rules to an Azure CNI cluster", () => {
    const cni = mutate(live, (copy) => {
      copy.networkProfile.networkPlugin = "azure";
      copy.routeTables[0]!.routes.splice(0, 2);
    });
    expect(compare(baselineFromSnapshot(cni), cni)).toEqual([]);
  });
});
