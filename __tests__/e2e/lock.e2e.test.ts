/**
 * A capture stopped while it holds the baseline lock, through the bundled
 * action: SIGINT (the runner's cancel) and SIGTERM remove the lock on the way
 * out; after SIGKILL the next capture takes over the dead run's lock at once.
 *
 * To stop the run while it holds the lock, the baseline is a named pipe: the
 * capture reads it once before reading Azure (the test feeds it the baseline)
 * and again under the lock, where the read waits for a writer that never
 * comes, until the test stops the run.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const BASELINE = path.join(".github", "aks-network-baseline.yml");

let sandbox: ArmSandbox;

beforeAll(async () => {
  const cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: TARGET["cluster-name"],
  });
  sandbox = await startArmSandbox(new World(...cluster.resources));
});

afterAll(async () => {
  await sandbox.close();
});

function capture(workspace: string, onSpawn?: (child: ChildProcess) => void): Promise<ActionRun> {
  return runAction({
    workspace,
    armEndpoint: sandbox.url,
    ca: sandbox.ca,
    inputs: { ...TARGET, mode: "capture" },
    ...(onSpawn ? { onSpawn } : {}),
  });
}

/** A workspace whose baseline was captured once: its text, for the pipe and the restore. */
async function capturedWorkspace(): Promise<{ workspace: string; text: string }> {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-lock-e2e-"));
  await mkdir(path.join(workspace, ".github"));
  const first = await capture(workspace);
  expect(first).toMatchObject({ code: 0, outputs: { result: "pass" } });
  return { workspace, text: await readFile(path.join(workspace, BASELINE), "utf8") };
}

/** Resolves once the lock file holds a whole record (one line). */
async function lockTaken(lockPath: string): Promise<void> {
  for (;;) {
    const text = await readFile(lockPath, "utf8").catch(() => "");
    if (text.endsWith("\n")) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a capture on a piped baseline and stops it with `signal` while it holds the lock. */
async function stoppedUnderLock(workspace: string, text: string, signal: NodeJS.Signals) {
  const file = path.join(workspace, BASELINE);
  await rm(file);
  execFileSync("mkfifo", [file]);
  let child: ChildProcess | undefined;
  const run = capture(workspace, (spawned) => (child = spawned));
  await writeFile(file, text);
  await lockTaken(`${file}.lock`);
  child?.kill(signal);
  const stopped = await run;
  await rm(file);
  await writeFile(file, text);
  return { stopped, signalCode: child?.signalCode, holderPid: child?.pid };
}

describe("a capture stopped while it holds the baseline lock", () => {
  it.each<NodeJS.Signals>(["SIGINT", "SIGTERM"])(
    "removes the lock on %s and ends by that signal; the next capture needs no wait",
    async (signal) => {
      const { workspace, text } = await capturedWorkspace();
      const { signalCode } = await stoppedUnderLock(workspace, text, signal);
      expect(signalCode).toBe(signal);
      expect(existsSync(path.join(workspace, `${BASELINE}.lock`))).toBe(false);
      const next = await capture(workspace);
      expect(next).toMatchObject({ code: 0, outputs: { result: "pass" } });
      expect(next.stdout).not.toMatch(/Waiting for the lock|Took over/);
      expect((await readdir(path.join(workspace, ".github"))).sort()).toEqual(["aks-network-baseline.yml"]);
    },
    90_000,
  );

  it("leaves the lock after SIGKILL, and the next capture takes it over at once", async () => {
    const { workspace, text } = await capturedWorkspace();
    const { signalCode, holderPid } = await stoppedUnderLock(workspace, text, "SIGKILL");
    expect(signalCode).toBe("SIGKILL");
    expect(await readFile(path.join(workspace, `${BASELINE}.lock`), "utf8")).toContain(String(holderPid));
    const next = await capture(workspace);
    expect(next).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(next.stdout).toMatch(new RegExp(`Took over the stale lock .* of PID ${holderPid} on this host`));
    expect(next.stdout).not.toContain("Waiting for the lock");
    expect((await readdir(path.join(workspace, ".github"))).sort()).toEqual(["aks-network-baseline.yml"]);
  }, 90_000);
});
