/**
 * The picture of one cluster's address plan: its VNets with the node and pod
 * subnets, the pod and service CIDRs, as a Mermaid flowchart in which the
 * parts with findings are marked (baseline → live), and a short table of
 * capacity at the pools' maximum from the capacity rules' own figures. Pure.
 */
import { lastSegment, parentId, sameId } from "../core/arm-ids.js";
import type { ClusterSnapshot, Finding, Subnet } from "../core/model.js";
import { type Fit, podCidrFits, routeTableFits, ROUTE_TABLE_LIMIT, subnetFits } from "../core/check/rules/capacity.js";
import {
  familyOf,
  isKubenet,
  isOverlay,
  isPodSubnet,
  PER_NODE_PREFIX,
  subnetOfPool,
  usesPodCidr,
} from "../core/check/rules/network.js";
import { escapeMarkdown } from "./markdown-text.js";
import { type FlowEdge, type FlowGroup, type FlowNode, renderFlowchart } from "./mermaid.js";

/** Subnets drawn at most; the rest are counted in one node. */
const MAX_SUBNETS = 24;
/** Finding lines one element shows at most. */
const MAX_FINDING_LINES = 3;
/** The longest value a finding line shows. */
const VALUE_LIMIT = 36;

const CLASSES = [
  { name: "drift", style: "fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328" },
  { name: "warn", style: "fill:#fff8c5,stroke:#9a6700,stroke-width:3px,color:#1f2328" },
];

/** What the diagram draws, before the findings are placed on it. */
interface PlanParts {
  groups: FlowGroup[];
  loose: FlowNode[];
  cluster: FlowNode;
  pods: FlowNode[];
  services: FlowNode[];
  subnets: { subnet: Subnet; node: FlowNode }[];
  edges: FlowEdge[];
}

function pluginText(live: ClusterSnapshot): string {
  const profile = live.networkProfile;
  const plugin = isKubenet(live)
    ? "kubenet"
    : isOverlay(live)
      ? "Azure CNI Overlay"
      : profile.networkPlugin?.toLowerCase() === "azure"
        ? "Azure CNI"
        : (profile.networkPlugin ?? "no network plugin");
  return profile.networkDataplane ? `${plugin}, ${profile.networkDataplane} dataplane` : plugin;
}

function subnetNode(live: ClusterSnapshot, subnet: Subnet, index: number): FlowNode {
  const pod = isPodSubnet(live, subnet);
  const pools = live.nodePools
    .filter((pool) => (pod ? sameId(pool.podSubnetID, subnet.id) : sameId(subnetOfPool(live, pool)?.id, subnet.id)))
    .map((pool) => pool.name);
  const lines = [`${pod ? "pod" : "node"} subnet ${lastSegment(subnet.id)}`, subnet.addressPrefixes.join(", ")];
  if (pools.length > 0) lines.push(`pools ${pools.join(", ")}`);
  if (subnet.routeTableId) lines.push(`route table ${lastSegment(subnet.routeTableId)}`);
  return { id: `subnet${index}`, lines };
}

function subnetEdges(live: ClusterSnapshot, subnets: PlanParts["subnets"]): FlowEdge[] {
  return subnets.map(({ subnet, node }) =>
    isPodSubnet(live, subnet)
      ? { from: "cluster", to: node.id, label: "pod IPs" }
      : { from: node.id, to: "cluster", label: "nodes" },
  );
}

function podEdgeLabel(live: ClusterSnapshot, cidr: string): string {
  const range = `a /${PER_NODE_PREFIX[familyOf(cidr) ?? 4]} per node`;
  return isKubenet(live) ? `${range}, routed by the route table` : `${range}, overlay`;
}

