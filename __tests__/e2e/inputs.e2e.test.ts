/**
 * An input action.yml does not declare fails the run, through the bundled
 * action: the runner itself only warns, and a misnamed cluster filter would
 * otherwise widen the check to every cluster of the baseline.
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { runAction } from "../../sandbox/run-action.js";
import { kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
let arm: ArmSandbox;

beforeAll(async () => {
  const cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
  });
  arm = await startArmSandbox(new World(...cluster.resources));
});

afterAll(async () => {
  await arm.close();
});

it("fails a run given INPUT_SUBSCRIPTION-ID, suggesting 'subscription', before reading Azure", async () => {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-inputs-"));
  await mkdir(path.join(workspace, ".github"));
  const run = await runAction({
    workspace,
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { "subscription-id": SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" },
  });
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe("error");
  expect(run.stdout).toContain(
    "::error::Input 'subscription-id' (did you mean 'subscription'?) is not an input of this action",
  );
  expect(run.summary).toContain("did you mean 'subscription'?");
  expect(arm.requests).toEqual([]);
});
