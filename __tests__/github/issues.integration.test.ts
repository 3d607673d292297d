/**
 * The issue lifecycle through the real Octokit of @actions/github (with the
 * retry and throttling plugins) against the GitHub stand-in on loopback.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createIssueApi, type IssueApiFactory } from "../../src/io/github/client.js";
import { settleDuplicates } from "../../src/app/issues.js";
import { type IssueContent, type IssuePublication } from "../../src/core/issues/plan.js";
import { driftState, parseMarker, renderMarker } from "../../src/core/issues/marker.js";
import { issueOutputs, publishIssues } from "../../src/app/publish-issues.js";
import { GITHUB_BODY_LIMIT, renderIssueSummary } from "../../src/present/issue.js";
import type { ClusterResult } from "../../src/core/model.js";
import {
  appBot,
  type GitHubSandbox,
  notAccessibleFault,
  type SandboxIssue,
  secondaryRateLimitFault,
  startGitHubSandbox,
  userAccount,
} from "../../sandbox/github.js";
import { nodeIp, nodeName } from "../fixtures/snapshots.js";
import {
  checked,
  drifts,
  issueInputsFor,
  recordingLogger,
  settingsFor,
  unreadable,
  workspace,
  type RecordingLogger,
} from "./fixtures.js";

const fast: IssueApiFactory = (options) => createIssueApi({ ...options, retryAfterBaseValue: 5 });
const DAY = 24 * 60 * 60 * 1000;

let github: GitHubSandbox;
let logger: RecordingLogger;
let root: string;

beforeEach(async () => {
  github = await startGitHubSandbox({ token: "ghs_sandbox", assignable: ["octocat"] });
  logger = recordingLogger();
  root = workspace();
});

afterEach(async () => {
  await github.close();
});

interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  now?: Date;
}

async function publish(results: ClusterResult[], options: RunOptions = {}): Promise<IssuePublication> {
  const settings = settingsFor(root, github.url, { owner: "@contoso/payments", ...options.inputs }, options.env);
  const now = options.now ?? new Date();
  return publishIssues(await issueInputsFor(settings, results), { logger, now: () => now, createApi: fast });
}

function reportsOf(publication: IssuePublication) {
  if (!publication.written) throw new Error(`not written: ${publication.reason}`);
  return publication.reports.filter((report) => report.action !== "none");
}

describe("one issue per cluster, kept current", () => {
  it("opens one issue on the first drift, with title, labels, marker, owner and outputs", async () => {
    const result = checked("aks-payments", [drifts.podCidr]);
    const findings = result.kind === "checked" ? result.findings.filter((item) => !item.suppressed) : [];
    expect(findings.length).toBeGreaterThan(1);
    const publication = await publish([result]);
    expect(reportsOf(publication)).toMatchObject([{ kind: "drift", action: "created", issue: { number: 1 } }]);
    const [issue] = github.open();
    expect(issue?.title).toBe(`AKS network drift: aks-payments (${findings.length} findings)`);
    expect(issue?.labels).toEqual(["aks-network-drift"]);
    expect(parseMarker(issue?.body)).toMatchObject({ kind: "drift" });
    expect(parseMarker(issue?.body)?.items.map((item) => item.rule)).toEqual(findings.map((item) => item.rule));
    expect(findings[0]?.rule).toBe("drift.networkProfile");
    expect(issue?.body).toContain("@contoso/payments (team): from the owner input of the action.");
    expect(issueOutputs(publication)).toMatchObject({
      "issue-number": "1",
      "issue-url": "https://github.com/contoso/platform-network/issues/1",
    });
    expect(renderIssueSummary(publication)).toContain(
      "[#1](https://github.com/contoso/platform-network/issues/1) | opened",
    );
  });

  it("changes nothing when the same drift is found again: no edit, no comment", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    const writes = github.writes().length;
    const again = await publish([checked("aks-payments", [drifts.podCidr])]);
    expect(reportsOf(again)).toMatchObject([{ action: "unchanged", issue: { number: 1 } }]);
    expect(github.writes().length).toBe(writes);
    expect(github.issues.get(1)?.comments).toEqual([]);
  });

  it("updates the body and comments what changed when the findings change", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    const before = github.issues.get(1)?.body;
    const changed = await publish([checked("aks-payments", [drifts.outboundType, drifts.missingRoute])]);
    expect(reportsOf(changed)).toMatchObject([{ action: "updated", issue: { number: 1 } }]);
    const issue = github.issues.get(1);
    expect(issue?.body).not.toBe(before);
    expect(issue?.title).toMatch(/aks-payments \(\d+ findings\)/);
    expect(issue?.comments).toHaveLength(1);
    expect(issue?.comments[0]).toContain("**The findings changed**");
    expect(issue?.comments[0]).toContain("- new: `routes.missing`");
    expect(issue?.comments[0]).toContain("- new: `drift.networkProfile` at `networkProfile.outboundType`");
    expect(issue?.comments[0]).toContain("- gone: `drift.networkProfile` at `networkProfile.podCidrs`");
    expect(github.open()).toHaveLength(1);
  });

  it("says 'changed value' when the same field drifts to another value", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    await publish([checked("aks-payments", [], (live) => (live.networkProfile.podCidrs = ["10.246.0.0/16"]))]);
    expect(github.issues.get(1)?.comments[0]).toContain(
      "- changed value: `drift.networkProfile` at `networkProfile.podCidrs`",
    );
  });

  it("closes the issue with a comment and the resolved label when the cluster passes", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    const passed = await publish([checked("aks-payments")]);
    expect(reportsOf(passed)).toMatchObject([{ action: "closed", issue: { number: 1, open: false } }]);
    const issue = github.issues.get(1);
    expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(issue?.labels).toEqual(["aks-network-drift", "resolved"]);
    expect(issue?.comments[0]).toMatch(/^\*\*Resolved\*\*: the cluster passes the gate again in \[run 2001\]/);
    expect(issueOutputs(passed)["issue-number"]).toBe("");
  });

  it("leaves a passing cluster without an issue alone", async () => {
    const publication = await publish([checked("aks-payments")]);
    expect(reportsOf(publication)).toEqual([]);
    expect(github.writes()).toEqual([]);
  });
});

describe("fail-on and the issues: an issue tracks a drifting cluster, whether or not the job fails", () => {
  const kubenetWarning = () => {
    const result = checked("aks-payments");
    return result.kind === "checked" ? result.findings.filter((item) => !item.suppressed) : [];
  };

  it("under fail-on: never, drift still opens the cluster's issue, and recovery closes it", async () => {
    const never = { inputs: { "fail-on": "never" } };
    const opened = await publish([checked("aks-payments", [drifts.podCidr])], never);
    expect(reportsOf(opened)).toMatchObject([{ kind: "drift", action: "created", issue: { number: 1 } }]);
    const closed = await publish([checked("aks-payments")], never);
    expect(reportsOf(closed)).toMatchObject([{ kind: "drift", action: "closed", issue: { number: 1, open: false } }]);
  });

  it("a cluster with warnings only gets an issue under fail-on: warning, and none under fail-on: error", async () => {
    expect(kubenetWarning().map((item) => `${item.severity} ${item.rule}`)).toEqual([
      "warning lifecycle.kubenetRetirement",
    ]);
    expect(reportsOf(await publish([checked("aks-payments")]))).toEqual([]);
    const strict = await publish([checked("aks-payments")], { inputs: { "fail-on": "warning" } });
    expect(reportsOf(strict)).toMatchObject([{ kind: "drift", action: "created" }]);
    expect(github.issues.get(1)?.title).toBe("AKS network drift: aks-payments (1 finding)");
    const relaxed = await publish([checked("aks-payments")], { inputs: { "fail-on": "error" } });
    expect(reportsOf(relaxed)).toMatchObject([{ kind: "drift", action: "closed" }]);
  });
});

describe("recurrence", () => {
  async function openedAndResolved(): Promise<void> {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    await publish([checked("aks-payments")]);
  }

  it("reopens the resolved issue when the drift comes back within a week", async () => {
    await openedAndResolved();
    const back = await publish([checked("aks-payments", [drifts.podCidr])], { now: new Date(Date.now() + 2 * DAY) });
    expect(reportsOf(back)).toMatchObject([{ action: "reopened", issue: { number: 1, open: true } }]);
    const issue = github.issues.get(1);
    expect(issue).toMatchObject({ state: "open", labels: ["aks-network-drift"] });
    expect(issue?.comments.at(-1)).toContain("**The drift is back**");
    expect(github.list()).toHaveLength(1);
  });

  it("opens a new issue that links the earlier one when the drift comes back later", async () => {
    await openedAndResolved();
    const back = await publish([checked("aks-payments", [drifts.podCidr])], { now: new Date(Date.now() + 8 * DAY) });
    expect(reportsOf(back)).toMatchObject([{ action: "created", issue: { number: 2 } }]);
    expect(github.issues.get(2)?.body).toMatch(/This issue replaces #1, closed \d{4}-\d{2}-\d{2}\./);
    expect(github.issues.get(1)?.state).toBe("closed");
  });

  it("leaves an issue a person closed as not planned closed while the findings stay the same", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    Object.assign(github.issues.get(1) ?? {}, {
      state: "closed",
      state_reason: "not_planned",
      closed_at: new Date().toISOString(),
    });
    const again = await publish([checked("aks-payments", [drifts.podCidr])]);
    expect(reportsOf(again)).toMatchObject([{ action: "muted", issue: { number: 1 } }]);
    expect(github.list()).toHaveLength(1);
    const other = await publish([checked("aks-payments", [drifts.outboundType])]);
    expect(reportsOf(other)).toMatchObject([{ action: "reopened" }]);
  });

  it("finds its issue by the marker, not by the title a person edited", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    Object.assign(github.issues.get(1) ?? {}, { title: "Payments network: podCIDR changed by hand?" });
    const again = await publish([checked("aks-payments", [drifts.podCidr])]);
    expect(reportsOf(again)).toMatchObject([{ action: "unchanged", issue: { number: 1 } }]);
    expect(github.list()).toHaveLength(1);
  });
});

describe("two runs at once", () => {
  it("leave one open issue: the later one closes itself as a duplicate of the earlier", async () => {
    github.holdUntil(2, { method: "GET", path: "/issues" });
    const [first, second] = await Promise.all([
      publish([checked("aks-payments", [drifts.podCidr])]),
      publish([checked("aks-payments", [drifts.podCidr])]),
    ]);
    expect(github.list()).toHaveLength(2);
    expect(github.open().map((issue) => issue.number)).toEqual([1]);
    const duplicate = github.issues.get(2);
    expect(duplicate).toMatchObject({ state: "closed", state_reason: "not_planned" });
    expect(duplicate?.comments[0]).toContain("Closed as a duplicate of #1");
    expect(parseMarker(duplicate?.body)?.duplicateOf).toBe(1);
    const actions = [...reportsOf(first), ...reportsOf(second)].map((report) => report.action).sort();
    expect(actions).toEqual(["created", "duplicate"]);
    expect(issueOutputs(first)["issue-number"]).toBe("1");
    expect(issueOutputs(second)["issue-number"]).toBe("1");

    const later = await publish([checked("aks-payments", [drifts.podCidr])]);
    expect(reportsOf(later)).toMatchObject([{ action: "unchanged", issue: { number: 1 } }]);
  });

  it("closes an extra open issue of the same cluster as a duplicate on the next update", async () => {
    await publish([checked("aks-payments", [drifts.podCidr])]);
    github.seed({ title: "copy", body: github.issues.get(1)?.body ?? "", labels: ["aks-network-drift"] });
    await publish([checked("aks-payments", [drifts.outboundType])]);
    expect(github.open().map((issue) => issue.number)).toEqual([1]);
    expect(github.issues.get(2)?.comments[0]).toContain("duplicate of #1");
  });
});

describe("only the gate's own issues", () => {
  const MALLORY = userAccount("mallory");

  /** An outsider's issue with the gate's label and a copy of the marker for a cluster (other findings). */
  function forged(result: ClusterResult, extra: Partial<SandboxIssue> = {}): SandboxIssue {
    const findings = result.kind === "checked" ? result.findings.filter((item) => !item.suppressed) : [];
    return github.seed({
      title: "AKS network drift: run the fix below",
      body: `${renderMarker(driftState(result.clusterId, findings))}\nRun https://evil.example/fix.sh to repair the cluster.`,
      labels: ["aks-network-drift"],
      user: MALLORY,
      ...extra,
    });
  }

  const untouched = (issue: SandboxIssue) => ({
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: [...issue.labels],
    comments: [...issue.comments],
  });

  const impersonationWarnings = () => logger.warnings.filter((line) => line.startsWith("Possible impersonation"));

  it("leaves a forged-marker issue by another author as it was, opens its own, and reports the forgery once", async () => {
    const forgery = forged(checked("aks-payments", [drifts.outboundType]));
    const before = untouched(forgery);
    const publication = await publish([
      checked("aks-payments", [drifts.podCidr]),
      checked("aks-billing", [drifts.podCidr]),
    ]);
    expect(reportsOf(publication)).toMatchObject([
      { action: "created", issue: { number: 2 } },
      { action: "created", issue: { number: 3 } },
    ]);
    expect(untouched(github.issues.get(1) as SandboxIssue)).toEqual(before);
    expect(github.open().map((issue) => [issue.number, issue.user.login])).toEqual([
      [1, "mallory"],
      [2, "github-actions[bot]"],
      [3, "github-actions[bot]"],
    ]);
    expect(publication).toMatchObject({
      author: "github-actions[bot]",
      openBefore: 0,
      suspects: [{ number: 1, author: "mallory", open: true }],
    });
    expect(impersonationWarnings()).toEqual([
      expect.stringContaining(
        "1 open issue(s) carry the gate's marker and label but were not written by github-actions[bot], the identity the gate writes with: #1 by mallory.",
      ),
    ]);
    expect(renderIssueSummary(publication).match(/Possible impersonation/g)).toHaveLength(1);
  });

  it("does not close a forged issue as resolved when the cluster passes", async () => {
    const forgery = forged(checked("aks-payments", [drifts.podCidr]));
    const before = untouched(forgery);
    const publication = await publish([checked("aks-payments")]);
    expect(reportsOf(publication)).toEqual([]);
    expect(untouched(github.issues.get(1) as SandboxIssue)).toEqual(before);
    expect(github.writes()).toEqual([]);
    expect(impersonationWarnings()).toHaveLength(1);
  });

  it("does not count forged issues against max-issues", async () => {
    for (let index = 0; index < 10; index++) forged(checked(`aks-fake-${index}`, [drifts.podCidr]));
    const publication = await publish([checked("aks-a", [drifts.podCidr]), checked("aks-b", [drifts.podCidr])], {
      inputs: { "max-issues": "2" },
    });
    expect(reportsOf(publication).map((report) => report.action)).toEqual(["created", "created"]);
    expect(publication).toMatchObject({ openBefore: 0 });
    expect(impersonationWarnings()).toEqual([expect.stringContaining("10 open issue(s)")]);
  });

  it("keeps its own new issue when a forgery with a lower number names the same cluster", async () => {
    const api = await fast({ token: "ghs_sandbox", repository: github.repository, apiUrl: github.url, logger });
    const result = checked("aks-payments", [drifts.podCidr]);
    const state = driftState(result.clusterId, result.kind === "checked" ? result.findings : []);
    github.seed({ title: "copy", body: renderMarker(state), labels: ["aks-network-drift"], user: MALLORY });
    const created = await api.createIssue({
      title: "t",
      body: renderMarker(state),
      labels: ["aks-network-drift"],
      assignees: [],
    });
    const content = { duplicateComment: (kept: number) => `duplicate of #${kept}` } as IssueContent;
    expect(await settleDuplicates(api, "aks-network-drift", created, state, content)).toBeUndefined();
    expect(github.issues.get(created.number)?.state).toBe("open");
  });

  it("still leaves one open issue of its own when two runs race past a forgery", async () => {
    forged(checked("aks-payments", [drifts.podCidr]));
    github.holdUntil(2, { method: "GET", path: "/issues" });
    const runs = await Promise.all([
      publish([checked("aks-payments", [drifts.podCidr])]),
      publish([checked("aks-payments", [drifts.podCidr])]),
    ]);
    expect(github.open().map((issue) => [issue.number, issue.user.login])).toEqual([
      [1, "mallory"],
      [2, "github-actions[bot]"],
    ]);
    expect(github.issues.get(3)?.comments[0]).toContain("Closed as a duplicate of #2");
    expect(runs.map((run) => issueOutputs(run)["issue-number"])).toEqual(["2", "2"]);
  });

  it("with an app's token, acts on the app's issues, and the GITHUB_TOKEN's are not its own", async () => {
    await github.close();
    github = await startGitHubSandbox({ token: "ghs_sandbox", account: appBot("contoso-gate") });
    const result = checked("aks-payments", [drifts.podCidr]);
    forged(result, { user: userAccount("github-actions[bot]") });
    expect(reportsOf(await publish([result]))).toMatchObject([{ action: "created", issue: { number: 2 } }]);
    expect(reportsOf(await publish([result]))).toMatchObject([{ action: "unchanged", issue: { number: 2 } }]);
    expect(impersonationWarnings()).toEqual([
      expect.stringContaining("not written by contoso-gate[bot]"),
      expect.stringContaining("not written by contoso-gate[bot]"),
    ]);
  });

  it("says so when GitHub records its new issue under another author than the one it had to assume", async () => {
    await github.close();
    github = await startGitHubSandbox({ token: "ghs_sandbox", account: appBot("contoso-gate") });
    github.faults.add({ method: "POST", path: "/graphql", status: 404, body: { message: "Not Found" } });
    const publication = await publish([checked("aks-payments", [drifts.podCidr])]);
    expect(reportsOf(publication)).toMatchObject([
      {
        action: "created",
        notes: [
          "GitHub recorded #1 as written by contoso-gate[bot], but the gate took github-actions[bot] for the token's identity and acted only on its issues in this run.",
        ],
      },
    ]);
  });
});

