/** Issue text: escaping, fences, the body limit, the commands, the summary. */
import { remedyFor, shellQuote } from "../../src/present/commands.js";
import { driftState, errorState } from "../../src/core/issues/marker.js";
import {
  driftTitle,
  fenced,
  GITHUB_BODY_LIMIT,
  GITHUB_TITLE_LIMIT,
  hardCut,
  renderDriftIssue,
  renderErrorIssue,
  renderIssueSummary,
} from "../../src/present/issue.js";
import type { ClusterResult, ClusterSnapshot, Finding } from "../../src/core/model.js";
import { escapeMarkdown } from "../../src/present/markdown.js";
import { nodeName } from "../fixtures/snapshots.js";
import { checked, drifts, links } from "./fixtures.js";

const noOwner = { owner: undefined, skipped: [] };

function drift(result: ClusterResult) {
  if (result.kind !== "checked") throw new Error("checked result expected");
  const findings = result.findings.filter((item) => !item.suppressed);
  const input = {
    state: driftState(result.clusterId, findings),
    owner: noOwner,
    links,
    snapshot: result.snapshot,
    expected: result.expected,
    findings,
  };
  return { input, issue: renderDriftIssue(input) };
}

/** The body with code blocks and spans removed: what GitHub renders as Markdown. */
function prose(body: string): string {
  return body.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "").replace(/`[^`\n]*`/g, "");
}

describe("escapeMarkdown keeps untrusted text inert", () => {
  it.each([
    ["[x](https://evil.example)", "\\[x\\](https:\u200b//evil.example)"],
    ["see www.evil.example", "see www\u200b.evil.example"],
    ["fixes #12 and o/r#3", "fixes #\u200b12 and o/r#\u200b3"],
    ["@everyone", "@\u200beveryone"],
    ["&#64;everyone", "\\&#\u200b64;everyone"],
    ["<img src=x>", "\\<img src=x\\>"],
    ["a | b\nc", "a \\| b c"],
  ])("%j", (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });
});

describe("fenced blocks", () => {
  it("use a fence longer than any backtick run inside", () => {
    expect(fenced("json", '{"a": "```"}')).toBe('````json\n{"a": "```"}\n````');
    expect(fenced("sh", "ls")).toBe("```sh\nls\n```");
  });
});

describe("titles", () => {
  it("name the cluster and count the findings, within GitHub's limit", () => {
    expect(driftTitle("/x/managedClusters/aks-a", 1)).toBe("AKS network drift: aks-a (1 finding)");
    expect(driftTitle(`/x/managedClusters/${"a".repeat(400)}`, 3)).toHaveLength(GITHUB_TITLE_LIMIT);
  });
});

describe("the drift body", () => {
  it("holds the marker, findings, commands, the expected baseline, the evidence, the scope and the links", () => {
    const { issue } = drift(checked("aks-a", [drifts.podCidr, drifts.missingRoute]));
    const body = issue.body;
    expect(body.split("\n")[0]).toMatch(/^<!-- aks-network-gate:v1 fp=[0-9a-f]{16} kind=drift state=/);
    for (const heading of [
      "### Suggested owner",
      "### Findings",
      "### Verify and restore",
      "### Expected baseline",
      "### Failed evidence",
      "### Resource scope",
      "### Run",
    ]) {
      expect(body).toContain(heading);
    }
    expect(body).toContain("| Severity | Rule | Field | Expected | Actual | What it means |");
    expect(body).toContain(
      "az aks show --subscription 00000000-0000-0000-0000-000000000000 -g rg1 -n aks-a --query networkProfile",
    );
    expect(body).toContain(
      "az network route-table route list --subscription 00000000-0000-0000-0000-000000000000 -g MC_rg1_clustername1_location1 --route-table-name aks-agentpool-12345678-routetable -o table",
    );
    expect(body).toContain("kubectl get nodes -o jsonpath=");
    expect(body).toContain("Restore, **needs owner approval, never run by the action**");
    expect(body).toMatch(/```yaml\n\/subscriptions\/.*managedClusters\/aks-a:\n {2}networkProfile:/);
    expect(body).toContain("<details><summary>Full snapshot of the cluster (JSON,");
    expect(body).toContain("[workflow run 7](https://github.com/o/r/actions/runs/7)");
    expect(body).toContain(
      "commit [`0123456789ab`](https://github.com/o/r/commit/0123456789abcdef0123456789abcdef01234567)",
    );
    expect(body).toContain("evidence `aks-network-evidence/run-7-1`");
  });

  it("offers only read-only verify commands", () => {
    const result = checked("aks-a", [drifts.podCidr, drifts.missingRoute, drifts.outboundType], (live) => {
      live.nodePools[0]!.maxPods = 30;
      live.subnets[0]!.routeTableId = null;
      live.virtualNetworks[0]!.addressSpace = ["10.0.0.0/8"];
      live.routeTables[0]!.disableBgpRoutePropagation = true;
    });
    if (result.kind !== "checked") throw new Error();
    const verify = result.findings.flatMap((item) => remedyFor(item, result.snapshot, result.expected).verify);
    expect(new Set(result.findings.map((item) => item.rule.split(".")[0])).size).toBeGreaterThan(1);
    for (const command of verify) {
      expect([command, /^(az( [a-z-]+)+ (show|list)( |$)|kubectl get )/.test(command)]).toEqual([command, true]);
    }
  });

  it("quotes values that are not plainly safe in commands", () => {
    expect(shellQuote("rg-payments_1.x")).toBe("rg-payments_1.x");
    expect(shellQuote("a b$(rm -rf /)'")).toBe("'a b$(rm -rf /)'\\'''");
  });

  it("suggests the restoring change with the baseline's values", () => {
    const result = checked("aks-a", [drifts.outboundType]);
    if (result.kind !== "checked") throw new Error();
    const [item] = result.findings.filter((entry) => entry.rule === "drift.networkProfile") as [Finding];
    expect(remedyFor(item, result.snapshot, result.expected).restoreCommands).toEqual([
      "az aks update --subscription 00000000-0000-0000-0000-000000000000 -g rg1 -n aks-a --outbound-type loadBalancer",
    ]);
  });

  it("shows a hostile tag only inside the snapshot's code block", () => {
    const hostile = "@everyone [x](https://evil.example) ```` </details> <script>";
    const { issue } = drift(checked("aks-a", [drifts.podCidr], (live) => (live.tags = { note: hostile })));
    expect(prose(issue.body)).not.toContain("evil.example");
    expect(prose(issue.body)).not.toContain("@everyone");
    expect(issue.body).toContain('`````json\n{\n  "id"');
  });

  /** A healthy kubenet cluster of `count` nodes, one route each, then `change`. */
  function large(count: number, change: (live: ClusterSnapshot) => void): ClusterResult {
    return checked("aks-a", [], (live) => {
      const ip = (index: number) => `10.224.${Math.floor(index / 200)}.${(index % 200) + 4}`;
      live.nodes = Array.from({ length: count }, (__, index) => ({
        name: nodeName(index),
        pool: "nodepool1",
        privateIps: [ip(index)],
      }));
      live.routeTables[0]!.routes = live.nodes.map((node, index) => ({
        name: node.name,
        addressPrefix: `10.244.${index}.0/24`,
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: ip(index),
      }));
      live.nodePools[0]!.count = count;
      change(live);
    });
  }

  it("cuts the full snapshot first when the body is too long", () => {
    const { issue } = drift(large(250, drifts.outboundType));
    expect(issue.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(issue.body).toContain("Cut to stay under GitHub's 65,536-character limit: the full snapshot.");
    expect(issue.body).toContain('"networkProfile": {');
    expect(issue.body).not.toContain("limit: the live values");
  });

  it("then the live values, keeping the findings and the commands", () => {
    const stale = {
      name: "stale",
      addressPrefix: "10.244.251.0/24",
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.224.9.9",
    };
    const { issue } = drift(large(250, (live) => live.routeTables[0]!.routes.push(stale)));
    expect(issue.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(issue.body).toContain("Cut to stay under GitHub's 65,536-character limit: the live values.");
    expect(issue.body).toContain("`routes.stale`");
    expect(issue.body).toContain(
      "route delete --subscription 00000000-0000-0000-0000-000000000000 -g MC_rg1_clustername1_location1 --route-table-name aks-agentpool-12345678-routetable -n stale",
    );
  });

  it("keeps a body with thousands of findings under the limit, marker first, findings cut with a note", () => {
    const result = checked("aks-a", [], (live) => {
      live.nodes = Array.from({ length: 3000 }, (__, index) => ({
        name: `${nodeName(index)}-${"x".repeat(40)}`,
        pool: "nodepool1",
        privateIps: [`10.${224 + Math.floor(index / 60000)}.${Math.floor(index / 250)}.${(index % 250) + 4}`],
      }));
    });
    const { input, issue } = drift(result);
    expect(input.findings.length).toBeGreaterThan(2000);
    expect(issue.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(issue.body.startsWith("<!-- aks-network-gate:v1")).toBe(true);
    expect(issue.body).toMatch(
      /Cut to stay under GitHub's 65,536-character limit: (\d+ more findings|the rest of this body)/,
    );
  });
});

describe("hardCut", () => {
  it("closes an open fence and details, and ends with the note", () => {
    const body = `head\n<details><summary>s</summary>\n\n\`\`\`json\n${"x\n".repeat(GITHUB_BODY_LIMIT)}`;
    const cut = hardCut(body, links);
    expect(cut.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(cut).toMatch(
      /x\n```\n\n<\/details>\n\n_Cut to stay under GitHub's 65,536-character limit: the rest of this body\./,
    );
  });
});

describe("the error body", () => {
  it("shows the failure as text, never as Markdown", () => {
    const message = "denied [x](https://evil.example) @everyone ```";
    const body = renderErrorIssue({
      state: errorState("/x/managedClusters/aks-a", message),
      owner: noOwner,
      links,
      clusterId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-a",
      message,
    }).body;
    expect(body).toContain(`\`\`\`\`text\n${message}\n\`\`\`\``);
    expect(prose(body)).not.toContain("@everyone");
    expect(body).toContain("az aks show --subscription s -g rg -n aks-a --query networkProfile");
  });
});

describe("the job summary", () => {
  it("links each issue, names what the run did, and says why an issue is missing", () => {
    const summary = renderIssueSummary({
      written: true,
      maxIssues: 1,
      openBefore: 1,
      reports: [
        {
          clusterId: "/x/aks-a",
          kind: "drift",
          action: "created",
          issue: { number: 4, url: "https://github.com/o/r/issues/4", open: true },
          notes: [],
        },
        { clusterId: "/x/aks-b", kind: "drift", action: "capped", notes: [] },
        { clusterId: "/x/aks-c", kind: "drift", action: "failed", error: "GitHub is unavailable", notes: [] },
        { clusterId: "/x/aks-d", kind: "error", action: "none", notes: [] },
      ],
      suspects: [],
    });
    expect(summary).toContain("| aks-a | drift | [#4](https://github.com/o/r/issues/4) | opened |");
    expect(summary).toContain("| aks-b | drift | – | not opened: `max-issues` reached |");
    expect(summary).toContain("| aks-c | drift | – | ⚠️ not written: GitHub is unavailable |");
    expect(summary).not.toContain("aks-d");
    expect(summary).toContain("1 cluster got no issue: 1 gate issues were open and `max-issues` is 1.");
    expect(renderIssueSummary({ written: false, reason: "r", quiet: true })).toBe("");
    expect(summary).not.toContain("impersonation");
  });

  it("names the issues that only look like the gate's, once, with their authors as text", () => {
    const summary = renderIssueSummary({
      written: true,
      maxIssues: 10,
      openBefore: 0,
      author: "github-actions[bot]",
      reports: [],
      suspects: [
        { number: 3, url: "https://github.com/o/r/issues/3", open: true, author: "mallory" },
        { number: 5, url: "https://github.com/o/r/issues/5", open: true, author: "mal`lory" },
      ],
    });
    expect(summary.match(/Possible impersonation/g)).toHaveLength(1);
    expect(summary).toContain(
      "⚠️ **Possible impersonation**: 2 open issues carry the gate's marker and label but were not written by `github-actions[bot]`, the identity the gate writes with: [#3](https://github.com/o/r/issues/3) by `mallory`, [#5](https://github.com/o/r/issues/5) by `mal'lory`.",
    );
    expect(summary).toContain("not counted against `max-issues`");
    expect(summary).not.toContain("@mallory");
  });
});
