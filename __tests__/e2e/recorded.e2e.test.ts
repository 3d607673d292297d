/**
 * The bundled action against real ARM bodies that the Azure CLI's live tests
 * recorded (__tests__/fixtures/recorded/README.md names each one): for every
 * kind of cluster, a capture, an unchanged check that passes, and a realistic
 * drift that fails.
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { World } from "../../sandbox/world.js";
import {
  recordedCluster,
  recordedJson,
  recordedRouteTable,
  type RecordedCluster,
  type RecordedKind,
} from "../helpers/recorded.js";
import { breaksReadOnly } from "../helpers/read-only.js";

const BASELINE = path.join(".github", "aks-network-baseline.yml");

interface Routes {
  routes: { name: string }[];
}

interface Subnets {
  subnets: { properties: Record<string, unknown> }[];
}

let sandbox: ArmSandbox;

beforeAll(async () => {
  sandbox = await startArmSandbox(new World());
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.faults.clear();
});

afterEach(() => {
  expect(breaksReadOnly(sandbox.requests)).toEqual([]);
});

function load(kind: RecordedKind, clusterFile?: string): RecordedCluster {
  const recorded = recordedCluster(kind, clusterFile);
  sandbox.world = new World(...recorded.resources);
  return recorded;
}

function gate(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs });
}

async function captured(recorded: RecordedCluster): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "recorded-e2e-"));
  await mkdir(path.join(workspace, ".github"));
  const run = await gate(workspace, { ...recorded.target, mode: "capture" });
  expect({ code: run.code, result: run.outputs.result, stdout: run.code === 0 ? "" : run.stdout }).toEqual({
    code: 0,
    result: "pass",
    stdout: "",
  });
  return workspace;
}

function check(workspace: string, recorded: RecordedCluster): Promise<ActionRun> {
  return gate(workspace, recorded.target);
}

async function findingsOf(run: ActionRun): Promise<string[]> {
  const files = JSON.parse(await readFile(path.join(run.outputs.evidence ?? "", "findings.json"), "utf8")) as {
    findings?: { rule: string; path: string; severity: string }[];
  }[];
  return files
    .flatMap((entry) => entry.findings ?? [])
    .map((item) => `${item.severity} ${item.rule} ${item.path}`)
    .sort();
}

function routesOf(recorded: RecordedCluster): Routes {
  return sandbox.world.require(recorded.layout.routeTableId).properties as unknown as Routes;
}

function subnetsOf(recorded: RecordedCluster): Subnets {
  return sandbox.world.require(recorded.layout.virtualNetworkId).properties as unknown as Subnets;
}

function table(recorded: RecordedCluster): string {
  return `routeTables[${recorded.layout.routeTableId.split("/").at(-1) ?? ""}]`;
}

/** Warnings every unchanged check of a kind carries, each explained in docs/rules.md. */
function expectedWarnings(recorded: RecordedCluster): string[] {
  const { kubenet } = recorded.layout;
  if (!kubenet) return [];
  return [
    "warning lifecycle.kubenetRetirement networkProfile.networkPlugin",
    `warning routes.bgpPropagationDisabled ${table(recorded)}.disableBgpRoutePropagation`,
    ...(recorded.nodes.length === poolCount(recorded) ? [] : [`warning routes.count ${table(recorded)}.routes`]),
  ].sort();
}

function poolCount(recorded: RecordedCluster): number {
  const pools = recorded.resources[0]?.properties?.["agentPoolProfiles"] as { count: number }[];
  return pools.reduce((sum, pool) => sum + pool.count, 0);
}

describe.each<RecordedKind>(["kubenet", "azureCni", "overlay", "dualStack", "availabilitySet"])(
  "a recorded %s cluster",
  (kind) => {
    it("is captured, and the unchanged cluster then passes with no drift finding", async () => {
      const recorded = load(kind);
      const workspace = await captured(recorded);
      const profile = recorded.resources[0]?.properties?.["networkProfile"] as Record<string, string | string[]>;
      const baseline = await readFile(path.join(workspace, BASELINE), "utf8");
      expect(baseline).toContain(`networkPlugin: ${String(profile["networkPlugin"])}`);
      expect(baseline).toContain(`ipFamilies: [${[profile["ipFamilies"]].flat().join(", ")}]`);
      const run = await check(workspace, recorded);
      expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 0, result: "pass" });
      expect(await findingsOf(run)).toEqual(expectedWarnings(recorded));
    });
  },
);

describe("realistic drift on recorded clusters fails the gate", () => {
  it("kubenet: a node's route is deleted from the recorded route table", async () => {
    const recorded = load("kubenet");
    const workspace = await captured(recorded);
    const routes = routesOf(recorded).routes;
    routes.splice(
      routes.findIndex((route) => route.name === "vmss1efd7000003"),
      1,
    );
    const run = await check(workspace, recorded);
    expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 1, result: "drift" });
    expect(await findingsOf(run)).toContain(`error routes.missing ${table(recorded)}.routes`);
  });

  it("AvailabilitySet: the route table is detached from the node subnet", async () => {
    const recorded = load("availabilitySet");
    const workspace = await captured(recorded);
    for (const subnet of subnetsOf(recorded).subnets) delete subnet.properties.routeTable;
    const run = await check(workspace, recorded);
    expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 1, result: "drift" });
    expect(await findingsOf(run)).toEqual(
      expect.arrayContaining([
        "error drift.subnet subnets[aks-subnet].routeTableId",
        "error routes.tableDetached subnets[aks-subnet].routeTableId",
      ]),
    );
  });

  it("dual-stack: a node's route is deleted", async () => {
    const recorded = load("dualStack");
    const workspace = await captured(recorded);
    routesOf(recorded).routes.pop();
    const run = await check(workspace, recorded);
    expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 1, result: "drift" });
    expect(await findingsOf(run)).toContain(`error routes.missing ${table(recorded)}.routes`);
  });

  it("Azure CNI: the cluster is migrated to CNI Overlay out of band (the recording's own later GET)", async () => {
    const recorded = load("azureCni");
    const workspace = await captured(recorded);
    sandbox.world.put(recordedJson("overlay-managedcluster.json"));
    const run = await check(workspace, recorded);
    expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 1, result: "drift" });
    expect(await findingsOf(run)).toEqual([
      "error drift.networkProfile networkProfile.networkPluginMode",
      "error drift.networkProfile networkProfile.podCidrs",
    ]);
  });

  it("CNI Overlay: a route table is attached to the node subnet", async () => {
    const recorded = load("overlay");
    const workspace = await captured(recorded);
    const attached = recordedRouteTable(recorded.layout, []);
    sandbox.world.put(attached);
    for (const subnet of subnetsOf(recorded).subnets) subnet.properties["routeTable"] = { id: attached.id };
    const run = await check(workspace, recorded);
    expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 1, result: "drift" });
    expect(await findingsOf(run)).toContain("error drift.subnet subnets[aks-subnet].routeTableId");
  });
});

describe("noise between two recorded GETs of one cluster", () => {
  it("loadBalancerSku 'basic' while creating and 'Basic' once succeeded is no drift", async () => {
    const creating = load("availabilitySet", "availabilityset-managedcluster-creating.json");
    const workspace = await captured(creating);
    const succeeded = load("availabilitySet");
    const run = await check(workspace, succeeded);
    expect({ code: run.code, result: run.outputs.result }).toEqual({ code: 0, result: "pass" });
    expect(await findingsOf(run)).toEqual(expectedWarnings(succeeded));
  });
});
