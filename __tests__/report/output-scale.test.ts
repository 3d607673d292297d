/**
 * Output that scales: one cause is one finding (its consequences counted,
 * a few named, all kept), the job summary always fits GitHub's 1 MiB per step
 * and is cut in a fixed order with a pointer to the full report, annotations
 * stop at what GitHub shows with one that counts the rest, and the summary
 * names each failing cluster's owner and issue under the headline.
 */
import { describe, expect, it } from "@jest/globals";
import type { IssuePublication } from "../../src/core/issues/plan.js";
import type { OwnerSuggestion } from "../../src/core/issues/owner.js";
import type { ClusterResult, ClusterSnapshot, Finding } from "../../src/core/model.js";
import { verdictOf } from "../../src/core/verdict.js";
import { unbaselinedResult } from "../../src/core/fleet/inventory.js";
import { FINDING_ANNOTATIONS, pickAnnotations } from "../../src/present/annotations.js";
import { renderJobSummary, SUMMARY_BUDGET } from "../../src/present/job-summary.js";
import type { ReportContext } from "../../src/present/markdown.js";
import { kubenetSnapshot } from "../fixtures/snapshots.js";
import { type CheckedResult, checkedAfter } from "./fixtures.js";

const CONTEXT: ReportContext = {
  mode: "check",
  baselineFile: ".github/aks-network-baseline.yml",
  runUrl: "https://github.com/contoso/platform-network/actions/runs/1001",
  commit: "0123456789abcdef0123456789abcdef01234567",
  evidencePath: "aks-network-evidence/run-1001",
  slice: undefined,
};

function renamed(snapshot: ClusterSnapshot, name: string): ClusterSnapshot {
  return { ...snapshot, id: snapshot.id.replace(/clustername1$/, name), name };
}

/** A kubenet cluster of `nodes` nodes whose pod CIDR moved while its node routes stayed. */
function podCidrMoved(nodes: number, name = "clustername1"): CheckedResult {
  return checkedAfter(renamed(kubenetSnapshot(nodes), name), (live) => {
    live.networkProfile.podCidrs = ["10.245.0.0/16"];
  });
}

function summaryOf(results: ClusterResult[], extra: Partial<Parameters<typeof renderJobSummary>[0]> = {}) {
  return renderJobSummary({
    verdict: verdictOf(results, { failOn: "error", issueOnError: false }),
    context: CONTEXT,
    fullReport: { path: "aks-network-evidence/run-1001/report.md", artifact: undefined },
    tail: [],
    ...extra,
  });
}

describe("one cause, one finding", () => {
  it("folds every node route outside a moved pod CIDR into the pod CIDR's drift, counted, with examples, all kept", () => {
    const result = podCidrMoved(40);
    const rules = result.findings.map((item) => item.rule);
    expect(rules).not.toContain("routes.outsidePodCidr");
    const cause = result.findings.find((item) => item.rule === "drift.networkProfile");
    expect(cause?.consequences?.count).toBe(40);
    expect(cause?.consequences?.examples).toEqual([
      "routes.outsidePodCidr 10.244.0.0/24",
      "routes.outsidePodCidr 10.244.1.0/24",
      "routes.outsidePodCidr 10.244.2.0/24",
    ]);
    expect(cause?.consequences?.all.map((item) => item.actual)).toEqual(
      Array.from({ length: 40 }, (_, index) => `10.244.${index}.0/24`),
    );
    expect(cause?.message).toMatch(/It causes 40 more findings, folded into this one: 40 × routes\.outsidePodCidr/);
  });

  it("keeps every consequence in what the evidence writes (the findings as JSON)", () => {
    const [cause] = JSON.parse(JSON.stringify(podCidrMoved(12).findings)) as Finding[];
    expect(cause?.consequences?.all).toHaveLength(12);
    expect(cause?.consequences?.all[11]).toMatchObject({ rule: "routes.outsidePodCidr", actual: "10.244.11.0/24" });
  });

  it("leaves a lone consequence as its own row, and folds nothing without a cause", () => {
    const lone = podCidrMoved(1);
    expect(lone.findings.map((item) => item.rule)).toContain("routes.outsidePodCidr");
    const routesOnly = checkedAfter(kubenetSnapshot(5), (live) => {
      for (const route of live.routeTables[0]!.routes)
        route.addressPrefix = route.addressPrefix.replace("10.244.", "10.246.");
    });
    expect(routesOnly.findings.filter((item) => item.rule === "routes.outsidePodCidr")).toHaveLength(5);
    expect(routesOnly.findings.some((item) => item.consequences)).toBe(false);
  });
});

