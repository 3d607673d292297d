import { compareCluster } from "../../src/core/check/index.js";
import type { BaselineCluster, ClusterSnapshot } from "../../src/core/model.js";
import {
  azureCniSnapshot,
  BYO_VNET_ID,
  dualStackKubenet,
  kubenetSnapshot,
  POD_SUBNET_ID,
} from "../fixtures/snapshots.js";
import { check, edited, where } from "./helpers.js";

const kubenet = kubenetSnapshot(3);
const overlay = azureCniSnapshot({ overlay: true });
const classic = azureCniSnapshot();
const dual = dualStackKubenet(3);

type Case = [string, ClusterSnapshot, string[]];

function profile(snapshot: ClusterSnapshot, fields: Partial<ClusterSnapshot["networkProfile"]>): ClusterSnapshot {
  return edited(snapshot, (copy) => Object.assign(copy.networkProfile, fields));
}

describe("addressPlan.podCidrOverlapsVnet", () => {
  test.each<Case>([
    ["kubenet, pod CIDR outside the VNet: passes", kubenet, []],
    ["overlay, pod CIDR outside the VNet: passes", overlay, []],
    [
      "kubenet, pod CIDR inside the VNet's address space",
      profile(kubenet, { podCidrs: ["10.225.0.0/16"] }),
      ["networkProfile.podCidrs: 10.225.0.0/16 overlaps 10.224.0.0/12"],
    ],
    [
      "overlay, pod CIDR over the node subnet",
      profile(overlay, { podCidrs: ["10.240.8.0/21"] }),
      ["networkProfile.podCidrs: 10.240.8.0/21 overlaps 10.240.0.0/16"],
    ],
    [
      "a /8 pod CIDR that holds the whole VNet",
      profile(kubenet, { podCidrs: ["10.0.0.0/8"], serviceCidrs: ["172.16.0.0/16"], dnsServiceIP: "172.16.0.10" }),
      ["networkProfile.podCidrs: 10.0.0.0/8 overlaps 10.224.0.0/12"],
    ],
    [
      "a /32 pod CIDR on a node's address",
      profile(kubenet, { podCidrs: ["10.224.0.4/32"] }),
      ["networkProfile.podCidrs: 10.224.0.4/32 overlaps 10.224.0.0/12"],
    ],
    [
      "a subnet outside the VNet's address space counts too",
      edited(kubenet, (copy) => {
        copy.subnets[0]!.addressPrefixes.push("10.244.255.0/24");
      }),
      ["networkProfile.podCidrs: 10.244.0.0/16 overlaps 10.244.255.0/24"],
    ],
    [
      "dual-stack: the IPv6 pod CIDR inside the VNet's IPv6 space",
      profile(dual, { podCidrs: ["10.244.0.0/16", "fd00:10:0:1::/64"] }),
      ["networkProfile.podCidrs: fd00:10:0:1::/64 overlaps fd00:10::/48"],
    ],
    ["classic Azure CNI has no pod CIDR to check", profile(classic, { podCidrs: ["10.240.0.0/16"] }), []],
  ])("%s", (_name, live, expected) => {
    expect(where(check("addressPlan.podCidrOverlapsVnet", live))).toEqual(expected);
  });

  test("is about the cluster's pod CIDR, names the VNet, says what breaks and what to do", () => {
    const [item] = check("addressPlan.podCidrOverlapsVnet", profile(kubenet, { podCidrs: ["10.225.0.0/16"] }));
    expect(item).toMatchObject({
      severity: "error",
      resourceId: kubenet.id,
      expected: "no overlap with 10.224.0.0/12",
    });
    expect(item!.message).toBe(
      "The pod CIDR 10.225.0.0/16 overlaps the address space 10.224.0.0/12 of virtual network aks-vnet-12345678: the same address would be a pod and a VNet host. Choose a pod CIDR outside every VNet range of the cluster (a new cluster, or the pod CIDR change that Azure CNI Overlay allows).",
    );
  });
});

