/**
 * Every credential signs in at the cloud's authority, never at a public Entra
 * host, when another authority is set (AZURE_AUTHORITY_HOST): the environment
 * credential with a client secret and the workload identity credential with a
 * federated token file, through the bundled action. The loopback guard every
 * child preloads fails the run on any connection beyond 127.0.0.1, and the
 * sandbox's Entra stand-in records the token requests that reached it.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { actionsIdToken, type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { runAction } from "../../sandbox/run-action.js";
import { World } from "../../sandbox/world.js";
import { newWorkspace, paymentsCluster, TARGET } from "../helpers/e2e-world.js";

const TENANT = "11111111-1111-1111-1111-111111111111";
const CLIENT = "22222222-2222-2222-2222-222222222222";

let arm: ArmSandbox;

beforeAll(async () => {
  arm = await startArmSandbox(new World(...paymentsCluster().resources));
});

afterAll(async () => {
  await arm.close();
});

beforeEach(() => {
  arm.tokenRequests.length = 0;
});

async function capture(env: Record<string, string>) {
  return runAction({
    workspace: await newWorkspace("gate-authority-"),
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { ...TARGET, mode: "capture", "create-issue": "false", "upload-evidence": "false" },
    env: { AZURE_AUTHORITY_HOST: arm.url, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, ...env },
  });
}

it("signs in with a client secret from the environment at AZURE_AUTHORITY_HOST only", async () => {
  const run = await capture({
    AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
    AZURE_CLIENT_SECRET: "sandbox-client-secret-1",
  });
  expect({ code: run.code, result: run.outputs.result, stderr: run.stderr }).toEqual({
    code: 0,
    result: "pass",
    stderr: "",
  });
  expect(arm.tokenRequests).toEqual([
    expect.objectContaining({
      tenant: TENANT,
      clientId: CLIENT,
      grantType: "client_credentials",
      scope: "https://management.azure.com/.default",
    }),
  ]);
});

it("signs in with a workload identity's federated token at AZURE_AUTHORITY_HOST only", async () => {
  const tokenFile = path.join(await mkdtemp(path.join(tmpdir(), "gate-federated-")), "token");
  await writeFile(tokenFile, actionsIdToken("api://AzureADTokenExchange"));
  const run = await capture({
    AZURE_TOKEN_CREDENTIALS: "WorkloadIdentityCredential",
    AZURE_FEDERATED_TOKEN_FILE: tokenFile,
  });
  expect({ code: run.code, result: run.outputs.result, stderr: run.stderr }).toEqual({
    code: 0,
    result: "pass",
    stderr: "",
  });
  expect(arm.tokenRequests).toEqual([
    expect.objectContaining({
      tenant: TENANT,
      clientId: CLIENT,
      clientAssertionType: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    }),
  ]);
});
