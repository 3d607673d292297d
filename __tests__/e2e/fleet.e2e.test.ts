/**
 * A fleet run (`scope`) through the bundled action, against the ARM sandbox
 * and its Azure Resource Graph stand-in: discovery of two subscriptions, the
 * inventory findings (a cluster nobody baselined, a baseline cluster that is
 * gone) told apart from clusters that cannot be read, a fleet capture in one
 * write, the issue of a gone cluster closed once its entry left the baseline,
 * both data sources, the read-only promise and the input errors.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ArmSandbox, armErrorBody, authorizationFailedFault, startArmSandbox } from "../../sandbox/arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { removeClusters } from "../../src/core/baseline/edit.js";
import { newWorkspace } from "../helpers/e2e-world.js";
import { breaksReadOnly } from "../helpers/read-only.js";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
/** A subscription the baseline lists a cluster of, outside the checks' scope. */
const C = "33333333-3333-4333-8333-333333333333";
const SCOPE = `/subscriptions/${A}\n/subscriptions/${B}`;
const BASELINE = path.join(".github", "aks-network-baseline.yml");
const SANDBOX_REASON = "Developers' sandbox, rebuilt every night; not gated.";

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

function newFleet() {
  return {
    payments: built(A, "rg-payments", "aks-payments-prod"),
    legacy: built(A, "rg-legacy", "aks-legacy-prod"),
    orders: built(B, "rg-orders", "aks-orders-prod"),
    batch: built(B, "rg-batch", "aks-batch-prod"),
    sandbox: built(B, "rg-dev", "aks-sandbox-dev"),
    other: built(C, "rg-other", "aks-other-prod"),
    /** Created by hand later: not in the first world. */
    search: built(B, "rg-search", "aks-search-prod"),
  };
}

type Fleet = ReturnType<typeof newFleet>;
type Name = keyof Fleet;

let sandbox: ArmSandbox;
let fleet: Fleet;
/** The baseline of payments, legacy, orders, batch and other, with the sandbox cluster excluded (made once). */
let bootstrapped: string | undefined;

function freshWorld(): World {
  fleet = newFleet();
  const { search: _search, ...first } = fleet;
  return new World(...Object.values(first).flatMap((cluster) => cluster.resources));
}

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs });
}

/** Deletes a cluster with its node resource group; `keep`: a storage account stays in its resource group. */
function deleteCluster(name: Name, keep: boolean): void {
  const cluster = fleet[name];
  for (const resource of cluster.resources) sandbox.world.delete(resource.id);
  if (!keep) return;
  const group = cluster.clusterId.split("/providers/")[0] ?? "";
  sandbox.world.put({
    id: `${group}/providers/Microsoft.Storage/storageAccounts/st${name}logs`,
    name: `st${name}logs`,
    type: "Microsoft.Storage/storageAccounts",
    location: "westeurope",
    properties: {},
  });
}

function excludeSection(): string {
  return `exclude:\n  - id: ${fleet.sandbox.clusterId}\n    reason: ${SANDBOX_REASON}\n`;
}

/** The baseline as a team leaves it after review: the sandbox cluster's entry taken out and excluded with a reason. */
function withExclusion(text: string): string {
  return removeClusters(text, BASELINE, [fleet.sandbox.clusterId]) + excludeSection();
}

/** A workspace whose baseline a fleet capture of A, B and C wrote, the sandbox cluster then excluded. */
async function baselinedWorkspace(): Promise<string> {
  const workspace = await newWorkspace("gate-fleet-");
  const file = path.join(workspace, BASELINE);
  if (bootstrapped === undefined) {
    const run = await gate(workspace, { mode: "capture", scope: `${SCOPE}\n/subscriptions/${C}` });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    bootstrapped = withExclusion(await readFile(file, "utf8"));
    sandbox.requests.length = 0;
  }
  await writeFile(file, bootstrapped);
  return workspace;
}

interface Entry {
  clusterId: string;
  status: string;
  error?: string;
  findings?: { rule: string; path: string; severity: string; actual: unknown }[];
}

async function evidence<T>(run: ActionRun, name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(run.outputs.evidence ?? "", name), "utf8")) as T;
}

/** Every finding of the run as `rule severity clusterName`, the kubenet retirement warning left out. */
async function findingsOf(run: ActionRun): Promise<string[]> {
  const entries = await evidence<Entry[]>(run, "findings.json");
  return entries
    .flatMap((entry) => (entry.findings ?? []).map((item) => ({ ...item, clusterId: entry.clusterId })))
    .filter((item) => item.rule !== "lifecycle.kubenetRetirement")
    .map((item) => `${item.rule} ${item.path} ${item.severity} ${item.clusterId.split("/").at(-1) ?? ""}`)
    .sort();
}

function inventoryOf(entries: Entry[], rule: string, name: Name): Entry["findings"] {
  const entry = entries.find((item) => item.clusterId.toLowerCase() === fleet[name].clusterId.toLowerCase());
  return (entry?.findings ?? []).filter((item) => item.rule === rule);
}

/** The baseline's cluster entries: ID → the entry's text. */
function entriesOf(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split("\n")) {
    const key = /^ {2}(\/subscriptions\/\S+):\s*$/.exec(line)?.[1];
    if (key !== undefined) current = key.toLowerCase();
    else if (!line.startsWith("   ")) current = undefined;
    if (current !== undefined) entries.set(current, `${entries.get(current) ?? ""}${line}\n`);
  }
  return entries;
}

function idsOf(text: string): string[] {
  return [...entriesOf(text).keys()].map((id) => id.split("/").at(-1) ?? "").sort();
}

function armGets(): number {
  return sandbox.requests.filter((request) => request.method === "GET").length;
}

beforeAll(async () => {
  sandbox = await startArmSandbox(freshWorld());
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.world = freshWorld();
  sandbox.faults.clear();
  sandbox.graph.reset();
  sandbox.requests.length = 0;
});