describe("max-issues", () => {
  it("opens no more than the cap and reports the clusters it skipped", async () => {
    const fleet = ["aks-a", "aks-b", "aks-c"].map((name) => checked(name, [drifts.podCidr]));
    const publication = await publish(fleet, { inputs: { "max-issues": "2" } });
    expect(reportsOf(publication).map((report) => [report.clusterId.split("/").at(-1), report.action])).toEqual([
      ["aks-a", "created"],
      ["aks-b", "created"],
      ["aks-c", "capped"],
    ]);
    expect(github.open()).toHaveLength(2);
    expect(renderIssueSummary(publication)).toContain(
      "1 cluster got no issue: 0 gate issues were open and `max-issues` is 2.",
    );
    expect(logger.warnings.join("\n")).toContain("1 cluster(s) got no GitHub issue");

    const next = await publish(fleet, { inputs: { "max-issues": "2" } });
    expect(reportsOf(next).map((report) => report.action)).toEqual(["unchanged", "unchanged", "capped"]);
    const recovered = await publish([checked("aks-a"), fleet[1] as ClusterResult, fleet[2] as ClusterResult], {
      inputs: { "max-issues": "2" },
    });
    expect(reportsOf(recovered).map((report) => report.action)).toEqual(["closed", "unchanged", "created"]);
  });
});

