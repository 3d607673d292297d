/**
 * dist/index.js runs the gate in a worker thread (src/entry/index.ts): the
 * thread's young generation is bounded, the run's outputs and exit code are
 * the worker's, and an error that escapes the gate is reported as the gate's
 * defect with result=error, not lost with the thread.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { LOOPBACK_GUARD, runAction } from "../../sandbox/run-action.js";
import { World } from "../../sandbox/world.js";
import { newWorkspace, paymentsCluster, TARGET } from "../helpers/e2e-world.js";

const PROBE = fileURLToPath(new URL("../fixtures/preload/thread-probe.cjs", import.meta.url));

let sandbox: ArmSandbox;

beforeAll(async () => {
  sandbox = await startArmSandbox(new World(...paymentsCluster().resources));
});

afterAll(async () => {
  await sandbox.close();
});

function gate(
  workspace: string,
  env: Record<string, string>,
  options: { mode?: string; onSpawn?: (child: ChildProcess) => void } = {},
) {
  return runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: { ...TARGET, mode: options.mode ?? "capture", "create-issue": "false" },
    env: { NODE_OPTIONS: `--require ${LOOPBACK_GUARD} --require ${PROBE}`, ...env },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

it("runs the gate in a worker thread with a 48 MB young generation, and passes its outputs and exit code on", async () => {
  const workspace = await newWorkspace("gate-launcher-");
  const probe = path.join(workspace, "limits.json");
  const run = await gate(workspace, { THREAD_PROBE_FILE: probe });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe("pass");
  const limits = JSON.parse(await readFile(probe, "utf8")) as Record<string, number>;
  expect(limits.maxYoungGenerationSizeMb).toBe(48);
});

it("reports an error that escapes the gate as the gate's defect, with result=error and exit code 1", async () => {
  const workspace = await newWorkspace("gate-launcher-");
  const run = await gate(workspace, { THREAD_PROBE_THROW: "probe: nothing caught this" });
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe("error");
  expect(run.stdout).toContain(
    "::error::The gate stopped on an error it did not handle (a defect of the gate: please report it): probe: nothing caught this",
  );
});

it("ends by SIGTERM when the gate, holding no lock, is stopped: the worker hands the signal back", async () => {
  const workspace = await newWorkspace("gate-launcher-");
  // A baseline that is a named pipe nobody writes: the check waits on it, inside the worker, until stopped.
  execFileSync("mkfifo", [path.join(workspace, ".github", "aks-network-baseline.yml")]);
  const probe = path.join(workspace, "limits.json");
  let child: ChildProcess | undefined;
  const run = gate(workspace, { THREAD_PROBE_FILE: probe }, { mode: "check", onSpawn: (spawned) => (child = spawned) });
  while (!existsSync(probe)) await new Promise((resolve) => setTimeout(resolve, 20));
  child?.kill("SIGTERM");
  await run;
  expect(child?.signalCode).toBe("SIGTERM");
});
