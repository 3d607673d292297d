import { compareCluster } from "../../src/core/check/index.js";
import type { ClusterSnapshot, NodePool } from "../../src/core/model.js";
import { surgeNodes } from "../../src/core/check/rules/network.js";
import {
  azureCniSnapshot,
  dualStackKubenet,
  kubenetSnapshot,
  nodeRoute,
  POD_SUBNET_ID,
  SUBNET_ID,
} from "../fixtures/snapshots.js";
import { check, edited, where } from "./helpers.js";

const kubenet = kubenetSnapshot(3);
const overlay = azureCniSnapshot({ overlay: true });
const classic = azureCniSnapshot();

function pools(snapshot: ClusterSnapshot, ...changes: Partial<NodePool>[]): ClusterSnapshot {
  return edited(snapshot, (copy) => {
    const [first] = copy.nodePools;
    copy.nodePools = changes.map((change, index) => ({ ...first!, name: `pool${index + 1}`, ...change }));
  });
}

function podCidrs(snapshot: ClusterSnapshot, ...cidrs: string[]): ClusterSnapshot {
  return edited(snapshot, (copy) => (copy.networkProfile.podCidrs = cidrs));
}

function subnetPrefixes(snapshot: ClusterSnapshot, ...prefixes: string[]): ClusterSnapshot {
  return edited(snapshot, (copy) => (copy.subnets[0]!.addressPrefixes = prefixes));
}

describe("the pools' maximum", () => {
  test.each<[string | null, number, number]>([
    ["1", 10, 1],
    ["0", 10, 0],
    ["33%", 10, 4],
    ["33%", 3, 1],
    ["100%", 7, 7],
    [null, 10, 1],
    [null, 11, 2],
    ["oops", 30, 3],
  ])("maxSurge %s of %i nodes adds %i", (maxSurge, nodes, surge) => {
    expect(surgeNodes(maxSurge, nodes)).toBe(surge);
  });
});

describe("capacity.podCidr and capacity.podCidrHeadroom", () => {
  const autoscaled = { enableAutoScaling: true, count: 3, minCount: 1 };
  test.each<[string, ClusterSnapshot, string[], string[]]>([
    ["a /16 for 10 + 4 nodes: passes", kubenet, [], []],
    [
      "kubenet /22 (4 nodes) and a pool that reaches 5 + 1",
      pools(podCidrs(kubenet, "10.244.0.0/22"), { ...autoscaled, maxCount: 5, maxSurge: "1" }),
      ["networkProfile.podCidrs: 4 nodes"],
      [],
    ],
    [
      "kubenet /22 and 3 + 1 nodes: fits with no headroom",
      pools(podCidrs(kubenet, "10.244.0.0/22"), { ...autoscaled, maxCount: 3, maxSurge: "1" }),
      [],
      ["networkProfile.podCidrs: 4 nodes"],
    ],
    [
      "kubenet /22 and 3 nodes without surge: 25% free, passes",
      pools(podCidrs(kubenet, "10.244.0.0/22"), { ...autoscaled, maxCount: 3, maxSurge: "0" }),
      [],
      [],
    ],
    [
      "without autoscaler the count is the maximum; pools add up",
      pools(
        podCidrs(kubenet, "10.244.0.0/21"),
        { enableAutoScaling: false, count: 4, maxCount: null, maxSurge: "1" },
        { enableAutoScaling: false, count: 3, maxCount: null, maxSurge: "1" },
      ),
      ["networkProfile.podCidrs: 8 nodes"],
      [],
    ],
    ["a /24 holds one node", podCidrs(kubenet, "10.244.0.0/24"), ["networkProfile.podCidrs: 1 nodes"], []],
    ["a /25 holds none", podCidrs(kubenet, "10.244.0.0/25"), ["networkProfile.podCidrs: 0 nodes"], []],
    ["a /8 holds 65536", podCidrs(kubenet, "10.0.0.0/8"), [], []],
    [
      "overlay too",
      pools(podCidrs(overlay, "192.168.0.0/23"), { ...autoscaled, maxCount: 2, maxSurge: "1" }),
      ["networkProfile.podCidrs: 2 nodes"],
      [],
    ],
    [
      "dual-stack: an IPv6 pod CIDR with /80 per node, a /78 for 14 nodes",
      edited(dualStackKubenet(3), (copy) => (copy.networkProfile.podCidrs[1] = "fd12:3456:789a::/78")),
      ["networkProfile.podCidrs: 4 nodes"],
      [],
    ],
    [
      "dual-stack: a /128 IPv6 pod CIDR holds none",
      edited(dualStackKubenet(3), (copy) => (copy.networkProfile.podCidrs[1] = "fd12:3456:789a::/128")),
      ["networkProfile.podCidrs: 0 nodes"],
      [],
    ],
    ["classic Azure CNI has no pod CIDR", podCidrs(classic, "10.244.0.0/30"), [], []],
  ])("%s", (_name, live, errors, warnings) => {
    expect(where(check("capacity.podCidr", live))).toEqual(errors);
    expect(where(check("capacity.podCidrHeadroom", live))).toEqual(warnings);
  });

  test("the message counts the nodes per pool and says what to do", () => {
    const live = pools(podCidrs(kubenet, "10.244.0.0/22"), { ...autoscaled, maxCount: 5, maxSurge: "1" });
    const [item] = check("capacity.podCidr", live);
    expect(item).toMatchObject({ severity: "error", expected: "room for 6 nodes", resourceId: kubenet.id });
    expect(item!.message).toBe(
      "Pod CIDR 10.244.0.0/22 holds 4 nodes (one /24 each); the node pools can reach 6 during an upgrade at full scale (pool1 up to 5 + 1 surge): the last nodes get no pod range. Lower the pools' maxCount or maxSurge until they fit; Azure CNI Overlay can take a larger pod CIDR, kubenet cannot (plan the move to Azure CNI Overlay with a larger one).",
    );
  });
});

