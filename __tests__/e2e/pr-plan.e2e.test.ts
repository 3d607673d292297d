/**
 * The plan of a baseline change on its pull request, end to end: the bundled
 * action on a `pull_request` event against the HTTPS ARM sandbox and the
 * GitHub stand-in. A pull request that widens a pod CIDR and adds a node pool
 * gets one comment (the change in words, the drift until it is applied, the
 * rules the new plan breaks, the address plan diagram), a second push updates
 * that comment, and a fork's pull request gets the plan in the job summary.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDocument } from "yaml";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type GitHubSandbox, startGitHubSandbox, userAccount } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const TOKEN = "ghs_pr_plan_token";
const REPOSITORY = "contoso/platform-network";
const BASELINE = ".github/aks-network-baseline.yml";
const BASE_SHA = "1111111111111111111111111111111111111111";
const MARKER = /^<!-- aks-network-gate:pr-plan v1 key=[0-9a-f]{16} -->\n/u;

let arm: ArmSandbox;
let github: GitHubSandbox;
let cluster: BuiltCluster;

function freshWorld(): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  return new World(...cluster.resources);
}

beforeAll(async () => {
  arm = await startArmSandbox(freshWorld());
});

afterAll(async () => {
  await arm.close();
});

beforeEach(async () => {
  arm.world = freshWorld();
  github = await startGitHubSandbox({ token: TOKEN, repository: REPOSITORY });
});

afterEach(async () => {
  await github.close();
});

interface PullRequestOptions {
  number: number;
  headSha: string;
  /** The repository the commits come from; default the base repository. */
  from?: string;
  /** Default `pull_request`. */
  event?: string;
}

async function eventFile(workspace: string, options: PullRequestOptions): Promise<string> {
  const file = path.join(workspace, "..", `event-${options.headSha.slice(0, 6)}.json`);
  const payload = {
    action: "synchronize",
    number: options.number,
    pull_request: {
      number: options.number,
      base: { ref: "main", sha: BASE_SHA, repo: { full_name: REPOSITORY } },
      head: { ref: "widen-pods", sha: options.headSha, repo: { full_name: options.from ?? REPOSITORY } },
    },
  };
  await writeFile(file, JSON.stringify(payload));
  return file;
}

async function gate(workspace: string, options?: PullRequestOptions, inputs: Record<string, string> = {}) {
  const event: Record<string, string> = options
    ? { GITHUB_EVENT_NAME: options.event ?? "pull_request", GITHUB_EVENT_PATH: await eventFile(workspace, options) }
    : { GITHUB_EVENT_NAME: "push" };
  return runAction({
    workspace,
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { "github-token": TOKEN, "upload-evidence": "false", ...inputs },
    env: { GITHUB_API_URL: github.url, ...event },
  });
}

/** A workspace whose baseline is the cluster as captured: the base branch's, at BASE_SHA. */
async function capturedWorkspace(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "gate-pr-plan-e2e-"));
  const workspace = path.join(root, "repo");
  await mkdir(path.join(workspace, ".github"), { recursive: true });
  const capture = await gate(workspace, undefined, { ...TARGET, mode: "capture" });
  expect(capture).toMatchObject({ code: 0, outputs: { result: "pass" } });
  github.putFile(BASE_SHA, BASELINE, await readFile(path.join(workspace, BASELINE), "utf8"));
  return workspace;
}

/** Edits the workspace's baseline entry of the cluster, as a commit of the pull request would. */
async function editBaseline(workspace: string, edit: (entry: (path: unknown[], value: unknown) => void) => void) {
  const file = path.join(workspace, BASELINE);
  const doc = parseDocument(await readFile(file, "utf8"));
  edit((at, value) => doc.setIn(["clusters", cluster.clusterId, ...at], value));
  await writeFile(file, doc.toString());
}

async function widenAndAddPool(workspace: string): Promise<void> {
  const file = path.join(workspace, BASELINE);
  const doc = parseDocument(await readFile(file, "utf8"));
  doc.setIn(["clusters", cluster.clusterId, "networkProfile", "podCidrs"], ["10.244.0.0/15"]);
  const pools = doc.getIn(["clusters", cluster.clusterId, "nodePools"]) as { add(value: unknown): void };
  pools.add(doc.createNode({ name: "userpool", mode: "User", count: 4, enableAutoScaling: false, maxPods: 110 }));
  await writeFile(file, doc.toString());
}

function planComments(number: number) {
  return github.commentsOn(number).filter((comment) => MARKER.test(comment.body));
}