describe("addressPlan.serviceCidrOverlapsVnet", () => {
  test.each<Case>([
    ["service CIDR outside the VNet: passes", kubenet, []],
    [
      "kubenet, service CIDR inside the VNet",
      profile(kubenet, { serviceCidrs: ["10.230.0.0/16"], dnsServiceIP: "10.230.0.10" }),
      ["networkProfile.serviceCidrs: 10.230.0.0/16 overlaps 10.224.0.0/12"],
    ],
    [
      "classic Azure CNI too",
      profile(classic, { serviceCidrs: ["10.240.16.0/20"], dnsServiceIP: "10.240.16.10" }),
      ["networkProfile.serviceCidrs: 10.240.16.0/20 overlaps 10.240.0.0/16"],
    ],
    [
      "a /31 service CIDR at the VNet's edge",
      profile(overlay, { serviceCidrs: ["10.240.255.254/31"], dnsServiceIP: null }),
      ["networkProfile.serviceCidrs: 10.240.255.254/31 overlaps 10.240.0.0/16"],
    ],
    [
      "IPv6 service CIDR in the VNet's IPv6 space",
      profile(dual, { serviceCidrs: ["10.0.0.0/16", "fd00:10:0:ff::/108"] }),
      ["networkProfile.serviceCidrs: fd00:10:0:ff::/108 overlaps fd00:10::/48"],
    ],
  ])("%s", (_name, live, expected) => {
    expect(where(check("addressPlan.serviceCidrOverlapsVnet", live))).toEqual(expected);
  });
});