function withPodSubnet(snapshot: ClusterSnapshot, prefix: string): ClusterSnapshot {
  return edited(snapshot, (copy) => {
    copy.nodePools[0]!.podSubnetID = POD_SUBNET_ID;
    copy.subnets.push({
      id: POD_SUBNET_ID,
      addressPrefixes: [prefix],
      routeTableId: null,
      networkSecurityGroupId: null,
    });
  });
}

describe("capacity.subnet and capacity.subnetHeadroom", () => {
  const five = { enableAutoScaling: true, count: 3, minCount: 1, maxSurge: "1" };
  test.each<[string, ClusterSnapshot, string[], string[]]>([
    ["kubenet /16 for 14 nodes: passes", kubenet, [], []],
    [
      "kubenet /28: 11 usable for 14 nodes",
      subnetPrefixes(kubenet, "10.224.0.0/28"),
      ["subnets[aks-subnet].addressPrefixes: 11 usable"],
      [],
    ],
    ["a /29 keeps 3", subnetPrefixes(kubenet, "10.224.0.0/29"), ["subnets[aks-subnet].addressPrefixes: 3 usable"], []],
    [
      "a /31 keeps none",
      subnetPrefixes(kubenet, "10.224.0.0/31"),
      ["subnets[aks-subnet].addressPrefixes: 0 usable"],
      [],
    ],
    [
      "a /32 keeps none",
      subnetPrefixes(kubenet, "10.224.0.4/32"),
      ["subnets[aks-subnet].addressPrefixes: 0 usable"],
      [],
    ],
    [
      "classic Azure CNI: 6 nodes × 31 addresses in a /24 (251): 25% free",
      pools(subnetPrefixes(classic, "10.240.0.0/24"), { ...five, maxCount: 5 }),
      [],
      [],
    ],
    [
      "classic Azure CNI: 8 nodes × 31 in a /24: under 20% free",
      pools(subnetPrefixes(classic, "10.240.0.0/24"), { ...five, maxCount: 7 }),
      [],
      ["subnets[snet-aks-nodes].addressPrefixes: 251 usable"],
    ],
    [
      "classic Azure CNI: 9 nodes × 31 in a /24: does not fit",
      pools(subnetPrefixes(classic, "10.240.0.0/24"), { ...five, maxCount: 8 }),
      ["subnets[snet-aks-nodes].addressPrefixes: 251 usable"],
      [],
    ],
    [
      "overlay: the node subnet holds nodes only",
      pools(subnetPrefixes(overlay, "10.240.0.0/28"), { ...five, maxCount: 7 }),
      [],
      [],
    ],
    [
      "a pod subnet takes the pods: node subnet fine, pod subnet /24 too small for 9 × 30",
      withPodSubnet(pools(subnetPrefixes(classic, "10.240.0.0/24"), { ...five, maxCount: 8 }), "10.240.1.0/24"),
      ["subnets[snet-aks-pods].addressPrefixes: 251 usable"],
      [],
    ],
    [
      "dual-stack: an IPv6 /125 keeps 3 for 14 nodes",
      edited(dualStackKubenet(3), (copy) => (copy.subnets[0]!.addressPrefixes[1] = "fd00:10::/125")),
      ["subnets[aks-subnet].addressPrefixes: 3 usable"],
      [],
    ],
    [
      "IPv6 /128",
      edited(dualStackKubenet(3), (copy) => (copy.subnets[0]!.addressPrefixes[1] = "fd00:10::4/128")),
      ["subnets[aks-subnet].addressPrefixes: 0 usable"],
      [],
    ],
  ])("%s", (_name, live, errors, warnings) => {
    expect(where(check("capacity.subnet", live))).toEqual(errors);
    expect(where(check("capacity.subnetHeadroom", live))).toEqual(warnings);
  });

  test("names the subnet, its kind and the pools", () => {
    const [item] = check("capacity.subnet", subnetPrefixes(kubenet, "10.224.0.0/28"));
    expect(item).toMatchObject({ resourceId: SUBNET_ID, expected: "room for 14 addresses" });
    expect(item!.message).toContain(
      "The node subnet aks-subnet (10.224.0.0/28) has 11 usable addresses (Azure keeps 5), but the pools on it need 14",
    );
    expect(item!.message).toContain("(nodepool1 up to 10 + 4 surge)");
  });
});

