/**
 * An input action.yml does not declare fails the run, through the bundled
 * action: the runner itself only warns, and a misnamed cluster filter would
 * otherwise widen the check to every cluster of the baseline.
 */
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { runAction } from "../../sandbox/run-action.js";
import { World } from "../../sandbox/world.js";
import { newWorkspace, paymentsCluster, SUBSCRIPTION } from "../helpers/e2e-world.js";

let arm: ArmSandbox;

beforeAll(async () => {
  arm = await startArmSandbox(new World(...paymentsCluster().resources));
});

afterAll(async () => {
  await arm.close();
});

it("fails a run given INPUT_SUBSCRIPTION-ID, suggesting 'subscription', before reading Azure", async () => {
  const run = await runAction({
    workspace: await newWorkspace("gate-inputs-"),
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
