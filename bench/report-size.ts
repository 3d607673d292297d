/**
 * `npm run bench`, the size of the output: 11 kubenet clusters of 250 nodes
 * each, checked after one pod CIDR change per cluster (the clusters' pod CIDR
 * moved, their node routes did not, so every node route lies outside it). It
 * measures what GitHub takes from the run: the job summary's bytes against
 * the 1 MiB a step may write, the `findings` output, and the annotations
 * printed (`::error`/`::warning`) against the 10 + 10 a step shows. Issues
 * go to the GitHub sandbox, so the summary carries their links.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { captureCluster } from "../src/app/capture-cluster.js";
import { baselineFromSnapshot } from "../src/core/baseline/from-snapshot.js";
import { resolveCloud } from "../src/io/azure/clouds.js";
import { SdkArmReader } from "../src/io/azure/sdk-reader.js";
import type { ArmSandbox } from "../sandbox/arm.js";
import { startGitHubSandbox } from "../sandbox/github.js";
import { runAction } from "../sandbox/run-action.js";
import { staticTokenCredential } from "../sandbox/trust.js";
import type { Row } from "./measure.js";
import { type BuiltCluster, kubenetCluster, World } from "../sandbox/world.js";

const CLUSTERS = 11;
const NODES = 250;
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TOKEN = "ghs_benchreportsize";
/** GitHub's limit on a step's job summary: 1 MiB. */
const SUMMARY_LIMIT = 1024 * 1024;
/** What GitHub shows of a step's annotations: 10 errors and 10 warnings. */
const SHOWN_ANNOTATIONS = 20;

function fleet(): BuiltCluster[] {
  return Array.from({ length: CLUSTERS }, (_, index) =>
    kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: `rg-size-${index}`,
      name: `aks-size-${index}`,
      tags: { owner: `@contoso/team-${index}` },
      pools: [{ name: "nodepool1", count: NODES, maxSurge: "0" }],
    }),
  );
}

/** The baseline of the clusters as they are now, written as JSON (a subset of YAML). */
async function capturedWorkspace(sandbox: ArmSandbox, clusters: BuiltCluster[]): Promise<string> {
  const reader = new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", sandbox.url, undefined));
  const snapshots = await Promise.all(
    clusters.map((cluster) => {
      const [, , , resourceGroup = "", , , , name = ""] = cluster.clusterId.split("/").slice(1);
      return captureCluster(reader, { subscriptionId: SUBSCRIPTION, resourceGroup, name }, () => new Date());
    }),
  );
  const entries = snapshots.map((snapshot) => baselineFromSnapshot(snapshot));
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-bench-size-"));
  await mkdir(path.join(workspace, ".github"));
  const byId = Object.fromEntries(
    entries.map(({ id, suppressions, ...entry }) => [id, { ...entry, suppress: suppressions }]),
  );
  await writeFile(
    path.join(workspace, ".github", "aks-network-baseline.yml"),
    JSON.stringify({ version: 1, clusters: byId }),
  );
  return workspace;
}

/** The pod CIDR moves from 10.244.0.0/16 to 10.245.0.0/16; the routes stay where they were. */
function movePodCidr(sandbox: ArmSandbox, cluster: BuiltCluster): void {
  sandbox.world.patch(cluster.clusterId, (body) => {
    const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
    profile.podCidr = "10.245.0.0/16";
    profile.podCidrs = ["10.245.0.0/16"];
  });
}

/** The rows of the size measure; the sandbox's world and latency are restored afterwards. */
export async function reportSizeRows(sandbox: ArmSandbox): Promise<Row[]> {
  const { world, latencyMs } = sandbox;
  const clusters = fleet();
  sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
  sandbox.latencyMs = 0;
  const github = await startGitHubSandbox({ token: TOKEN });
  try {
    const workspace = await capturedWorkspace(sandbox, clusters);
    for (const cluster of clusters) movePodCidr(sandbox, cluster);
    const run = await runAction({
      workspace,
      armEndpoint: sandbox.url,
      ca: sandbox.ca,
      inputs: { "github-token": TOKEN, "max-issues": String(CLUSTERS) },
      env: { GITHUB_API_URL: github.url },
    });
    if (run.outputs.result !== "drift")
      throw new Error(`the size run did not end in drift: ${run.stdout}${run.stderr}`);
    const bytes = Buffer.byteLength(run.summary);
    const printed = run.stdout.split("\n").filter((line) => /^::(error|warning)\b/.test(line));
    const annotations = printed.filter((line) => line.includes("title=AKS Network Gate")).length;
    const subject = `${CLUSTERS} kubenet clusters × ${NODES} nodes, pod CIDR changed`;
    return [
      {
        measure: `${subject}: job summary`,
        value: `${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`,
        target: "≤ 1 MiB (GitHub's limit per step)",
        met: bytes <= SUMMARY_LIMIT ? "yes" : "no",
      },
      {
        measure: `${subject}: findings (the findings output)`,
        value: run.outputs.findings ?? "?",
        target: "",
        met: "",
      },
      {
        measure: `${subject}: annotations of findings (all ::error/::warning lines)`,
        value: `${annotations} (${printed.length})`,
        target: `≤ ${SHOWN_ANNOTATIONS} (what GitHub shows of a step)`,
        met: annotations <= SHOWN_ANNOTATIONS ? "yes" : "no",
      },
    ];
  } finally {
    await github.close();
    sandbox.world = world;
    sandbox.latencyMs = latencyMs;
  }
}
