/**
 * A baseline that holds only exclusions (`clusters: {}`), committed before the
 * first fleet capture, through the bundled action against the ARM sandbox and
 * its Azure Resource Graph stand-in: a check without `scope` refuses it, a
 * check with `scope` reports every other cluster as unbaselined (in the SARIF
 * log too, at the `clusters` key), a fleet capture writes them all, and once
 * every gated cluster is gone a capture leaves the exclusions alone again.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { newWorkspace } from "../helpers/e2e-world.js";
import { breaksReadOnly } from "../helpers/read-only.js";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const SCOPE = `/subscriptions/${A}\n/subscriptions/${B}`;
const BASELINE = path.join(".github", "aks-network-baseline.yml");

function built(subscriptionId: string, resourceGroup: string, name: string): BuiltCluster {
  return kubenetCluster({
    subscriptionId,
    resourceGroup,
    name,
    location: "westeurope",
    pools: [{ name: "nodepool1", count: 2 }],
    tags: { owner: `@contoso/${name}` },
  });
}

const fleet = {
  payments: built(A, "rg-payments", "aks-payments-prod"),
  orders: built(B, "rg-orders", "aks-orders-prod"),
  sandbox: built(B, "rg-dev", "aks-sandbox-dev"),
};

/** The file a team commits before its first fleet capture. */
const EXCLUSIONS_ONLY = [
  "# AKS Network Gate baseline: the fleet's entries come with the first capture.",
  "version: 1",
  "clusters: {}",
  "exclude:",
  `  - id: ${fleet.sandbox.clusterId}`,
  "    reason: Developers' sandbox, rebuilt every night; not gated.",
  "",
].join("\n");

let sandbox: ArmSandbox;

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs });
}

async function evidence<T>(run: ActionRun, name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(run.outputs.evidence ?? "", name), "utf8")) as T;
}

/** The names of the clusters the baseline file lists, sorted. */
function entryNames(text: string): string[] {
  const keys = text.split("\n").flatMap((line) => /^ {2}(\/subscriptions\/\S+):\s*$/u.exec(line)?.[1] ?? []);
  return keys.map((id) => id.split("/").at(-1) ?? "").sort();
}

interface SarifResult {
  ruleId: string;
  level: string;
  locations: { physicalLocation: { region: { startLine: number } } }[];
  properties: { clusterId: string };
}

beforeAll(async () => {
  sandbox = await startArmSandbox(new World(...Object.values(fleet).flatMap((cluster) => cluster.resources)));
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  expect(breaksReadOnly(sandbox.requests)).toEqual([]);
});

it("a baseline of exclusions only: refused without scope, inventoried with it, then filled and emptied by fleet captures", async () => {
  const workspace = await newWorkspace("gate-fleet-exclude-");
  const file = path.join(workspace, BASELINE);
  await writeFile(file, EXCLUSIONS_ONLY);

  const unscoped = await gate(workspace);
  expect(unscoped).toMatchObject({ code: 1, outputs: { result: "error" } });
  expect(unscoped.stdout).toContain(
    "The baseline file '.github/aks-network-baseline.yml' holds no clusters: a gate over nothing does not pass.",
  );
  expect(unscoped.stdout).toContain("It lists exclusions only: capture the fleet first");

  const inventory = await gate(workspace, { scope: SCOPE });
  expect(inventory).toMatchObject({ code: 0, outputs: { result: "pass" } });
  const log = await evidence<{ runs: { results: SarifResult[] }[] }>(inventory, "findings.sarif");
  const unbaselined = (log.runs[0]?.results ?? []).filter((result) => result.ruleId === "inventory.unbaselined");
  expect(unbaselined.map((result) => result.properties.clusterId.split("/").at(-1)).sort()).toEqual([
    "aks-orders-prod",
    "aks-payments-prod",
  ]);
  for (const result of unbaselined) {
    expect(result).toMatchObject({ level: "warning", locations: [{ physicalLocation: { region: { startLine: 3 } } }] });
  }

  const captured = await gate(workspace, { mode: "capture", scope: SCOPE });
  expect(captured).toMatchObject({ code: 0, outputs: { result: "pass" } });
  expect(captured.stdout).toContain("Wrote 2 cluster(s) to .github/aks-network-baseline.yml.");
  const written = await readFile(file, "utf8");
  expect(entryNames(written)).toEqual(["aks-orders-prod", "aks-payments-prod"]);
  expect(written.endsWith(EXCLUSIONS_ONLY.slice(EXCLUSIONS_ONLY.indexOf("exclude:")))).toBe(true);

  const check = await gate(workspace, { scope: SCOPE, "unbaselined-severity": "error" });
  expect(check).toMatchObject({ code: 0, outputs: { result: "pass" } });

  for (const cluster of [fleet.payments, fleet.orders]) {
    for (const resource of cluster.resources) sandbox.world.delete(resource.id);
  }
  // The sandbox knows a subscription by its resources: A keeps one, so it stays a subscription the identity reads.
  sandbox.world.put({
    id: `/subscriptions/${A}/resourceGroups/rg-payments/providers/Microsoft.Storage/storageAccounts/stpaymentslogs`,
    name: "stpaymentslogs",
    type: "Microsoft.Storage/storageAccounts",
    location: "westeurope",
    properties: {},
  });
  const emptied = await gate(workspace, { mode: "capture", scope: SCOPE });
  expect(emptied).toMatchObject({ code: 0, outputs: { result: "pass" } });
  expect(emptied.stdout).toContain("removed 2 that no longer exist.");
  expect(await readFile(file, "utf8")).toBe(EXCLUSIONS_ONLY);
}, 120_000);

it.each(["auto", "resource-graph"])(
  "a fleet check whose baseline is broken ends with the baseline's error, though discovery, started first, fails too (data-source: %s)",
  async (source) => {
    const workspace = await newWorkspace("gate-fleet-exclude-");
    await writeFile(path.join(workspace, BASELINE), EXCLUSIONS_ONLY.replace("version: 1", "version: 7"));
    // A subscription the identity cannot read: discovery, which starts before the baseline is read, fails on it.
    const unreadable = "/subscriptions/99999999-9999-4999-8999-999999999999";
    const run = await gate(workspace, { scope: unreadable, "data-source": source });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain("::error::.github/aks-network-baseline.yml:2: version: must be 1, got the number 7");
    expect(run.stdout).not.toContain(unreadable);
    expect(run.stdout).not.toContain("a defect of the gate");
  },
);
