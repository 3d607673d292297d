/**
 * The semantics of `fail-on`, one row per cluster and `fail-on` value: the
 * result, the exit code, the headline of the job summary, the CLI's last
 * line, the level of each annotation and the cluster's issues, all read off
 * the one verdict and the renderers that show it.
 */
import { CLI_WORDS, type FailOn, type Verdict, verdictOf } from "../../src/core/verdict.js";
import type { ClusterResult, Finding } from "../../src/core/model.js";
import { renderReport } from "../../src/present/markdown.js";
import { renderTerminalReport } from "../../src/entry/cli/terminal.js";
import { CLUSTER_ID, kubenetSnapshot } from "../fixtures/snapshots.js";

const WARNING: Finding = {
  rule: "lifecycle.kubenetRetirement",
  severity: "warning",
  clusterId: CLUSTER_ID,
  resourceId: CLUSTER_ID,
  path: "networkProfile.networkPlugin",
  expected: "azure (CNI Overlay)",
  actual: "kubenet",
  message: "kubenet is retired on 2028-03-31.",
};

const ERROR: Finding = {
  ...WARNING,
  rule: "drift.networkProfile",
  severity: "error",
  path: "networkProfile.podCidrs",
  expected: "10.244.0.0/16",
  actual: "10.245.0.0/16",
  message: "network profile: podCidrs is 10.245.0.0/16, the baseline expects 10.244.0.0/16.",
};

function checked(findings: Finding[]): ClusterResult {
  return {
    kind: "checked",
    clusterId: CLUSTER_ID,
    snapshot: kubenetSnapshot(3),
    expected: { id: CLUSTER_ID, networkProfile: {}, suppressions: [] },
    findings,
  };
}

const CLUSTERS = {
  clean: checked([]),
  warned: checked([WARNING]),
  erroring: checked([ERROR, WARNING]),
  unreadable: { kind: "error", clusterId: CLUSTER_ID, message: "Azure denied reading x." } as ClusterResult,
};

type Cluster = keyof typeof CLUSTERS;

function verdict(cluster: Cluster, failOn: FailOn, words = undefined as typeof CLI_WORDS | undefined): Verdict {
  return verdictOf([CLUSTERS[cluster]], { failOn, issueOnError: true }, words);
}

