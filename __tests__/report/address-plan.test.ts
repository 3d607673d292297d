/** The address plan's text: label escaping, finding lines, the capacity table, where the report and the issue put it. */
import { readFileSync } from "node:fs";
import { driftState } from "../../src/core/issues/marker.js";
import { GITHUB_BODY_LIMIT, renderDriftIssue } from "../../src/present/issue.js";
import type { Finding } from "../../src/core/model.js";
import { addressPlanDiagram, capacityTable, findingLine } from "../../src/present/address-plan.js";
import { MAX_ADDRESS_PLANS, renderReport } from "../../src/present/markdown.js";
import { verdictOf } from "../../src/core/verdict.js";
import { mermaidLabel, mermaidText, renderFlowchart } from "../../src/present/mermaid.js";
import { azureCniSnapshot, kubenetSnapshot, nodeName } from "../fixtures/snapshots.js";
import { azureCniWithPodSubnet, checkedAfter, kubenetDrifted, overlayDualStack } from "./fixtures.js";

describe("Mermaid label text", () => {
  it.each([
    ["aks-prod 10.0.0.0/16 (east)", "aks-prod 10.0.0.0/16 (east)"],
    ['a"b', "a#34;b"],
    ["x]; click x href 'javascript:y'", "x#93;#59; click x href #39;javascript:y#39;"],
    ["line\nnext\r\n\tend", "line next end"],
    ["#quot; stays text", "#35;quot#59; stays text"],
    ["%%{init: {}}%%", "#37;#37;#123;init: #123;#125;#125;#37;#37;"],
    ["a --> b", "a --#62; b"],
    ["<b>&amp;`md`", "#60;b#62;#38;amp#59;#96;md#96;"],
    ["→ ⚠ 🚀", "#8594; #9888; #128640;"],
  ])("%j is written as %j", (text, written) => {
    expect(mermaidText(text)).toBe(written);
  });

  it("cuts a long line with an ellipsis, counting characters, not code units", () => {
    expect(mermaidText("🚀".repeat(100), 5)).toBe(`${"#128640;".repeat(4)}#8230;`);
    expect(mermaidText("a".repeat(100), 10)).toBe(`${"a".repeat(9)}#8230;`);
  });

  it("quotes every label and joins its lines with <br/>", () => {
    expect(mermaidLabel(['VNet "x"', "10.0.0.0/8"])).toBe('"VNet #34;x#34;<br/>10.0.0.0/8"');
  });

  it("writes only the gate's own ids", () => {
    const chart = { direction: "LR" as const, classes: [], groups: [], edges: [] };
    expect(renderFlowchart({ ...chart, nodes: [{ id: "pod0", lines: ["x"] }] })).toBe('flowchart LR\n  pod0["x"]\n');
    expect(() => renderFlowchart({ ...chart, nodes: [{ id: "x; click", lines: [] }] })).toThrow(/not one of/);
  });
});

function finding(rule: string, path: string, expected: string, actual: string): Finding {
  return { rule, severity: "error", clusterId: "c", resourceId: "c", path, expected, actual, message: "" };
}

describe("finding lines", () => {
  it.each([
    [
      "drift.networkProfile",
      "networkProfile.podCidrs",
      "10.244.0.0/16",
      "10.245.0.0/16",
      "podCidrs: 10.244.0.0/16 → 10.245.0.0/16",
    ],
    [
      "drift.subnet",
      "subnets[aks-subnet].addressPrefixes",
      "10.0.0.0/24",
      "10.0.0.0/25",
      "addressPrefixes: 10.0.0.0/24 → 10.0.0.0/25",
    ],
    ["drift.nodePool", "nodePools[user1].maxCount", "5", "50", "pool user1 maxCount: 5 → 50"],
    ["drift.subnet", "subnets[gone]", "gone", "(none)", "it: gone → (none)"],
    [
      "capacity.podCidr",
      "networkProfile.podCidrs",
      "room for 300 nodes",
      "256 nodes",
      "capacity.podCidr: 256 nodes (wants room for 300 nodes)",
    ],
    [
      "drift.route",
      "routeTables[rt].routes[10.1.0.0/16]",
      "x".repeat(50),
      "y",
      `routes[10.1.0.0/16]: ${"x".repeat(35)}… → y`,
    ],
  ])("%s at %s reads %#", (rule, path, expected, actual, line) => {
    expect(findingLine(finding(rule, path, expected, actual))).toBe(line);
  });
});

