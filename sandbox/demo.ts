/**
 * `npm run demo`: the bundled action against a sample kubenet cluster in the
 * local ARM sandbox, no Azure account needed. It captures a baseline, checks
 * the unchanged cluster (pass), then makes the cluster drift (a node's route
 * goes missing, the pod CIDR changes) and checks again: the gate fails and
 * shows its findings, the job summary and the evidence package.
 */
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startArmSandbox } from "./arm.js";
import { type ActionRun, runAction } from "./run-action.js";
import { kubenetCluster, World } from "./world.js";

const CLUSTER = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "rg-payments",
  name: "aks-payments-prod",
};

function heading(text: string): void {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`);
}

function show(run: ActionRun): void {
  const log = run.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `   | ${line}`);
  console.log(log.join("\n"));
  console.log(`   exit code ${run.code}; outputs: ${JSON.stringify(run.outputs)}`);
}

async function main(): Promise<void> {
  const built = kubenetCluster({
    ...CLUSTER,
    location: "westeurope",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    tags: { owner: "@contoso/payments-platform" },
  });
  const sandbox = await startArmSandbox(new World(...built.resources));
  const workspace = await mkdtemp(path.join(tmpdir(), "aks-network-gate-demo-"));
  const target = { armEndpoint: sandbox.url, ca: sandbox.ca, workspace };
  const inputs = {
    subscription: CLUSTER.subscriptionId,
    "resource-group": CLUSTER.resourceGroup,
    "cluster-name": CLUSTER.name,
  };
  try {
    console.log(`ARM sandbox on ${sandbox.url}; workspace ${workspace}`);
    heading(`1. mode: capture writes the baseline of ${CLUSTER.name} (kubenet, ${built.nodes.length} nodes)`);
    show(await runAction({ ...target, inputs: { ...inputs, mode: "capture" } }));
    const baselineFile = path.join(workspace, ".github", "aks-network-baseline.yml");
    console.log((await readFile(baselineFile, "utf8")).replace(/^/gm, "   > "));

    heading("2. mode: check on the unchanged cluster");
    const pass = await runAction({ ...target });
    show(pass);

    heading("3. the cluster drifts: node 1's route goes missing and the pod CIDR is changed by hand");
    const dropped = built.routes[1];
    sandbox.world.patch(built.routeTableId ?? "", (body) => {
      const properties = body.properties as { routes: { name: string }[] };
      properties.routes = properties.routes.filter((route) => route.name !== dropped?.name);
    });
    sandbox.world.patch(built.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.245.0.0/16";
      profile.podCidrs = ["10.245.0.0/16"];
    });
    console.log(`   removed route ${dropped?.name}; podCidr 10.244.0.0/16 -> 10.245.0.0/16`);

    heading("4. mode: check fails the gate");
    const drift = await runAction({ ...target });
    show(drift);
    heading("job summary (what GITHUB_STEP_SUMMARY received)");
    console.log(drift.summary);
    const evidence = drift.outputs.evidence ?? "";
    heading(`evidence package: ${evidence}`);
    console.log((await readdir(evidence)).map((file) => `   ${file}`).join("\n"));
    const ok =
      pass.code === 0 && pass.outputs.result === "pass" && drift.code !== 0 && drift.outputs.result === "drift";
    console.log(
      ok
        ? "\nThe demo behaved as expected: pass, then a failing gate on drift."
        : "\nThe demo did NOT behave as expected.",
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await sandbox.close();
  }
}

await main();
