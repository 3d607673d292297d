/**
 * Runs the bundled action (dist/index.js) the way the GitHub runner does: a
 * child process with INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
 * the workspace, signed in against the sandbox only. The credential is
 * pinned (AZURE_TOKEN_CREDENTIALS with the stand-in `az` first on PATH), and
 * the loopback guard is preloaded, so the run never leaves 127.0.0.1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ACTION_ENTRY = path.join(ROOT, "dist", "index.js");
export const STAND_IN_BIN = path.join(ROOT, "sandbox", "bin");
export const LOOPBACK_GUARD = path.join(ROOT, "sandbox", "loopback-guard.cjs");

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunOptions {
  workspace: string;
  /** The sandbox's URL, given as `arm-endpoint`. */
  armEndpoint: string;
  /** PEM the child trusts through NODE_EXTRA_CA_CERTS. */
  ca: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Called with the child as soon as it is spawned (the benchmark samples its memory). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Reads a GITHUB_OUTPUT file: `name<<DELIMITER`, the value, `DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[index] ?? "");
    if (!match) continue;
    const [, name, delimiter] = match as unknown as [string, string, string];
    const value: string[] = [];
    while (++index < lines.length && lines[index] !== delimiter) value.push(lines[index] ?? "");
    outputs[name] = value.join("\n");
  }
  return outputs;
}

function inputVariables(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
}

/** The runner's environment, built from nothing but what the run needs. */
async function runnerEnvironment(options: RunOptions, files: { output: string; summary: string; ca: string }) {
  const guard = `--require ${LOOPBACK_GUARD}`;
  return {
    PATH: `${STAND_IN_BIN}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: process.env.HOME ?? tmpdir(),
    NODE_EXTRA_CA_CERTS: files.ca,
    NODE_OPTIONS: guard,
    AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: "contoso/platform-network",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "1001",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_WORKFLOW: "release-gate",
    ...inputVariables({ "arm-endpoint": options.armEndpoint, ...options.inputs }),
    ...options.env,
  };
}

export function collect(child: ReturnType<typeof spawn>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const scratch = await mkdtemp(path.join(tmpdir(), "gate-runner-"));
  const files = {
    output: path.join(scratch, "output"),
    summary: path.join(scratch, "summary.md"),
    ca: path.join(scratch, "sandbox-ca.pem"),
  };
  await Promise.all([writeFile(files.output, ""), writeFile(files.summary, ""), writeFile(files.ca, options.ca)]);
  const child = spawn(process.execPath, [ACTION_ENTRY], {
    cwd: options.workspace,
    env: await runnerEnvironment(options, files),
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.onSpawn?.(child);
  const result = await collect(child);
  return {
    ...result,
    outputs: parseOutputFile(await readFile(files.output, "utf8")),
    summary: await readFile(files.summary, "utf8"),
  };
}
