/**
 * `npm run bench`, a fleet under Azure's read limits: BENCH_FLEET_SCALE
 * (default 1,000) small kubenet clusters (BENCH_FLEET_POOLS pools of 3 nodes,
 * default 1) over 10 subscriptions, checked by the action twice against the ARM sandbox with
 * Resource Manager's read bucket (250 tokens per subscription, 25 a second:
 * sandbox/throttle.ts) and Resource Graph's quota (15 queries per 5 seconds):
 * (a) `data-source: arm`, every fact from Resource Manager, and
 * (b) `data-source: resource-graph`. For each it prints the wall time, the
 * reads of each kind, the 429s, the peak RSS, and the ratio to the least time
 * the limits allow, defined in the printed table.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { captureCluster } from "../src/app/capture-cluster.js";
import { baselineFromSnapshot } from "../src/core/baseline/from-snapshot.js";
import { upsertClusters } from "../src/core/baseline/edit.js";
import { mapLimit } from "../src/core/concurrency.js";
import { resolveCloud } from "../src/io/azure/clouds.js";
import { SdkArmReader } from "../src/io/azure/sdk-reader.js";
import { type ArmSandbox, type RequestRecord, startArmSandbox } from "../sandbox/arm.js";
import { makeCertificate, type SandboxCertificate } from "../sandbox/cert.js";
import { runAction } from "../sandbox/run-action.js";
import { subscriptionOfPath } from "../sandbox/throttle.js";
import { staticTokenCredential, trustCertificateInProcess } from "../sandbox/trust.js";
import { type BuiltCluster, kubenetCluster, World } from "../sandbox/world.js";
import { clock, clusterDepth, type Row, childSampler, sequentialDepth } from "./measure.js";

const CLUSTERS = Number(process.env.BENCH_FLEET_SCALE ?? 1000);
const SUBSCRIPTIONS = 10;
/** Per request; a request inside one Azure region takes about this long. */
const LATENCY_MS = Number(process.env.BENCH_FLEET_LATENCY_MS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 32);
/** Pools per cluster: each adds a scale set, whose instances and NICs are read from Resource Manager either way. */
const POOLS = Number(process.env.BENCH_FLEET_POOLS ?? 1);
/** Resource Manager's subscription reads (sandbox/throttle.ts names the source). */
const ARM_BUCKET = 250;
const ARM_REFILL_PER_SECOND = 25;
/** Resource Graph's user quota: 15 queries per 5-second window (sandbox/resource-graph.ts names the source). */
const ARG_QUERIES_PER_WINDOW = 15;
const ARG_WINDOW_S = 5;
const RSS_TARGET_MB = 300;
const BASELINE = ".github/aks-network-baseline.yml";

type DataSource = "arm" | "resource-graph";

interface Measured {
  source: DataSource;
  wallMs: number;
  armReadsBySubscription: Map<string, number>;
  graphQueries: number;
  throttled: { arm: number; graph: number };
  /** The fewest requests in a chain that any one cluster's reads took (measure.ts `clusterDepth`). */
  depth: number;
  /** The longest chain of the requests sent before the first cluster read: sign-in, then Resource Graph's queries. */
  leadDepth: number;
  peakRssMb: number;
  /** CPU seconds in the run: the action's busiest thread (the gate), the action in all, and the bench's process (the sandbox). */
  cpu: { gate: number; action: number; sandbox: number };
}

function subscriptionId(index: number): string {
  return `00000000-0000-0000-0000-${String(index).padStart(12, "0")}`;
}

/** The fleet, in the order a fleet capture writes its baseline: by ID, so subscription by subscription. */
function fleet(): BuiltCluster[] {
  return Array.from({ length: CLUSTERS }, (_, index) =>
    kubenetCluster({
      subscriptionId: subscriptionId(index % SUBSCRIPTIONS),
      resourceGroup: `rg-${index}`,
      name: `aks-${index}`,
      pools: Array.from({ length: POOLS }, (_, pool) => ({ name: `nodepool${pool + 1}`, count: 3 })),
    }),
  ).sort((a, b) => a.clusterId.toLowerCase().localeCompare(b.clusterId.toLowerCase()));
}

function refOf(cluster: BuiltCluster) {
  const [, subscriptionId = "", , resourceGroup = "", , , , name = ""] = cluster.clusterId.split("/").slice(1);
  return { subscriptionId, resourceGroup, name };
}