function cidrNodes(live: ClusterSnapshot): { pods: FlowNode[]; services: FlowNode[]; edges: FlowEdge[] } {
  const profile = live.networkProfile;
  const podCidrs = usesPodCidr(live) ? profile.podCidrs : [];
  const pods = podCidrs.map((cidr, index) => ({ id: `pod${index}`, lines: ["pod CIDR", cidr] }));
  const services = profile.serviceCidrs.map((cidr, index) => ({
    id: `service${index}`,
    lines: ["service CIDR", cidr, ...(index === 0 && profile.dnsServiceIP ? [`DNS ${profile.dnsServiceIP}`] : [])],
  }));
  const edges = [
    ...podCidrs.map((cidr, index) => ({ from: "cluster", to: `pod${index}`, label: podEdgeLabel(live, cidr) })),
    ...services.map((node) => ({ from: "cluster", to: node.id, label: "services", dotted: true })),
  ];
  return { pods, services, edges };
}

function planParts(live: ClusterSnapshot): PlanParts {
  const drawn = live.subnets.slice(0, MAX_SUBNETS).map((subnet, index) => ({
    subnet,
    node: subnetNode(live, subnet, index),
  }));
  const groups = live.virtualNetworks.map((vnet, index) => ({
    id: `vnet${index}`,
    title: [`VNet ${lastSegment(vnet.id)}`, vnet.addressSpace.join(", ")],
    nodes: drawn.filter(({ subnet }) => sameId(parentId(subnet.id), vnet.id)).map(({ node }) => node),
  }));
  const loose = drawn
    .filter(({ subnet }) => !live.virtualNetworks.some((vnet) => sameId(parentId(subnet.id), vnet.id)))
    .map(({ node }) => node);
  const hidden = live.subnets.length - drawn.length;
  if (hidden > 0) loose.push({ id: "moreSubnets", lines: [`and ${hidden} more subnets (evidence: snapshot.json)`] });
  const { pods, services, edges } = cidrNodes(live);
  const cluster = { id: "cluster", lines: [`AKS ${live.name}`, pluginText(live)] };
  return { groups, loose, cluster, pods, services, subnets: drawn, edges: [...subnetEdges(live, drawn), ...edges] };
}

/** The elements a finding is about: a subnet, a VNet, the pod or service CIDRs, or the cluster. */
function elementsOf(live: ClusterSnapshot, parts: PlanParts, item: Finding): { id: string }[] {
  const { path, resourceId } = item;
  if (path.startsWith("networkProfile.podCidrs") && parts.pods.length > 0) return parts.pods;
  if (/^networkProfile\.(serviceCidrs|dnsServiceIP)/u.test(path) && parts.services.length > 0) return parts.services;
  const subnet = parts.subnets.find((entry) => sameId(entry.subnet.id, resourceId));
  if (subnet) return [subnet.node];
  const vnet = live.virtualNetworks.findIndex((entry) => sameId(entry.id, resourceId));
  if (vnet >= 0) return [parts.groups[vnet] as FlowGroup];
  const byTable = parts.subnets.filter((entry) => sameId(entry.subnet.routeTableId, resourceId));
  if (byTable.length > 0) return byTable.map((entry) => entry.node);
  const pool = live.nodePools.find((entry) => sameId(`${live.id}/agentPools/${entry.name}`, resourceId));
  const poolSubnet = pool && parts.subnets.find((entry) => sameId(entry.subnet.id, subnetOfPool(live, pool)?.id));
  return poolSubnet ? [poolSubnet.node] : [parts.cluster];
}

function cut(text: string): string {
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

/** A finding as one line: drift as `field: baseline → live`, a rule as `rule: live (wants …)`. */
export function findingLine(item: Finding): string {
  const field = item.path
    .replace(/^(networkProfile|(subnets|virtualNetworks|routeTables)\[[^\]]*\])\.?/u, "")
    .replace(/^nodePools\[([^\]]*)\]\.?/u, "pool $1 ");
  if (item.rule.startsWith("drift.")) return `${field.trim() || "it"}: ${cut(item.expected)} → ${cut(item.actual)}`;
  return `${item.rule}: ${cut(item.actual)} (wants ${cut(item.expected)})`;
}

