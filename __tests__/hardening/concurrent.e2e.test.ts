/**
 * Two runs of the bundled action at once on one workspace: the baseline and
 * the evidence stay whole and consistent.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseBaseline } from "../../src/core/baseline/parse.js";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { runAction } from "../../sandbox/run-action.js";
import { kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const clusters = ["aks-east", "aks-west"].map((name) =>
  kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-fleet", name }),
);

let sandbox: ArmSandbox;

beforeAll(async () => {
  sandbox = await startArmSandbox(new World(...clusters.flatMap((cluster) => cluster.resources)));
});

afterAll(async () => {
  await sandbox.close();
});

function run(workspace: string, inputs: Record<string, string>) {
  return runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: { "create-issue": "false", ...inputs },
  });
}

it("keeps both clusters when two captures write one baseline at once, and two checks leave two whole evidence folders", async () => {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-concurrent-"));
  await mkdir(path.join(workspace, ".github"));
  const captures = await Promise.all(
    ["aks-east", "aks-west"].map((name) =>
      run(workspace, {
        mode: "capture",
        subscription: SUBSCRIPTION,
        "resource-group": "rg-fleet",
        "cluster-name": name,
      }),
    ),
  );
  expect(captures.map((result) => result.code)).toEqual([0, 0]);
  const file = ".github/aks-network-baseline.yml";
  const parsed = parseBaseline(await readFile(path.join(workspace, file), "utf8"), file);
  expect(parsed.baseline.clusters.map((cluster) => cluster.id).sort()).toEqual(
    clusters.map((cluster) => cluster.clusterId).sort(),
  );
  expect((await readdir(path.join(workspace, ".github"))).sort()).toEqual(["aks-network-baseline.yml"]);

  const checks = await Promise.all([run(workspace, {}), run(workspace, {})]);
  expect(checks.map((result) => result.outputs.result)).toEqual(["pass", "pass"]);
  const folders = checks.map((result) => result.outputs.evidence ?? "");
  expect(new Set(folders).size).toBe(2);
  for (const folder of folders) {
    const sums = (await readFile(path.join(folder, "SHA256SUMS"), "utf8")).trim().split("\n");
    for (const line of sums) {
      const [hash, name] = line.split(/\s+/);
      const content = await readFile(path.join(folder, name ?? ""));
      expect(createHash("sha256").update(content).digest("hex")).toBe(hash);
    }
  }
});