/** The baseline as the fleet is now, read through a sandbox without latency or throttling. */
async function workspaceFor(world: World, certificate: SandboxCertificate, clusters: BuiltCluster[]): Promise<string> {
  const unthrottled = await startArmSandbox(world, { certificate, pageSize: 1000 });
  try {
    const reader = new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", unthrottled.url, undefined));
    const snapshots = await mapLimit(clusters, 32, (cluster) =>
      captureCluster(reader, refOf(cluster), () => new Date()),
    );
    // Written as a fleet capture writes it, so the check reads the file a team would commit.
    const text = upsertClusters(
      null,
      BASELINE,
      snapshots.map((snapshot) => baselineFromSnapshot(snapshot)),
    );
    const workspace = await mkdtemp(path.join(tmpdir(), "gate-bench-fleet-"));
    await mkdir(path.join(workspace, ".github"));
    await writeFile(path.join(workspace, BASELINE), text);
    return workspace;
  } finally {
    await unthrottled.close();
  }
}

const isGraphQuery = (request: RequestRecord) =>
  request.method === "POST" && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(request.path);

function tally(
  source: DataSource,
  requests: RequestRecord[],
  clusters: BuiltCluster[],
): Omit<Measured, "wallMs" | "peakRssMb" | "cpu"> {
  const armReadsBySubscription = new Map<string, number>();
  const arm = requests.filter((request) => request.method === "GET" && subscriptionOfPath(request.path));
  for (const request of arm) {
    const subscription = subscriptionOfPath(request.path)!.toLowerCase();
    armReadsBySubscription.set(subscription, (armReadsBySubscription.get(subscription) ?? 0) + 1);
  }
  const graph = requests.filter(isGraphQuery);
  const firstRead = Math.min(...arm.map((request) => request.startedAt));
  return {
    source,
    armReadsBySubscription,
    leadDepth: sequentialDepth(requests.filter((request) => request.startedAt < firstRead)),
    graphQueries: graph.length,
    throttled: {
      arm: arm.filter((request) => request.status === 429).length,
      graph: graph.filter((request) => request.status === 429).length,
    },
    depth: clusterDepth(arm, clusters),
  };
}

async function measure(sandbox: ArmSandbox, workspace: string, source: DataSource, clusters: BuiltCluster[]) {
  sandbox.requests.length = 0;
  const sampler = childSampler();
  const scope = Array.from({ length: SUBSCRIPTIONS }, (_, index) => `/subscriptions/${subscriptionId(index)}`);
  const start = clock();
  const before = process.cpuUsage();
  const run = await runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: {
      "client-id": "11111111-2222-3333-4444-555555555555",
      "tenant-id": "bench",
      concurrency: String(CONCURRENCY),
      scope: scope.join("\n"),
      "data-source": source,
    },
    env: {
      AZURE_AUTHORITY_HOST: sandbox.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: sandbox.actionsIdTokenUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "bench",
      AZURE_TOKEN_CREDENTIALS: "",
      "INPUT_CREATE-ISSUE": "false",
    },
    onSpawn: sampler.onSpawn,
  });
  const wallMs = clock() - start;
  const used = process.cpuUsage(before);
  const { peakRssMb, cpuS, busiestThreadCpuS } = sampler.stop();
  const cpu = { gate: busiestThreadCpuS, action: cpuS, sandbox: (used.user + used.system) / 1e6 };
  if (run.outputs.result !== "pass") {
    throw new Error(`the fleet bench run (${source}) did not pass: ${run.outputs.result}\n${run.stdout.slice(-4000)}`);
  }
  return { ...tally(source, sandbox.requests, clusters), wallMs, peakRssMb, cpu };
}

/** The least time the limits allow, and each bound it is the largest of, in seconds. */
function leastTime(measured: Measured) {
  const reads = [...measured.armReadsBySubscription.values()];
  const arm = Math.max(0, ...reads.map((count) => Math.max(0, (count - ARM_BUCKET) / ARM_REFILL_PER_SECOND)));
  const graph = Math.max(0, Math.ceil(measured.graphQueries / ARG_QUERIES_PER_WINDOW - 1)) * ARG_WINDOW_S;
  const latency = ((measured.leadDepth + measured.depth * Math.ceil(CLUSTERS / CONCURRENCY)) * LATENCY_MS) / 1000;
  return { arm, graph, latency, least: Math.max(arm, graph, latency) };
}

