/**
 * `npm run demo:fleet`: the bundled action over a fleet, against the local
 * ARM sandbox and its Azure Resource Graph stand-in, no Azure account needed.
 * Two subscriptions hold four clusters. A fleet capture (`scope`) bootstraps
 * the baseline in one change; the team excludes its sandbox cluster with a
 * reason. Then the fleet moves: one cluster is deleted (its resource group
 * stays), a new one is created outside the process. A check with the scope
 * reports both (`inventory.removed`, `inventory.unbaselined`) and opens their
 * issues; a fleet capture writes the new cluster and removes the deleted one
 * as one change to review; the check after it passes and closes both issues:
 * the new cluster's as it passes, the deleted one's as gone and out of the baseline.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "./arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "./github.js";
import { type ActionRun, runAction } from "./run-action.js";
import { kubenetCluster, World } from "./world.js";
import { removeClusters } from "../src/core/baseline/edit.js";

const PLATFORM = "11111111-1111-4111-8111-111111111111";
const DATA = "22222222-2222-4222-8222-222222222222";
const SCOPE = `/subscriptions/${PLATFORM}\n/subscriptions/${DATA}`;
const DEMO_TOKEN = "ghs_demo_token";
const BASELINE = ".github/aks-network-baseline.yml";
/** The nightly drift check: a cluster nobody baselined fails it and gets an issue, as a removed one does. */
const NIGHTLY = { "unbaselined-severity": "error" };

function cluster(subscriptionId: string, resourceGroup: string, name: string, owner: string) {
  return kubenetCluster({
    subscriptionId,
    resourceGroup,
    name,
    location: "westeurope",
    pools: [{ name: "nodepool1", count: 2 }],
    tags: { owner, env: name.endsWith("-dev") ? "dev" : "prod" },
  });
}

const FLEET = {
  payments: cluster(PLATFORM, "rg-payments", "aks-payments-prod", "@contoso/payments-platform"),
  legacy: cluster(PLATFORM, "rg-legacy", "aks-legacy-prod", "@contoso/platform"),
  orders: cluster(DATA, "rg-orders", "aks-orders-prod", "@contoso/orders"),
  sandbox: cluster(DATA, "rg-dev", "aks-sandbox-dev", "@contoso/platform"),
  search: cluster(DATA, "rg-search", "aks-search-prod", "@contoso/search"),
};

/** A resource that keeps the legacy cluster's resource group alive after the cluster is deleted. */
const LEGACY_LOGS = {
  id: `/subscriptions/${PLATFORM}/resourceGroups/rg-legacy/providers/Microsoft.Storage/storageAccounts/stlegacylogs`,
  name: "stlegacylogs",
  type: "Microsoft.Storage/storageAccounts",
  location: "westeurope",
  properties: {},
};

function heading(text: string): void {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`);
}

function show(run: ActionRun): void {
  const log = run.stdout
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("::debug"))
    .map((line) => `   | ${line}`);
  console.log(log.join("\n"));
  console.log(`   exit code ${run.code}; result ${run.outputs.result}, findings ${run.outputs.findings}`);
}

/** The baseline's change as a reviewer sees it in the pull request. */
function showDiff(before: string, after: string): void {
  // The histogram diff anchors on the unique cluster-ID lines, as a reviewer reads the change.
  const diff = spawnSync(
    "git",
    [
      "diff",
      "--no-index",
      "--histogram",
      "--no-color",
      path.basename(before),
      path.relative(path.dirname(before), after),
    ],
    { encoding: "utf8", cwd: path.dirname(before) },
  );
  const text = diff.error ? "(git is not installed here)" : diff.stdout;
  const lines = text.split("\n");
  const shown = lines.slice(0, 60).map((line) => `   ${line}`);
  console.log(shown.join("\n"));
  if (lines.length > 60) console.log(`   … ${lines.length - 60} more lines of the diff`);
}

interface Demo {
  sandbox: ArmSandbox;
  github: GitHubSandbox;
  workspace: string;
  run(inputs?: Record<string, string>): Promise<ActionRun>;
}

async function bootstrap(demo: Demo): Promise<ActionRun> {
  heading("1. mode: capture with a scope of two subscriptions writes the whole fleet in one change");
  const run = await demo.run({ mode: "capture" });
  show(run);
  const file = path.join(demo.workspace, BASELINE);
  const text = await readFile(file, "utf8");
  const entries = text.split("\n").filter((line) => /^ {2}\/subscriptions\//.test(line));
  console.log(`   ${BASELINE} now lists ${entries.length} clusters:`);
  console.log(entries.map((line) => `   > ${line.trim()}`).join("\n"));
  heading("2. in review, the team takes its sandbox cluster out of the gate, with a reason, and merges");
  const excluded = [
    "exclude:",
    `  - id: ${FLEET.sandbox.clusterId}`,
    "    reason: Developers' sandbox, rebuilt every night; not gated.",
    "",
  ].join("\n");
  await writeFile(file, removeClusters(text, BASELINE, [FLEET.sandbox.clusterId]) + excluded);
  const lines = (await readFile(file, "utf8")).split("\n");
  console.log(
    lines
      .slice(lines.findIndex((line) => line.startsWith("exclude:")))
      .map((line) => `   > ${line}`)
      .join("\n"),
  );
  return run;
}

async function fleetMoves(demo: Demo): Promise<ActionRun> {
  heading(
    "3. the fleet moves: aks-legacy-prod is deleted (its resource group stays), aks-search-prod is created by hand",
  );
  demo.sandbox.world.delete(FLEET.legacy.clusterId);
  demo.sandbox.world.put(LEGACY_LOGS, ...FLEET.search.resources);
  heading(
    "4. the nightly mode: check with the scope (unbaselined-severity: error): one cluster nobody baselined, one gone",
  );
  const run = await demo.run(NIGHTLY);
  show(run);
  heading("job summary (what GITHUB_STEP_SUMMARY received)");
  console.log(run.summary);
  heading("issues the check opened");
  for (const issue of demo.github.issues.values()) {
    console.log(
      `   #${issue.number} [${issue.state}] ${issue.title}; assignees: ${issue.assignees.join(", ") || "(none)"}`,
    );
  }
  return run;
}

