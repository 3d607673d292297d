/**
 * `npm run sandbox` as CI's workflow uses it: started in the background, ready
 * once its env file exists, then the gate run with that env passes; stopped
 * with SIGTERM, it removes its folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { LOOPBACK_GUARD } from "../../sandbox/run-action.js";
import { runCli } from "../../sandbox/run-cli.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function whenReady(child: ChildProcess, envFile: string): Promise<Record<string, string>> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (existsSync(envFile)) {
      const lines = (await readFile(envFile, "utf8")).trim().split("\n");
      return Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
    }
    if (child.exitCode !== null) throw new Error(`npm run sandbox exited with ${child.exitCode} before it was ready`);
    await delay(100);
  }
  throw new Error("npm run sandbox was not ready within 30 s");
}

it("serves the demo cluster with a captured baseline until stopped", async () => {
  const state = path.join(await mkdtemp(path.join(tmpdir(), "gate-serve-")), "sandbox");
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/serve.ts", "--port", "0", "--dir", state], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_OPTIONS: `--require ${LOOPBACK_GUARD}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const env = await whenReady(child, path.join(state, "env"));
    expect(Object.keys(env)).toEqual(["AKS_SANDBOX_ARM_ENDPOINT", "NODE_EXTRA_CA_CERTS", "AZURE_TOKEN_CREDENTIALS"]);
    expect(env.AKS_SANDBOX_ARM_ENDPOINT).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const args = [
      "check",
      "--baseline",
      "aks-network-baseline.yml",
      "--arm-endpoint",
      env.AKS_SANDBOX_ARM_ENDPOINT ?? "",
    ];
    const run = await runCli({ cwd: state, caFile: env.NODE_EXTRA_CA_CERTS ?? "", args });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("✓ aks-payments-prod  pass");
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
  expect(output).toContain("In another shell, from the repository:");
  expect(existsSync(state)).toBe(false);
});