describe("the capacity table", () => {
  const rows = (lines: string[]) => lines.slice(2);

  it("kubenet: nodes in the pod CIDR, routes of Azure's 400, addresses of the node subnet, now and at max with surge", () => {
    expect(rows(capacityTable(kubenetSnapshot(3)))).toEqual([
      "| Pod CIDR 10.244.0.0/16: nodes | 3 | 14 | 256 | 5% ✅ |",
      "| Route table aks-agentpool-12345678-routetable: routes | 3 | 14 | 400 | 3% ✅ |",
      "| Node subnet aks-subnet 10.224.0.0/16: addresses | 3 | 14 | 65,531 | 0% ✅ |",
    ]);
  });

  it("marks what does not fit and what is tight with the capacity rules' own verdicts", () => {
    const live = kubenetSnapshot(3);
    live.nodePools[0]!.maxCount = 250;
    expect(rows(capacityTable(live))).toEqual([
      "| Pod CIDR 10.244.0.0/16: nodes | 3 | 333 | 256 | 130% ❌ does not fit |",
      "| Route table aks-agentpool-12345678-routetable: routes | 3 | 333 | 400 | 83% ⚠️ under 20% free |",
      "| Node subnet aks-subnet 10.224.0.0/16: addresses | 3 | 333 | 65,531 | 0% ✅ |",
    ]);
  });

  it("classic Azure CNI counts each node's maxPods in its subnet, or in the pod subnet when it has one", () => {
    expect(rows(capacityTable(azureCniSnapshot()))).toEqual([
      "| Node subnet snet-aks-nodes 10.240.0.0/20: addresses | 93 | 434 | 4,091 | 10% ✅ |",
    ]);
    expect(rows(capacityTable(azureCniWithPodSubnet().snapshot))).toEqual([
      "| Node subnet snet-aks-nodes 10.240.0.0/20: addresses | 3 | 14 | 4,091 | 0% ✅ |",
      "| Pod subnet snet-aks-pods 10.240.16.0/24: addresses | 90 | 420 | 251 | 167% ❌ does not fit |",
    ]);
  });

  it("dual-stack overlay: a row per pod CIDR and per subnet prefix, IPv6 counts in scientific notation", () => {
    expect(rows(capacityTable(overlayDualStack().snapshot))).toEqual([
      "| Pod CIDR 192.168.0.0/16: nodes | 3 | 14 | 256 | 5% ✅ |",
      "| Pod CIDR fd12:3456:789a::/64: nodes | 3 | 14 | 65,536 | 0% ✅ |",
      "| Node subnet snet-aks-nodes 10.240.0.0/20: addresses | 3 | 14 | 4,091 | 0% ✅ |",
      "| Node subnet snet-aks-nodes fd00:10::/64: addresses | 3 | 14 | 1.8e+19 | 0% ✅ |",
    ]);
  });

  it("escapes a hostile subnet name as Markdown", () => {
    const live = kubenetSnapshot(3);
    live.subnets[0]!.id = live.subnets[0]!.id.replace(/aks-subnet$/, "a|b[x](y)");
    expect(capacityTable(live)[4]).toContain("Node subnet a\\|b\\[x\\](y) 10.224.0.0/16");
  });
});

const POLICY = { failOn: "error", issueOnError: false } as const;

const context = {
  mode: "check" as const,
  baselineFile: "b.yml",
  runUrl: undefined,
  commit: undefined,
  evidencePath: undefined,
  slice: undefined,
};

