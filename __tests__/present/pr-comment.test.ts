/**
 * The plan comment of a pull request: its marker first, the change in words,
 * the drift until applied, the rules of the new plan and the diagram; every
 * outside value escaped; under GitHub's limit however large the plan.
 */
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import type { BaselineCluster, Finding } from "../../src/core/model.js";
import { planMarker } from "../../src/core/pr-plan/comment.js";
import { type ClusterPlan, planOf, type PullRequestPlan } from "../../src/core/pr-plan/plan.js";
import { GITHUB_BODY_LIMIT } from "../../src/present/issue.js";
import {
  type PlanCommentContext,
  renderCommentOutcome,
  renderPlanComment,
  renderPlanReport,
} from "../../src/present/pr-comment.js";
import { CLUSTER_ID, kubenetSnapshot } from "../fixtures/snapshots.js";

const live = kubenetSnapshot(3);
const marker = planMarker(".github/aks-network-baseline.yml", { index: 1, count: 1 });
const context: PlanCommentContext = {
  marker,
  baselineFile: ".github/aks-network-baseline.yml",
  baseSha: "a".repeat(40),
  headSha: "b".repeat(40),
  failOn: "error",
  links: {
    baselineFile: ".github/aks-network-baseline.yml",
    runUrl: "https://github.com/contoso/platform-network/actions/runs/7",
    runId: "7",
    commit: "c".repeat(40),
    commitUrl: undefined,
    evidencePath: "aks-network-evidence/run-7",
    artifact: undefined,
  },
  notes: [],
};

function planFor(edit: (entry: BaselineCluster) => void): PullRequestPlan {
  const base = baselineFromSnapshot(live);
  const head = structuredClone(base);
  edit(head);
  const results = [
    {
      kind: "checked" as const,
      clusterId: CLUSTER_ID,
      snapshot: live,
      expected: head,
      findings: compareCluster(head, live),
    },
  ];
  return planOf({
    base: { version: 1, clusters: [base], exclusions: [] },
    head: { version: 1, clusters: [head], exclusions: [] },
    results,
    policy: { failOn: "error", issueOnError: false },
  });
}

const widen = planFor((entry) => {
  entry.networkProfile.podCidrs = ["10.244.0.0/15"];
  entry.nodePools?.push({ name: "userpool", mode: "User", count: 4 });
});

