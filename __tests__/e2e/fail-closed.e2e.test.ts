/**
 * Fail closed on types, through the bundled action: a node pool's maxCount
 * sent as the string "450" (where 450 nodes break the kubenet route limit)
 * ends the run with result=error naming the resource and the field, in
 * capture and in check, instead of a null that passes.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { newWorkspace as workspaceWith, SUBSCRIPTION, TARGET } from "../helpers/e2e-world.js";

const BASELINE = path.join(".github", "aks-network-baseline.yml");

let sandbox: ArmSandbox;
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

function maxCountAsText(): void {
  sandbox.world.patch(cluster.agentPoolIds[0] ?? "", (body) => {
    (body.properties as Record<string, unknown>).maxCount = "450";
  });
}

const newWorkspace = () => workspaceWith("gate-fail-closed-");

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: { "create-issue": "false", ...inputs },
  });
}

function expectFieldError(run: ActionRun): void {
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe("error");
  expect(run.stdout).toContain(
    `Azure returned a malformed response for ${cluster.agentPoolIds[0]}: properties.maxCount is "450" (a string), where the API defines an integer.`,
  );
  expect(run.summary).toContain("⚠️ error");
}

beforeAll(async () => {
  sandbox = await startArmSandbox(freshWorld());
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.world = freshWorld();
});

it('ends a capture with result=error naming maxCount when Azure sends it as the string "450", and writes no baseline', async () => {
  maxCountAsText();
  const workspace = await newWorkspace();
  const run = await gate(workspace, { ...TARGET, mode: "capture" });
  expectFieldError(run);
  expect(existsSync(path.join(workspace, BASELINE))).toBe(false);
});

it('ends a check with result=error, not pass or drift, when maxCount turns into the string "450"', async () => {
  const workspace = await newWorkspace();
  const captured = await gate(workspace, { ...TARGET, mode: "capture" });
  expect(captured.outputs.result).toBe("pass");
  maxCountAsText();
  expectFieldError(await gate(workspace));
});