describe("the example of docs/reports.md", () => {
  it("is what the code draws for the demo cluster whose pod CIDR was changed by hand", () => {
    const healthy = kubenetSnapshot(3);
    healthy.name = "aks-payments-prod";
    const result = checkedAfter(healthy, (live) => (live.networkProfile.podCidrs = ["10.245.0.0/16"]));
    const shown = result.findings.filter((item) => item.rule !== "routes.outsidePodCidr");
    const page = readFileSync(new URL("../../docs/reports.md", import.meta.url), "utf8");
    const section = page.slice(page.indexOf("## Address plan diagram and capacity"));
    expect(section).toContain(`\`\`\`mermaid\n${addressPlanDiagram(result.snapshot, shown)}\`\`\`\n`);
  });
});

describe("the address plan in the job summary", () => {
  it("is open for a cluster with findings and folded away for one that passes", () => {
    const report = renderReport(verdictOf([kubenetDrifted(), overlayDualStack()], POLICY), context);
    expect(report).toMatch(/#### Address plan\n\n```mermaid\nflowchart LR\n/);
    expect(report).toMatch(/<details><summary>Address plan and capacity<\/summary>\n\n```mermaid\n/);
    expect(report.match(/```mermaid/g)).toHaveLength(2);
    expect(report).toContain("drift reads baseline → live");
  });

  it(`draws at most ${MAX_ADDRESS_PLANS}, those with findings first, and says where the rest are`, () => {
    const passing = Array.from({ length: MAX_ADDRESS_PLANS + 5 }, () => overlayDualStack());
    const drifting = kubenetDrifted();
    const report = renderReport(verdictOf([...passing, drifting], POLICY), context);
    expect(report.match(/```mermaid/g)).toHaveLength(MAX_ADDRESS_PLANS);
    expect(report).toContain("#### Address plan");
    expect(report).toContain(
      `Address plans are drawn for ${MAX_ADDRESS_PLANS} clusters (those with findings first); 6 more`,
    );
  });
});

describe("the address plan in the issue body", () => {
  const links = { baselineFile: "b.yml", runUrl: undefined, runId: undefined, commit: undefined, commitUrl: undefined };

  /** A kubenet cluster of 250 nodes with `stale` routes that point nowhere: a finding and a remedy each. */
  function issueWithStaleRoutes(stale: number) {
    const healthy = kubenetSnapshot(250);
    const result = checkedAfter(healthy, (live) => {
      for (let index = 0; index < stale; index++) {
        live.routeTables[0]!.routes.push({
          name: `stale-${index}-${nodeName(index)}`,
          addressPrefix: `10.244.${index}.128/25`,
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: `10.224.200.${index % 250}`,
        });
      }
    });
    const findings = result.findings.filter((item) => !item.suppressed);
    return renderDriftIssue({
      state: driftState(result.clusterId, findings),
      owner: { owner: undefined, skipped: [] },
      links: { ...links, evidencePath: "e" },
      snapshot: result.snapshot,
      expected: result.expected,
      findings,
    }).body;
  }

  const cut = (body: string, what: RegExp) => new RegExp(`limit: ${what.source}`).test(body);

  /** The smallest number of stale routes whose issue body no longer has room for the address plan. */
  function firstBodyWithoutPlan(): string {
    let [low, high] = [0, 128];
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (cut(issueWithStaleRoutes(middle), /the address plan/)) high = middle;
      else low = middle + 1;
    }
    return issueWithStaleRoutes(low);
  }

  it("comes after the findings and before the commands", () => {
    expect(issueWithStaleRoutes(1)).toMatch(
      /### Findings[\s\S]*### Address plan\n\n```mermaid\nflowchart LR\n[\s\S]*```\n[\s\S]*### Verify and restore/,
    );
  });

  it("is dropped after the full snapshot and the live values, before any finding or command is cut", () => {
    const body = firstBodyWithoutPlan();
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain(
      "### Address plan\n\n_Cut to stay under GitHub's 65,536-character limit: the address plan. The evidence package has everything: `e/report.md`._",
    );
    expect(cut(body, /the full snapshot/)).toBe(true);
    expect(cut(body, /the live values/)).toBe(true);
    expect(cut(body, /\d+ more (findings|groups)/)).toBe(false);
    expect(cut(body, /the rest of this body/)).toBe(false);
    expect(body).not.toContain("```mermaid");
  });
});