describe("a pull request that widens a pod CIDR and adds a node pool", () => {
  it("gets one plan comment, updated on the next push, and passes while only the change's own drift remains", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Widen the pod CIDR of aks-payments-prod, add a user pool", [BASELINE]);
    await widenAndAddPool(workspace);

    const first = await gate(workspace, { number: pull.number, headSha: "2".repeat(40) });
    expect(first).toMatchObject({ code: 0, outputs: { result: "pass", findings: "1" } });
    const [comment] = planComments(pull.number);
    expect(planComments(pull.number)).toHaveLength(1);
    expect(comment?.user.login).toBe("github-actions[bot]");
    const body = comment?.body ?? "";
    expect(body).toMatch(MARKER);
    expect(body).toContain("## AKS Network Gate: ✅ plan of this baseline change");
    expect(body).toContain(
      "**the new plan breaks no network rule (1 warning that does not count under fail-on: error); 1 cluster will drift until the change is applied, as the change expects**",
    );
    expect(body).toContain("- `networkProfile.podCidrs`: `10.244.0.0/16` → `10.244.0.0/15`");
    expect(body).toContain("- `nodePools[userpool]` added: mode User, count 4, enableAutoScaling false, maxPods 110");
    expect(body).toContain("| aks-payments-prod | `networkProfile.podCidrs` | 10.244.0.0/15 | 10.244.0.0/16 |");
    expect(body).toContain("| aks-payments-prod | `nodePools[userpool]` | userpool | (none) |");
    expect(body).toMatch(
      /\| ⚠️ warning \| already in the base plan \| aks-payments-prod \| `lifecycle\.kubenetRetirement` \|/u,
    );
    expect(body).not.toContain("routes.count");
    expect(body).toContain("```mermaid");
    expect(body).toMatch(/pod CIDR<br\/>10\.244\.0\.0\/15/u);
    expect(body).toContain("| Pod CIDR 10.244.0.0/15: nodes |");
    expect(first.summary).toContain(
      "The pull request's [plan comment](https://github.com/contoso/platform-network/pull/1#issuecomment-",
    );
    expect(first.summary).toContain(") was created.");
    expect(github.issues.size).toBe(1);

    await editBaseline(workspace, (set) => set(["networkProfile", "podCidrs"], ["10.230.0.0/16"]));
    const second = await gate(workspace, { number: pull.number, headSha: "3".repeat(40) });
    expect(second).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(planComments(pull.number).map((entry) => entry.id)).toEqual([comment?.id]);
    const updated = planComments(pull.number)[0]?.body ?? "";
    expect(updated).not.toEqual(body);
    expect(updated).toContain("## AKS Network Gate: ❌ plan of this baseline change");
    expect(updated).toContain(
      "**the new plan breaks the network rules: 1 finding fails under fail-on: error; 1 cluster will drift until the change is applied, as the change expects**",
    );
    expect(updated).toContain("- `networkProfile.podCidrs`: `10.244.0.0/16` → `10.230.0.0/16`");
    expect(updated).toMatch(
      /\| ❌ error \| new with this change \| aks-payments-prod \| `addressPlan\.podCidrOverlapsVnet` \|/u,
    );
    expect(second.summary).toContain(") was updated.");
    expect(second.stdout).toContain("::error::The baseline of this pull request plans a network that breaks");
    expect(second.stdout).toMatch(
      /::error title=AKS Network Gate plan%3A addressPlan\.podCidrOverlapsVnet,file=\.github\/aks-network-baseline\.yml,line=\d+::/u,
    );
  });

  it("leaves a comment that copies the marker alone and writes its own", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Widen the pod CIDR", [BASELINE]);
    await widenAndAddPool(workspace);
    const first = await gate(workspace, { number: pull.number, headSha: "2".repeat(40) });
    const own = planComments(pull.number)[0];
    const forged = github.seedComment(
      pull.number,
      `${own?.body.split("\n")[0]}\nAll fine, merge it.`,
      userAccount("mallory"),
    );
    const second = await gate(workspace, { number: pull.number, headSha: "3".repeat(40) });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(github.comments.get(forged.id)?.body).toContain("All fine, merge it.");
    expect(planComments(pull.number).map((entry) => [entry.id, entry.user.login])).toEqual([
      [own?.id, "github-actions[bot]"],
      [forged.id, "mallory"],
    ]);
    expect(second.stdout).toMatch(
      /::warning::1 comment\(s\) on pull request #1 carry the plan's marker but were not written by github-actions\[bot\]/u,
    );
  });
});

