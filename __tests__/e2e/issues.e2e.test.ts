/**
 * The bundled action, run as the GitHub runner runs it, against the HTTPS ARM
 * sandbox and the GitHub stand-in (GITHUB_API_URL): the issue a drift opens,
 * keeps and closes, what the run says when GitHub fails, two runs at once.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, authorizationFailedFault, startArmSandbox } from "../../sandbox/arm.js";
import { fingerprint, renderMarker } from "../../src/core/issues/marker.js";
import { type GitHubSandbox, notAccessibleFault, startGitHubSandbox, userAccount } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const TOKEN = "ghs_e2e_token";

let arm: ArmSandbox;
let github: GitHubSandbox;
let cluster: BuiltCluster;

function freshWorld(tags: Record<string, string> = { owner: "@contoso/payments" }): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    tags,
  });
  return new World(...cluster.resources);
}

interface Options {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Without a GitHub token: the action cannot reach issues. */
  noToken?: boolean;
}

function gate(workspace: string, options: Options = {}): Promise<ActionRun> {
  const token: Record<string, string> = options.noToken ? {} : { "github-token": TOKEN };
  return runAction({
    workspace,
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { ...token, ...options.inputs },
    env: { GITHUB_API_URL: github.url, ...options.env },
  });
}

async function capturedWorkspace(): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-issues-e2e-"));
  await mkdir(path.join(workspace, ".github"));
  const run = await gate(workspace, { inputs: { ...TARGET, mode: "capture" } });
  expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
  return workspace;
}

function podCidrDrift(): void {
  arm.world.patch(cluster.clusterId, (body) => {
    const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
    profile.podCidr = "10.245.0.0/16";
    profile.podCidrs = ["10.245.0.0/16"];
  });
}

beforeAll(async () => {
  arm = await startArmSandbox(freshWorld());
});

afterAll(async () => {
  await arm.close();
});

beforeEach(async () => {
  arm.world = freshWorld();
  arm.faults.clear();
  github = await startGitHubSandbox({ token: TOKEN });
});

afterEach(async () => {
  await github.close();
});

describe("a drift's issue, from opening to closing", () => {
  it("opens one issue, leaves it alone while nothing changes, and closes it when the cluster is repaired", async () => {
    const workspace = await capturedWorkspace();
    expect(github.requests).toEqual([]);
    podCidrDrift();

    const drift = await gate(workspace);
    expect(drift).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "1" } });
    expect(drift.outputs["issue-url"]).toBe("https://github.com/contoso/platform-network/issues/1");
    expect(JSON.parse(drift.outputs.issues ?? "")).toEqual([
      expect.objectContaining({ cluster: cluster.clusterId, kind: "drift", action: "created", number: 1, open: true }),
    ]);
    const [issue] = github.open();
    expect(issue?.title).toMatch(/^AKS network drift: aks-payments-prod \(\d+ findings\)$/);
    expect(issue?.labels).toEqual(["aks-network-drift"]);
    expect(issue?.body).toContain("@contoso/payments (team): from the Azure tag 'owner' on the cluster.");
    expect(issue?.body).toContain("[workflow run 1001](https://github.com/contoso/platform-network/actions/runs/1001)");
    expect(issue?.body).toContain(`evidence \`${path.relative(workspace, drift.outputs.evidence ?? "")}\``);
    expect(drift.summary).toContain("### GitHub issues");
    expect(drift.summary).toContain(
      "| aks-payments-prod | drift | [#1](https://github.com/contoso/platform-network/issues/1) | opened |",
    );
    expect(drift.stdout).toContain("GitHub issue for aks-payments-prod (drift): created #1");
    expect(drift.stdout.split("\n").filter((line) => line.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);

    const writes = github.writes().length;
    const again = await gate(workspace);
    expect(again).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "1" } });
    expect(github.writes()).toHaveLength(writes);

    arm.world = freshWorld();
    const repaired = await gate(workspace);
    expect(repaired).toMatchObject({ code: 0, outputs: { result: "pass", "issue-number": "" } });
    expect(github.issues.get(1)).toMatchObject({
      state: "closed",
      state_reason: "completed",
      labels: ["aks-network-drift", "resolved"],
    });
    expect(github.issues.get(1)?.comments).toEqual([
      expect.stringMatching(/^\*\*Resolved\*\*: the cluster passes the gate again in \[run 1001\]/),
    ]);
    expect(repaired.summary).toContain(
      "| aks-payments-prod | drift | [#1](https://github.com/contoso/platform-network/issues/1) | closed as resolved |",
    );
  });

  it("leaves one open issue when two runs find the drift at the same time", async () => {
    const workspace = await capturedWorkspace();
    podCidrDrift();
    github.holdUntil(2, { method: "GET", path: "/issues" });
    const runs = await Promise.all([gate(workspace), gate(workspace)]);
    expect(runs.map((run) => run.code)).toEqual([1, 1]);
    expect(runs.map((run) => run.outputs["issue-number"])).toEqual(["1", "1"]);
    expect(github.list()).toHaveLength(2);
    expect(github.open().map((issue) => issue.number)).toEqual([1]);
    expect(github.issues.get(2)?.comments).toEqual([expect.stringContaining("Closed as a duplicate of #1")]);
  });
});