describe("addressPlan.serviceCidrOverlapsPodCidr", () => {
  test.each<Case>([
    ["apart: passes", kubenet, []],
    [
      "service CIDR inside the pod CIDR",
      profile(kubenet, { serviceCidrs: ["10.244.128.0/20"], dnsServiceIP: "10.244.128.10" }),
      ["networkProfile.serviceCidrs: 10.244.128.0/20 overlaps 10.244.0.0/16"],
    ],
    [
      "IPv6 service CIDR inside the IPv6 pod CIDR",
      profile(dual, { serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:0:ffff::/108"] }),
      ["networkProfile.serviceCidrs: fd12:3456:789a:0:ffff::/108 overlaps fd12:3456:789a::/64"],
    ],
    ["IPv4 and IPv6 never overlap", profile(dual, { serviceCidrs: ["10.0.0.0/16", "fd00:99::/108"] }), []],
  ])("%s", (_name, live, expected) => {
    expect(where(check("addressPlan.serviceCidrOverlapsPodCidr", live))).toEqual(expected);
  });
});

function withPodSubnet(prefix: string): ClusterSnapshot {
  return edited(classic, (copy) => {
    copy.nodePools[0]!.podSubnetID = POD_SUBNET_ID;
    copy.subnets.push({
      id: POD_SUBNET_ID,
      addressPrefixes: [prefix],
      routeTableId: null,
      networkSecurityGroupId: null,
    });
  });
}

describe("addressPlan.subnetsOverlap", () => {
  test.each<Case>([
    ["node and pod subnet apart: passes", withPodSubnet("10.240.16.0/20"), []],
    [
      "the pod subnet overlaps the node subnet",
      withPodSubnet("10.240.8.0/21"),
      ["subnets[snet-aks-nodes].addressPrefixes: 10.240.0.0/20 overlaps 10.240.8.0/21"],
    ],
    [
      "a /32 pod subnet inside the node subnet",
      withPodSubnet("10.240.0.9/32"),
      ["subnets[snet-aks-nodes].addressPrefixes: 10.240.0.0/20 overlaps 10.240.0.9/32"],
    ],
  ])("%s", (_name, live, expected) => {
    expect(where(check("addressPlan.subnetsOverlap", live))).toEqual(expected);
  });
});

describe("addressPlan.alsoRoutedHere", () => {
  test.each<[string, ClusterSnapshot, string[], string[]]>([
    ["nothing listed: passes", kubenet, [], []],
    ["ranges apart from the cluster's: passes", kubenet, ["192.168.0.0/16", "fd00:99::/48"], []],
    [
      "an on-premises range over the pod CIDR",
      kubenet,
      ["10.244.128.0/17"],
      ["networkProfile.podCidrs: 10.244.0.0/16 overlaps 10.244.128.0/17"],
    ],
    [
      "a /8 over pod, service and VNet ranges",
      kubenet,
      ["10.0.0.0/8"],
      [
        "networkProfile.podCidrs: 10.244.0.0/16 overlaps 10.0.0.0/8",
        "networkProfile.serviceCidrs: 10.0.0.0/16 overlaps 10.0.0.0/8",
        `virtualNetworks[aks-vnet-12345678].addressSpace: 10.224.0.0/12 overlaps 10.0.0.0/8`,
      ],
    ],
    [
      "overlay's pod CIDR counts",
      overlay,
      ["192.168.0.0/16"],
      ["networkProfile.podCidrs: 192.168.0.0/16 overlaps 192.168.0.0/16"],
    ],
    [
      "classic Azure CNI's (absent) pod CIDR does not",
      profile(classic, { podCidrs: ["192.168.0.0/16"] }),
      ["192.168.0.0/16"],
      [],
    ],
    [
      "a peered VNet's IPv6 range over the IPv6 pod CIDR, by a /128",
      dual,
      ["fd12:3456:789a::1/128"],
      ["networkProfile.podCidrs: fd12:3456:789a::/64 overlaps fd12:3456:789a::1/128"],
    ],
  ])("%s", (_name, live, routed, expected) => {
    expect(where(check("addressPlan.alsoRoutedHere", live, { alsoRoutedHere: routed }))).toEqual(expected);
  });

  test("a BYO VNet overlapping a peered VNet names the VNet", () => {
    const [item] = check("addressPlan.alsoRoutedHere", classic, { alsoRoutedHere: ["10.240.128.0/17"] });
    expect(item).toMatchObject({ resourceId: BYO_VNET_ID, path: "virtualNetworks[vnet-clustername1].addressSpace" });
    expect(item!.message).toContain("10.240.128.0/17, which the baseline lists as also routed here");
  });
});

describe("addressPlan.reservedRange", () => {
  test.each<Case>([
    ["nothing reserved: passes", kubenet, []],
    [
      "pod CIDR 172.30.0.0/16",
      profile(kubenet, { podCidrs: ["172.30.0.0/16"] }),
      ["networkProfile.podCidrs: 172.30.0.0/16 overlaps 172.30.0.0/16"],
    ],
    [
      "a /8 pod CIDR over both AKS ranges",
      profile(overlay, { podCidrs: ["172.0.0.0/8"] }),
      [
        "networkProfile.podCidrs: 172.0.0.0/8 overlaps 172.30.0.0/16",
        "networkProfile.podCidrs: 172.0.0.0/8 overlaps 172.31.0.0/16",
      ],
    ],
    [
      "service CIDR in link-local",
      profile(kubenet, { serviceCidrs: ["169.254.0.0/20"], dnsServiceIP: "169.254.0.10" }),
      ["networkProfile.serviceCidrs: 169.254.0.0/20 overlaps 169.254.0.0/16"],
    ],
    [
      "a /31 subnet in 192.0.2.0/24",
      edited(classic, (copy) => copy.subnets[0]!.addressPrefixes.push("192.0.2.254/31")),
      ["subnets[snet-aks-nodes].addressPrefixes: 192.0.2.254/31 overlaps 192.0.2.0/24"],
    ],
    ["IPv6 ranges are never reserved", dual, []],
  ])("%s", (_name, live, expected) => {
    expect(where(check("addressPlan.reservedRange", live))).toEqual(expected);
  });
});

describe("addressPlan.dnsServiceIP", () => {
  test.each<[string, string[], string | null, string | null]>([
    ["the usual .10", ["10.0.0.0/16"], "10.0.0.10", null],
    ["no dnsServiceIP", ["10.0.0.0/16"], null, null],
    ["outside the service CIDR", ["10.0.0.0/16"], "10.1.0.10", "outside the service CIDR 10.0.0.0/16"],
    ["the network address", ["10.0.0.0/16"], "10.0.0.0", "the network address"],
    ["the first address, the API service's", ["10.0.0.0/16"], "10.0.0.1", "the first address"],
    ["the broadcast address", ["10.0.0.0/16"], "10.0.255.255", "the broadcast address"],
    ["the last address of a /8 is broadcast too", ["10.0.0.0/8"], "10.255.255.255", "the broadcast address"],
    ["a /31 has no room past its first address", ["10.0.0.0/31"], "10.0.0.1", "the first address"],
    ["a /32 is only its network address", ["10.0.0.10/32"], "10.0.0.10", "the network address"],
    ["IPv6: the first address", ["fd00::/108"], "fd00::1", "the first address"],
    ["IPv6: a later address", ["fd00::/108"], "fd00::a", null],
    ["IPv6: the last address is fine (no broadcast)", ["fd00::/108"], "fd00::f:ffff", null],
    ["IPv6: a /128 is only its network address", ["fd00::a/128"], "fd00::a", "the network address"],
    ["dual-stack: the IPv4 address in the IPv4 CIDR", ["10.0.0.0/16", "fd00::/108"], "10.0.0.10", null],
  ])("%s", (_name, serviceCidrs, dnsServiceIP, problem) => {
    const findings = check("addressPlan.dnsServiceIP", profile(kubenet, { serviceCidrs, dnsServiceIP }));
    if (problem === null) expect(findings).toEqual([]);
    else {
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ path: "networkProfile.dnsServiceIP", actual: dnsServiceIP });
      expect(findings[0]!.message).toContain(problem);
    }
  });
});