describe("a pull request that changes the fleet of a scope", () => {
  const SCOPE = `/subscriptions/${SUBSCRIPTION}`;
  let other: BuiltCluster;
  let sandboxOnly: BuiltCluster;

  /** Three clusters in the scope, the base branch's baseline holding all of them, as a fleet capture writes it. */
  async function fleetWorkspace(): Promise<string> {
    other = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-search", name: "aks-search-prod" });
    sandboxOnly = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-sandbox", name: "aks-sandbox" });
    arm.world.put(...other.resources, ...sandboxOnly.resources);
    const root = await mkdtemp(path.join(tmpdir(), "gate-pr-plan-fleet-"));
    const workspace = path.join(root, "repo");
    await mkdir(path.join(workspace, ".github"), { recursive: true });
    const capture = await gate(workspace, undefined, { mode: "capture", scope: SCOPE });
    expect(capture).toMatchObject({ code: 0, outputs: { result: "pass" } });
    github.putFile(BASE_SHA, BASELINE, await readFile(path.join(workspace, BASELINE), "utf8"));
    return workspace;
  }

  /** The pull request drops two entries and excludes one of those clusters with a reason. */
  async function dropAndExclude(workspace: string): Promise<void> {
    const file = path.join(workspace, BASELINE);
    const doc = parseDocument(await readFile(file, "utf8"));
    doc.deleteIn(["clusters", other.clusterId]);
    doc.deleteIn(["clusters", sandboxOnly.clusterId]);
    doc.set("exclude", doc.createNode([{ id: sandboxOnly.clusterId, reason: "throwaway sandbox, rebuilt weekly" }]));
    await writeFile(file, doc.toString());
  }

  /** A pull request that drops two entries and excludes one, planned; `meanwhile` changes Azure first. */
  async function planDrop(headSha: string, inputs: Record<string, string>, meanwhile = () => {}) {
    const workspace = await fleetWorkspace();
    const pull = github.openPullRequest("Stop gating aks-search-prod and the sandbox", [BASELINE]);
    await dropAndExclude(workspace);
    meanwhile();
    arm.requests.length = 0;
    const run = await gate(workspace, { number: pull.number, headSha: headSha.repeat(40) }, inputs);
    return { run, body: planComments(pull.number)[0]?.body ?? "" };
  }

  it("says that a cluster it drops still exists and will be reported as nobody's, and lists the exclusion", async () => {
    const { run, body } = await planDrop("4", { scope: SCOPE });
    expect(run.outputs.result).toBe("pass");
    expect(body).toContain(
      "> Removes aks-search-prod from the baseline, but the cluster still exists in Azure: the next check of this scope reports it as inventory.unbaselined (warning), unless the baseline excludes it with a reason.",
    );
    expect(body).toContain("> Excludes aks-sandbox from the fleet: throwaway sandbox, rebuilt weekly");
    expect(body).not.toContain("Removes aks-sandbox");
    const reads = arm.requests.filter((request) => /managedClusters\/aks-search-prod$/i.test(request.path));
    expect(reads.map((request) => request.method)).toEqual(["GET"]);
  });

  it("says that a cluster it drops is gone from Azure, with Resource Manager's answer", async () => {
    const { run, body } = await planDrop("5", { scope: SCOPE }, () => arm.world.delete(other.clusterId));
    expect(run.outputs.result).toBe("pass");
    expect(body).toContain(
      "> Removes aks-search-prod, which Azure no longer has: Resource Manager answers 404 ResourceNotFound for it, and its resource group rg-search is present.",
    );
  });

  it("says a dropped cluster without every scope-tags pair stays outside the fleet, and when a management group decides", async () => {
    const tagged = await planDrop("7", { scope: SCOPE, "scope-tags": "env=prod" }, () =>
      arm.world.patch(other.clusterId, (body) => (body.tags = { env: "dev" })),
    );
    expect(tagged.body).toContain(
      "> Removes aks-search-prod from the baseline; the cluster still exists in Azure, without every scope-tags pair, so it is outside the fleet.",
    );
    arm.graph.managementGroups.set("platform", [SUBSCRIPTION]);
    const group = await planDrop("8", { scope: "/providers/Microsoft.Management/managementGroups/platform" });
    expect(group.body).toContain(
      "the next check of this scope reports it as inventory.unbaselined (warning) if its subscription lies under the management group, unless",
    );
  });

  it("plans a baseline of exclusions alone, as a fleet's first one is committed, without calling it a gate over nothing", async () => {
    const workspace = await fleetWorkspace();
    const pull = github.openPullRequest("Exclude every cluster for now", [BASELINE]);
    const reason = "migrating to the new platform";
    const ids =
      (await readFile(path.join(workspace, BASELINE), "utf8")).match(/^ {2}\/subscriptions\/\S+(?=:$)/gmu) ?? [];
    const exclusions = ids.map((id) => `  - id: ${id.trim()}\n    reason: ${reason}\n`).join("");
    await writeFile(path.join(workspace, BASELINE), `version: 1\nclusters: {}\nexclude:\n${exclusions}`);
    const run = await gate(workspace, { number: pull.number, headSha: "9".repeat(40) }, { scope: SCOPE });
    expect(run.stdout).not.toContain("a gate over nothing");
    expect(run.outputs.result).toBe("pass");
    expect(planComments(pull.number)[0]?.body ?? "").toContain(`> Excludes aks-search-prod from the fleet: ${reason}`);
  });

  it("adds no fleet notes without a scope", async () => {
    const { body } = await planDrop("6", {});
    expect(body).toContain("## AKS Network Gate:");
    expect(body).not.toContain("Removes aks-search-prod");
    expect(body).not.toContain("Excludes aks-sandbox");
  });
});