describe("only the gate's own issues", () => {
  it("a forged-marker issue by another author", async () => {
    const workspace = await capturedWorkspace();
    const marker = renderMarker({
      fingerprint: fingerprint(cluster.clusterId),
      kind: "drift",
      digest: "0123456789abcdef",
      items: [],
    });
    github.seed({
      title: "AKS network drift: aks-payments-prod",
      body: `${marker}\nRun https://evil.example/fix.sh to repair the cluster.`,
      labels: ["aks-network-drift"],
      user: userAccount("mallory"),
    });
    const forgery = structuredClone(github.issues.get(1));
    const impersonation = (run: ActionRun) => ({
      log: run.stdout.split("\n").filter((line) => line.includes("Possible impersonation")),
      summary: run.summary.match(/Possible impersonation/g) ?? [],
    });
    podCidrDrift();

    const drift = await gate(workspace, { inputs: { "max-issues": "1" } });
    expect(drift).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "2" } });
    expect(github.issues.get(1)).toEqual(forgery);
    expect(github.open().map((issue) => [issue.number, issue.user.login])).toEqual([
      [1, "mallory"],
      [2, "github-actions[bot]"],
    ]);
    expect(impersonation(drift)).toEqual({
      log: [
        expect.stringMatching(
          /^::warning::Possible impersonation: 1 open issue\(s\) carry the gate's marker and label but were not written by github-actions\[bot\], the identity the gate writes with: #1 by mallory\. The gate ignored them/,
        ),
      ],
      summary: ["Possible impersonation"],
    });
    expect(drift.summary).toContain("[#1](https://github.com/contoso/platform-network/issues/1) by `mallory`");
    expect(drift.summary).toContain(
      "| aks-payments-prod | drift | [#2](https://github.com/contoso/platform-network/issues/2) | opened |",
    );

    arm.world = freshWorld();
    const repaired = await gate(workspace, { inputs: { "max-issues": "1" } });
    expect(repaired).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(github.issues.get(2)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(github.issues.get(1)).toEqual(forgery);
    expect(impersonation(repaired).log).toHaveLength(1);
    expect(impersonation(repaired).summary).toHaveLength(1);
  });
});

describe("when the issue cannot be written, the gate's result stands and the run says why", () => {
  async function driftedWorkspace(): Promise<string> {
    const workspace = await capturedWorkspace();
    podCidrDrift();
    return workspace;
  }

  async function evidenceWritten(run: ActionRun): Promise<void> {
    expect(existsSync(run.outputs.evidence ?? "")).toBe(true);
    expect(await readdir(run.outputs.evidence ?? "")).toContain("manifest.json");
  }

  it("a 403 without issues: write", async () => {
    const workspace = await driftedWorkspace();
    github.faults.add(notAccessibleFault({ method: "POST", path: "/issues" }));
    const run = await gate(workspace);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "" } });
    expect(run.stdout).toMatch(
      /::warning::No GitHub issue for aks-payments-prod \(drift\): The token may not write issues in contoso\/platform-network .*Resource not accessible by integration/,
    );
    expect(run.stdout).toContain("::error::AKS network drift:");
    expect(run.summary).toContain("⚠️ not written: The token may not write issues");
    expect(run.summary).toContain("permissions: issues: write");
    await evidenceWritten(run);
  });

  it("GitHub down (500 after the retries)", async () => {
    const workspace = await driftedWorkspace();
    const fault = github.faults.add({ method: "GET", path: "/issues", status: 500 });
    const run = await gate(workspace);
    expect(fault.fired).toBe(4);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "" } });
    expect(run.stdout).toMatch(/::warning::No GitHub issue written: GitHub is unavailable \(HTTP 500/);
    expect(run.summary).toContain("⚠️ No GitHub issue written: GitHub is unavailable (HTTP 500");
    await evidenceWritten(run);
  }, 60_000);

  it("no token: a warning for a drift, nothing for a pass, never a failure of its own", async () => {
    const workspace = await capturedWorkspace();
    const pass = await gate(workspace, { noToken: true });
    expect(pass).toMatchObject({ code: 0, outputs: { result: "pass", "issue-number": "", issues: "[]" } });
    expect(pass.stdout).not.toContain("::warning::");
    podCidrDrift();
    const drift = await gate(workspace, { noToken: true });
    expect(drift).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(drift.stdout).toContain("::warning::No GitHub issue written: the 'github-token' input is empty");
    expect(drift.summary).toContain("⚠️ No issue written: the 'github-token' input is empty");
    expect(github.requests).toEqual([]);
    await evidenceWritten(drift);
  });

  it("create-issue: false writes nothing and says nothing", async () => {
    const workspace = await driftedWorkspace();
    const run = await gate(workspace, { inputs: { "create-issue": "false" } });
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(run.summary).not.toContain("GitHub issues");
    expect(github.requests).toEqual([]);
  });

  it("a wrong create-issue value fails the run with a message naming the input", async () => {
    const workspace = await capturedWorkspace();
    const run = await gate(workspace, { inputs: { "create-issue": "yes" } });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      "Input 'create-issue' has the value 'yes', which is not allowed. Allowed values: true, false.",
    );
  });
});