describe("owners", () => {
  it("assigns a user from the owner tag and mentions nobody else", async () => {
    const publication = await publish([
      checked("aks-payments", [drifts.podCidr], (live) => (live.tags = { Owner: "@octocat" })),
    ]);
    expect(reportsOf(publication)).toMatchObject([{ action: "created" }]);
    expect(github.issues.get(1)?.assignees).toEqual(["octocat"]);
    expect(github.issues.get(1)?.body).toContain("@octocat (assigned): from the Azure tag 'owner' on the cluster.");
  });

  it("creates the issue without assignees when GitHub will not assign the owner", async () => {
    const publication = await publish([
      checked("aks-payments", [drifts.podCidr], (live) => (live.tags = { owner: "ghost-user" })),
    ]);
    expect(reportsOf(publication)).toMatchObject([
      { action: "created", notes: [expect.stringContaining("would not assign ghost-user")] },
    ]);
    expect(github.issues.get(1)?.assignees).toEqual([]);
  });

  it("takes the CODEOWNERS entry that covers the baseline file before the owner input", async () => {
    await writeFile(
      path.join(root, ".github", "CODEOWNERS"),
      "*  @contoso/everyone\n/.github/aks-*.yml  @contoso/network-team\n",
    );
    await publish([checked("aks-payments", [drifts.podCidr])]);
    expect(github.issues.get(1)?.body).toContain(
      "@contoso/network-team (team): from .github/CODEOWNERS line 2 (/.github/aks-\\*.yml), the entry that covers .github/aks-network-baseline.yml.",
    );
  });

  it("neutralises a tag full of Markdown and @mentions: no link, no HTML, no mention but the resolved owner", async () => {
    const hostile = "@everyone [click](https://evil.example/x) **urgent** <img src=x onerror=alert(1)> #1 ``` @octocat";
    await publish([
      checked("aks-payments", [drifts.podCidr], (live) => (live.tags = { owner: hostile, note: hostile })),
    ]);
    const body = github.issues.get(1)?.body ?? "";
    const prose = body.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "").replace(/`[^`\n]*`/g, "");
    expect(prose).not.toMatch(/\]\(https:\/\/evil/);
    expect(prose).not.toMatch(/(?<!\\)<img/);
    expect(prose).not.toMatch(/https?:\/\/evil/);
    expect(prose).not.toMatch(/(^|[^\w`\\])#\d/m);
    expect([...prose.matchAll(/(?:^|[^\w@])@([A-Za-z0-9][\w-]*(?:\/[\w.-]+)?)/g)].map((match) => match[1])).toEqual([
      "contoso/payments",
    ]);
    expect(prose).toContain(
      "Skipped: the Azure tag 'owner' holds '@\u200beveryone \\[click\\](https:\u200b//evil.example/x)",
    );
    expect(github.issues.get(1)?.assignees).toEqual([]);
  });
});

