/**
 * `npm run sandbox [-- --port 8443] [--dir .sandbox] [--replay DIR]`: the local ARM sandbox with the demo's
 * kubenet cluster, kept running for `npm run local-action`, the CLI or a
 * workflow's `uses: ./`. It writes into --dir (default .sandbox/, git-ignored):
 *
 *   ca.pem                    the sandbox's certificate, for NODE_EXTRA_CA_CERTS
 *   aks-network-baseline.yml  the cluster's baseline, captured with dist/cli.js
 *   env                       KEY=VALUE lines for the process that runs the gate
 *                             (written last: its presence means ready)
 *
 * With `--replay DIR` (relative to where npm was run) it serves, instead of the
 * demo cluster, the ARM responses a run recorded with `--record DIR`
 * (sandbox/replay.ts); it captures no baseline: aks-network-baseline.yml is
 * the baseline the recorded run read, when the recording holds one.
 *
 * The process that runs the gate also needs sandbox/bin first on PATH (the
 * stand-in `az` that AzureCliCredential calls). Ctrl-C stops the sandbox.
 */
import { mkdir, rm, writeFile, rename } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ArmSandbox, startArmSandbox } from "./arm.js";
import { Replay } from "./replay.js";
import { runCli } from "./run-cli.js";
import { STAND_IN_BIN } from "./run-action.js";
import { kubenetCluster, World } from "./world.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLUSTER = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "rg-payments",
  name: "aks-payments-prod",
};

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

function portOption(argv: readonly string[]): number {
  const value = option(argv, "--port") ?? process.env.SANDBOX_PORT ?? "8443";
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new Error(`--port is '${value}'; expected a port number (0 for any free one).`);
  }
  return port;
}

/** The cluster's baseline, written by dist/cli.js with the state folder as its workspace. */
async function captureBaseline(state: string, armEndpoint: string, caFile: string): Promise<void> {
  const args = ["capture", "--baseline", "aks-network-baseline.yml", "--evidence-dir", "evidence"];
  const target = ["--subscription", CLUSTER.subscriptionId, "--resource-group", CLUSTER.resourceGroup];
  const cluster = ["--cluster-name", CLUSTER.name, "--arm-endpoint", armEndpoint];
  const run = await runCli({ cwd: state, caFile, args: [...args, ...target, ...cluster] });
  if (run.code !== 0)
    throw new Error(`Capturing the sandbox's baseline failed (exit ${run.code}):\n${run.stderr}${run.stdout}`);
}

function shellLines(url: string, state: string, baseline: string): string[] {
  return [
    "In another shell, from the repository:",
    `  set -a; . ${path.join(state, "env")}; set +a; export PATH="$PWD/sandbox/bin:$PATH"`,
    `  node dist/cli.js check --baseline ${baseline} --arm-endpoint ${url}`,
  ];
}

function instructions(url: string, state: string, env: string[]): string {
  const baseline = path.join(path.relative(ROOT, state) || ".", "aks-network-baseline.yml");
  return [
    `ARM sandbox on ${url}: kubenet cluster ${CLUSTER.name}.`,
    `Baseline captured into ${baseline}. The gate's process needs (${path.join(state, "env")}):`,
    "",
    ...env,
    `PATH=${STAND_IN_BIN}:$PATH`,
    "",
    ...shellLines(url, state, baseline),
    "  cp .env.example .env && npm run local-action",
    "",
    "Ctrl-C stops the sandbox.",
  ].join("\n");
}

function replayInstructions(url: string, state: string, env: string[], replay: Replay): string {
  const baseline = path.join(path.relative(ROOT, state) || ".", "aks-network-baseline.yml");
  const bring =
    replay.baseline !== undefined
      ? `The baseline the recorded run read is in ${baseline}.`
      : `The recording holds no baseline (a first capture): bring one into ${path.relative(ROOT, state) || "."}, or run capture.`;
  return [
    `ARM sandbox on ${url}: replaying ${replay.size} recorded ARM responses from ${replay.dir}; no baseline captured.`,
    `${bring} The gate's process needs (${path.join(state, "env")}):`,
    "",
    ...env,
    `PATH=${STAND_IN_BIN}:$PATH`,
    "",
    ...shellLines(url, state, baseline),
    "",
    "A request the recording does not hold is answered 404 RecordingNotFound and printed here.",
    "Ctrl-C stops the sandbox.",
  ].join("\n");
}

function demoWorld(): World {
  const built = kubenetCluster({
    ...CLUSTER,
    location: "westeurope",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    tags: { owner: "@contoso/payments-platform" },
  });
  return new World(...built.resources);
}

/** The replay of `--replay DIR`, DIR taken from where `npm run` was typed (npm runs scripts from the root). */
async function loadReplay(dir: string): Promise<Replay> {
  const from = process.env.INIT_CWD ?? process.cwd();
  return Replay.load(path.resolve(from, dir), (request) => console.error(`not recorded: ${request}`));
}

async function writeEnv(state: string, sandbox: ArmSandbox, caFile: string): Promise<string[]> {
  const env = [
    `AKS_SANDBOX_ARM_ENDPOINT=${sandbox.url}`,
    `NODE_EXTRA_CA_CERTS=${caFile}`,
    "AZURE_TOKEN_CREDENTIALS=AzureCliCredential",
  ];
  await writeFile(path.join(state, "env.tmp"), `${env.join("\n")}\n`);
  await rename(path.join(state, "env.tmp"), path.join(state, "env"));
  return env;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const state = path.resolve(ROOT, option(argv, "--dir") ?? ".sandbox");
  const replayDir = option(argv, "--replay");
  const replay = replayDir === undefined ? undefined : await loadReplay(replayDir);
  await rm(state, { recursive: true, force: true });
  await mkdir(state, { recursive: true });
  const sandbox = await startArmSandbox(replay ? new World() : demoWorld(), {
    port: portOption(argv),
    ...(replay ? { replay: (url: URL, baseUrl: string) => replay.answer("GET", url, baseUrl) } : {}),
  });
  const caFile = path.join(state, "ca.pem");
  await writeFile(caFile, sandbox.ca);
  if (!replay) await captureBaseline(state, sandbox.url, caFile);
  else if (replay.baseline !== undefined)
    await writeFile(path.join(state, "aks-network-baseline.yml"), replay.baseline);
  const env = await writeEnv(state, sandbox, caFile);
  console.log(replay ? replayInstructions(sandbox.url, state, env, replay) : instructions(sandbox.url, state, env));
  const stop = () => void sandbox.close().then(() => rm(state, { recursive: true, force: true }));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