function rowsOf(measured: Measured): Row[] {
  const label = measured.source === "arm" ? "(a) data-source: arm" : "(b) data-source: resource-graph";
  const bounds = leastTime(measured);
  const reads = [...measured.armReadsBySubscription.values()];
  const total = reads.reduce((sum, count) => sum + count, 0);
  const ratio = measured.wallMs / 1000 / bounds.least;
  return [
    {
      measure: `${label}: wall time, spawn to exit`,
      value: `${(measured.wallMs / 1000).toFixed(2)} s`,
      target: "",
      met: "",
    },
    {
      measure: `${label}: reads`,
      value:
        `${total} ARM GETs (per subscription ${Math.min(...reads)}–${Math.max(...reads)}), ` +
        `${measured.graphQueries} Resource Graph queries, 429s seen: ${measured.throttled.arm} ARM, ${measured.throttled.graph} Resource Graph`,
      target: "",
      met: "",
    },
    {
      measure: `${label}: least time = max(ARM, Resource Graph, latency bound)`,
      value:
        `${bounds.least.toFixed(2)} s = max(${bounds.arm.toFixed(2)}, ${bounds.graph.toFixed(2)}, ${bounds.latency.toFixed(2)}); ` +
        `lead depth ${measured.leadDepth}, cluster depth ${measured.depth}; wall time ${ratio.toFixed(2)}× of it`,
      target: measured.source === "resource-graph" ? "≤ 1.5×" : "",
      met: measured.source === "resource-graph" ? (ratio <= 1.5 ? "yes" : "no") : "",
    },
    {
      measure: `${label}: CPU time in the run (threads sampled every 25 ms)`,
      value:
        `the gate's thread ${measured.cpu.gate.toFixed(2)} s, the action in all ${measured.cpu.action.toFixed(2)} s, ` +
        `the bench's process with the sandbox ${measured.cpu.sandbox.toFixed(2)} s: ` +
        `${(measured.cpu.action + measured.cpu.sandbox).toFixed(2)} s of the ${((measured.wallMs / 1000) * availableParallelism()).toFixed(2)} s ` +
        `that ${availableParallelism()} cores give in the wall time`,
      target: "",
      met: "",
    },
    {
      measure: `${label}: peak RSS of the action`,
      value: `${measured.peakRssMb.toFixed(0)} MB`,
      target: `< ${RSS_TARGET_MB} MB`,
      met: measured.peakRssMb < RSS_TARGET_MB ? "yes" : "no",
    },
  ];
}

function definitionRow(): Row {
  return {
    measure: `fleet of ${CLUSTERS} kubenet clusters (${POOLS} pool${POOLS === 1 ? "" : "s"} of 3 nodes) over ${SUBSCRIPTIONS} subscriptions, concurrency ${CONCURRENCY}, latency ${LATENCY_MS} ms per request`,
    value:
      `least time = max of: ARM, max over subscriptions of max(0, (GETs − ${ARM_BUCKET}) / ${ARM_REFILL_PER_SECOND}) s; ` +
      `Resource Graph, ceil(queries / ${ARG_QUERIES_PER_WINDOW} − 1) × ${ARG_WINDOW_S} s; ` +
      `latency, (lead depth + cluster depth × ceil(${CLUSTERS} / ${CONCURRENCY})) × ${LATENCY_MS} ms, where the lead depth is ` +
      `the longest chain of requests before the first cluster read (sign-in, Resource Graph) and the cluster depth ` +
      `the fewest requests in a chain that any one cluster's reads took`,
    target: "",
    met: "",
  };
}

/**
 * The fleet under Azure's limits, both ways, as rows of the benchmark's table.
 * `certificate`: the one the caller's process already trusts (the sandbox
 * certificates all name the same subject, so a second one would not be found).
 */
export async function fleetScaleRows(certificate?: SandboxCertificate): Promise<Row[]> {
  const clusters = fleet();
  const world = new World(...clusters.flatMap((cluster) => cluster.resources));
  const own = certificate ?? (await makeCertificate());
  const untrust = certificate ? () => undefined : trustCertificateInProcess(own.cert);
  const workspace = await workspaceFor(world, own, clusters).finally(untrust);
  const sandbox = await startArmSandbox(world, {
    certificate: own,
    pageSize: 1000,
    latencyMs: LATENCY_MS,
    throttle: { capacity: ARM_BUCKET, refillPerSecond: ARM_REFILL_PER_SECOND },
  });
  try {
    const viaArm = await measure(sandbox, workspace, "arm", clusters);
    await new Promise((resolve) => setTimeout(resolve, (ARM_BUCKET / ARM_REFILL_PER_SECOND) * 1000));
    const viaGraph = await measure(sandbox, workspace, "resource-graph", clusters);
    const speedUp = viaArm.wallMs / viaGraph.wallMs;
    return [
      definitionRow(),
      ...rowsOf(viaArm),
      ...rowsOf(viaGraph),
      {
        measure: "(b) against (a): speed-up under the same limits",
        value: `${speedUp.toFixed(1)}×`,
        target: "≥ 5×",
        met: speedUp >= 5 ? "yes" : "no",
      },
    ];
  } finally {
    await sandbox.close();
  }
}
