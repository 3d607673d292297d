/**
 * Every ARM fault the sandbox can inject, once and for good, on the reads a
 * check makes: the gate either recovers and gives the right answer, or ends
 * in result=error naming the resource. It never passes on a fault it could
 * not get past. The suite counts what it tried.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { captureCluster } from "../../src/app/capture-cluster.js";
import { resolveCloud } from "../../src/io/azure/clouds.js";
import { SdkArmReader } from "../../src/io/azure/sdk-reader.js";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { upsertCluster } from "../../src/core/baseline/edit.js";
import { check, type GateDeps, type Outcome } from "../../src/app/gate.js";
import type { Logger } from "../../src/core/logger.js";
import { readSettings } from "../../src/app/settings.js";
import { type ArmSandbox, type FaultBehaviour, startArmSandbox, throttledFault } from "../../sandbox/arm.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const silent: Logger = { info: () => {}, debug: () => {}, warning: () => {}, error: () => {}, mask: () => {} };
const tally = { tried: 0, recovered: 0, endedAsError: 0, passedWrongly: 0 };

let sandbox: ArmSandbox;
let untrust: () => void;
let cluster: BuiltCluster;
let workspace: string;

function reader(endpoint = sandbox.url): SdkArmReader {
  return new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", endpoint, undefined), {
    requestTimeoutMs: 300,
    retry: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  });
}

function deps(endpoint?: string): GateDeps {
  return {
    reader: reader(endpoint),
    logger: silent,
    now: () => new Date(),
    signal: new AbortController().signal,
    sleep: async () => {},
  };
}

async function gate(endpoint?: string): Promise<Outcome> {
  const outcome = await check(
    readSettings(() => "", { GITHUB_WORKSPACE: workspace }),
    deps(endpoint),
  );
  tally.tried += 1;
  if (outcome.verdict.result === "pass") tally.recovered += 1;
  if (outcome.verdict.result === "error") tally.endedAsError += 1;
  return outcome;
}

beforeAll(async () => {
  cluster = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-faults" });
  sandbox = await startArmSandbox(new World(...cluster.resources));
  untrust = trustCertificateInProcess(sandbox.ca);
  const snapshot = await captureCluster(
    reader(),
    { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-faults" },
    () => new Date(),
  );
  workspace = await mkdtemp(path.join(tmpdir(), "gate-faults-"));
  await mkdir(path.join(workspace, ".github"));
  await writeFile(
    path.join(workspace, ".github", "aks-network-baseline.yml"),
    upsertCluster(null, "baseline", baselineFromSnapshot(snapshot)),
  );
});

afterAll(async () => {
  untrust();
  await sandbox.close();
  console.log(
    `ARM faults: ${tally.tried} tried, ${tally.recovered} recovered to the right answer, ${tally.endedAsError} ended as result=error, ${tally.passedWrongly} passed wrongly`,
  );
});

beforeEach(() => {
  sandbox.faults.clear();
  cluster = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-faults" });
  sandbox.world = new World(...cluster.resources);
});

const TARGETS: [string, RegExp][] = [
  ["the managed cluster", /managedClusters\/aks-faults$/i],
  ["the route table", /routeTables\/[^/]+$/i],
  ["the scale set NICs", /virtualMachineScaleSets\/[^/]+\/networkInterfaces$/i],
];

const FAULTS: [string, FaultBehaviour][] = [
  ["429 with Retry-After in seconds", throttledFault({ retryAfter: 0 })],
  [
    "429 with Retry-After as an HTTP date",
    { ...throttledFault(), headers: { "Retry-After": new Date(0).toUTCString() } },
  ],
  ["500", { status: 500, body: { error: { code: "InternalServerError", message: "boom" } } }],
  ["502", { status: 502, body: { error: { code: "BadGateway", message: "bad gateway" } } }],
  ["503", { status: 503, body: { error: { code: "ServiceUnavailable", message: "unavailable" } } }],
  ["504", { status: 504, body: { error: { code: "GatewayTimeout", message: "timeout" } } }],
  ["a connection reset", { kind: "reset" }],
  ["a response that never comes", { kind: "hang" }],
  ["a truncated body", { kind: "truncated" }],
  ["invalid JSON", { kind: "invalid-json" }],
];

function withoutMatch(fault: FaultBehaviour): FaultBehaviour {
  const {
    path: _path,
    times: _times,
    method: _method,
    ...behaviour
  } = fault as FaultBehaviour & { path?: unknown; times?: unknown; method?: unknown };
  return behaviour as FaultBehaviour;
}

describe.each(TARGETS)("a fault on %s", (_, target) => {
  it.each(FAULTS)("recovers from one %s", async (_name, fault) => {
    const injected = sandbox.faults.add({ ...withoutMatch(fault), path: target, times: 1 });
    const outcome = await gate();
    expect(injected.fired).toBe(1);
    expect(outcome.verdict.result).toBe("pass");
    expect(outcome.verdict.findings.filter((item) => item.severity === "error")).toEqual([]);
  });

  it.each(FAULTS)("ends as error, naming the resource, when %s persists", async (_name, fault) => {
    sandbox.faults.add({ ...withoutMatch(fault), path: target });
    const outcome = await gate();
    if (outcome.verdict.result === "pass") tally.passedWrongly += 1;
    expect(outcome.verdict.result).toBe("error");
    const failing = outcome.verdict.clusters.find((cluster) => cluster.status === "error")?.result;
    expect(failing?.kind === "error" ? failing.message : "").toMatch(/\/subscriptions\/.+\/resourceGroups\//i);
  });
});

describe("responses that lie or vanish", () => {
  it.each<[string, () => void, RegExp]>([
    [
      "a 200 cluster without networkProfile",
      () =>
        sandbox.world.patch(
          cluster.clusterId,
          (body) => delete (body.properties as Record<string, unknown>).networkProfile,
        ),
      /managedClusters\/aks-faults: the managed cluster has no networkProfile/,
    ],
    [
      "a 200 route table without routes",
      () =>
        sandbox.world.patch(
          cluster.routeTableId ?? "",
          (body) => delete (body.properties as Record<string, unknown>).routes,
        ),
      /the route table has no 'routes' list/,
    ],
    [
      "a nextLink that loops",
      () =>
        sandbox.faults.add({
          path: /virtualMachines$/i,
          status: 200,
          body: {
            value: [],
            nextLink: `${sandbox.url}${cluster.scaleSetIds[0]}/virtualMachines?api-version=2024-07-01&$skipToken=1`,
          },
        }),
      /nextLink loops back|malformed/,
    ],
    [
      "a nextLink to another host",
      () =>
        sandbox.faults.add({
          path: /virtualMachineScaleSets$/i,
          status: 200,
          body: { value: [], nextLink: "https://127.0.0.9:9/x" },
        }),
      /nextLink points to another host/,
    ],
    [
      "a route table deleted between two reads",
      () => sandbox.world.delete(cluster.routeTableId ?? ""),
      /Azure has no resource .*routeTables.*404/,
    ],
    [
      "a cluster deleted between two reads",
      () =>
        sandbox.faults.add({
          path: /agentPools$/i,
          status: 404,
          body: { error: { code: "ResourceNotFound", message: "gone" } },
        }),
      /Azure has no resource .*managedClusters\/aks-faults\/agentPools/,
    ],
  ])("%s ends as error with what went wrong", async (_, breakIt, message) => {
    breakIt();
    const outcome = await gate();
    if (outcome.verdict.result === "pass") tally.passedWrongly += 1;
    expect(outcome.verdict.result).toBe("error");
    expect(outcome.verdict.failure).toMatch(message);
  });

  it("ends as error when ARM refuses the connection", async () => {
    const outcome = await gate("https://127.0.0.1:1");
    expect(outcome.verdict.result).toBe("error");
    expect(outcome.verdict.failure).toMatch(/Could not reach Azure to read .*managedClusters\/aks-faults/);
  });
});

describe("large but valid", () => {
  it("checks a route table with 400 routes and a cluster with 100 node pools", async () => {
    const wide = kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "aks-faults",
      podCidr: "10.240.0.0/15",
      pools: [
        { name: "nodepool1", count: 301 },
        ...Array.from({ length: 99 }, (_, index) => ({ name: `pool${index}`, count: 1 })),
      ],
    });
    sandbox.world = new World(...wide.resources);
    const unhurried = new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", sandbox.url, undefined));
    const snapshot = await captureCluster(
      unhurried,
      { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-faults" },
      () => new Date(),
    );
    expect(snapshot.routeTables[0]?.routes).toHaveLength(400);
    expect(snapshot.nodePools).toHaveLength(100);
    expect(snapshot.nodes).toHaveLength(400);
    tally.tried += 1;
    tally.recovered += 1;
  });
});
