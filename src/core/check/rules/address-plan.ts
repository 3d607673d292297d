/**
 * The address plan: the pod CIDR, the service CIDR, the VNet and its subnets,
 * and the ranges the baseline lists as also routed here must not overlap
 * where the plugin forbids it; none may use a range AKS reserves; the DNS
 * service address and the dual-stack families must add up. IPv4 and IPv6.
 */
import { lastSegment } from "../../arm-ids.js";
import { addressCount, cidrContains, cidrOverlaps, offsetInCidr, parseCidr, type IpFamily } from "../../cidr.js";
import type { ClusterSnapshot } from "../../model.js";
import { familyOf, usesPodCidr } from "./network.js";
import { type NetworkRule, type Violation } from "./rule.js";

/** A range the cluster uses (or must avoid), named for messages, with where the baseline holds it. */
interface Range {
  cidr: string;
  /** "the pod CIDR 10.244.0.0/16", "172.30.0.0/16, which AKS reserves". */
  named: string;
  resourceId: string;
  path: string;
}

/** The ranges AKS reserves, with why. */
export const AKS_RESERVED_RANGES: readonly { cidr: string; use: string }[] = [
  { cidr: "169.254.0.0/16", use: "link-local, used by the Azure platform and node-local services" },
  { cidr: "172.30.0.0/16", use: "reserved by AKS" },
  { cidr: "172.31.0.0/16", use: "reserved by AKS" },
  { cidr: "192.0.2.0/24", use: "reserved by AKS" },
];

function podRanges(live: ClusterSnapshot): Range[] {
  return live.networkProfile.podCidrs.map((cidr) => ({
    cidr,
    named: `the pod CIDR ${cidr}`,
    resourceId: live.id,
    path: "networkProfile.podCidrs",
  }));
}

function serviceRanges(live: ClusterSnapshot): Range[] {
  return live.networkProfile.serviceCidrs.map((cidr) => ({
    cidr,
    named: `the service CIDR ${cidr}`,
    resourceId: live.id,
    path: "networkProfile.serviceCidrs",
  }));
}

function subnetRanges(live: ClusterSnapshot): Range[] {
  return live.subnets.flatMap((subnet) =>
    subnet.addressPrefixes.map((cidr) => ({
      cidr,
      named: `${cidr} of subnet ${lastSegment(subnet.id)}`,
      resourceId: subnet.id,
      path: `subnets[${lastSegment(subnet.id)}].addressPrefixes`,
    })),
  );
}

/** The VNets' address spaces, and any subnet prefix that lies outside all of them. */
function networkRanges(live: ClusterSnapshot): Range[] {
  const spaces = live.virtualNetworks.flatMap((vnet) =>
    vnet.addressSpace.map((cidr) => ({
      cidr,
      named: `the address space ${cidr} of virtual network ${lastSegment(vnet.id)}`,
      resourceId: vnet.id,
      path: `virtualNetworks[${lastSegment(vnet.id)}].addressSpace`,
    })),
  );
  const outside = subnetRanges(live).filter((range) => !spaces.some((space) => cidrContains(space.cidr, range.cidr)));
  return [...spaces, ...outside];
}