describe("a body GitHub would refuse", () => {
  it("is cut to the limit with a note pointing at the evidence package, and accepted", async () => {
    const result = checked("aks-fleet-xl", [], (live) => {
      live.nodes = Array.from({ length: 1200 }, (_, index) => ({
        name: nodeName(index),
        pool: "nodepool1",
        privateIps: [nodeIp(index)],
      }));
      live.routeTables[0]!.routes = [];
      live.networkProfile.podCidrs = ["10.245.0.0/16"];
    });
    const publication = await publish([result]);
    expect(reportsOf(publication)).toMatchObject([{ action: "created" }]);
    const body = github.issues.get(1)?.body ?? "";
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain("Cut to stay under GitHub's 65,536-character limit");
    expect(body).toContain("`aks-network-evidence/run-2001-1/");
    expect(parseMarker(body)).toMatchObject({ kind: "drift" });
    expect(github.requests.filter((request) => request.status === 422)).toEqual([]);
  });
});

describe("when GitHub fails, the gate's result stands and the run says why", () => {
  const drift = () => [checked("aks-payments", [drifts.podCidr])];

  it("a 403 without issues: write names the permission to add", async () => {
    github.faults.add(notAccessibleFault({ method: "POST", path: "/issues" }));
    const publication = await publish(drift());
    expect(reportsOf(publication)).toMatchObject([
      { action: "failed", error: expect.stringContaining("permissions: issues: write") },
    ]);
    expect(publication).toMatchObject({ failure: expect.stringContaining("Resource not accessible by integration") });
    expect(logger.warnings.join("\n")).toContain(
      "No GitHub issue for aks-payments (drift): The token may not write issues",
    );
    expect(renderIssueSummary(publication)).toContain(
      "⚠️ not written: The token may not write issues in contoso/platform-network",
    );
  });

  it("a persistent 500 is retried, then reported", async () => {
    const fault = github.faults.add({ method: "GET", path: "/issues", status: 500 });
    const publication = await publish(drift());
    expect(fault.fired).toBe(4);
    expect(publication).toMatchObject({
      written: true,
      reports: [],
      failure: expect.stringContaining("GitHub is unavailable (HTTP 500"),
    });
    expect(logger.warnings[0]).toMatch(/^No GitHub issue written: GitHub is unavailable/);
    expect(renderIssueSummary(publication)).toContain("⚠️ No GitHub issue written: GitHub is unavailable");
  });

  it("a 500 that clears is ridden out", async () => {
    github.faults.add({ method: "POST", path: "/issues", status: 502, times: 2 });
    expect(reportsOf(await publish(drift()))).toMatchObject([{ action: "created" }]);
  });

  it("a secondary rate limit is waited out as its Retry-After says", async () => {
    const fault = github.faults.add(
      secondaryRateLimitFault({ method: "POST", path: "/issues", times: 1, retryAfter: 1 }),
    );
    expect(reportsOf(await publish(drift()))).toMatchObject([{ action: "created" }]);
    expect(fault.fired).toBe(1);
    expect(logger.lines.join("\n")).toMatch(/GitHub secondary rate limit on POST .*: retrying after 1 s/);
  });

  it("a 401 asks to check the token", async () => {
    const publication = await publish(drift(), { inputs: { "github-token": "expired" } });
    expect(publication).toMatchObject({
      failure: expect.stringContaining("GitHub refused the token (HTTP 401: Bad credentials)"),
    });
  });

  it("a 404 says the repository is not visible to the token", async () => {
    const publication = await publish(drift(), { env: { GITHUB_REPOSITORY: "contoso/other" } });
    expect(publication).toMatchObject({
      failure: expect.stringContaining("GitHub does not show contoso/other to the token"),
    });
  });

  it("stops after a permanent refusal instead of trying every cluster", async () => {
    github.faults.add(notAccessibleFault({ method: "POST" }));
    const publication = await publish([checked("aks-a", [drifts.podCidr]), checked("aks-b", [drifts.podCidr])]);
    expect(reportsOf(publication).map((report) => report.action)).toEqual(["failed", "failed"]);
    expect(
      github.requests.filter((request) => request.method === "POST" && request.path.endsWith("/issues")),
    ).toHaveLength(1);
  });
});

