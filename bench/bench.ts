/**
 * `npm run bench`: speed and size of the gate against the ARM sandbox with an
 * injected latency per request (BENCH_LATENCY_MS, default 50). Not a test:
 * it measures and prints, side by side in one run:
 *  1. start-up: dist/index.js until its first ARM request, beside bare `node -e ''`;
 *  2. one kubenet cluster with 400 nodes: wall time, requests, sequential depth;
 *  3. a fleet of BENCH_FLEET (default 200) clusters: wall time, requests, peak
 *     requests in flight and peak RSS, beside the same fleet read one request
 *     at a time through the same SDK, as a naive script would;
 *  4. the bundle's size;
 *  5. the report of 11 kubenet clusters x 250 nodes after one pod CIDR change:
 *     job summary bytes, findings and annotations (bench/report-size.ts);
 *  6. a fleet of 1,000 clusters over 10 subscriptions under ARM's and Resource
 *     Graph's limits, read both ways (bench/fleet-scale.ts).
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { captureCluster } from "../src/app/capture-cluster.js";
import { resolveCloud } from "../src/io/azure/clouds.js";
import type { ArmReader } from "../src/io/azure/reader.js";
import { SdkArmReader } from "../src/io/azure/sdk-reader.js";
import { baselineFromSnapshot } from "../src/core/baseline/from-snapshot.js";
import type { BaselineCluster } from "../src/core/model.js";
import { type ArmSandbox, type RequestRecord, startArmSandbox } from "../sandbox/arm.js";
import { ACTION_ENTRY, type RunOptions, runAction } from "../sandbox/run-action.js";
import { staticTokenCredential, trustCertificateInProcess } from "../sandbox/trust.js";
import { makeCertificate } from "../sandbox/cert.js";
import { type BuiltCluster, kubenetCluster, World } from "../sandbox/world.js";
import { fleetScaleRows } from "./fleet-scale.js";
import { clock, clusterDepth, type Row, childSampler, sequentialDepth } from "./measure.js";
import { reportSizeRows } from "./report-size.js";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const FLEET_SIZE = Number(process.env.BENCH_FLEET ?? 200);
const CONCURRENCY = 8;
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const BASELINE = ".github/aks-network-baseline.yml";

function armRequests(sandbox: ArmSandbox): RequestRecord[] {
  return sandbox.requests.filter((request) => request.path.toLowerCase().startsWith("/subscriptions/"));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** A baseline file for the clusters; YAML is a superset of JSON, so JSON is a valid baseline. */
async function workspaceWith(entries: BaselineCluster[]): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-bench-"));
  await mkdir(path.join(workspace, ".github"));
  const clusters = Object.fromEntries(
    entries.map(({ id, suppressions, ...entry }) => [id, { ...entry, suppress: suppressions }]),
  );
  await writeFile(path.join(workspace, BASELINE), JSON.stringify({ version: 1, clusters }, null, 1));
  return workspace;
}

function reader(sandbox: ArmSandbox): SdkArmReader {
  return new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", sandbox.url, undefined));
}

function refOf(cluster: BuiltCluster) {
  const [, , , resourceGroup = "", , , , name = ""] = cluster.clusterId.split("/").slice(1);
  return { subscriptionId: SUBSCRIPTION, resourceGroup, name };
}

async function baselineFor(sandbox: ArmSandbox, clusters: BuiltCluster[]): Promise<string> {
  const latency = sandbox.latencyMs;
  sandbox.latencyMs = 0;
  const one = reader(sandbox);
  const snapshots = await Promise.all(clusters.map((cluster) => captureCluster(one, refOf(cluster), () => new Date())));
  sandbox.latencyMs = latency;
  return workspaceWith(snapshots.map((snapshot) => baselineFromSnapshot(snapshot)));
}

function oidc(sandbox: ArmSandbox): Pick<RunOptions, "inputs" | "env"> {
  return {
    inputs: {
      "client-id": "11111111-2222-3333-4444-555555555555",
      "tenant-id": "bench",
      concurrency: String(CONCURRENCY),
    },
    env: {
      AZURE_AUTHORITY_HOST: sandbox.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: sandbox.actionsIdTokenUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "bench",
      AZURE_TOKEN_CREDENTIALS: "",
      "INPUT_CREATE-ISSUE": "false",
    },
  };
}

async function bareNode(): Promise<number> {
  const start = clock();
  await new Promise((resolve) => spawn(process.execPath, ["-e", ""]).on("close", resolve));
  return clock() - start;
}

