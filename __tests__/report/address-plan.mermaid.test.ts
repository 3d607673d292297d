/**
 * The address plan diagrams, parsed and rendered by the real mermaid library
 * (in a child process with a jsdom window): every diagram the report and the
 * issue show is valid, means what it should (nodes, subgraphs, edges, marks),
 * and hostile names stay label text. A diagram with the escaping undone, and
 * one with a syntax error, are rejected: the check can fail.
 */
import { renderDriftIssue } from "../../src/present/issue.js";
import { driftState } from "../../src/core/issues/marker.js";
import { addressPlanDiagram } from "../../src/present/address-plan.js";
import { renderReport } from "../../src/present/markdown.js";
import { verdictOf } from "../../src/core/verdict.js";
import { documentationPages, readPage } from "../helpers/markdown-pages.js";
import { checkWithMermaid, type MermaidFlowchart, mermaidBlocks, type MermaidResult } from "../helpers/mermaid.js";
import {
  azureCniWithPodSubnet,
  type CheckedResult,
  HOSTILE,
  hostileCluster,
  kubenetDrifted,
  overlayDualStack,
} from "./fixtures.js";

const clusters = {
  kubenet: kubenetDrifted(),
  podSubnet: azureCniWithPodSubnet(),
  overlayDualStack: overlayDualStack(),
  hostile: hostileCluster(),
};

function diagramOf(result: CheckedResult): string {
  return addressPlanDiagram(result.snapshot, result.findings);
}

const report = renderReport(verdictOf(Object.values(clusters), { failOn: "error", issueOnError: false }), {
  mode: "check",
  baselineFile: ".github/aks-network-baseline.yml",
  runUrl: undefined,
  commit: undefined,
  evidencePath: "aks-network-evidence/run-1",
  slice: undefined,
});

const hostileIssue = renderDriftIssue({
  state: driftState(clusters.hostile.clusterId, clusters.hostile.findings),
  owner: { owner: undefined, skipped: [] },
  links: {
    baselineFile: ".github/aks-network-baseline.yml",
    runUrl: undefined,
    runId: undefined,
    commit: undefined,
    commitUrl: undefined,
    evidencePath: "aks-network-evidence/run-1",
  },
  snapshot: clusters.hostile.snapshot,
  expected: clusters.hostile.expected,
  findings: clusters.hostile.findings,
}).body;

/** The documentation's diagrams: the example of the address plan, and the sample output pasted into docs/. */
const docs = documentationPages().map(readPage).join("\n");

const BROKEN = {
  /** The hostile diagram as a writer that does not escape would write it. */
  unescaped: diagramOf(clusters.hostile).replaceAll("#34;", '"'),
  /** A label that never closes. */
  unclosed: 'flowchart LR\n  cluster["AKS prod\n  cluster --> pod0\n',
};

let results: Map<string, MermaidResult>;

beforeAll(async () => {
  const diagrams = [
    ...Object.entries(clusters).map(([name, result]) => ({ name, text: diagramOf(result) })),
    ...mermaidBlocks(report).map((text, index) => ({ name: `report${index}`, text })),
    ...mermaidBlocks(hostileIssue).map((text, index) => ({ name: `issue${index}`, text })),
    ...mermaidBlocks(docs).map((text, index) => ({ name: `docs${index}`, text })),
    ...Object.entries(BROKEN).map(([name, text]) => ({ name: `broken:${name}`, text })),
  ];
  results = new Map((await checkWithMermaid(diagrams)).map((result) => [result.name, result]));
}, 60_000);

function valid(name: string): Extract<MermaidResult, { ok: true }> & { flowchart: MermaidFlowchart } {
  const result = results.get(name);
  if (!result?.ok) throw new Error(`${name}: mermaid rejected the diagram: ${result ? result.error : "no result"}`);
  if (!result.flowchart) throw new Error(`${name}: not a flowchart but ${result.diagramType}`);
  return { ...result, flowchart: result.flowchart };
}

function vertex(flowchart: MermaidFlowchart, id: string) {
  const found = flowchart.vertices.find((entry) => entry.id === id);
  if (!found) throw new Error(`no vertex ${id} in ${flowchart.vertices.map((entry) => entry.id).join(", ")}`);
  return found;
}

const ids = (flowchart: MermaidFlowchart) => flowchart.vertices.map((entry) => entry.id).sort();
const edges = (flowchart: MermaidFlowchart) => flowchart.edges.map((edge) => `${edge.from}->${edge.to}: ${edge.text}`);
const flat = (text: string) => text.replace(/\s+/g, " ").trim();

