/**
 * The bundled action on Azure Stack Hub, set up as azure/login leaves it: the
 * cloud registered in the Azure CLI with nothing but its ARM URL, and no
 * AZURE_AUTHORITY_HOST. The gate reads the stamp's metadata document (the
 * sandbox in Azure Stack mode) for the login endpoint and the one audience its
 * ARM accepts.
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-edge", "cluster-name": "aks-edge" };
const STACK_AUDIENCE = "https://management.adfs.azurestack.local/4de154de-f8a8-4017-af41-df619da68155";
const TENANT = "9e4a8c3d-5b2f-4c1e-8d7a-6f0b1c2d3e4f";

let stamp: ArmSandbox;

function world(): World {
  const cluster = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-edge", name: "aks-edge" });
  return new World(...cluster.resources);
}

async function workspace(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "gate-stack-"));
  await mkdir(path.join(folder, ".github"));
  return folder;
}

function capture(
  folder: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  armEndpoint = stamp.url,
): Promise<ActionRun> {
  return runAction({
    workspace: folder,
    armEndpoint,
    ca: stamp.ca,
    inputs: { environment: "AzureStack", mode: "capture", ...TARGET, ...inputs },
    env,
  });
}

function metadataUrl(armEndpoint: string): string {
  return `${armEndpoint}/metadata/endpoints?api-version=2015-01-01`;
}

beforeAll(async () => {
  stamp = await startArmSandbox(world(), { azureStack: { audience: STACK_AUDIENCE } });
});

afterAll(async () => {
  await stamp.close();
});

beforeEach(() => {
  stamp.faults.clear();
  stamp.requests.length = 0;
});

describe("Azure Stack as azure/login sets it up", () => {
  it("signs in with the Azure CLI for the audience the stamp's metadata names, with no AZURE_AUTHORITY_HOST", async () => {
    const folder = await workspace();
    const azLog = path.join(folder, "az.log");
    const run = await capture(folder, {}, { SANDBOX_AZ_LOG: azLog });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(await readFile(azLog, "utf8")).toContain(`--resource ${STACK_AUDIENCE}`);
    expect(run.stdout).toContain(`token scope ${STACK_AUDIENCE}/.default, authority ${stamp.url}.`);
    expect(stamp.requests[0]).toMatchObject({ path: "/metadata/endpoints", query: { "api-version": "2015-01-01" } });
    expect(stamp.requests.filter((request) => request.status === 401)).toEqual([]);
  });

  it("signs in with GitHub OIDC at the login endpoint the metadata names", async () => {
    const before = stamp.tokenRequests.length;
    const run = await capture(
      await workspace(),
      { "client-id": "11111111-2222-3333-4444-555555555555", "tenant-id": TENANT },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: stamp.actionsIdTokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
        AZURE_TOKEN_CREDENTIALS: "",
        PATH: path.dirname(process.execPath),
      },
    );
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const requests = stamp.tokenRequests.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]).toMatchObject({ tenant: TENANT, scope: `${STACK_AUDIENCE}/.default` });
    expect(stamp.idTokenRequests.at(-1)).toMatchObject({ audience: "api://AzureADTokenExchange" });
  });

  it("stops with the metadata URL when the stamp does not answer", async () => {
    const closed = await startArmSandbox(new World());
    const unreachable = closed.url;
    await closed.close();
    const run = await capture(await workspace(), {}, {}, unreachable);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(`Could not read Azure Stack's metadata at ${metadataUrl(unreachable)}`);
    expect(run.stdout).toContain("'arm-endpoint'");
  });

  it("stops with the metadata URL and the field when the document is malformed, before any ARM read", async () => {
    stamp.faults.add({
      path: "/metadata/endpoints",
      status: 200,
      body: { authentication: { loginEndpoint: "https://adfs.local.azurestack.external/adfs", audiences: [] } },
    });
    const run = await capture(await workspace());
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      `Azure Stack's metadata at ${metadataUrl(stamp.url)} is not usable: 'authentication.audiences' is [], not a non-empty list.`,
    );
    expect(stamp.requests.map((request) => request.path)).toEqual(["/metadata/endpoints"]);
  });
});
