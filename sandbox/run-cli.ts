/**
 * Runs the bundled CLI (dist/cli.js) as a user's shell would, signed in
 * against the sandbox only: the stand-in `az` first on PATH with the
 * credential pinned to it (AZURE_TOKEN_CREDENTIALS), the sandbox's
 * certificate trusted (NODE_EXTRA_CA_CERTS), and the loopback guard preloaded.
 */
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { ACTION_ENTRY, collect, LOOPBACK_GUARD, STAND_IN_BIN } from "./run-action.js";

export const CLI_ENTRY = path.join(path.dirname(ACTION_ENTRY), "cli.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The current directory: the CLI's workspace. */
  cwd: string;
  /** A file holding the sandbox's certificate (PEM). */
  caFile: string;
  args: readonly string[];
  env?: Record<string, string>;
}

/** The variables that point a Node process at the sandbox: what `npm run sandbox` prints, plus the guard. */
export function sandboxEnvironment(caFile: string): Record<string, string> {
  return {
    PATH: `${STAND_IN_BIN}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: process.env.HOME ?? tmpdir(),
    NODE_EXTRA_CA_CERTS: caFile,
    NODE_OPTIONS: `--require ${LOOPBACK_GUARD}`,
    AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
  };
}

export async function runCli(options: CliOptions): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_ENTRY, ...options.args], {
    cwd: options.cwd,
    env: { ...sandboxEnvironment(options.caFile), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child);
}
