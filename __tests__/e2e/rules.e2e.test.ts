/**
 * The network rules, end to end: the bundled action against the ARM sandbox.
 * A cluster whose baseline is unchanged but whose network breaks a rule fails
 * the gate; a rule silenced in the baseline shows with its reason and passes;
 * a route table shared by two clusters of the baseline is found across them.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, type KubenetClusterOptions, World } from "../../sandbox/world.js";
import { breaksReadOnly } from "../helpers/read-only.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const BASELINE = path.join(".github", "aks-network-baseline.yml");

let sandbox: ArmSandbox;

function cluster(name: string, options: Partial<KubenetClusterOptions> = {}): BuiltCluster {
  return kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name,
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    ...options,
  });
}

function nameOf(id: string): string {
  return id.split("/").at(-1) ?? id;
}

function target(built: BuiltCluster): Record<string, string> {
  return { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": nameOf(built.clusterId) };
}

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs });
}

/** A workspace whose baseline is the captured live state of the clusters. */
async function captured(...clusters: BuiltCluster[]): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "rules-e2e-"));
  await mkdir(path.join(workspace, ".github"));
  for (const built of clusters) {
    expect(await gate(workspace, { ...target(built), mode: "capture" })).toMatchObject({ code: 0 });
  }
  return workspace;
}

interface EvidenceFinding {
  rule: string;
  severity: string;
  path: string;
  message: string;
  suppressed?: string;
}

async function findingsOf(run: ActionRun): Promise<Record<string, EvidenceFinding[]>> {
  const entries = JSON.parse(await readFile(path.join(run.outputs.evidence ?? "", "findings.json"), "utf8")) as {
    clusterId: string;
    findings?: EvidenceFinding[];
  }[];
  return Object.fromEntries(entries.map((entry) => [nameOf(entry.clusterId), entry.findings ?? []]));
}

function rulesOf(findings: EvidenceFinding[] = []): string[] {
  return findings.map((item) => `${item.severity} ${item.rule} ${item.path}${item.suppressed ? " (silenced)" : ""}`);
}

beforeAll(async () => {
  sandbox = await startArmSandbox(new World());
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  expect(breaksReadOnly(sandbox.requests)).toEqual([]);
});

describe("a cluster that matches its baseline but breaks a network rule", () => {
  const small = () => cluster("aks-payments-small", { podCidr: "10.244.0.0/22" });

  test("fails the gate: a /22 pod CIDR holds 4 nodes, the pool reaches 5 + 2 surge (33%)", async () => {
    const built = small();
    sandbox.world = new World(...built.resources);
    const workspace = await captured(built);
    const run = await gate(workspace);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ result: "drift", findings: "2" });
    const findings = (await findingsOf(run))["aks-payments-small"];
    expect(rulesOf(findings)).toEqual([
      "error capacity.podCidr networkProfile.podCidrs",
      "warning lifecycle.kubenetRetirement networkProfile.networkPlugin",
    ]);
    const lines = (await readFile(path.join(workspace, BASELINE), "utf8")).split("\n");
    const podCidrLine = lines.findIndex((line) => line.trim().startsWith("podCidrs:")) + 1;
    expect(run.stdout).toContain(
      `::error title=AKS Network Gate%3A capacity.podCidr,file=.github/aks-network-baseline.yml,line=${podCidrLine}::`,
    );
    expect(run.stdout).toContain("::error::AKS network drift: 1 finding(s) fail the gate (fail-on: error)");
    expect(run.summary).toContain("❌ drift");
    expect(run.summary).toContain(
      "Pod CIDR 10.244.0.0/22 holds 4 nodes (one /24 each); the node pools can reach 7 during an upgrade at full scale (nodepool1 up to 5 + 2 surge)",
    );
  });

  test("passes once the baseline silences the rule, and the report shows it with the reason", async () => {
    const built = small();
    sandbox.world = new World(...built.resources);
    const workspace = await captured(built);
    const file = path.join(workspace, BASELINE);
    const text = await readFile(file, "utf8");
    await writeFile(
      file,
      `${text}    suppress:\n      - rule: capacity.podCidr\n        reason: maxCount goes down to 3 in CHG-4711\n`,
    );
    const run = await gate(workspace);
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass", findings: "1" } });
    expect(run.summary).toContain("Silenced by the baseline:");
    expect(run.summary).toContain("Reason: maxCount goes down to 3 in CHG-4711");
  });

  test("fails the gate: a service CIDR inside the VNet", async () => {
    const built = cluster("aks-payments-svc", { serviceCidr: "10.225.0.0/16", dnsServiceIP: "10.225.0.10" });
    sandbox.world = new World(...built.resources);
    const run = await gate(await captured(built));
    expect(run.code).toBe(1);
    expect(rulesOf((await findingsOf(run))["aks-payments-svc"])).toEqual([
      "error addressPlan.serviceCidrOverlapsVnet networkProfile.serviceCidrs",
      "warning lifecycle.kubenetRetirement networkProfile.networkPlugin",
    ]);
  });

  test("a warning alone does not fail fail-on: error, and fails fail-on: warning", async () => {
    const built = cluster("aks-payments-prod");
    sandbox.world = new World(...built.resources);
    const workspace = await captured(built);
    expect(await gate(workspace)).toMatchObject({ code: 0, outputs: { result: "pass", findings: "1" } });
    const strict = await gate(workspace, { "fail-on": "warning" });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("lifecycle.kubenetRetirement");
  });
});

describe("a route table shared by two clusters of the baseline", () => {
  test("is reported on both, from every cluster's snapshot", async () => {
    const first = cluster("aks-payments-blue");
    const second = cluster("aks-payments-green");
    sandbox.world = new World(...first.resources, ...second.resources);
    const workspace = await captured(first, second);
    sandbox.world.patch(second.virtualNetworkId, (body) => {
      const subnets = (body.properties as { subnets: { properties: Record<string, unknown> }[] }).subnets;
      for (const subnet of subnets) subnet.properties.routeTable = { id: first.routeTableId };
    });
    const run = await gate(workspace);
    expect(run.code).toBe(1);
    const findings = await findingsOf(run);
    const table = `routeTables[${nameOf(first.routeTableId ?? "")}]`;
    expect(rulesOf(findings["aks-payments-blue"])).toContain(`error routes.sharedTable ${table}`);
    expect(rulesOf(findings["aks-payments-green"])).toContain(`error routes.sharedTable ${table}`);
    expect(findings["aks-payments-blue"]?.find((item) => item.rule === "routes.sharedTable")?.message).toContain(
      "is also on the node subnets of aks-payments-green",
    );
  });
});