describe("capacity.routeTable and capacity.routeTableHeadroom", () => {
  const scaled = (max: number, surge: string) =>
    pools(kubenet, { enableAutoScaling: true, maxCount: max, maxSurge: surge });
  const custom = (snapshot: ClusterSnapshot, count: number) =>
    edited(snapshot, (copy) => {
      for (let index = 0; index < count; index++) {
        copy.routeTables[0]!.routes.push({
          name: `onprem-${index}`,
          addressPrefix: `192.168.${index}.0/24`,
          nextHopType: "VirtualNetworkGateway",
          nextHopIpAddress: null,
        });
      }
    });
  test.each<[string, ClusterSnapshot, string[], string[]]>([
    ["14 routes: passes", kubenet, [], []],
    ["319 routes: passes", scaled(318, "1"), [], []],
    ["320 routes: 80%", scaled(319, "1"), [], ["routeTables[aks-agentpool-12345678-routetable].routes: 320 routes"]],
    [
      "300 + 33% surge = 399",
      scaled(300, "33%"),
      [],
      ["routeTables[aks-agentpool-12345678-routetable].routes: 399 routes"],
    ],
    [
      "399 + 1 custom = 400: at the limit",
      custom(scaled(300, "33%"), 1),
      [],
      ["routeTables[aks-agentpool-12345678-routetable].routes: 400 routes"],
    ],
    [
      "399 + 2 custom = 401",
      custom(scaled(300, "33%"), 2),
      ["routeTables[aks-agentpool-12345678-routetable].routes: 401 routes"],
      [],
    ],
    [
      "dual-stack: two routes per node, 201 nodes",
      edited(dualStackKubenet(3), (copy) => Object.assign(copy.nodePools[0]!, { maxCount: 200, maxSurge: "1" })),
      ["routeTables[aks-agentpool-12345678-routetable].routes: 402 routes"],
      [],
    ],
    [
      "Azure CNI with a route table: not counted",
      edited(pools(classic, { enableAutoScaling: true, maxCount: 500, maxSurge: "1" }), (copy) => {
        copy.subnets[0]!.routeTableId = kubenet.routeTables[0]!.id;
        copy.routeTables = structuredClone(kubenet.routeTables);
      }),
      [],
      [],
    ],
  ])("%s", (_name, live, errors, warnings) => {
    expect(where(check("capacity.routeTable", live))).toEqual(errors);
    expect(where(check("capacity.routeTableHeadroom", live))).toEqual(warnings);
  });

  test("the node routes that exist do not count twice", () => {
    const live = edited(scaled(319, "1"), (copy) => copy.routeTables[0]!.routes.push(nodeRoute(3)));
    expect(check("capacity.routeTableHeadroom", live)[0]?.actual).toBe("320 routes");
  });
});

describe("capacity.maxPods", () => {
  test.each<[string, ClusterSnapshot, string[]]>([
    ["kubenet 110: passes", kubenet, []],
    ["kubenet 250: passes", pools(kubenet, { maxPods: 250 }), []],
    ["kubenet 251", pools(kubenet, { maxPods: 251 }), ["nodePools[pool1].maxPods: 251"]],
    ["overlay 300", pools(overlay, { maxPods: 300 }), ["nodePools[pool1].maxPods: 300"]],
    ["classic Azure CNI takes pod IPs from the subnet instead", pools(classic, { maxPods: 300 }), []],
  ])("%s", (_name, live, expected) => {
    expect(where(check("capacity.maxPods", live))).toEqual(expected);
  });
});

describe("capacity rules through compareCluster", () => {
  test("an unchanged baseline with a pod CIDR too small for the pools fails; suppress silences it with its reason", () => {
    const live = pools(podCidrs(kubenet, "10.244.0.0/22"), { enableAutoScaling: true, maxCount: 5, maxSurge: "1" });
    const entry = { id: live.id, networkProfile: { ...live.networkProfile }, suppressions: [] };
    const active = compareCluster(entry, live).filter((item) => item.severity === "error");
    expect(active.map((item) => item.rule)).toEqual(["capacity.podCidr"]);
    const silenced = compareCluster(
      { ...entry, suppressions: [{ rule: "capacity.*", reason: "maxCount lowered in CHG-88" }] },
      live,
    );
    expect(silenced.find((item) => item.rule === "capacity.podCidr")?.suppressed).toBe("maxCount lowered in CHG-88");
  });
});