function markElements(live: ClusterSnapshot, parts: PlanParts, findings: Finding[]): void {
  const placed = new Map<{ id: string }, Finding[]>();
  for (const item of findings.filter((entry) => !entry.suppressed)) {
    for (const element of elementsOf(live, parts, item)) placed.set(element, [...(placed.get(element) ?? []), item]);
  }
  for (const [element, items] of placed) {
    const target = element as FlowNode | FlowGroup;
    const lines = items.slice(0, MAX_FINDING_LINES).map((item) => `⚠ ${findingLine(item)}`);
    if (items.length > MAX_FINDING_LINES) lines.push(`and ${items.length - MAX_FINDING_LINES} more findings`);
    if ("lines" in target) target.lines.push(...lines);
    else target.title.push(...lines);
    target.className = items.some((item) => item.severity === "error") ? "drift" : "warn";
  }
}

/** The Mermaid source of a cluster's address plan, its parts with findings marked. */
export function addressPlanDiagram(live: ClusterSnapshot, findings: Finding[]): string {
  const parts = planParts(live);
  markElements(live, parts, findings);
  return renderFlowchart({
    direction: "LR",
    classes: CLASSES,
    groups: parts.groups,
    nodes: [...parts.loose, parts.cluster, ...parts.pods, ...parts.services],
    edges: parts.edges,
  });
}

const FIT_MARK: Record<Fit, string> = { fits: "✅", tight: "⚠️ under 20% free", exceeds: "❌ does not fit" };

function share(need: bigint, capacity: bigint): string {
  if (capacity === 0n) return "–";
  return `${(need * 100n) / capacity}%`;
}

/** Counts past a trillion (IPv6 subnets) in scientific notation. */
function count(value: bigint | number): string {
  const number = BigInt(value);
  return number > 10n ** 12n ? Number(number).toExponential(1) : number.toLocaleString("en-US");
}

function capacityRow(what: string, now: bigint | number, peak: bigint | number, holds: bigint | number, fit: Fit) {
  return `| ${what} | ${count(now)} | ${count(peak)} | ${count(holds)} | ${share(BigInt(peak), BigInt(holds))} ${FIT_MARK[fit]} |`;
}

/** The capacity table: nodes in the pod CIDR, routes of 400 (kubenet), addresses per subnet. */
export function capacityTable(live: ClusterSnapshot): string[] {
  const rows = [
    ...podCidrFits(live).map((fit) =>
      capacityRow(`Pod CIDR ${escapeMarkdown(fit.podCidr)}: nodes`, fit.now, fit.need, fit.nodes, fit.fit),
    ),
    ...routeTableFits(live).map((fit) =>
      capacityRow(
        `Route table ${escapeMarkdown(lastSegment(fit.table.id))}: routes`,
        fit.now,
        fit.need,
        ROUTE_TABLE_LIMIT,
        fit.fit,
      ),
    ),
    ...subnetFits(live).map((fit) => {
      const kind = isPodSubnet(live, fit.subnet) ? "Pod subnet" : "Node subnet";
      const what = `${kind} ${escapeMarkdown(lastSegment(fit.subnet.id))} ${escapeMarkdown(fit.prefix)}: addresses`;
      return capacityRow(what, fit.now, fit.need, fit.usable, fit.fit);
    }),
  ];
  if (rows.length === 0) return [];
  return ["| Capacity | Now | At max scale, surge included | Holds | Used at max |", "|---|---|---|---|---|", ...rows];
}

/** The diagram in a fenced block, its legend and the capacity table. */
export function addressPlanMarkdown(live: ClusterSnapshot, findings: Finding[]): string[] {
  const marked = findings.some((item) => !item.suppressed);
  const lines = ["```mermaid", addressPlanDiagram(live, findings).trimEnd(), "```", ""];
  if (marked) {
    lines.push("Red: a part with an error finding, yellow: warnings only; drift reads baseline → live.", "");
  }
  const table = capacityTable(live);
  if (table.length > 0) {
    lines.push(
      ...table,
      "",
      "A pod CIDR holds a /24 (IPv6 /80) per node; Azure keeps 5 addresses of every subnet.",
      "",
    );
  }
  return lines;
}