describe("the plan comment", () => {
  it("starts with its marker and says the change, the drift until applied, the rules and the diagram", () => {
    const body = renderPlanComment(widen, context);
    expect(body.split("\n")[0]).toBe(marker);
    expect(body).toContain("## AKS Network Gate: ✅ plan of this baseline change");
    expect(body).toContain(
      "`.github/aks-network-baseline.yml` of this pull request at `bbbbbbbbbbbb`, compared with the base branch's at `aaaaaaaaaaaa`",
    );
    expect(body).toContain(
      "- **clustername1**:\n  - `networkProfile.podCidrs`: `10.244.0.0/16` → `10.244.0.0/15`\n  - `nodePools[userpool]` added: mode User, count 4",
    );
    expect(body).toContain("| Cluster | Field | New baseline | Live now |");
    expect(body).toContain("| clustername1 | `nodePools[userpool]` | userpool | (none) |");
    expect(body).toContain("Under `fail-on: error`, the errors fail this job; warnings are shown.");
    expect(body).toContain("### Address plan of the new plan");
    expect(body).toMatch(/```mermaid\nflowchart LR\n/u);
    expect(body).toContain(
      "Run: [workflow run 7](https://github.com/contoso/platform-network/actions/runs/7) · evidence `aks-network-evidence/run-7`",
    );
    expect(renderPlanReport(widen, context)).toBe(body);
  });

  it("escapes what the baseline says: no mention, link, HTML or table cell break gets through", () => {
    const plan = planFor((entry) => {
      entry.suppressions = [
        {
          rule: "lifecycle.kubenetRetirement",
          reason: "@contoso/all <img src=x onerror=alert(1)> | see https://evil.example #12",
        },
      ];
      entry.owner = "@mallory`";
    });
    const body = renderPlanComment(plan, {
      ...context,
      notes: ["The base branch's baseline is not valid (line 3: <b>bad</b>)."],
    });
    expect(body).toContain(
      "- `suppress[lifecycle.kubenetRetirement]` added: @\u200bcontoso/all \\<img src=x onerror=alert(1)\\> \\| see https:\u200b//evil.example #\u200b12",
    );
    expect(body).toContain("- `owner` now pinned: `@mallory'`");
    expect(body).toContain("> The base branch's baseline is not valid (line 3: \\<b\\>bad\\</b\\>).");
    expect(body).not.toMatch(/(?<!\\)<(img|b)\b/u);
    expect(body).not.toContain("Fixed by this change");
  });

  it("says when nothing drifts and no rule breaks, and what the change fixes", () => {
    const overlapping = baselineFromSnapshot(live);
    overlapping.networkProfile.podCidrs = ["10.230.0.0/16"];
    const results = [
      {
        kind: "checked" as const,
        clusterId: CLUSTER_ID,
        snapshot: live,
        expected: baselineFromSnapshot(live),
        findings: [],
      },
    ];
    const plan = planOf({
      base: { version: 1, clusters: [overlapping], exclusions: [] },
      head: {
        version: 1,
        clusters: [{ ...baselineFromSnapshot(live), suppressions: [{ rule: "lifecycle.*", reason: "CHG-1" }] }],
        exclusions: [],
      },
      results,
      policy: { failOn: "error", issueOnError: false },
    });
    const body = renderPlanComment(plan, context);
    expect(body).toContain("No cluster drifts against the new baseline: the live network already has what it plans.");
    expect(body).toContain("The new plan breaks no network rule");
    expect(body).toContain(
      "Fixed by this change:\n\n- clustername1: `addressPlan.podCidrOverlapsVnet` at `networkProfile.podCidrs`",
    );
    expect(body).toContain("1 rule finding(s) of the new plan are silenced by its `suppress` entries.");
  });

  it("stays under GitHub's limit: diagrams go first, then a hard cut with a note", () => {
    const cluster = widen.clusters[0] as ClusterPlan;
    const rule = (index: number): Finding => ({
      ...(cluster.rules[0]?.finding as Finding),
      message: `${"x".repeat(600)} ${index}`,
    });
    const many = (clusters: number, rules: number): PullRequestPlan => ({
      ...widen,
      clusters: Array.from({ length: clusters }, (_, index) => ({
        ...cluster,
        change: { ...cluster.change, clusterId: `${CLUSTER_ID}${index}` },
        rules: Array.from({ length: rules }, (_, at) => ({ finding: rule(at), since: "new" as const })),
      })),
    });
    const noDiagrams = renderPlanComment(many(10, 8), context);
    expect(renderPlanReport(many(10, 8), context).length).toBeGreaterThan(GITHUB_BODY_LIMIT);
    expect(noDiagrams.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(noDiagrams).not.toContain("```mermaid");
    expect(noDiagrams).toContain("_The address plan diagrams are left out to stay under GitHub's comment limit;");
    const cut = renderPlanComment(many(12, 10), context);
    expect(cut.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(cut.split("\n")[0]).toBe(marker);
    expect(cut).toContain("_Cut to stay under GitHub's 65,536-character limit: the rest of this body.");
  });
});

describe("what became of the comment, in the job summary", () => {
  it("links the comment, or says why there is none", () => {
    const url = "https://github.com/contoso/platform-network/pull/3#issuecomment-9";
    expect(renderCommentOutcome({ posted: true, action: "created", url })).toContain(
      `The pull request's [plan comment](${url}) was created.`,
    );
    expect(renderCommentOutcome({ posted: true, action: "unchanged", url })).toContain(") is current.");
    expect(renderCommentOutcome({ posted: false, reason: "pull request #3 comes from a fork <x>." })).toContain(
      "No pull request comment was written: pull request #\u200b3 comes from a fork \\<x\\>. The plan above is the same.",
    );
  });
});
