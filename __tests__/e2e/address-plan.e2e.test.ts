/**
 * The address plan as the bundled action writes it: after the pod CIDR is
 * widened by hand, the job summary and the evidence's report.md hold a
 * Mermaid diagram that the real mermaid library accepts, with the pod CIDR
 * marked as drifted (baseline → live), and the capacity table.
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { runAction } from "../../sandbox/run-action.js";
import { kubenetCluster, World } from "../../sandbox/world.js";
import { checkWithMermaid, mermaidBlocks } from "../helpers/mermaid.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };

let sandbox: ArmSandbox;

afterAll(async () => {
  await sandbox?.close();
});

it("the drifted pod CIDR is marked in a diagram mermaid accepts, in the summary and in report.md", async () => {
  const cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  sandbox = await startArmSandbox(new World(...cluster.resources));
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-plan-"));
  await mkdir(path.join(workspace, ".github"));
  const gate = (inputs: Record<string, string>) =>
    runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs: { "create-issue": "false", ...inputs } });
  expect((await gate({ ...TARGET, mode: "capture" })).code).toBe(0);
  sandbox.world.patch(cluster.clusterId, (body) => {
    const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
    profile.podCidr = "10.244.0.0/15";
    profile.podCidrs = ["10.244.0.0/15"];
  });

  const run = await gate({});
  expect(run.outputs.result).toBe("drift");
  const report = await readFile(run.outputs.report ?? "", "utf8");
  const blocks = [...mermaidBlocks(run.summary), ...mermaidBlocks(report)];
  expect(blocks).toHaveLength(2);
  expect(run.summary).toContain("| Pod CIDR 10.244.0.0/15: nodes | 3 | 7 | 512 | 1% ✅ |");

  const results = await checkWithMermaid(blocks.map((text, index) => ({ name: `block${index}`, text })));
  for (const result of results) {
    if (!result.ok) throw new Error(`mermaid rejected ${result.name}: ${result.error}`);
    const pod = result.flowchart?.vertices.find((vertex) => vertex.id === "pod0");
    expect(pod).toMatchObject({
      classes: ["drift"],
      text: "pod CIDR<br>10.244.0.0/15<br>⚠ podCidrs: 10.244.0.0/16 → 10.244.0.0/15",
    });
  }
}, 90_000);
