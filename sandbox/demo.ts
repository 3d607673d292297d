/**
 * `npm run demo`: the bundled action against a sample kubenet cluster in the
 * local ARM sandbox, no Azure account needed. It captures a baseline, checks
 * the unchanged cluster (pass), then makes the cluster drift (a node's route
 * goes missing, the pod CIDR changes) and checks again: the gate fails and
 * shows its findings, the job summary and the evidence package. The drift opens
 * a GitHub issue on the local GitHub stand-in, whose body the demo prints;
 * once the cluster is repaired, the next check passes and closes the issue.
 * The sandbox's Activity Log holds the writes behind the drift (a person
 * deleted the route in the portal, a pipeline's deployment changed the pod
 * CIDR, AKS rewrote another route), which the issue shows as "Changed by"
 * lines and the evidence keeps as changes.json.
 */
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "./arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "./github.js";
import { type ActionRun, runAction } from "./run-action.js";
import { activityEvent, deploymentEvent, kubenetCluster, World } from "./world.js";

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

const DEMO_TOKEN = "ghs_demo_token";

function buildCluster() {
  return kubenetCluster({
    ...CLUSTER,
    location: "westeurope",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    tags: { owner: "@contoso/payments-platform" },
  });
}

/** The issue as the GitHub stand-in holds it: what a person would see on github.com. */
function showIssue(github: GitHubSandbox, number: number): void {
  const issue = github.issues.get(number);
  if (!issue) return void console.log(`   (no issue #${number})`);
  console.log(
    `   #${issue.number} [${issue.state}${issue.state_reason ? `, ${issue.state_reason}` : ""}] ${issue.title}`,
  );
  console.log(`   labels: ${issue.labels.join(", ")}; assignees: ${issue.assignees.join(", ") || "(none)"}`);
  issue.comments.forEach((comment, index) => console.log(`   comment ${index + 1}: ${comment.replace(/\n/g, " ")}`));
}

interface Demo {
  built: ReturnType<typeof buildCluster>;
  sandbox: ArmSandbox;
  github: GitHubSandbox;
  workspace: string;
  run(inputs?: Record<string, string>): Promise<ActionRun>;
}

async function capture(demo: Demo): Promise<void> {
  heading(`1. mode: capture writes the baseline of ${CLUSTER.name} (kubenet, ${demo.built.nodes.length} nodes)`);
  show(
    await demo.run({
      mode: "capture",
      subscription: CLUSTER.subscriptionId,
      "resource-group": CLUSTER.resourceGroup,
      "cluster-name": CLUSTER.name,
    }),
  );
  const baselineFile = path.join(demo.workspace, ".github", "aks-network-baseline.yml");
  console.log((await readFile(baselineFile, "utf8")).replace(/^/gm, "   > "));
}

/** The pipeline that deploys the cluster's network: a service principal (the ID of its app registration). */
const PIPELINE = {
  kind: "application",
  appId: "8d1f7c2e-5a4b-4c3d-9e8f-0a1b2c3d4e5f",
  objectId: "f3e2d1c0-b9a8-4765-8432-10fedcba9876",
} as const;

/** The writes behind the drift, as the Activity Log records them, just after the passing check. */
function logWrites(demo: Demo, droppedRoute: string): void {
  const { built, sandbox } = demo;
  const { subscriptionId, resourceGroup } = CLUSTER;
  const at = (offset: number) => new Date(Date.now() + offset);
  const correlationId = "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  const kept = built.routes[0]?.name ?? "";
  sandbox.world.logEvents(
    activityEvent({
      resourceId: `${built.routeTableId}/routes/${kept}`,
      operation: "Microsoft.Network/routeTables/routes/write",
      at: at(0),
      caller: {
        kind: "application",
        appId: "7c5e4b3a-2d1f-4e0a-9b8c-7d6e5f4a3b2c",
        objectId: "0c9b8a7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d",
        managedIdentity: built.clusterId.toLowerCase(),
      },
    }),
    activityEvent({
      resourceId: `${built.routeTableId}/routes/${droppedRoute}`,
      operation: "Microsoft.Network/routeTables/routes/delete",
      at: at(1),
      caller: { kind: "person", upn: "alice@contoso.com", client: "portal" },
    }),
    deploymentEvent(subscriptionId, resourceGroup, "aks-payments-network-1342", {
      at: at(2),
      caller: PIPELINE,
      correlationId,
    }),
    activityEvent({
      resourceId: built.clusterId,
      operation: "Microsoft.ContainerService/managedClusters/write",
      at: at(3),
      caller: PIPELINE,
      correlationId,
    }),
  );
}