afterEach(() => {
  expect(breaksReadOnly(sandbox.requests)).toEqual([]);
});

describe("check with scope: the inventory of the fleet", () => {
  it("reports a cluster nobody baselined as a warning and passes; skips the excluded cluster and the one outside the scope", async () => {
    const workspace = await baselinedWorkspace();
    sandbox.world.put(...fleet.search.resources);
    const run = await gate(workspace, { scope: SCOPE });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(await findingsOf(run)).toEqual(["inventory.unbaselined clusters warning aks-search-prod"]);
    const entries = await evidence<Entry[]>(run, "findings.json");
    const checked = entries.map((entry) => entry.clusterId.split("/").at(-1)).sort();
    expect(checked).toEqual([
      "aks-batch-prod",
      "aks-legacy-prod",
      "aks-orders-prod",
      "aks-payments-prod",
      "aks-search-prod",
    ]);
    expect(run.stdout).not.toContain("aks-sandbox-dev");
    // dist/action-thread.js parsed the baseline on dist/baseline-thread.js, which did not fail.
    expect(run.stdout).not.toContain("The baseline's own thread");
    expect(sandbox.requests.filter((request) => request.path.toLowerCase().includes(C))).toEqual([]);
    const facts = await evidence<{ excluded: { id: string; reason: string }[] }>(run, "fleet.json");
    expect(facts.excluded).toEqual([{ id: fleet.sandbox.clusterId, reason: SANDBOX_REASON }]);
  });

  it("fails on a cluster nobody baselined with unbaselined-severity: error", async () => {
    const workspace = await baselinedWorkspace();
    sandbox.world.put(...fleet.search.resources);
    const run = await gate(workspace, { scope: SCOPE, "unbaselined-severity": "error" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(await findingsOf(run)).toEqual(["inventory.unbaselined clusters error aks-search-prod"]);
  });

  it("reports removed clusters as errors: one whose resource group stays, one whose group went with it", async () => {
    const workspace = await baselinedWorkspace();
    deleteCluster("legacy", true);
    deleteCluster("batch", false);
    const run = await gate(workspace, { scope: SCOPE });
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(await findingsOf(run)).toEqual([
      "inventory.removed clusters error aks-batch-prod",
      "inventory.removed clusters error aks-legacy-prod",
    ]);
    const entries = await evidence<Entry[]>(run, "findings.json");
    expect(inventoryOf(entries, "inventory.removed", "legacy")?.[0]?.actual).toMatch(
      /404 ResourceNotFound.*resource group rg-legacy is present/,
    );
    expect(inventoryOf(entries, "inventory.removed", "batch")?.[0]?.actual).toMatch(
      /404 ResourceGroupNotFound.*resource group rg-batch is gone/,
    );
  });
});

describe("removed is never a cluster that cannot be read", () => {
  it("ends in an error naming the scope Resource Graph cannot read, and asks for Reader", async () => {
    const workspace = await baselinedWorkspace();
    sandbox.graph.unreadableSubscriptions.add(B);
    const run = await gate(workspace, { scope: SCOPE });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      `Input 'scope', line 2: Azure Resource Graph lists nothing readable for '/subscriptions/${B}'`,
    );
    expect(run.stdout).toContain(`Grant the signed-in identity the 'Reader' role on /subscriptions/${B}`);
    expect(run.stdout).not.toContain("inventory.removed");
    expect(run.summary).not.toContain("inventory.removed");
  });

  it("ends in an error, not inventory.removed, when ARM answers 403 for a cluster Resource Graph no longer lists", async () => {
    const workspace = await baselinedWorkspace();
    deleteCluster("legacy", true);
    const scope = fleet.legacy.clusterId.split("/providers/")[0] ?? "";
    const denied = sandbox.faults.add(
      authorizationFailedFault({
        method: "GET",
        path: fleet.legacy.clusterId,
        action: "Microsoft.ContainerService/managedClusters/read",
        scope,
      }),
    );
    const run = await gate(workspace, { scope: SCOPE });
    expect(denied.fired).toBeGreaterThan(0);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    const entries = await evidence<Entry[]>(run, "findings.json");
    const legacy = entries.find((entry) => entry.clusterId.toLowerCase() === fleet.legacy.clusterId.toLowerCase());
    expect(legacy).toMatchObject({ status: "error", error: expect.stringContaining("Azure denied reading") });
    expect(await findingsOf(run)).toEqual([]);
  });
});

describe("a management group whose subscriptions Resource Graph does not all list", () => {
  const PLATFORM = "/providers/Microsoft.Management/managementGroups/platform";

  it("ends in an error for a baseline cluster of a subscription that neither Resource Graph nor Resource Manager lets it read", async () => {
    const workspace = await baselinedWorkspace();
    sandbox.graph.managementGroups.set("platform", [A, B]);
    sandbox.graph.unreadableSubscriptions.add(B);
    const denied = sandbox.faults.add(
      authorizationFailedFault({
        method: "GET",
        path: `/subscriptions/${B}/`,
        action: "Microsoft.ContainerService/managedClusters/read",
        scope: `/subscriptions/${B}`,
      }),
    );
    const run = await gate(workspace, { scope: PLATFORM });
    expect(denied.fired).toBeGreaterThan(0);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    const entries = await evidence<Entry[]>(run, "findings.json");
    const errors = entries
      .filter((entry) => entry.status === "error")
      .map((entry) => entry.clusterId.split("/").at(-1));
    expect(errors.sort()).toEqual(["aks-batch-prod", "aks-orders-prod"]);
    const orders = entries.find((entry) => entry.clusterId.toLowerCase() === fleet.orders.clusterId.toLowerCase());
    expect(orders?.error).toContain("Resource Graph lists neither it nor its subscription under 'platform'");
    expect(orders?.error).toContain("Azure denied reading");
    expect(await findingsOf(run)).toEqual([]);
  });

  it("leaves out, unread but for one GET each, the baseline clusters of subscriptions outside the management group", async () => {
    const workspace = await baselinedWorkspace();
    sandbox.graph.managementGroups.set("platform", [A]);
    const run = await gate(workspace, { scope: PLATFORM });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const entries = await evidence<Entry[]>(run, "findings.json");
    expect(entries.map((entry) => entry.clusterId.split("/").at(-1)).sort()).toEqual([
      "aks-legacy-prod",
      "aks-payments-prod",
    ]);
    expect(run.stdout).toContain("3 baseline cluster(s) lie outside the scopes");
    const outside = sandbox.requests.filter((request) => /\/subscriptions\/(2222|3333)/i.test(request.path));
    expect(outside.map((request) => request.path.split("/").at(-1)).sort()).toEqual([
      "aks-batch-prod",
      "aks-orders-prod",
      "aks-other-prod",
    ]);
  });
});

describe("scope-tags narrow the fleet", () => {
  function tag(name: Name, tags: Record<string, string>): void {
    sandbox.world.patch(fleet[name].clusterId, (body) => {
      body.tags = { ...(body.tags as Record<string, string>), ...tags };
    });
  }

  it("checks only the baseline clusters that carry every pair, and says which it left out", async () => {
    const workspace = await baselinedWorkspace();
    tag("payments", { team: "a" });
    tag("orders", { Team: "a" });
    tag("legacy", { team: "b" });
    const run = await gate(workspace, { scope: SCOPE, "scope-tags": "team=a" });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const entries = await evidence<Entry[]>(run, "findings.json");
    expect(entries.map((entry) => entry.clusterId.split("/").at(-1)).sort()).toEqual([
      "aks-orders-prod",
      "aks-payments-prod",
    ]);
    expect(run.stdout).toContain("2 baseline cluster(s) in scope lack a 'scope-tags' pair (team=a)");
    expect(sandbox.requests.some((request) => request.path.includes("rg-batch"))).toBe(false);
  });

  it("ends in an error when no cluster of the scope carries the pairs and the baseline holds none there", async () => {
    const workspace = await newWorkspace("gate-fleet-");
    const run = await gate(workspace, { mode: "capture", scope: SCOPE, "scope-tags": "env=prd" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain("Input 'scope-tags': none of the 5 managed cluster(s)");
    expect(run.stdout).toContain("a gate over nothing does not pass");
  });

  it("reports a gone baseline cluster as a warning, and a capture keeps its entry: its tags cannot be read", async () => {
    const workspace = await baselinedWorkspace();
    const file = path.join(workspace, BASELINE);
    tag("payments", { team: "a" });
    tag("orders", { team: "a" });
    deleteCluster("legacy", true);
    const run = await gate(workspace, { scope: SCOPE, "scope-tags": "team=a" });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(await findingsOf(run)).toEqual(["inventory.removed clusters warning aks-legacy-prod"]);
    expect(run.stdout).toContain("whether it carried every 'scope-tags' pair (team=a) cannot be told");

    const before = entriesOf(await readFile(file, "utf8"));
    const capture = await gate(workspace, { mode: "capture", scope: SCOPE, "scope-tags": "team=a" });
    expect(capture).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const after = entriesOf(await readFile(file, "utf8"));
    const legacy = fleet.legacy.clusterId.toLowerCase();
    expect(after.get(legacy)).toBe(before.get(legacy));
  });

  it("ends in an error when every cluster of the tagged fleet is gone: gone clusters alone are not known to be its", async () => {
    const workspace = await baselinedWorkspace();
    tag("payments", { env: "prod" });
    deleteCluster("payments", true);
    const run = await gate(workspace, { scope: SCOPE, "scope-tags": "env=prod" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      "Input 'scope-tags': none of the 4 managed cluster(s) in " +
        `'/subscriptions/${A}', '/subscriptions/${B}' carries every pair (env=prod), ` +
        "and 1 cluster(s) of the baseline '.github/aks-network-baseline.yml' there are gone, their tags with them",
    );
  });
});

describe("a fleet with nothing in it", () => {
  const TYPO = `/subscriptions/${A}/resourceGroups/rg-payments/providers/Microsoft.ContainerService/managedClusters/aks-typo`;

  it.each<[string, string, string]>([
    // A cluster-ID line is read from Resource Manager, whose 404 the error names with the line.
    ["a cluster ID that does not exist", TYPO, `Input 'scope', line 1 names no cluster Resource Manager has`],
    [
      "a subscription without clusters",
      `/subscriptions/${C}`,
      `Input 'scope': Azure lists no managed cluster in '/subscriptions/${C}' to the signed-in identity, and the baseline '${BASELINE}' lists none there either: a gate over nothing does not pass.`,
    ],
  ])("is an error, in a capture and in a check: %s", async (_, scope, expected) => {
    sandbox.world = new World(...fleet.payments.resources);
    sandbox.world.put({
      id: `/subscriptions/${C}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stlogs`,
      name: "stlogs",
      type: "Microsoft.Storage/storageAccounts",
      location: "westeurope",
      properties: {},
    });
    const workspace = await newWorkspace("gate-fleet-");
    const file = path.join(workspace, BASELINE);
    const capture = await gate(workspace, { mode: "capture", scope });
    expect(capture).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(capture.stdout).toContain(expected);
    expect(existsSync(file)).toBe(false);
    // examples/bootstrap-fleet.yml opens its pull request only when the capture left evidence.
    expect(capture.outputs.evidence ?? "").toBe("");

    const named = await gate(workspace, { mode: "capture", scope: fleet.payments.clusterId });
    expect(named).toMatchObject({ code: 0 });
    const facts = await evidence<{ queries: number; sources: { discovery: string } }>(named, "fleet.json");
    expect(facts.queries).toBe(0);
    expect(facts.sources.discovery).toMatch(/^Resource Manager: a GET of each managed cluster a scope line names/);
    const check = await gate(workspace, { scope });
    expect(check).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(check.stdout).toContain(expected);
  });
});

describe("a scope line that is a cluster's ID", () => {
  const D = "44444444-4444-4444-8444-444444444444";
  const CLUSTERS = "providers/Microsoft.ContainerService/managedClusters";

  it.each<[string, string, string]>([
    [
      "a mistyped cluster name",
      `/subscriptions/${B}/resourceGroups/rg-orders/${CLUSTERS}/aks-ordres-prod`,
      "404 ResourceNotFound",
    ],
    [
      "a mistyped resource group",
      `/subscriptions/${B}/resourceGroups/rg-ordres/${CLUSTERS}/aks-orders-prod`,
      "404 ResourceGroupNotFound",
    ],
  ])(
    "beside a subscription, is an error naming the line when it names no cluster the baseline lists: %s",
    async (_, id, answer) => {
      const workspace = await baselinedWorkspace();
      const file = path.join(workspace, BASELINE);
      const before = await readFile(file, "utf8");
      // Line 3 as the workflow shows it: the blank line counts.
      const scope = `/subscriptions/${A}\n\n${id}`;
      for (const mode of ["check", "capture"]) {
        const run = await gate(workspace, { mode, scope });
        expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
        expect(run.stdout).toContain(
          `Input 'scope', line 3 names no cluster Resource Manager has, and the baseline '${BASELINE}' does not list it: Azure has no resource ${id} (${answer}`,
        );
        expect(run.stdout).toContain(
          "If the cluster was deleted, take the line out of 'scope'; otherwise check the subscription ID, resource group and cluster name in it.",
        );
        expect(run.stdout).not.toContain("a gate over nothing");
      }
      expect(await readFile(file, "utf8")).toBe(before);
    },
  );

  it.each<["keep" | "drop", string]>([
    ["keep", "404 ResourceNotFound"],
    ["drop", "404 ResourceGroupNotFound"],
  ])(
    "of a baseline cluster that was deleted reports it inventory.removed (resource group: %s)",
    async (keep, answer) => {
      const workspace = await baselinedWorkspace();
      deleteCluster("orders", keep === "keep");
      const run = await gate(workspace, { scope: `/subscriptions/${A}\n${fleet.orders.clusterId}` });
      expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
      expect(await findingsOf(run)).toEqual(["inventory.removed clusters error aks-orders-prod"]);
      const entries = await evidence<Entry[]>(run, "findings.json");
      expect(inventoryOf(entries, "inventory.removed", "orders")?.[0]?.actual).toContain(answer);
      expect(run.stdout).not.toContain("Input 'scope', line 2");
    },
  );

  it("of a cluster a capture removes is named in a warning: the line must go too, or the next run stops on it", async () => {
    const workspace = await baselinedWorkspace();
    const scope = `/subscriptions/${A}\n${fleet.orders.clusterId}`;
    deleteCluster("orders", true);
    const capture = await gate(workspace, { mode: "capture", scope });
    expect(capture).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(capture.stdout).toContain(
      `::warning::This capture removed the entry of ${fleet.orders.clusterId}, which Azure no longer has. ` +
        "Input 'scope', line 2 names it: take that line out of 'scope', or the next run stops on it.",
    );
    const check = await gate(workspace, { scope });
    expect(check).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(check.stdout).toContain("If the cluster was deleted, take the line out of 'scope'");
  });

  it("of a cluster the baseline excludes that was deleted is no error", async () => {
    const workspace = await baselinedWorkspace();
    deleteCluster("sandbox", true);
    const run = await gate(workspace, { scope: `/subscriptions/${A}\n${fleet.sandbox.clusterId}` });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
  });

  it("is an error naming input 'scope' and the line when Azure denies reading it (403)", async () => {
    const workspace = await baselinedWorkspace();
    const denied = sandbox.faults.add(
      authorizationFailedFault({
        method: "GET",
        path: fleet.orders.clusterId,
        action: "Microsoft.ContainerService/managedClusters/read",
        scope: `/subscriptions/${B}`,
      }),
    );
    const run = await gate(workspace, { scope: `/subscriptions/${A}\n${fleet.orders.clusterId}` });
    expect(denied.fired).toBeGreaterThan(0);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      `Input 'scope', line 2 is a cluster the signed-in identity cannot read: Azure denied reading ${fleet.orders.clusterId} (403 AuthorizationFailed`,
    );
    expect(run.stdout).toContain(
      `Check the subscription ID and resource group in that line; if they are right, grant the signed-in identity the 'Reader' role on /subscriptions/${B}/resourceGroups/rg-orders.`,
    );
  });

  it("is an error naming input 'scope' and the line when Resource Manager shows no such subscription", async () => {
    const workspace = await baselinedWorkspace();
    const id = `/subscriptions/${D}/resourceGroups/rg-orders/${CLUSTERS}/aks-orders-prod`;
    sandbox.faults.add({
      method: "GET",
      path: `/subscriptions/${D}/`,
      status: 404,
      body: armErrorBody("SubscriptionNotFound", `The subscription '${D}' could not be found.`),
    });
    const run = await gate(workspace, { scope: `/subscriptions/${A}\n${id}` });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      `Input 'scope', line 2 is a cluster the signed-in identity cannot read: Azure has no resource ${id} (404 SubscriptionNotFound`,
    );
  });
});

describe("a fleet of which the inputs leave nothing", () => {
  it("is an error when 'cluster-name' names no cluster of the fleet", async () => {
    const workspace = await baselinedWorkspace();
    const run = await gate(workspace, { scope: SCOPE, "cluster-name": "aks-paymnets-prod" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      `No cluster of the fleet in '/subscriptions/${A}', '/subscriptions/${B}' matches subscription '*', resource group '*', cluster 'aks-paymnets-prod'`,
    );
    const named = await gate(workspace, { scope: SCOPE, "cluster-name": "aks-payments-prod" });
    expect(named).toMatchObject({ code: 0, outputs: { result: "pass" } });
  });

  it("is an error that names the exclusion when 'cluster-name' names an excluded cluster", async () => {
    const workspace = await baselinedWorkspace();
    const run = await gate(workspace, { scope: SCOPE, "cluster-name": "aks-sandbox-dev" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      "'subscription', 'resource-group' and 'cluster-name' leave only cluster(s) the baseline '.github/aks-network-baseline.yml' excludes: " +
        `${fleet.sandbox.clusterId} (${SANDBOX_REASON})`,
    );
  });

  it("is an error when the baseline excludes every cluster of the scope", async () => {
    sandbox.world = new World(...fleet.sandbox.resources);
    const workspace = await newWorkspace("gate-fleet-");
    await writeFile(path.join(workspace, BASELINE), `version: 1\nclusters: {}\n${excludeSection()}`);
    const run = await gate(workspace, { scope: `/subscriptions/${B}` });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(
      `Every one of the 1 managed cluster(s) in '/subscriptions/${B}' is excluded in the baseline '.github/aks-network-baseline.yml'`,
    );
  });
});

describe("a scope whose clusters are all gone", () => {
  it("is not an empty fleet while the baseline holds them: every one of 8 shards reports its removed clusters or passes", async () => {
    const workspace = await baselinedWorkspace();
    for (const name of ["payments", "legacy", "orders", "batch", "sandbox"] as const) deleteCluster(name, true);
    const removed: string[] = [];
    for (let shard = 1; shard <= 8; shard++) {
      const run = await gate(workspace, { scope: SCOPE, shard: `${shard}/8` });
      expect(run.stdout).not.toContain("a gate over nothing");
      expect(["drift", "pass"]).toContain(run.outputs.result);
      if (run.outputs.result === "drift") removed.push(...(await findingsOf(run)));
    }
    expect(removed.sort()).toEqual(
      ["batch", "legacy", "orders", "payments"].map((name) => `inventory.removed clusters error aks-${name}-prod`),
    );
  });
});

describe("capture with scope: the fleet in one change", () => {
  it("writes every cluster of the scope into a new baseline, and never an excluded one", async () => {
    const workspace = await newWorkspace("gate-fleet-");
    const file = path.join(workspace, BASELINE);
    const first = await gate(workspace, { mode: "capture", scope: SCOPE });
    expect(first).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(first.stdout).toContain("Wrote 5 cluster(s)");
    const everything = ["aks-batch-prod", "aks-legacy-prod", "aks-orders-prod", "aks-payments-prod", "aks-sandbox-dev"];
    expect(idsOf(await readFile(file, "utf8"))).toEqual(everything);

    const reviewed = withExclusion(await readFile(file, "utf8"));
    await writeFile(file, reviewed);
    const again = await gate(workspace, { mode: "capture", scope: SCOPE });
    expect(again).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(again.stdout).toContain("Wrote 4 cluster(s)");
    const text = await readFile(file, "utf8");
    expect(idsOf(text)).toEqual(everything.filter((name) => name !== "aks-sandbox-dev"));
    expect(text).toBe(reviewed);
  });

  it("writes a new cluster and removes a gone one in one write, other entries unchanged; a check then passes", async () => {
    const workspace = await baselinedWorkspace();
    const file = path.join(workspace, BASELINE);
    const before = entriesOf(await readFile(file, "utf8"));
    deleteCluster("legacy", true);
    sandbox.world.put(...fleet.search.resources);
    const run = await gate(workspace, { mode: "capture", scope: SCOPE });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(run.stdout).toContain(
      "Wrote 4 cluster(s) to .github/aks-network-baseline.yml and removed 1 that no longer exist.",
    );
    const after = entriesOf(await readFile(file, "utf8"));
    const names = [...after.keys()].map((id) => id.split("/").at(-1)).sort();
    expect(names).toEqual([
      "aks-batch-prod",
      "aks-orders-prod",
      "aks-other-prod",
      "aks-payments-prod",
      "aks-search-prod",
    ]);
    for (const name of ["payments", "orders", "batch", "other"] as const) {
      const id = fleet[name].clusterId.toLowerCase();
      expect(after.get(id)).toBe(before.get(id));
    }
    const check = await gate(workspace, { scope: SCOPE, "unbaselined-severity": "error" });
    expect(check).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(await findingsOf(check)).toEqual([]);
  });

  it("lists a cluster it cannot read and leaves its entry byte for byte", async () => {
    const workspace = await baselinedWorkspace();
    const file = path.join(workspace, BASELINE);
    const before = entriesOf(await readFile(file, "utf8"));
    sandbox.world.patch(fleet.orders.clusterId, (body) => {
      (body.properties as { networkProfile: { outboundType: string } }).networkProfile.outboundType =
        "userDefinedRouting";
    });
    sandbox.world.put(...fleet.search.resources);
    const denied = sandbox.faults.add(
      authorizationFailedFault({
        method: "GET",
        path: fleet.orders.clusterId,
        action: "Microsoft.ContainerService/managedClusters/read",
        scope: fleet.orders.clusterId,
      }),
    );
    const run = await gate(workspace, { mode: "capture", scope: SCOPE });
    expect(denied.fired).toBeGreaterThan(0);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.outputs.evidence).toBeTruthy();
    expect(run.stdout).toContain(fleet.orders.clusterId);
    const after = entriesOf(await readFile(file, "utf8"));
    const orders = fleet.orders.clusterId.toLowerCase();
    expect(after.get(orders)).toBe(before.get(orders));
    expect(after.has(fleet.search.clusterId.toLowerCase())).toBe(true);
  });

  it("writes the other clusters when the writer refuses one entry, and lists that one as an error", async () => {
    const workspace = await baselinedWorkspace();
    const file = path.join(workspace, BASELINE);
    const text = await readFile(file, "utf8");
    const orders = fleet.orders.clusterId;
    const block = entriesOf(text).get(orders.toLowerCase()) ?? "";
    const flow = `  ${orders}: {networkProfile: {networkPlugin: kubenet}}\n`;
    await writeFile(file, text.replace(block, flow));
    sandbox.world.put(...fleet.search.resources);
    const run = await gate(workspace, { mode: "capture", scope: SCOPE });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toContain(`the entry of ${orders} is not written as a block map`);
    expect(run.stdout).toContain("Wrote 4 cluster(s) to .github/aks-network-baseline.yml; 1 entry was refused");
    const after = await readFile(file, "utf8");
    expect(after).toContain(flow);
    expect(idsOf(after)).toEqual([
      "aks-batch-prod",
      "aks-legacy-prod",
      "aks-other-prod",
      "aks-payments-prod",
      "aks-search-prod",
    ]);
  });
});

describe("the issue of a cluster that is gone and out of the baseline", () => {
  const TOKEN = "ghs_fleet_e2e_token";
  let github: GitHubSandbox;

  beforeEach(async () => {
    github = await startGitHubSandbox({ token: TOKEN });
  });

  afterEach(async () => {
    await github.close();
  });

  function withIssues(workspace: string, scope: string, mode = "check"): Promise<ActionRun> {
    return runAction({
      workspace,
      armEndpoint: sandbox.url,
      ca: sandbox.ca,
      inputs: { "github-token": TOKEN, scope, mode },
      env: { GITHUB_API_URL: github.url },
    });
  }

  function issueOf(name: Name) {
    return [...github.issues.values()].find((issue) =>
      issue.title.includes(fleet[name].clusterId.split("/").at(-1) ?? ""),
    );
  }

  it("of a deleted cluster is left alone by a check with scope-tags, which cannot tell whether it was its own", async () => {
    const workspace = await baselinedWorkspace();
    for (const [name, team] of [
      ["payments", "a"],
      ["orders", "a"],
      ["legacy", "b"],
    ] as const) {
      sandbox.world.patch(fleet[name].clusterId, (body) => {
        body.tags = { ...(body.tags as Record<string, string>), team };
      });
    }
    sandbox.world.patch(fleet.legacy.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.245.0.0/16";
      profile.podCidrs = ["10.245.0.0/16"];
    });
    const team = (tags: string) =>
      runAction({
        workspace,
        armEndpoint: sandbox.url,
        ca: sandbox.ca,
        inputs: { "github-token": TOKEN, scope: SCOPE, "scope-tags": tags },
        env: { GITHUB_API_URL: github.url },
      });
    expect(await team("team=b")).toMatchObject({ code: 1, outputs: { result: "drift" } });
    const opened = issueOf("legacy");
    expect(opened?.state).toBe("open");
    const comments = github.commentsOn(opened?.number ?? 0).length;
    deleteCluster("legacy", true);
    expect(await team("team=a")).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(issueOf("legacy")?.state).toBe("open");
    expect(github.commentsOn(opened?.number ?? 0)).toHaveLength(comments);
  }, 120_000);

  it("of a cluster the team then excludes, is closed with the exclusion's reason", async () => {
    const workspace = await baselinedWorkspace();
    const file = path.join(workspace, BASELINE);
    sandbox.world.put(...fleet.search.resources);
    const opened = await runAction({
      workspace,
      armEndpoint: sandbox.url,
      ca: sandbox.ca,
      inputs: { "github-token": TOKEN, scope: SCOPE, "unbaselined-severity": "error" },
      env: { GITHUB_API_URL: github.url },
    });
    expect(opened).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(issueOf("search")).toMatchObject({
      state: "open",
      title: "AKS network inventory: aks-search-prod (in scope, not in the baseline)",
    });

    const reason = "Search team's load test, torn down weekly; not gated.";
    await writeFile(file, `${await readFile(file, "utf8")}  - id: ${fleet.search.clusterId}\n    reason: ${reason}\n`);
    expect(await withIssues(workspace, SCOPE)).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(issueOf("search")).toMatchObject({ state: "closed", labels: expect.arrayContaining(["resolved"]) });
    const comment = github.commentsOn(issueOf("search")?.number ?? 0).at(-1)?.body ?? "";
    expect(comment).toContain(`now excludes \`${fleet.search.clusterId}\` (${reason})`);
  });

  it("is closed by a check of its fleet, never by a check of another scope sharing the label", async () => {
    const workspace = await baselinedWorkspace();
    const file = path.join(workspace, BASELINE);
    const scopeC = `/subscriptions/${C}`;
    deleteCluster("legacy", true);
    deleteCluster("other", true);
    expect(await withIssues(workspace, SCOPE)).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(await withIssues(workspace, scopeC)).toMatchObject({ code: 1, outputs: { result: "drift" } });
    const [legacy, other] = [issueOf("legacy"), issueOf("other")];
    expect([legacy?.state, other?.state]).toEqual(["open", "open"]);
    expect(legacy?.title).toBe("AKS network inventory: aks-legacy-prod (in the baseline, gone from Azure)");

    // The fleet capture's pull request takes legacy out; the other job's baseline change takes other out.
    expect(await withIssues(workspace, SCOPE, "capture")).toMatchObject({ code: 0 });
    await writeFile(file, removeClusters(await readFile(file, "utf8"), BASELINE, [fleet.other.clusterId]));
    expect(idsOf(await readFile(file, "utf8"))).not.toContain("aks-legacy-prod");

    const check = await withIssues(workspace, SCOPE);
    expect(check).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(issueOf("legacy")).toMatchObject({ state: "closed", labels: expect.arrayContaining(["resolved"]) });
    expect(issueOf("other")?.state).toBe("open");
    const comment = github.commentsOn(legacy?.number ?? 0).at(-1)?.body ?? "";
    expect(comment).toContain(`${fleet.legacy.clusterId}\` no longer exists`);
    expect(comment).toContain("its entry is gone from the baseline");
    expect(comment).toMatch(/\[run \d+\]\(https:\/\/github\.com\/.*\/actions\/runs\/\d+\)/);
    expect(
      github
        .commentsOn(other?.number ?? 0)
        .map((item) => item.body)
        .join("\n"),
    ).not.toContain("no longer exists");

    // Scope C still holds a cluster, nobody's yet: a scope that holds none is an error, not a pass.
    sandbox.world.put(...built(C, "rg-next", "aks-next-prod").resources);
    expect(await withIssues(workspace, scopeC)).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(issueOf("other")?.state).toBe("closed");
  });
});

describe("data-source", () => {
  async function driftedWorkspace(): Promise<string> {
    const workspace = await baselinedWorkspace();
    sandbox.world.patch(fleet.payments.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.244.0.0/15";
      profile.podCidrs = ["10.244.0.0/15"];
    });
    const table = sandbox.world.require(fleet.orders.routeTableId ?? "").properties as { routes: unknown[] };
    table.routes.splice(0, 1);
    return workspace;
  }

  async function checkFrom(workspace: string, source: string) {
    sandbox.requests.length = 0;
    const sent = sandbox.graph.queries.length;
    const run = await gate(workspace, { scope: SCOPE, "data-source": source });
    const facts = await evidence<{ dataSource: string }>(run, "fleet.json");
    const snapshots = await evidence<{ id: string; sources?: { source: string }[] }[]>(run, "snapshot.json");
    const queries = sandbox.graph.queries.slice(sent).map((query) => (query.body as { query: string }).query);
    return { run, findings: await findingsOf(run), gets: armGets(), dataSource: facts.dataSource, snapshots, queries };
  }

  it("resource-graph finds what arm finds with fewer ARM reads, and says where each fact came from", async () => {
    const workspace = await driftedWorkspace();
    const arm = await checkFrom(workspace, "arm");
    const graph = await checkFrom(workspace, "resource-graph");
    expect(arm.run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(graph.run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(arm.findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^drift\.networkProfile .*aks-payments-prod$/)]),
    );
    expect(arm.findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^routes\.missing .*aks-orders-prod$/)]),
    );
    expect(graph.findings).toEqual(arm.findings);
    expect(graph.gets).toBeLessThan(arm.gets);
    // Discovery takes its clusters from the check's own cluster query: the containers, then one query per type.
    const tables = (queries: string[]) => queries.map((query) => /^(\w+) \| where type =~ '([^']+)'/.exec(query)?.[2]);
    expect(tables(graph.queries).sort()).toEqual([
      "microsoft.compute/virtualmachinescalesets",
      "microsoft.containerservice/managedclusters",
      "microsoft.network/routetables",
      "microsoft.network/virtualnetworks",
      "microsoft.resources/subscriptions",
    ]);
    expect(tables(arm.queries).sort()).toEqual([
      "microsoft.containerservice/managedclusters",
      "microsoft.resources/subscriptions",
    ]);
    expect([arm.dataSource, graph.dataSource]).toEqual(["arm", "resource-graph"]);
    expect(graph.snapshots).toHaveLength(4);
    // The two drifting clusters were read again from Resource Manager, live; the others from Resource Graph first.
    const sources = (name: string) => [
      ...new Set(graph.snapshots.find((snapshot) => snapshot.id.endsWith(name))?.sources?.map((item) => item.source)),
    ];
    expect(sources("/aks-payments-prod")).toEqual(["resource-manager"]);
    expect(sources("/aks-orders-prod")).toEqual(["resource-manager"]);
    expect(sources("/aks-batch-prod")).toContain("resource-graph");
    expect(sources("/aks-legacy-prod")).toContain("resource-graph");
    expect(arm.snapshots.flatMap((snapshot) => snapshot.sources ?? []).map((item) => item.source)).not.toContain(
      "resource-graph",
    );
  });

  it("reads a cluster that drifts on Resource Graph's lagging copy again from Resource Manager, live", async () => {
    const workspace = await baselinedWorkspace();
    // The copy has not yet seen a route put back minutes ago: it still lacks it.
    const copy = new World(...structuredClone(sandbox.world.all()));
    (copy.require(fleet.orders.routeTableId ?? "").properties as { routes: unknown[] }).routes.splice(0, 1);
    sandbox.graph.copy = copy;
    const run = await gate(workspace, { scope: SCOPE, "data-source": "resource-graph" });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(run.stdout).toContain(
      "1 cluster(s) do not pass on Resource Graph's copy: reading them again from Resource Manager, live.",
    );
    const snapshots = await evidence<{ id: string; sources?: { source: string }[] }[]>(run, "snapshot.json");
    const orders = snapshots.find((snapshot) => snapshot.id === fleet.orders.clusterId);
    expect(new Set(orders?.sources?.map((item) => item.source))).toEqual(new Set(["resource-manager"]));
    const tableReads = sandbox.requests.filter(
      (request) => request.method === "GET" && request.path.toLowerCase() === fleet.orders.routeTableId?.toLowerCase(),
    );
    expect(tableReads).toHaveLength(1);
    // A cluster that passes on the copy is not read again.
    const batchReads = sandbox.requests.filter(
      (request) => request.method === "GET" && request.path.toLowerCase() === fleet.batch.clusterId.toLowerCase(),
    );
    expect(batchReads).toEqual([]);
  });

  it("reads a cluster that cannot be read on Resource Graph's copy again from Resource Manager, live", async () => {
    const workspace = await baselinedWorkspace();
    // The copy has not yet seen the subnet of a pool: on it the pool's subnet does not exist.
    const copy = new World(...structuredClone(sandbox.world.all()));
    (copy.require(fleet.payments.virtualNetworkId).properties as { subnets: unknown[] }).subnets = [];
    sandbox.graph.copy = copy;
    const run = await gate(workspace, { scope: SCOPE, "data-source": "resource-graph" });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(run.stdout).toContain("1 cluster(s) do not pass on Resource Graph's copy");
  });

  it("captures from Resource Manager, live, whatever data-source says: never from Resource Graph's lagging copy", async () => {
    const workspace = await baselinedWorkspace();
    // Orders' VNet was given a second address range minutes ago; Resource Graph's copy does not have it yet.
    sandbox.graph.copy = new World(...structuredClone(sandbox.world.all()));
    const vnet = sandbox.world.require(fleet.orders.virtualNetworkId).properties as {
      addressSpace: { addressPrefixes: string[] };
    };
    vnet.addressSpace.addressPrefixes.push("10.100.0.0/16");
    const sent = sandbox.graph.queries.length;
    const run = await gate(workspace, { mode: "capture", scope: SCOPE, "data-source": "resource-graph" });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const written = await readFile(path.join(workspace, BASELINE), "utf8");
    expect(written).toContain(
      `id: ${fleet.orders.virtualNetworkId}\n        addressSpace: [10.224.0.0/12, 10.100.0.0/16]\n`,
    );
    expect(run.stdout).toContain("A capture reads its clusters from Resource Manager, live");
    expect((await evidence<{ dataSource: string }>(run, "fleet.json")).dataSource).toBe("arm");
    // Only discovery asked Resource Graph: nothing of the copy's route tables was read.
    const types = sandbox.graph.queries
      .slice(sent)
      .map((query) => /where type =~ '([^']+)'/.exec((query.body as { query: string }).query)?.[1]);
    expect(types.sort()).toEqual(["microsoft.containerservice/managedclusters", "microsoft.resources/subscriptions"]);
    const check = await gate(workspace, { scope: SCOPE, "data-source": "arm" });
    expect(check).toMatchObject({ code: 0, outputs: { result: "pass" } });
  });

  it("counts in fleet.json every Resource Graph query of the run, the check's after discovery's too", async () => {
    const workspace = await baselinedWorkspace();
    // A management group's subscriptions are known only once discovery has answered: the check's queries come after.
    sandbox.graph.managementGroups.set("platform", [A, B]);
    const sent = sandbox.graph.queries.length;
    const run = await gate(workspace, {
      scope: "/providers/Microsoft.Management/managementGroups/platform",
      "data-source": "resource-graph",
    });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(run.stdout).toContain("(2 Resource Graph queries)");
    const facts = await evidence<{ dataSource: string; queries: number }>(run, "fleet.json");
    expect(facts.dataSource).toBe("resource-graph");
    expect(sandbox.graph.queries.length - sent).toBeGreaterThan(2);
    expect(facts.queries).toBe(sandbox.graph.queries.length - sent);
  });

  it("auto reads a fleet of two clusters from Resource Manager", async () => {
    const workspace = await baselinedWorkspace();
    const run = await gate(workspace, { scope: `/subscriptions/${A}`, "data-source": "auto" });
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect((await evidence<{ dataSource: string }>(run, "fleet.json")).dataSource).toBe("arm");
    expect(run.stdout).toContain("Checking 2 cluster(s) of the fleet from arm.");
  });
});