/** The first line of the job summary, as the action writes it. */
function summaryHeadline(value: Verdict): string {
  const context = { mode: "check" as const, baselineFile: "b.yml", runUrl: undefined, commit: undefined };
  const report = renderReport(value, { ...context, evidencePath: undefined, slice: undefined });
  return (report.split("\n")[0] ?? "").replace(/^## AKS Network Gate: /, "");
}

/** The CLI's last line, from the verdict in the CLI's words. */
function cliExitLine(cluster: Cluster, failOn: FailOn): string {
  const outcome = { verdict: verdict(cluster, failOn, CLI_WORDS), fleetSize: 1, baseline: undefined };
  const summary = { command: "check" as const, baselineFile: "b.yml", failOn, outcome, evidence: undefined };
  const report = renderTerminalReport({ ...summary, error: undefined }, { color: false, width: 200 });
  return report.trimEnd().split("\n").at(-1) ?? "";
}

const DRIFT = "drift: the live network differs from the baseline or breaks a network rule";
const CANNOT_SEE = "⚠️ error: the gate could not see the whole network, so it does not pass";
const UNREAD = "1 cluster could not be read, so the gate does not pass";

interface Row {
  cluster: Cluster;
  failOn: FailOn;
  result: Verdict["result"];
  exitCode: number;
  headline: string;
  cli: string;
  /** The level of each annotation: per active finding, or the cluster's own when it could not be read. */
  annotations: string[];
  /** Each issue the cluster has after the run: open (opened or kept) or closed. */
  issues: string[];
}

// prettier-ignore
const TABLE: Row[] = [
  { cluster: "clean", failOn: "error", result: "pass", exitCode: 0, headline: "✅ pass: the live network matches the baseline", cli: "Exit 0: pass", annotations: [], issues: ["drift closed", "error closed"] },
  { cluster: "clean", failOn: "warning", result: "pass", exitCode: 0, headline: "✅ pass: the live network matches the baseline", cli: "Exit 0: pass", annotations: [], issues: ["drift closed", "error closed"] },
  { cluster: "clean", failOn: "never", result: "pass", exitCode: 0, headline: "✅ pass: the live network matches the baseline", cli: "Exit 0: pass", annotations: [], issues: ["drift closed", "error closed"] },
  { cluster: "warned", failOn: "error", result: "pass", exitCode: 0, headline: "✅ pass: 1 warning does not fail the gate under fail-on: error", cli: "Exit 0: 1 warning does not fail the gate under --fail-on error", annotations: ["warning"], issues: ["drift closed", "error closed"] },
  { cluster: "warned", failOn: "warning", result: "drift", exitCode: 1, headline: `❌ ${DRIFT}; 1 finding fails the gate under fail-on: warning`, cli: "Exit 1: 1 finding fails the gate under --fail-on warning", annotations: ["error"], issues: ["drift open", "error closed"] },
  { cluster: "warned", failOn: "never", result: "pass", exitCode: 0, headline: "✅ pass: 1 warning does not fail the gate under fail-on: never", cli: "Exit 0: 1 warning does not fail the gate under --fail-on never", annotations: ["warning"], issues: ["drift closed", "error closed"] },
  { cluster: "erroring", failOn: "error", result: "drift", exitCode: 1, headline: `❌ ${DRIFT}; 1 finding fails the gate under fail-on: error`, cli: "Exit 1: 1 finding fails the gate under --fail-on error", annotations: ["error", "warning"], issues: ["drift open", "error closed"] },
  { cluster: "erroring", failOn: "warning", result: "drift", exitCode: 1, headline: `❌ ${DRIFT}; 2 findings fail the gate under fail-on: warning`, cli: "Exit 1: 2 findings fail the gate under --fail-on warning", annotations: ["error", "error"], issues: ["drift open", "error closed"] },
  { cluster: "erroring", failOn: "never", result: "drift", exitCode: 0, headline: `⚠️ ${DRIFT}; findings reported only (fail-on: never)`, cli: "Exit 0: findings reported only (--fail-on never)", annotations: ["warning", "warning"], issues: ["drift open", "error closed"] },
  { cluster: "unreadable", failOn: "error", result: "error", exitCode: 2, headline: CANNOT_SEE, cli: `Exit 2: ${UNREAD}`, annotations: ["error"], issues: ["error open"] },
  { cluster: "unreadable", failOn: "warning", result: "error", exitCode: 2, headline: CANNOT_SEE, cli: `Exit 2: ${UNREAD}`, annotations: ["error"], issues: ["error open"] },
  { cluster: "unreadable", failOn: "never", result: "error", exitCode: 2, headline: CANNOT_SEE, cli: `Exit 2: ${UNREAD}`, annotations: ["error"], issues: ["error open"] },
];

describe("fail-on semantics: one row per cluster and fail-on value", () => {
  it.each(TABLE)("$cluster cluster, fail-on: $failOn → result $result, exit $exitCode, $headline", (row: Row) => {
    const value = verdict(row.cluster, row.failOn);
    expect({
      result: value.result,
      exitCode: value.exitCode,
      fails: value.fails,
      headline: summaryHeadline(value),
      cli: cliExitLine(row.cluster, row.failOn),
      annotations: value.clusters.flatMap((cluster) => cluster.annotations.map((entry) => entry.level)),
      issues: value.issues.map((issue) => `${issue.kind} ${issue.open ? "open" : "closed"}`),
    }).toEqual({
      result: row.result,
      exitCode: row.exitCode,
      fails: row.exitCode !== 0,
      headline: row.headline,
      cli: row.cli,
      annotations: row.annotations,
      issues: row.issues,
    });
  });
});

describe("the verdict holds together", () => {
  const all = TABLE.map((row) => verdict(row.cluster, row.failOn));

  it("never says pass in the headline of a job that fails, and always says why it fails", () => {
    for (const value of all.filter((entry) => entry.fails)) {
      expect(value.headline.text).not.toMatch(/^pass/);
      expect(value.headline.tone).not.toBe("pass");
      expect(value.failure).toEqual(expect.any(String));
    }
    for (const value of all.filter((entry) => !entry.fails)) expect(value.failure).toBeUndefined();
  });

  it("fails the job exactly when an annotation is an error", () => {
    for (const value of all) {
      const errors = value.clusters
        .flatMap((cluster) => cluster.annotations)
        .filter((entry) => entry.level === "error");
      expect(errors.length > 0).toBe(value.fails);
    }
  });

  it("opens a drift issue exactly for a drifting cluster, whether or not the job fails", () => {
    for (const value of all) {
      const drift = value.issues.find((issue) => issue.kind === "drift");
      if (drift) expect(drift.open).toBe(value.result === "drift");
    }
  });
});

describe("details of the verdict", () => {
  it("lists the failing findings in the job's failure message, in the action's words", () => {
    expect(verdict("erroring", "warning").failure).toBe(
      [
        "AKS network drift: 2 finding(s) fail the gate (fail-on: warning):",
        `- clustername1: ${ERROR.rule} ${ERROR.path}: ${ERROR.message}`,
        `- clustername1: ${WARNING.rule} ${WARNING.path}: ${WARNING.message}`,
      ].join("\n"),
    );
  });

  it("counts a finding the baseline silences as neither active nor failing", () => {
    const silenced = checked([{ ...ERROR, suppressed: "approved in CHG-1" }, WARNING]);
    const value = verdictOf([silenced], { failOn: "error", issueOnError: false });
    expect(value.clusters[0]).toMatchObject({ status: "pass", errors: 0, warnings: 1, failing: [] });
    expect(value.clusters[0]?.silenced).toHaveLength(1);
    expect(value).toMatchObject({ result: "pass", exitCode: 0, findings: [WARNING] });
  });

  it("leaves an unreadable cluster's issues alone unless issue-on-error asks for one", () => {
    const value = verdictOf([CLUSTERS.unreadable], { failOn: "never", issueOnError: false });
    expect(value).toMatchObject({ result: "error", exitCode: 2, fails: true, issues: [] });
  });

  it("makes an error of the run when one cluster of many cannot be read, and keeps the others' issues", () => {
    const value = verdictOf([CLUSTERS.erroring, CLUSTERS.unreadable], { failOn: "error", issueOnError: false });
    expect(value.result).toBe("error");
    expect(value.exitCode).toBe(2);
    expect(value.failure).toBe(
      `The gate could not read 1 cluster(s), so it does not pass:\n${CLUSTER_ID}: Azure denied reading x.`,
    );
    expect(value.issues.map((issue) => `${issue.kind} ${issue.open ? "open" : "closed"}`)).toEqual([
      "drift open",
      "error closed",
    ]);
  });
});
