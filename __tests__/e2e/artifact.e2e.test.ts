/**
 * The evidence as a workflow artifact: the bundled action, run as the runner
 * runs it against the ARM sandbox, uploads its evidence folder through the
 * real @actions/artifact client to a loopback stand-in of the Actions
 * artifact service and blob store. Where artifacts are refused or not
 * available, the run says so and its result stays what it was.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ArtifactService, startArtifactService } from "../../sandbox/artifact-service.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { kubenetCluster, World } from "../../sandbox/world.js";
import { unzip } from "../helpers/zip.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const RUN_URL = "https://github.com/contoso/platform-network/actions/runs/1001";
const SERVICE = "/twirp/github.actions.results.api.v1.ArtifactService";

let sandbox: ArmSandbox;
let service: ArtifactService;
let workspace: string;

function gate(inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun> {
  return runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: { "create-issue": "false", ...inputs },
    env,
  });
}

function artifactEnv(): Record<string, string> {
  return { ACTIONS_RUNTIME_TOKEN: service.token, ACTIONS_RESULTS_URL: `${service.url}/` };
}

beforeAll(async () => {
  const cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  sandbox = await startArmSandbox(new World(...cluster.resources));
  workspace = await mkdtemp(path.join(tmpdir(), "gate-artifact-"));
  await mkdir(path.join(workspace, ".github"));
  const capture = await gate({ ...TARGET, mode: "capture", "upload-evidence": "false" }, {});
  expect(capture).toMatchObject({ code: 0, outputs: { result: "pass", "evidence-artifact-id": "" } });
  expect(capture.summary).not.toContain("Evidence artifact");
}, 60_000);

afterAll(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  service = await startArtifactService();
});

afterEach(async () => {
  await service.close();
});

describe("the evidence artifact", () => {
  it("uploads the evidence folder as a zip, links it in the summary and sets evidence-artifact-id", async () => {
    const run = await gate({ "retention-days": "7" }, artifactEnv());
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass", "evidence-artifact-id": "4242" } });
    const folder = run.outputs.evidence ?? "";
    const name = `aks-network-evidence-${path.basename(folder)}`;
    expect(run.summary).toContain(`### Evidence artifact\n\n[${name.replace(/_/g, "\\_")}](${RUN_URL}/artifacts/4242)`);
    expect(run.stdout).toContain(`Evidence uploaded as the artifact ${name} (ID 4242`);

    const twirp = service.requests.filter((request) => request.path.startsWith(SERVICE));
    expect(twirp.map((request) => `${request.path.slice(SERVICE.length)} ${request.status}`)).toEqual([
      "/CreateArtifact 200",
      "/FinalizeArtifact 200",
    ]);
    const [create, finalize] = twirp.map((request) => request.body ?? {});
    expect(create).toMatchObject({ name, workflow_run_backend_id: "run-backend-1", version: 7 });
    const days = (Date.parse(String(create?.expires_at)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);

    const blob = service.requests.filter((request) => request.path.startsWith("/blob/")).map((request) => request.path);
    expect(blob).toEqual([
      `/blob/devstoreaccount1/artifacts/${name}.zip?comp=block`,
      `/blob/devstoreaccount1/artifacts/${name}.zip?comp=blocklist`,
    ]);
    const zip = service.blobs.get(`/blob/devstoreaccount1/artifacts/${name}.zip`) ?? Buffer.alloc(0);
    expect(finalize).toMatchObject({ name, size: String(zip.length) });
    expect(finalize?.hash).toBe(`sha256:${createHash("sha256").update(zip).digest("hex")}`);
    const files = unzip(zip);
    const onDisk = (await readdir(folder)).sort();
    expect([...files.keys()].sort()).toEqual(onDisk);
    expect(onDisk).toEqual(expect.arrayContaining(["manifest.json", "SHA256SUMS", "report.md", "snapshot.json"]));
    for (const file of onDisk) expect(files.get(file)?.equals(await readFile(path.join(folder, file)))).toBe(true);
  }, 60_000);

  it("says so and keeps the result when the artifact service refuses the upload", async () => {
    service.refuse = "Artifact storage is disabled for this repository";
    const run = await gate({}, artifactEnv());
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass", "evidence-artifact-id": "" } });
    expect(run.stdout).toMatch(
      /::warning::Evidence not uploaded as an artifact: the upload failed: .*\(403\).*Artifact storage is disabled/,
    );
    expect(run.summary).toContain("### Evidence artifact\n\n⚠️ Not uploaded: the upload failed:");
    expect(service.blobs.size).toBe(0);
  }, 60_000);

  it("on GitHub Enterprise Server, and outside Actions, says why with a notice and asks nothing", async () => {
    const ghes = await gate({}, { ...artifactEnv(), GITHUB_SERVER_URL: "https://github.contoso.com" });
    expect(ghes).toMatchObject({ code: 0, outputs: { result: "pass", "evidence-artifact-id": "" } });
    expect(ghes.stdout).toContain("::notice::Evidence not uploaded as an artifact: GitHub Enterprise Server does not");
    expect(ghes.summary).toContain("⚠️ Not uploaded: GitHub Enterprise Server does not offer the artifact service");

    const local = await gate({}, {});
    expect(local).toMatchObject({ code: 0, outputs: { result: "pass", "evidence-artifact-id": "" } });
    expect(local.stdout).toContain("::notice::Evidence not uploaded as an artifact: ACTIONS_RUNTIME_TOKEN is not set");
    expect(service.requests).toEqual([]);
  }, 60_000);

  it("refuses a retention-days outside 1 to 400 before reading Azure", async () => {
    const run = await gate({ "retention-days": "401" }, artifactEnv());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Input 'retention-days' has the value '401'; expected a whole number from 1 to 400.");
    expect(service.requests).toEqual([]);
  }, 60_000);
});