async function recapture(demo: Demo): Promise<ActionRun> {
  heading("5. a fleet capture writes aks-search-prod and removes aks-legacy-prod, as one change to review");
  const file = path.join(demo.workspace, BASELINE);
  const before = path.join(demo.workspace, "baseline-before.yml");
  await writeFile(before, await readFile(file, "utf8"));
  const run = await demo.run({ mode: "capture" });
  show(run);
  showDiff(before, file);
  return run;
}

function verdict(demo: Demo, runs: { drift: ActionRun; recapture: ActionRun; pass: ActionRun }): boolean {
  const issues = [...demo.github.issues.values()];
  const ok =
    runs.drift.outputs.result === "drift" &&
    runs.drift.code !== 0 &&
    runs.drift.summary.includes("inventory.unbaselined") &&
    runs.drift.summary.includes("inventory.removed") &&
    !runs.drift.summary.includes("aks-sandbox-dev`") &&
    runs.recapture.code === 0 &&
    runs.pass.code === 0 &&
    runs.pass.outputs.result === "pass" &&
    issues.length === 2 &&
    issues.every((issue) => issue.state === "closed");
  console.log(
    ok
      ? "\nThe fleet demo behaved as expected: a bootstrap in one change, drift of the inventory reported and issued, one reviewed change, and a pass that closed both issues: the new cluster's, and the gone cluster's now that its entry left the baseline."
      : "\nThe fleet demo did NOT behave as expected.",
  );
  return ok;
}

async function play(demo: Demo): Promise<boolean> {
  await bootstrap(demo);
  const drift = await fleetMoves(demo);
  const again = await recapture(demo);
  heading("6. mode: check with the scope after the change is merged: pass");
  const pass = await demo.run(NIGHTLY);
  show(pass);
  for (const issue of demo.github.issues.values()) console.log(`   #${issue.number} [${issue.state}] ${issue.title}`);
  const legacy = [...demo.github.issues.values()].find((issue) => issue.title.includes("aks-legacy-prod"));
  const comment = legacy ? demo.github.commentsOn(legacy.number).at(-1)?.body : undefined;
  if (legacy && comment) console.log(`   #${legacy.number}'s last comment: ${comment}`);
  return verdict(demo, { drift, recapture: again, pass });
}

async function main(): Promise<void> {
  const { search: _search, ...first } = FLEET;
  const sandbox = await startArmSandbox(new World(...Object.values(first).flatMap((built) => built.resources)));
  const github = await startGitHubSandbox({ token: DEMO_TOKEN });
  const workspace = await mkdtemp(path.join(tmpdir(), "aks-network-gate-fleet-demo-"));
  const run = (inputs: Record<string, string> = {}) =>
    runAction({
      armEndpoint: sandbox.url,
      ca: sandbox.ca,
      workspace,
      inputs: { "github-token": DEMO_TOKEN, scope: SCOPE, ...inputs },
      env: { GITHUB_API_URL: github.url },
    });
  try {
    console.log(
      `ARM and Resource Graph sandbox on ${sandbox.url}; GitHub stand-in on ${github.url}; workspace ${workspace}`,
    );
    process.exitCode = (await play({ sandbox, github, workspace, run })) ? 0 : 1;
  } finally {
    await sandbox.close();
    await github.close();
  }
}

await main();
