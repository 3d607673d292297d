/**
 * Nothing outside the gate can hold a run past its time budget: an `az` that
 * never answers and a GitHub API that never answers both end the run, when
 * 'timeout-minutes' is spent, as result=error naming what was still waiting.
 */
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, World } from "../../sandbox/world.js";
import { newWorkspace, paymentsCluster, SIX_SECONDS, TARGET } from "../helpers/e2e-world.js";

let arm: ArmSandbox;
let github: GitHubSandbox;
let cluster: BuiltCluster;

const workspace = () => newWorkspace("gate-hangs-");

function gate(folder: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: folder,
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { ...TARGET, "upload-evidence": "false", ...inputs },
    env: { GITHUB_API_URL: github.url, ...env },
  });
}

beforeAll(async () => {
  cluster = paymentsCluster();
  arm = await startArmSandbox(new World(...cluster.resources));
  github = await startGitHubSandbox();
});

afterAll(async () => {
  await github.close();
  await arm.close();
});

it("ends a run whose az never answers when the budget is spent, naming the sign-in", async () => {
  const run = await gate(
    await workspace(),
    { mode: "capture", "timeout-minutes": SIX_SECONDS, "create-issue": "false" },
    { SANDBOX_AZ_HANG: "1" },
  );
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe("error");
  expect(`${run.stdout}\n${run.summary}`).toContain("a sign-in token from Microsoft Entra ID or 'az'");
  expect(arm.requests.filter((request) => request.path.includes("managedClusters"))).toEqual([]);
});

it("ends a run whose GitHub never answers when the budget is spent, as an error naming the call", async () => {
  const folder = await workspace();
  const captured = await gate(folder, { mode: "capture", "create-issue": "false" });
  expect(captured.outputs.result).toBe("pass");
  arm.world.patch(cluster.clusterId, (body) => {
    const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
    profile.podCidr = "10.245.0.0/16";
    profile.podCidrs = ["10.245.0.0/16"];
  });
  github.holdUntil(1_000, {});
  const run = await gate(folder, { "timeout-minutes": SIX_SECONDS, "github-token": "ghs_sandbox-token-0001" });
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe("error");
  expect(`${run.stdout}\n${run.summary}`).toMatch(/does not allow an answer from GitHub to \w+/);
  expect(github.requests.length).toBeGreaterThan(0);
});