async function startupRows(sandbox: ArmSandbox, workspace: string): Promise<Row[]> {
  const toFirstRequest: number[] = [];
  const toSignIn: number[] = [];
  const bare: number[] = [];
  for (let run = 0; run < 7; run++) {
    bare.push(await bareNode());
    sandbox.requests.length = 0;
    const start = clock();
    await runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, ...oidc(sandbox) });
    toSignIn.push((sandbox.requests[0]?.startedAt ?? NaN) - start);
    toFirstRequest.push((armRequests(sandbox)[0]?.startedAt ?? NaN) - start);
  }
  const ratio = median(toFirstRequest) / median(bare);
  return [
    { measure: "bare `node -e ''` (median of 7)", value: `${median(bare).toFixed(0)} ms`, target: "", met: "" },
    {
      measure: "start-up: spawn to the first request of any kind (loading the bundle)",
      value: `${median(toSignIn).toFixed(0)} ms`,
      target: "",
      met: "",
    },
    {
      measure: "start-up: spawn to the first ARM request (median of 7, OIDC sign-in included)",
      value: `${median(toFirstRequest).toFixed(0)} ms = ${ratio.toFixed(2)}× bare node`,
      target: "≤ 3× bare node",
      met: ratio <= 3 ? "yes" : "no",
    },
  ];
}

async function timedRun(sandbox: ArmSandbox, workspace: string) {
  sandbox.requests.length = 0;
  const start = clock();
  const sampler = childSampler();
  const run = await runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    ...oidc(sandbox),
    onSpawn: sampler.onSpawn,
  });
  const { peakRssMb } = sampler.stop();
  if (run.outputs.result !== "pass") throw new Error(`bench run did not pass: ${run.stdout}`);
  const requests = armRequests(sandbox);
  const first = Math.min(...requests.map((request) => request.startedAt));
  const last = Math.max(...requests.map((request) => request.endedAt ?? request.startedAt));
  return { wall: clock() - start, armWall: last - first, requests, peakRssMb };
}

async function oneClusterRows(sandbox: ArmSandbox): Promise<Row[]> {
  const cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-large",
    name: "aks-400",
    podCidr: "10.240.0.0/15",
    pools: [{ name: "nodepool1", count: 400, maxSurge: "0" }],
  });
  sandbox.world = new World(...cluster.resources);
  const workspace = await baselineFor(sandbox, [cluster]);
  const { armWall, requests } = await timedRun(sandbox, workspace);
  const depth = sequentialDepth(requests);
  const ratio = armWall / (depth * LATENCY_MS);
  return [
    {
      measure: "one kubenet cluster, 400 nodes and routes: ARM wall time",
      value: `${armWall.toFixed(0)} ms, ${requests.length} requests, depth ${depth} = ${ratio.toFixed(2)}× depth × latency`,
      target: "≤ 1.3× depth × latency",
      met: ratio <= 1.3 ? "yes" : "no",
    },
  ];
}

/** What a naive script does: the same SDK reader, one request at a time, one cluster after another. */
function oneAtATime(inner: ArmReader): ArmReader {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(call: () => Promise<T>): Promise<T> => {
    const next = queue.then(call, call);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    getManagedCluster: (...args) => serial(() => inner.getManagedCluster(...args)),
    listAgentPools: (...args) => serial(() => inner.listAgentPools(...args)),
    getVirtualNetwork: (...args) => serial(() => inner.getVirtualNetwork(...args)),
    listVirtualNetworks: (...args) => serial(() => inner.listVirtualNetworks(...args)),
    getRouteTable: (...args) => serial(() => inner.getRouteTable(...args)),
    listScaleSets: (...args) => serial(() => inner.listScaleSets(...args)),
    listScaleSetInstances: (...args) => serial(() => inner.listScaleSetInstances(...args)),
    listScaleSetNetworkInterfaces: (...args) => serial(() => inner.listScaleSetNetworkInterfaces(...args)),
    listNetworkInterfaces: (...args) => serial(() => inner.listNetworkInterfaces(...args)),
  };
}

async function naiveFleet(sandbox: ArmSandbox, clusters: BuiltCluster[]): Promise<number> {
  const serial = oneAtATime(reader(sandbox));
  const start = clock();
  for (const cluster of clusters) await captureCluster(serial, refOf(cluster), () => new Date());
  return clock() - start;
}