describe("the address plan, checked by mermaid", () => {
  it("kubenet: VNet, node subnet, cluster, pod and service CIDR; the changed pod CIDR and the broken routes marked", () => {
    const { flowchart, svg } = valid("kubenet");
    expect(ids(flowchart)).toEqual(["cluster", "pod0", "service0", "subnet0"]);
    expect(flowchart.subgraphs).toEqual([
      { id: "vnet0", title: "VNet aks-vnet-12345678<br>10.224.0.0/12", nodes: ["subnet0"], classes: [] },
    ]);
    expect(edges(flowchart)).toEqual([
      "subnet0->cluster: nodes",
      "cluster->pod0: a /24 per node, routed by the route table",
      "cluster->service0: services",
    ]);
    const pod = vertex(flowchart, "pod0");
    expect(pod.classes).toEqual(["drift"]);
    expect(pod.text).toContain("⚠ podCidrs: 10.244.0.0/16 → 10.245.0.0/16");
    expect(vertex(flowchart, "subnet0").classes).toEqual(["drift"]);
    expect(vertex(flowchart, "subnet0").text).toContain("routes.missing");
    expect(vertex(flowchart, "cluster").classes).toEqual(["warn"]);
    expect(vertex(flowchart, "service0").classes).toEqual([]);
    expect(flowchart.classDefs).toEqual(["drift", "warn"]);
    expect(svg.nodeTexts).toHaveLength(4);
    expect(svg.nodeTexts.some((text) => text.includes("10.244.0.0/16 → 10.245.0.0/16"))).toBe(true);
  });

  it("Azure CNI with a pod subnet: both subnets in the VNet, no pod CIDR, the full pod subnet marked", () => {
    const { flowchart } = valid("podSubnet");
    expect(ids(flowchart)).toEqual(["cluster", "service0", "subnet0", "subnet1"]);
    expect(flowchart.subgraphs[0]?.nodes).toEqual(["subnet0", "subnet1"]);
    expect(edges(flowchart)).toEqual([
      "subnet0->cluster: nodes",
      "cluster->subnet1: pod IPs",
      "cluster->service0: services",
    ]);
    expect(vertex(flowchart, "subnet1").text).toContain("pod subnet snet-aks-pods<br>10.240.16.0/24");
    expect(vertex(flowchart, "subnet1").classes).toEqual(["drift"]);
    expect(vertex(flowchart, "subnet1").text).toContain("capacity.subnet: 251 usable (wants room for 420 addresses)");
    expect(vertex(flowchart, "subnet0").classes).toEqual([]);
  });

  it("Azure CNI Overlay dual-stack: an IPv4 and an IPv6 pod CIDR (a /80 per node) and service CIDR, nothing marked", () => {
    const { flowchart } = valid("overlayDualStack");
    expect(ids(flowchart)).toEqual(["cluster", "pod0", "pod1", "service0", "service1", "subnet0"]);
    expect(vertex(flowchart, "cluster").text).toBe("AKS clustername1<br>Azure CNI Overlay, cilium dataplane");
    expect(vertex(flowchart, "pod1").text).toBe("pod CIDR<br>fd12:3456:789a::/64");
    expect(edges(flowchart)).toContain("cluster->pod1: a /80 per node, overlay");
    expect(vertex(flowchart, "service1").text).toBe("service CIDR<br>fd12:3456:789b::/108");
    expect(flowchart.subgraphs[0]?.title).toBe("VNet vnet-clustername1<br>10.240.0.0/16, fd00:10::/48");
    expect(flowchart.vertices.every((entry) => entry.classes.length === 0)).toBe(true);
  });

  it("hostile names stay label text: no extra node, edge, subgraph, class, link, click, directive or HTML", () => {
    const { flowchart, svg, config } = valid("hostile");
    expect(ids(flowchart)).toEqual(["cluster", "pod0", "service0", "subnet0"]);
    expect(flowchart.subgraphs.map((group) => group.id)).toEqual(["vnet0"]);
    expect(edges(flowchart)).toHaveLength(3);
    expect(flowchart.classDefs).toEqual(["drift", "warn"]);
    expect(flowchart.vertices.filter((entry) => entry.link !== null || entry.callback)).toEqual([]);
    expect(config).toEqual({});
    expect(svg).toMatchObject({ links: 0, scripts: 0, handlers: [], javascriptUrls: [] });
    const cluster = vertex(flowchart, "cluster");
    expect(cluster.text).toContain(`AKS ${flat(HOSTILE.cluster)}<br>`);
    expect(cluster.text).toContain(flat(HOSTILE.dataplane));
    expect(cluster.text).toContain(`networkPolicy: none → ${HOSTILE.policy}`);
    expect(cluster.classes).toEqual(["drift"]);
    const subnet = vertex(flowchart, "subnet0");
    for (const name of [HOSTILE.subnet, HOSTILE.pool, HOSTILE.table]) expect(subnet.text).toContain(name);
    expect(flowchart.subgraphs[0]?.title).toBe(`VNet ${flat(HOSTILE.vnet)}<br>10.224.0.0/12`);
    expect(svg.nodeTexts.some((text) => text.includes(HOSTILE.pool))).toBe(true);
  });

  it("every diagram in the job summary and in the issue body is valid", () => {
    const blocks = [...mermaidBlocks(report), ...mermaidBlocks(hostileIssue)];
    expect(blocks).toHaveLength(5);
    for (const index of [0, 1, 2, 3]) expect(valid(`report${index}`).flowchart.vertices.length).toBeGreaterThan(3);
    expect(valid("issue0").flowchart).toEqual(valid("hostile").flowchart);
  });

  it("every diagram in the documentation is valid", () => {
    const blocks = mermaidBlocks(docs);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    blocks.forEach((_, index) => expect(valid(`docs${index}`).flowchart.vertices.length).toBeGreaterThan(3));
  });

  it("rejects the hostile diagram with its escaping undone, and a label that never closes", () => {
    for (const name of Object.keys(BROKEN)) {
      const result = results.get(`broken:${name}`);
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error|Lexical error/) });
    }
  });
});
