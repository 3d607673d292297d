/**
 * findings.sarif, as the bundled action writes it against the HTTPS ARM sandbox: every log
 * the runs below write passes Microsoft's SARIF validator (SARIF and GitHub rules) and the
 * SARIF 2.1.0 schema; a drifting cluster's findings sit at their baseline lines, a silenced
 * one is a suppression with its reason, an unchanged finding keeps its fingerprint from run
 * to run; the manifest lists the log and names the gate's version, as the log does.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ArmSandbox, authorizationFailedFault, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { validateSarif } from "../helpers/sarif-validator.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const BASELINE = ".github/aks-network-baseline.yml";
const QUIET = { "create-issue": "false", "upload-evidence": "false" };
const REASON = "node pool scaling during the maintenance window, CHG-1234";
/** Each validation starts the .NET validator, a few seconds on a busy machine. */
const SLOW = 120_000;

interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } };
}

interface SarifLog {
  runs: {
    tool: { driver: { name: string; semanticVersion: string } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { message: { text: string } }[] }[];
    results: {
      ruleId: string;
      level: string;
      locations: Location[];
      partialFingerprints: { primaryLocationLineHash: string };
      suppressions?: { kind: string; justification: string; location?: Location }[];
      properties: { path: string };
    }[];
  }[];
}

let sandbox: ArmSandbox;
let cluster: BuiltCluster;
let version: string;

function freshWorld(): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  return new World(...cluster.resources);
}

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs: { ...QUIET, ...inputs } });
}

async function capturedWorkspace(): Promise<{ workspace: string; capture: ActionRun }> {
  const workspace = await mkdtemp(path.join(tmpdir(), "sarif-e2e-"));
  await mkdir(path.join(workspace, ".github"));
  const capture = await gate(workspace, { ...TARGET, mode: "capture" });
  expect(capture).toMatchObject({ code: 0, outputs: { result: "pass" } });
  return { workspace, capture };
}

/** The run's log, once Microsoft's validator and the schema have found nothing wrong with it. */
async function validLog(run: ActionRun): Promise<SarifLog> {
  const file = run.outputs.sarif ?? "";
  expect(file).toBe(path.join(run.outputs.evidence ?? "", "findings.sarif"));
  expect(await validateSarif(file)).toEqual({ problems: [], schemaErrors: [] });
  return JSON.parse(await readFile(file, "utf8")) as SarifLog;
}

/** The 1-based line of the baseline that holds `text`. */
async function lineOf(workspace: string, text: string): Promise<number> {
  const lines = (await readFile(path.join(workspace, BASELINE), "utf8")).split("\n");
  const index = lines.findIndex((line) => line.includes(text));
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function fingerprints(log: SarifLog): Record<string, string> {
  return Object.fromEntries(
    (log.runs[0]?.results ?? []).map((result) => [
      `${result.ruleId} ${result.properties.path}`,
      result.partialFingerprints.primaryLocationLineHash,
    ]),
  );
}

beforeAll(async () => {
  sandbox = await startArmSandbox(freshWorld());
  version = (JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.world = freshWorld();
  sandbox.faults.clear();
});

it(
  "a drifting cluster: findings at their lines, a silenced one as a suppression, the same alerts run after run",
  async () => {
    const { workspace, capture } = await capturedWorkspace();
    await validLog(capture);
    const file = path.join(workspace, BASELINE);
    await writeFile(
      file,
      `${await readFile(file, "utf8")}    suppress:\n      - rule: routes.count\n        reason: ${REASON}\n`,
    );
    sandbox.world.patch(cluster.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.244.0.0/15";
      profile.podCidrs = ["10.244.0.0/15"];
    });
    const routes = sandbox.world.require(cluster.routeTableId ?? "").properties as { routes: unknown[] };
    routes.routes.splice(1, 1);

    const first = await gate(workspace);
    expect(first).toMatchObject({ code: 1, outputs: { result: "drift" } });
    const log = await validLog(first);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: "AKS Network Gate", semanticVersion: version });
    const byRule = (rule: string) => run.results.find((result) => result.ruleId === rule);
    expect(byRule("drift.networkProfile")).toMatchObject({
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: BASELINE, uriBaseId: "%SRCROOT%" },
            region: { startLine: await lineOf(workspace, "podCidrs: [10.244.0.0/16]") },
          },
        },
      ],
    });
    expect(byRule("routes.missing")?.level).toBe("error");
    expect(byRule("routes.count")?.suppressions).toEqual([
      {
        kind: "inSource",
        status: "accepted",
        justification: REASON,
        location: expect.objectContaining({
          physicalLocation: expect.objectContaining({
            region: { startLine: await lineOf(workspace, "- rule: routes.count") },
          }),
        }),
      },
    ]);
    expect(run.results.filter((result) => result.suppressions).map((result) => result.ruleId)).toEqual([
      "routes.count",
    ]);

    const second = await gate(workspace);
    expect(fingerprints(await validLog(second))).toEqual(fingerprints(log));
  },
  SLOW,
);

it(
  "lists the log in the manifest and SHA256SUMS, beside the gate's version",
  async () => {
    const { workspace } = await capturedWorkspace();
    const run = await gate(workspace);
    const evidence = run.outputs.evidence ?? "";
    const manifest = JSON.parse(await readFile(path.join(evidence, "manifest.json"), "utf8")) as {
      gateVersion: string;
      files: { name: string; sha256: string }[];
    };
    expect(manifest.gateVersion).toBe(version);
    const sha = createHash("sha256")
      .update(await readFile(path.join(evidence, "findings.sarif")))
      .digest("hex");
    expect(manifest.files).toContainEqual(expect.objectContaining({ name: "findings.sarif", sha256: sha }));
    expect(await readFile(path.join(evidence, "SHA256SUMS"), "utf8")).toContain(`${sha}  findings.sarif\n`);
    await validLog(run);
  },
  SLOW,
);

it(
  "a cluster the gate cannot read: a valid log marked unsuccessful, the cluster a notification",
  async () => {
    const { workspace } = await capturedWorkspace();
    sandbox.faults.add(
      authorizationFailedFault({
        path: "/routeTables/",
        action: "Microsoft.Network/routeTables/read",
        scope: cluster.routeTableId ?? "",
      }),
    );
    const run = await gate(workspace);
    expect(run.outputs.result).toBe("error");
    const invocation = (await validLog(run)).runs[0]?.invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications?.[0]?.message.text).toContain(cluster.clusterId);
  },
  SLOW,
);