async function fleetRows(sandbox: ArmSandbox): Promise<Row[]> {
  const clusters = Array.from({ length: FLEET_SIZE }, (_, index) =>
    kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: `rg-${index}`,
      name: `aks-${index}`,
      pools: [{ name: "nodepool1", count: 3 }],
    }),
  );
  sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
  const workspace = await baselineFor(sandbox, clusters);
  sandbox.rateLimitRemaining = 1_000_000;
  sandbox.peakInFlight = 0;
  const { wall, requests, peakRssMb } = await timedRun(sandbox, workspace);
  const peak = sandbox.peakInFlight;
  const depth = clusterDepth(requests, clusters);
  const ideal = Math.ceil(FLEET_SIZE / CONCURRENCY) * depth * LATENCY_MS;
  const naive = await naiveFleet(sandbox, clusters);
  const rssMb = peakRssMb;
  return [
    {
      measure: `fleet of ${FLEET_SIZE}: the action, concurrency ${CONCURRENCY}`,
      value: `${(wall / 1000).toFixed(2)} s, ${requests.length} requests, peak ${peak} in flight, cluster depth ${depth}`,
      target: "",
      met: "",
    },
    {
      measure: `fleet of ${FLEET_SIZE}: one request at a time, same SDK`,
      value: `${(naive / 1000).toFixed(2)} s`,
      target: "",
      met: "",
    },
    {
      measure: "speed-up over one-at-a-time",
      value: `${(naive / wall).toFixed(1)}×`,
      target: "≥ 10×",
      met: naive / wall >= 10 ? "yes" : "no",
    },
    {
      measure: "against the ideal ceil(N/concurrency) × depth × latency",
      value: `${(wall / ideal).toFixed(2)}× of ${(ideal / 1000).toFixed(2)} s`,
      target: "≤ 1.5×",
      met: wall / ideal <= 1.5 ? "yes" : "no",
    },
    {
      measure: "peak RSS of the action",
      value: `${rssMb.toFixed(0)} MB`,
      target: "≤ 200 MB",
      met: rssMb <= 200 ? "yes" : "no",
    },
  ];
}

/** The entry, the worker it starts and every chunk they import statically, transitively: what every run loads. */
function staticallyLoaded(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, "utf8");
  for (const match of text.matchAll(/(?:from|import|new URL\()\s*"(\.\.?\/[^"]+\.js)"/g)) {
    staticallyLoaded(path.resolve(path.dirname(entry), match[1] ?? ""), seen);
  }
  return seen;
}

function bundleRows(): Row[] {
  const loaded = [...staticallyLoaded(ACTION_ENTRY)];
  const bytes = loaded.reduce((sum, file) => sum + statSync(file).size, 0);
  const gzipped = loaded.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  const kib = (value: number) => `${(value / 1024).toFixed(0)} KiB`;
  return [
    {
      measure: "bundle loaded at start: dist/index.js, its worker and the chunks they import statically",
      value: `${kib(bytes)} (${kib(gzipped)} gzipped), ${loaded.length} files`,
      target: "",
      met: "",
    },
  ];
}

function printTable(rows: Row[]): void {
  console.log(
    `\nAKS Network Gate benchmark: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, latency ${LATENCY_MS} ms per ARM request\n`,
  );
  console.log("| measure | value | target | met |");
  console.log("|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.measure} | ${row.value} | ${row.target} | ${row.met} |`);
}

async function main(): Promise<void> {
  // One certificate for every sandbox of the run: the sandbox certificates all name the same
  // subject, so a second one trusted beside the first is not found by its issuer.
  const certificate = await makeCertificate();
  const sandbox = await startArmSandbox(new World(), { pageSize: 1000, certificate });
  const untrust = trustCertificateInProcess(sandbox.ca);
  try {
    // First, while this process (which serves the sandbox) is fresh: its 1,000 clusters
    // measure the gate, not the garbage the other rows leave behind.
    const fleetScale = await fleetScaleRows(certificate);
    const small = kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg-small",
      name: "aks-small",
      pools: [{ name: "nodepool1", count: 3 }],
    });
    sandbox.world = new World(...small.resources);
    const startupWorkspace = await baselineFor(sandbox, [small]);
    const rows = [...(await startupRows(sandbox, startupWorkspace))];
    sandbox.latencyMs = LATENCY_MS;
    rows.push(...(await oneClusterRows(sandbox)), ...(await fleetRows(sandbox)), ...bundleRows());
    rows.push(...(await reportSizeRows(sandbox)));
    rows.push(...fleetScale);
    printTable(rows);
  } finally {
    untrust();
    await sandbox.close();
  }
}

await main();