function overlapping(own: Range[], others: Range[]): [Range, Range][] {
  return own.flatMap((range) =>
    others.filter((other) => cidrOverlaps(range.cidr, other.cidr)).map((other): [Range, Range] => [range, other]),
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function overlapViolation([own, other]: [Range, Range], consequence: string): Violation {
  return {
    resourceId: own.resourceId,
    path: own.path,
    expected: `no overlap with ${other.cidr}`,
    actual: `${own.cidr} overlaps ${other.cidr}`,
    message: `${capitalized(own.named)} overlaps ${other.named}: ${consequence}`,
  };
}

const podCidrOverlapsVnet: NetworkRule = {
  id: "addressPlan.podCidrOverlapsVnet",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title: "Kubenet and Azure CNI Overlay: the pod CIDR lies outside the VNet's address space and subnets.",
  why: "Pod addresses are not VNet addresses on these plugins: where they overlap, traffic meant for a VM or a node goes to a pod, or the other way round.",
  fix: "Choose a pod CIDR outside every VNet range of the cluster (a new cluster, or the pod CIDR change that Azure CNI Overlay allows).",
  check: ({ live }) =>
    usesPodCidr(live)
      ? overlapping(podRanges(live), networkRanges(live)).map((pair) =>
          overlapViolation(pair, "the same address would be a pod and a VNet host."),
        )
      : [],
};

const serviceCidrOverlapsVnet: NetworkRule = {
  id: "addressPlan.serviceCidrOverlapsVnet",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title: "All plugins: the service CIDR lies outside the VNet's address space and subnets.",
  why: "Traffic to a service address never leaves the node, so pods cannot reach VNet hosts in the overlap.",
  fix: "Choose a service CIDR outside every VNet range (the service CIDR is fixed at cluster creation: plan it for the next cluster, or rebuild).",
  check: ({ live }) =>
    overlapping(serviceRanges(live), networkRanges(live)).map((pair) =>
      overlapViolation(pair, "pods cannot reach VNet hosts in the overlap."),
    ),
};

const serviceCidrOverlapsPodCidr: NetworkRule = {
  id: "addressPlan.serviceCidrOverlapsPodCidr",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title: "The service CIDR and the pod CIDR do not overlap.",
  why: "An address that is both a pod and a service is reached as the service: the pod is cut off.",
  fix: "Choose a service CIDR and a pod CIDR that do not overlap.",
  check: ({ live }) =>
    overlapping(serviceRanges(live), podRanges(live)).map((pair) =>
      overlapViolation(pair, "the same address would be a service and a pod."),
    ),
};

const subnetsOverlap: NetworkRule = {
  id: "addressPlan.subnetsOverlap",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title: "The cluster's node and pod subnets do not overlap each other (pools may sit in different, peered VNets).",
  why: "Nodes in overlapping subnets cannot tell each other's addresses apart, and peerings between overlapping VNets do not route.",
  fix: "Move the pool to a subnet whose prefix overlaps no other subnet of the cluster.",
  check: ({ live }) => {
    const ranges = subnetRanges(live);
    return ranges.flatMap((range, index) =>
      ranges
        .slice(index + 1)
        .filter((other) => other.resourceId.toLowerCase() !== range.resourceId.toLowerCase())
        .filter((other) => cidrOverlaps(range.cidr, other.cidr))
        .map((other) => overlapViolation([range, other], "the same address would sit in two subnets of the cluster.")),
    );
  },
};

function routedHereRanges(alsoRoutedHere: string[]): Range[] {
  return alsoRoutedHere.map((cidr) => ({
    cidr,
    named: `${cidr}, which the baseline lists as also routed here`,
    resourceId: "",
    path: "alsoRoutedHere",
  }));
}

const alsoRoutedHere: NetworkRule = {
  id: "addressPlan.alsoRoutedHere",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title:
    "No range of the cluster (pod CIDR on kubenet and overlay, service CIDR, VNet) overlaps an address space the baseline lists under alsoRoutedHere (peered VNets, on-premises).",
  why: "Traffic to the overlap stays inside the cluster's own range: the peered or on-premises hosts there are unreachable from the pods.",
  fix: "Renumber one side; if the listed range is no longer routed here, remove it from alsoRoutedHere.",
  check: ({ live, expected }) => {
    const routed = routedHereRanges(expected.alsoRoutedHere ?? []);
    const own = [...(usesPodCidr(live) ? podRanges(live) : []), ...serviceRanges(live), ...networkRanges(live)];
    return overlapping(own, routed).map((pair) =>
      overlapViolation(pair, "the cluster cannot reach the routed hosts in the overlap."),
    );
  },
};

const reservedRange: NetworkRule = {
  id: "addressPlan.reservedRange",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title:
    "No pod CIDR, service CIDR or cluster subnet uses a range AKS reserves: 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24.",
  why: "AKS and the Azure platform use these ranges on every node; addresses of the cluster inside them collide with that traffic.",
  fix: "Choose ranges outside the reserved ones.",
  check: ({ live }) => {
    const reserved = AKS_RESERVED_RANGES.map(({ cidr, use }) => ({
      cidr,
      named: `${cidr} (${use})`,
      resourceId: "",
      path: "",
    }));
    const own = [...podRanges(live), ...serviceRanges(live), ...subnetRanges(live)];
    return overlapping(own, reserved).map((pair) => overlapViolation(pair, "AKS uses it on every node."));
  },
};

/** Why an address of the service CIDR cannot be the DNS service's, or null when it can. */
function unusableServiceAddress(serviceCidr: string, offset: bigint): string | null {
  const cidr = parseCidr(serviceCidr);
  if (offset === 0n) return "the network address of the service CIDR, which no service gets";
  if (offset === 1n) {
    return "the first address of the service CIDR, which the Kubernetes API service (kubernetes.default) takes";
  }
  const isBroadcast = cidr?.family === 4 && cidr.prefixLength < 31 && offset === addressCount(serviceCidr) - 1n;
  return isBroadcast ? "the broadcast address of the service CIDR" : null;
}

function dnsViolation(dns: string, live: ClusterSnapshot, problem: string): Violation {
  return {
    resourceId: live.id,
    path: "networkProfile.dnsServiceIP",
    expected: `a free address inside ${live.networkProfile.serviceCidrs.join(", ")}`,
    actual: dns,
    message: `dnsServiceIP ${dns} is ${problem}: CoreDNS cannot take it, and pods resolve nothing.`,
  };
}

const dnsServiceIP: NetworkRule = {
  id: "addressPlan.dnsServiceIP",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title:
    "dnsServiceIP lies inside the service CIDR and is not its network, first (kubernetes API service) or broadcast address.",
  why: "The cluster DNS service takes this address; outside the service CIDR or on a taken address it cannot, and name resolution in pods fails.",
  fix: "Use an address inside the service CIDR past its first, such as .10.",
  check: ({ live }) => {
    const dns = live.networkProfile.dnsServiceIP;
    const services = live.networkProfile.serviceCidrs;
    if (!dns || services.length === 0) return [];
    const home = services.find((cidr) => offsetInCidr(cidr, dns) !== null);
    if (home === undefined) return [dnsViolation(dns, live, `outside the service CIDR ${services.join(", ")}`)];
    const problem = unusableServiceAddress(home, offsetInCidr(home, dns) ?? 0n);
    return problem ? [dnsViolation(dns, live, problem)] : [];
  },
};

const FAMILY_NAMES: Record<IpFamily, string> = { 4: "IPv4", 6: "IPv6" };

function wantedFamilies(live: ClusterSnapshot): IpFamily[] {
  const named = live.networkProfile.ipFamilies.map((name) => (name.toLowerCase() === "ipv6" ? 6 : 4) as IpFamily);
  return named.length > 0 ? [...new Set(named)] : [4];
}

/** What is wrong with one list of CIDRs against ipFamilies: a family missing, doubled or not asked for. */
function familyProblems(cidrs: string[], wanted: IpFamily[]): string[] {
  const counts = new Map<IpFamily, number>();
  for (const cidr of cidrs) {
    const family = familyOf(cidr);
    if (family) counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  return ([4, 6] as IpFamily[]).flatMap((family) => {
    const found = counts.get(family) ?? 0;
    const name = FAMILY_NAMES[family];
    if (wanted.includes(family) && found === 0) return [`no ${name} CIDR`];
    if (found > 1) return [`${found} ${name} CIDRs`];
    if (!wanted.includes(family) && found > 0) return [`an ${name} CIDR that ipFamilies does not list`];
    return [];
  });
}

function familyViolation(live: ClusterSnapshot, field: "podCidrs" | "serviceCidrs", wanted: IpFamily[]) {
  const cidrs = live.networkProfile[field];
  const problems = familyProblems(cidrs, wanted);
  if (problems.length === 0) return [];
  const families = wanted.map((family) => FAMILY_NAMES[family]).join(", ");
  const what = field === "podCidrs" ? "pod" : "service";
  return [
    {
      resourceId: live.id,
      path: `networkProfile.${field}`,
      expected: `one ${what} CIDR per family of ${families}`,
      actual: cidrs.join(", ") || "(none)",
      message: `ipFamilies is ${families}, but the ${what} CIDRs (${cidrs.join(", ") || "none"}) have ${problems.join(" and ")}.`,
    },
  ];
}

const ipFamilies: NetworkRule = {
  id: "addressPlan.ipFamilies",
  family: "address plan",
  scope: "cluster",
  severity: "error",
  title: "One service CIDR (and on kubenet and overlay one pod CIDR) per IP family, the families matching ipFamilies.",
  why: "Kubernetes hands out one address per family from exactly one range each; a family without a range, or a range without its family, leaves pods or services without addresses.",
  fix: "List exactly one IPv4 and, on dual-stack, one IPv6 CIDR, and set ipFamilies to match.",
  check: ({ live }) => {
    const wanted = wantedFamilies(live);
    const services = live.networkProfile.serviceCidrs.length > 0 ? familyViolation(live, "serviceCidrs", wanted) : [];
    const pods = usesPodCidr(live) ? familyViolation(live, "podCidrs", wanted) : [];
    return [...services, ...pods];
  },
};

export const ADDRESS_PLAN_RULES: readonly NetworkRule[] = [
  podCidrOverlapsVnet,
  serviceCidrOverlapsVnet,
  serviceCidrOverlapsPodCidr,
  subnetsOverlap,
  alsoRoutedHere,
  reservedRange,
  dnsServiceIP,
  ipFamilies,
];