describe("a run that cannot see", () => {
  const denied =
    "Azure denied reading /subscriptions/x (AuthorizationFailed, request 0f0e0d0c-1111-2222-3333-444455556666).";

  it("opens an error issue of its own on scheduled runs, and closes it when the cluster is readable again", async () => {
    const schedule = { env: { GITHUB_EVENT_NAME: "schedule" } };
    const failed = await publish([unreadable("aks-payments", denied)], schedule);
    expect(reportsOf(failed)).toMatchObject([{ kind: "error", action: "created" }]);
    expect(github.issues.get(1)?.title).toBe("AKS Network Gate cannot read aks-payments");
    expect(github.issues.get(1)?.body).toContain(denied);

    const sameAgain = await publish([unreadable("aks-payments", denied.replace("0f0e0d0c", "99999999"))], schedule);
    expect(reportsOf(sameAgain)).toMatchObject([{ action: "unchanged" }]);

    const readable = await publish([checked("aks-payments", [drifts.podCidr])], schedule);
    expect(reportsOf(readable).map((report) => [report.kind, report.action])).toEqual([
      ["drift", "created"],
      ["error", "closed"],
    ]);
    expect(github.issues.get(1)?.comments.at(-1)).toContain("**Readable again**");
  });

  it("writes no error issue on other events unless issue-on-error is true", async () => {
    expect(reportsOf(await publish([unreadable("aks-payments", denied)]))).toEqual([]);
    const forced = await publish([unreadable("aks-payments", denied)], { inputs: { "issue-on-error": "true" } });
    expect(reportsOf(forced)).toMatchObject([{ kind: "error", action: "created" }]);
    const off = await publish([unreadable("aks-other", denied)], {
      inputs: { "issue-on-error": "false" },
      env: { GITHUB_EVENT_NAME: "schedule" },
    });
    expect(reportsOf(off)).toEqual([]);
  });
});