/** Node 1's route goes missing and the pod CIDR is changed by hand. */
function drift(demo: Demo): void {
  const { built, sandbox } = demo;
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
  logWrites(demo, dropped?.name ?? "");
  console.log(`   removed route ${dropped?.name}; podCidr 10.244.0.0/16 -> 10.245.0.0/16`);
  console.log("   the Activity Log records: alice@contoso.com deleted the route in the portal, a pipeline's");
  console.log("   deployment wrote the cluster, and AKS rewrote another route");
}

async function showFailure(demo: Demo, failed: ActionRun): Promise<number> {
  show(failed);
  heading("job summary (what GITHUB_STEP_SUMMARY received)");
  console.log(failed.summary);
  const evidence = failed.outputs.evidence ?? "";
  heading(`evidence package: ${evidence}`);
  console.log((await readdir(evidence)).map((file) => `   ${file}`).join("\n"));
  const number = Number(failed.outputs["issue-number"]);
  heading(`5. the GitHub issue the drift opened: ${failed.outputs["issue-url"] ?? "(none)"}`);
  showIssue(demo.github, number);
  heading("   its body, as rendered Markdown source");
  console.log(demo.github.issues.get(number)?.body ?? "(none)");
  heading(`changes.json of that run: the Activity Log events behind the drift`);
  console.log(await readFile(path.join(evidence, "changes.json"), "utf8").catch(() => "(none)"));
  return number;
}

function verdict(
  demo: Demo,
  runs: { pass: ActionRun; drift: ActionRun; repaired: ActionRun },
  number: number,
): boolean {
  const closed = demo.github.issues.get(number);
  const changedBy = (closed?.body ?? "").includes("Changed by **alice@\u200bcontoso.com** (person, Azure portal)");
  const ok =
    changedBy &&
    runs.pass.code === 0 &&
    runs.pass.outputs.result === "pass" &&
    runs.drift.code !== 0 &&
    runs.drift.outputs.result === "drift" &&
    number === 1 &&
    runs.repaired.code === 0 &&
    closed?.state === "closed" &&
    closed.labels.includes("resolved");
  console.log(
    ok
      ? "\nThe demo behaved as expected: pass, a failing gate on drift that opened an issue saying who changed what, and a pass that closed it."
      : "\nThe demo did NOT behave as expected.",
  );
  return ok;
}

async function play(demo: Demo): Promise<boolean> {
  await capture(demo);
  heading("2. mode: check on the unchanged cluster");
  const pass = await demo.run();
  show(pass);
  drift(demo);
  heading("4. mode: check fails the gate");
  const failed = await demo.run();
  const number = await showFailure(demo, failed);
  heading("6. the cluster is repaired (route back, pod CIDR back) and checked again: the issue closes");
  demo.sandbox.world = new World(...buildCluster().resources);
  const repaired = await demo.run();
  show(repaired);
  showIssue(demo.github, number);
  return verdict(demo, { pass, drift: failed, repaired }, number);
}

async function main(): Promise<void> {
  const built = buildCluster();
  const sandbox = await startArmSandbox(new World(...built.resources));
  const github = await startGitHubSandbox({ token: DEMO_TOKEN });
  const workspace = await mkdtemp(path.join(tmpdir(), "aks-network-gate-demo-"));
  const run = (inputs: Record<string, string> = {}) =>
    runAction({
      armEndpoint: sandbox.url,
      ca: sandbox.ca,
      workspace,
      inputs: { "github-token": DEMO_TOKEN, ...inputs },
      env: { GITHUB_API_URL: github.url },
    });
  try {
    console.log(`ARM sandbox on ${sandbox.url}; GitHub stand-in on ${github.url}; workspace ${workspace}`);
    process.exitCode = (await play({ built, sandbox, github, workspace, run })) ? 0 : 1;
  } finally {
    await sandbox.close();
    await github.close();
  }
}

await main();