describe("when the plan cannot be a comment, the job summary has it and says why", () => {
  it("a fork's pull request: a read-only token, the plan in the summary, nothing written", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Widen the pod CIDR", [BASELINE]);
    await widenAndAddPool(workspace);
    github.readOnly = true;
    const run = await gate(workspace, {
      number: pull.number,
      headSha: "4".repeat(40),
      from: "someone/platform-network",
    });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(github.writes()).toEqual([]);
    expect(planComments(pull.number)).toEqual([]);
    expect(run.summary).toContain("## AKS Network Gate: ✅ plan of this baseline change");
    expect(run.summary).toContain("- `networkProfile.podCidrs`: `10.244.0.0/16` → `10.244.0.0/15`");
    expect(run.summary).toContain("```mermaid");
    expect(run.summary).toContain(
      "No pull request comment was written: pull request #\u200b1 comes from someone/platform-network, and GitHub gives a pull\\_request run of a fork's pull request a read-only GITHUB\\_TOKEN, which cannot comment.",
    );
  });

  it("a job without pull-requests: write: GitHub's 403, the plan in the summary, the result unchanged", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Widen the pod CIDR", [BASELINE]);
    await widenAndAddPool(workspace);
    github.readOnly = true;
    const run = await gate(workspace, { number: pull.number, headSha: "5".repeat(40) });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(github.writes().map((request) => [request.method, request.status])).toEqual([["POST", 403]]);
    expect(run.summary).toContain("plan of this baseline change");
    expect(run.summary).toContain(
      "GitHub refused to write on pull request #\u200b1 (HTTP 403: Resource not accessible by integration).",
    );
    expect(run.stdout).toContain("::warning::No pull request comment: GitHub refused to write on pull request #1");
  });
});

describe("a pull request that does not change the baseline", () => {
  it("is checked as usual: no comment, and drift fails the job", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Docs only", ["README.md"]);
    arm.world.patch(cluster.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.245.0.0/16";
      profile.podCidrs = ["10.245.0.0/16"];
    });
    const run: ActionRun = await gate(
      workspace,
      { number: pull.number, headSha: "6".repeat(40) },
      { "create-issue": "false" },
    );
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(github.commentsOn(pull.number)).toEqual([]);
    expect(run.summary).not.toContain("plan of this baseline change");
    expect(run.stdout).toContain(
      "Pull request #1 does not change .github/aks-network-baseline.yml: checking as usual.",
    );
  });
});

describe("when the plan cannot be made", () => {
  it("without a token, pr-plan: auto says why in a notice and checks as usual", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Widen the pod CIDR", [BASELINE]);
    await widenAndAddPool(workspace);
    const run = await gate(workspace, { number: pull.number, headSha: "7".repeat(40) }, { "github-token": "" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(run.stdout).toContain(
      "::notice::No pull request plan: the 'github-token' input is empty, so the gate cannot read the base branch's baseline. The gate checks the live network against the baseline as usual.",
    );
    expect(github.requests).toEqual([]);
  });

  it("a pull_request_target run that checked out the base branch stops with what to check out", async () => {
    const workspace = await capturedWorkspace();
    const pull = github.openPullRequest("Widen the pod CIDR", [BASELINE]);
    const run = await gate(workspace, { number: pull.number, headSha: "8".repeat(40), event: "pull_request_target" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      "::error::Pull request #1 changes .github/aks-network-baseline.yml, but the workspace holds the base branch's: a pull_request_target run checks out the base branch.",
    );
    expect(github.writes()).toEqual([]);
  });
});