describe("the job summary's budget", () => {
  it("keeps the full report when it fits, with no cut line", () => {
    const summary = summaryOf([podCidrMoved(3)]);
    expect(summary).toContain("#### Address plan");
    expect(summary).not.toContain("_Cut to stay under");
  });

  it("fits a huge verdict under 1 MiB, cutting in the fixed order and pointing at the full report", () => {
    const results = Array.from({ length: 60 }, (_, index) => {
      const result = podCidrMoved(3, `aks-${index}`);
      const noisy = Array.from({ length: 400 }, (_, row): Finding => ({
        rule: "routes.stale",
        severity: "error",
        clusterId: result.clusterId,
        resourceId: result.clusterId,
        path: `routeTables[rt].routes[10.${row}.0.0/24]`,
        expected: "a node with this IP",
        actual: `10.1.${row % 250}.9`,
        message: `Route ${row} points at an address no node has. ${"x".repeat(120)}`,
      }));
      return { ...result, findings: [...result.findings, ...noisy] };
    });
    const summary = summaryOf(results);
    expect(new TextEncoder().encode(summary).length).toBeLessThanOrEqual(SUMMARY_BUDGET.limit);
    expect(summary.startsWith("## AKS Network Gate: ❌ drift")).toBe(true);
    expect(summary).toContain("| aks-59 | ❌ drift |");
    expect(summary).toMatch(
      /_Cut to stay under GitHub's 1 MiB limit on a step's summary: the address plans, the writes behind the findings and the silenced findings, finding rows beyond 20 per cluster\. The full report is the evidence's `aks-network-evidence\/run-1001\/report\.md`\._/,
    );
    expect(summary).toContain("_382 more findings of this cluster are in the full report._");
    expect(summary).not.toContain("#### Address plan");
  });

  it("lists the clusters that fail first in the overview, so that a fleet's cut keeps their rows", () => {
    const passing = Array.from({ length: 16_000 }, (_, index) =>
      checkedAfter(renamed(kubenetSnapshot(1), `aks-prod-westeurope-platform-${String(index).padStart(5, "0")}`)),
    );
    const rogue = unbaselinedResult(
      {
        id: "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-x/providers/Microsoft.ContainerService/managedClusters/rogue",
        name: "rogue",
        subscriptionId: "11111111-1111-4111-8111-111111111111",
        resourceGroup: "rg-x",
        location: "westeurope",
        networkPlugin: "azure",
        tags: {},
      },
      "error",
    );
    const summary = summaryOf([...passing, rogue]);
    expect(new TextEncoder().encode(summary).length).toBeLessThanOrEqual(SUMMARY_BUDGET.limit);
    const lines = summary.split("\n");
    expect(lines[lines.findIndex((line) => line.startsWith("|---")) + 1]).toMatch(/^\| rogue \| ❌ drift \|/);
    expect(summary).toContain("past that, the summary itself was cut at a line");
    expect(summary).toContain(
      "16000 cluster(s) checked, and 1 of the fleet's inventory (not in the baseline, or gone).",
    );
  });

  it("drops passing clusters' sections before it cuts a failing cluster's rows", () => {
    const passing = Array.from({ length: 150 }, (_, index) => {
      const result = checkedAfter(renamed(kubenetSnapshot(2), `ok-${index}`));
      const silenced = Array.from({ length: 20 }, (_, row): Finding => ({
        ...(result.findings[0] as Finding),
        path: `subnets[s${row}].routeTableId`,
        suppressed: `accepted by the network team, ticket ${row}: ${"y".repeat(400)}`,
      }));
      return { ...result, findings: [...result.findings, ...silenced] };
    });
    const summary = summaryOf([podCidrMoved(3), ...passing]);
    expect(new TextEncoder().encode(summary).length).toBeLessThanOrEqual(SUMMARY_BUDGET.limit);
    expect(summary).toContain(
      "_Cut to stay under GitHub's 1 MiB limit on a step's summary: the address plans, the sections of 150 passing clusters.",
    );
    expect(summary).not.toContain("finding rows beyond");
    expect(summary).toContain("It causes 3 more findings");
  });
});