describe("addressPlan.ipFamilies", () => {
  test.each<Case>([
    ["single stack: passes", kubenet, []],
    ["dual-stack: passes", dual, []],
    [
      "dual-stack without an IPv6 service CIDR",
      profile(dual, { serviceCidrs: ["10.0.0.0/16"] }),
      ["networkProfile.serviceCidrs: 10.0.0.0/16"],
    ],
    [
      "two IPv4 service CIDRs",
      profile(kubenet, { serviceCidrs: ["10.0.0.0/16", "10.1.0.0/16"] }),
      ["networkProfile.serviceCidrs: 10.0.0.0/16, 10.1.0.0/16"],
    ],
    [
      "IPv6 CIDRs that ipFamilies does not list",
      profile(dual, { ipFamilies: ["IPv4"] }),
      [
        "networkProfile.serviceCidrs: 10.0.0.0/16, fd12:3456:789b::/108",
        "networkProfile.podCidrs: 10.244.0.0/16, fd12:3456:789a::/64",
      ],
    ],
    [
      "kubenet without an IPv6 pod CIDR",
      profile(dual, { podCidrs: ["10.244.0.0/16"] }),
      ["networkProfile.podCidrs: 10.244.0.0/16"],
    ],
    ["classic Azure CNI: pod CIDRs are not checked", profile(classic, { ipFamilies: ["IPv4"] }), []],
  ])("%s", (_name, live, expected) => {
    expect(where(check("addressPlan.ipFamilies", live))).toEqual(expected);
  });

  test("says which family is missing", () => {
    const [item] = check("addressPlan.ipFamilies", profile(dual, { serviceCidrs: ["10.0.0.0/16"] }));
    expect(item!.message).toContain("ipFamilies is IPv4, IPv6, but the service CIDRs (10.0.0.0/16) have no IPv6 CIDR.");
  });
});

describe("address plan rules through compareCluster", () => {
  const broken = profile(kubenet, { serviceCidrs: ["10.224.0.0/16"], dnsServiceIP: "10.224.0.10" });

  test("a cluster whose baseline is its own broken state still fails", () => {
    const entry: BaselineCluster = { id: broken.id, networkProfile: { ...broken.networkProfile }, suppressions: [] };
    const errors = compareCluster(entry, broken).filter((item) => item.severity === "error");
    expect(errors.map((item) => item.rule)).toEqual(["addressPlan.serviceCidrOverlapsVnet"]);
    expect(errors[0]!.message).toContain("virtual network aks-vnet-12345678");
  });

  test("suppress silences the rule for this cluster with its reason, and keeps the finding", () => {
    const entry: BaselineCluster = {
      id: broken.id,
      networkProfile: {},
      suppressions: [{ rule: "addressPlan.serviceCidrOverlapsVnet", reason: "rebuild planned, CHG-77" }],
    };
    expect(compareCluster(entry, broken).filter((item) => item.rule.startsWith("addressPlan."))).toEqual([
      expect.objectContaining({ rule: "addressPlan.serviceCidrOverlapsVnet", suppressed: "rebuild planned, CHG-77" }),
    ]);
    const family = { ...entry, suppressions: [{ rule: "addressPlan.*", reason: "all of it" }] };
    expect(compareCluster(family, broken).find((item) => item.rule.startsWith("addressPlan."))?.suppressed).toBe(
      "all of it",
    );
  });

  test("a healthy kubenet cluster: its subnet inside its VNet is no overlap; only the retirement warning", () => {
    const entry: BaselineCluster = { id: kubenet.id, networkProfile: {}, suppressions: [] };
    expect(compareCluster(entry, kubenet).map((item) => item.rule)).toEqual(["lifecycle.kubenetRetirement"]);
  });
});