describe("read-only", () => {
  it("sends only GETs to Resource Manager, Resource Graph's query POSTs and sign-in in a fleet capture and check", async () => {
    const workspace = await baselinedWorkspace();
    sandbox.world.put(...fleet.search.resources);
    await gate(workspace, { mode: "capture", scope: SCOPE });
    await gate(workspace, { scope: SCOPE, "data-source": "resource-graph" });
    const methods = new Set(sandbox.requests.map((request) => request.method));
    expect([...methods].sort()).toEqual(["GET", "POST"]);
    expect(sandbox.graph.queries.length).toBeGreaterThan(0);
    expect(breaksReadOnly(sandbox.requests)).toEqual([]);
  });
});

describe("input errors stop the run before any read", () => {
  it.each<[string, Record<string, string>, RegExp]>([
    [
      "a scope line that is not an ARM scope",
      { scope: `/subscriptions/${A}\n/subscriptions/not-a-guid` },
      /Input 'scope', line 2: '\/subscriptions\/not-a-guid' is not an ARM scope/,
    ],
    [
      "a scope line after blank lines, numbered as the workflow shows it",
      { scope: `\n\n/subscriptions/${A}\n/subscriptions/not-a-guid` },
      /Input 'scope', line 4: '\/subscriptions\/not-a-guid' is not an ARM scope/,
    ],
    ["scope-tags without scope", { "scope-tags": "env=prod" }, /Input 'scope-tags' .*'scope'/],
    ["data-source: resource-graph without scope", { "data-source": "resource-graph" }, /Input 'data-source' .*'scope'/],
    [
      "a capture given both scope and cluster-name",
      { mode: "capture", scope: SCOPE, "cluster-name": "aks-payments-prod" },
      /Input 'cluster-name' cannot be given with 'scope'/,
    ],
    ["a sharded capture", { mode: "capture", scope: SCOPE, shard: "1/3" }, /Input 'shard' cannot be given with 'mode'/],
  ])("%s", async (_, inputs, message) => {
    const run = await gate(await baselinedWorkspace(), inputs);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });
    expect(run.stdout).toMatch(message);
    expect(sandbox.requests).toEqual([]);
  });
});