describe("annotations", () => {
  const item = (level: "error" | "warning", name: string) => ({ level, name });

  it("shows all when GitHub shows all", () => {
    const all = [item("warning", "w1"), item("error", "e1")];
    expect(pickAnnotations(all)).toEqual({ shown: [item("error", "e1"), item("warning", "w1")], more: undefined });
  });

  it("shows the most severe first, as many as GitHub shows, and one that counts the rest", () => {
    const all = [
      ...Array.from({ length: 30 }, (_, index) => item("warning", `w${index}`)),
      ...Array.from({ length: 20 }, (_, index) => item("error", `e${index}`)),
    ];
    const { shown, more } = pickAnnotations(all);
    expect(shown.map((each) => each.name)).toEqual([
      ...Array.from({ length: 8 }, (_, index) => `e${index}`),
      ...Array.from({ length: 10 }, (_, index) => `w${index}`),
    ]);
    expect(more).toEqual({
      level: "error",
      message:
        "32 more findings (12 errors, 20 warnings) are not annotated: GitHub shows 10 error and 10 warning annotations per step. The job summary and the evidence's findings.json list every finding.",
    });
  });

  it("leaves three warnings of GitHub's ten for what the run says after its findings", () => {
    const all = Array.from({ length: 30 }, (_, index) => item("warning", `w${index}`));
    const { shown, more } = pickAnnotations(all, FINDING_ANNOTATIONS);
    expect(shown.map((each) => each.name)).toEqual(Array.from({ length: 6 }, (_, index) => `w${index}`));
    expect(more).toMatchObject({
      level: "warning",
      message: expect.stringMatching(/^24 more findings \(0 errors, 24 warnings\)/),
    });
  });

  it("takes the last warning's place when only warnings overflow", () => {
    const all = [item("error", "e0"), ...Array.from({ length: 11 }, (_, index) => item("warning", `w${index}`))];
    const { shown, more } = pickAnnotations(all);
    expect(shown).toHaveLength(10);
    expect(more?.level).toBe("warning");
    expect(more?.message).toMatch(/^2 more findings \(0 errors, 2 warnings\)/);
  });
});

describe("owner and issue near the top", () => {
  it("names each failing cluster's suggested owner and issue in the overview under the headline", () => {
    const failing = podCidrMoved(3, "aks-pay");
    const passing = checkedAfter(renamed(kubenetSnapshot(2), "aks-ok"));
    const owners = (): OwnerSuggestion => ({
      owner: { handles: [{ kind: "team", org: "contoso", slug: "payments" }], source: "azure-tag", detail: "" },
      skipped: [],
    });
    const issues: IssuePublication = {
      written: true,
      reports: [
        {
          clusterId: failing.clusterId,
          kind: "drift",
          action: "created",
          issue: { number: 7, url: "https://github.com/contoso/platform-network/issues/7", open: true },
          notes: [],
        },
      ],
      maxIssues: 20,
      openBefore: 0,
      suspects: [],
    };
    const summary = summaryOf([failing, passing], { owners, issues });
    const lines = summary.split("\n");
    expect(lines.slice(0, 8)).toEqual([
      expect.stringMatching(/^## AKS Network Gate: ❌ drift/),
      "",
      "Baseline `.github/aks-network-baseline.yml`, 2 cluster(s) checked.",
      "",
      "| Cluster | Result | Errors | Warnings | Silenced | Owner | Issue |",
      "|---|---|---|---|---|---|---|",
      "| aks-pay | ❌ drift | 1 | 1 | 0 | @\u200bcontoso/payments | [#7](https://github.com/contoso/platform-network/issues/7) |",
      "| aks-ok | ✅ pass (warnings) | 0 | 1 | 0 | – | – |",
    ]);
  });
});