describe("fail-on: the job, the result, the headline, the annotations and the issue agree", () => {
  it("fail-on: warning on a cluster with a warning only: the job fails, result=drift, no '✅ pass', an issue", async () => {
    const workspace = await capturedWorkspace();
    const run = await gate(workspace, { inputs: { "fail-on": "warning" } });
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift", findings: "1", "issue-number": "1" } });
    expect(run.summary).toContain(
      "## AKS Network Gate: ❌ drift: the live network differs from the baseline or breaks a network rule; 1 finding fails the gate under fail-on: warning",
    );
    expect(run.summary).toContain("| aks-payments-prod | ❌ drift | 0 | 1 | 0 |");
    expect(run.summary).not.toContain("✅ pass");
    expect(run.stdout).toMatch(/^::error title=AKS Network Gate%3A lifecycle\.kubenetRetirement,file=/m);
    expect(run.stdout).toContain("::error::AKS network drift: 1 finding(s) fail the gate (fail-on: warning)");
    expect(github.open().map((issue) => issue.title)).toEqual(["AKS network drift: aks-payments-prod (1 finding)"]);
  });

  it("fail-on: never on drift: the job passes, result=drift, the headline says it is only reported, the issue opens", async () => {
    const workspace = await capturedWorkspace();
    podCidrDrift();
    const run = await gate(workspace, { inputs: { "fail-on": "never" } });
    expect(run).toMatchObject({ code: 0, outputs: { result: "drift", "issue-number": "1" } });
    expect(run.summary).toContain(
      "## AKS Network Gate: ⚠️ drift: the live network differs from the baseline or breaks a network rule; findings reported only (fail-on: never)",
    );
    expect(run.summary).not.toContain("✅ pass");
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.stdout).toMatch(/^::warning title=AKS Network Gate%3A drift\.networkProfile,file=/m);
    expect(github.open()).toHaveLength(1);
  });
});

describe("a scheduled run that cannot see", () => {
  it("opens an error issue naming what failed", async () => {
    const workspace = await capturedWorkspace();
    arm.faults.add(
      authorizationFailedFault({
        path: "/routeTables/",
        action: "Microsoft.Network/routeTables/read",
        scope: cluster.routeTableId ?? "",
      }),
    );
    const run = await gate(workspace, { env: { GITHUB_EVENT_NAME: "schedule" } });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error", "issue-number": "1" } });
    const [issue] = github.open();
    expect(issue?.title).toBe("AKS Network Gate cannot read aks-payments-prod");
    expect(issue?.body).toContain("Microsoft.Network/routeTables/read");
    expect(parseKind(issue?.body)).toBe("error");

    const pushed = await gate(workspace, { env: { GITHUB_EVENT_NAME: "push" } });
    expect(pushed.outputs["issue-number"]).toBe("");
  });
});

function parseKind(body: string | undefined): string | undefined {
  return /^<!-- aks-network-gate:v1 fp=[0-9a-f]{16} kind=(\w+)/.exec(body ?? "")?.[1];
}