describe("when no issue can be written", () => {
  it("says so for a drifting cluster without a token, and asks GitHub nothing", async () => {
    const publication = await publish([checked("aks-payments", [drifts.podCidr])], { inputs: { "github-token": "" } });
    expect(publication).toEqual({
      written: false,
      quiet: false,
      reason: expect.stringContaining("'github-token' input is empty"),
    });
    expect(logger.warnings).toEqual([
      expect.stringMatching(/^No GitHub issue written: the 'github-token' input is empty/),
    ]);
    expect(renderIssueSummary(publication)).toContain("⚠️ No issue written:");
    expect(github.requests).toEqual([]);
  });

  it("does not even build the GitHub client without a token", async () => {
    let built = 0;
    const counting: IssueApiFactory = (options) => {
      built += 1;
      return fast(options);
    };
    const results = [checked("aks-payments", [drifts.podCidr])];
    const deps = { logger, now: () => new Date(), createApi: counting };
    await publishIssues(await issueInputsFor(settingsFor(root, github.url, { "github-token": "" }), results), deps);
    expect(built).toBe(0);
    await publishIssues(await issueInputsFor(settingsFor(root, github.url), results), deps);
    expect(built).toBe(1);
  });

  it("is quiet about a passing run without a token, and about create-issue: false", async () => {
    expect(await publish([checked("aks-payments")], { inputs: { "github-token": "" } })).toMatchObject({ quiet: true });
    expect(
      await publish([checked("aks-payments", [drifts.podCidr])], { inputs: { "create-issue": "false" } }),
    ).toMatchObject({ written: false, quiet: true });
    expect(logger.warnings).toEqual([]);
    expect(github.requests).toEqual([]);
  });
});
