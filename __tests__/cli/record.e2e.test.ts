/**
 * `--record` and `--scrub` of the bundled CLI against the HTTPS ARM sandbox,
 * and the round trip: a check recorded, replayed by `npm run sandbox --
 * --replay DIR` (sandbox/serve.ts), checked again offline, same findings.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { LOOPBACK_GUARD } from "../../sandbox/run-action.js";
import { type CliRun, runCli } from "../../sandbox/run-cli.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import type { JsonReport } from "../../src/entry/cli/json.js";
import { type RecordedResponse, RECORDING_FILE } from "../../src/io/azure/recorder.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SUBSCRIPTION = "6f1c2b9e-3d4a-4f8b-9e7c-1a2b3c4d5e6f";
const TENANT = "9b7e4c21-5a3d-4e6f-8b1a-0c2d3e4f5a6b";
const FAKE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
const FAKE_TENANT = "00000000-0000-0000-0000-000000000002";
/** What the stand-in `az` hands out (SANDBOX_AZ_TOKEN), and what the cluster's tags echo. */
const OPAQUE_TOKEN = "opaque-sandbox-token-5f0c1d2e";
const JWT_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2ln";
const TARGET = [
  "--subscription",
  SUBSCRIPTION,
  "--resource-group",
  "rg-payments",
  "--cluster-name",
  "aks-payments-prod",
];

let sandbox: ArmSandbox;
let cluster: BuiltCluster;
let caFile: string;

/** The demo cluster, with a system-assigned identity and an AAD profile naming the tenant, and a tag echoing the token. */
function world(token: string): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  return new World(...cluster.resources).patch(cluster.clusterId, (body) => {
    // @azure/arm-containerservice models: ManagedClusterIdentity.tenantId, ManagedClusterAADProfile.tenantID.
    body.identity = { type: "SystemAssigned", principalId: "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", tenantId: TENANT };
    const properties = body.properties as Record<string, unknown>;
    properties.aadProfile = { managed: true, enableAzureRBAC: true, tenantID: TENANT };
    body.tags = { echo: `Bearer ${token}` };
  });
}

function cli(cwd: string, token: string, ...args: string[]): Promise<CliRun> {
  return runCli({ cwd, caFile, args: [...args, "--arm-endpoint", sandbox.url], env: { SANDBOX_AZ_TOKEN: token } });
}

async function workspace(): Promise<string> {
  const cwd = await mkdtemp(path.join(tmpdir(), "gate-record-"));
  await mkdir(path.join(cwd, ".github"));
  return cwd;
}

async function recordings(dir: string): Promise<RecordedResponse[]> {
  const names = (await readdir(dir)).filter((name) => RECORDING_FILE.test(name)).sort();
  return Promise.all(
    names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), "utf8")) as RecordedResponse),
  );
}

/** Every file name and every byte of the folder, as one text. */
async function everything(dir: string): Promise<string> {
  const names = await readdir(dir);
  const texts = await Promise.all(names.map((name) => readFile(path.join(dir, name), "utf8")));
  return [...names, ...texts].join("\n");
}

beforeAll(async () => {
  sandbox = await startArmSandbox(world(OPAQUE_TOKEN), { tokens: [OPAQUE_TOKEN, JWT_TOKEN] });
  const scratch = await mkdtemp(path.join(tmpdir(), "gate-record-ca-"));
  caFile = path.join(scratch, "sandbox-ca.pem");
  await writeFile(caFile, sandbox.ca);
});

afterAll(async () => {
  await sandbox.close();
});

describe("capture --record DIR --scrub", () => {
  it("writes one file per request with method, path and api-version, no token, the IDs scrubbed", async () => {
    sandbox.world = world(OPAQUE_TOKEN);
    const cwd = await workspace();
    const before = sandbox.requests.length;
    const run = await cli(cwd, OPAQUE_TOKEN, "capture", ...TARGET, "--record", "rec", "--scrub");
    expect(run.code).toBe(0);
    const sent = sandbox.requests.slice(before);
    expect(run.stderr).toBe(
      `Recorded ${sent.length} ARM response(s) into rec, subscription and tenant IDs scrubbed. ` +
        "It shows names, addresses and tags of your network: read it before you share it.\n",
    );
    const rec = path.join(cwd, "rec");
    const recorded = await recordings(rec);
    const scrubbed = (text: string) => text.replace(new RegExp(SUBSCRIPTION, "gi"), FAKE_SUBSCRIPTION).toLowerCase();
    expect(recorded.map((each) => `${each.method} ${scrubbed(each.path)} ${each.query["api-version"]}`).sort()).toEqual(
      sent.map((each) => `${each.method} ${scrubbed(each.path)} ${each.query["api-version"]}`).sort(),
    );
    expect(
      recorded.every((each) => each.status === 200 && /^\d{4}-\d{2}-\d{2}/.test(each.query["api-version"] ?? "")),
    ).toBe(true);
    const text = await everything(rec);
    expect(text.toLowerCase()).not.toContain(SUBSCRIPTION);
    expect(text).not.toContain(TENANT);
    expect(text).not.toContain(OPAQUE_TOKEN);
    expect(text).not.toMatch(/authorization/i);
    const managedCluster = recorded.find((each) => /managedClusters\/aks-payments-prod$/i.test(each.path));
    expect(managedCluster?.path).toContain(`/subscriptions/${FAKE_SUBSCRIPTION}/`);
    expect(managedCluster?.body).toMatchObject({
      identity: { tenantId: FAKE_TENANT },
      properties: { aadProfile: { tenantID: FAKE_TENANT } },
      tags: { echo: "Bearer [token removed]" },
    });
    expect(existsSync(path.join(rec, "baseline.yml"))).toBe(false);
  });

  it("refuses a folder that holds files, and --scrub without --record, naming the flag", async () => {
    const cwd = await workspace();
    await mkdir(path.join(cwd, "rec"));
    await writeFile(path.join(cwd, "rec", "notes.txt"), "mine");
    const full = await cli(cwd, OPAQUE_TOKEN, "capture", ...TARGET, "--record", "rec");
    expect(full.code).toBe(2);
    expect(full.stderr).toContain(`The --record folder '${path.join(cwd, "rec")}' already holds files.`);
    const alone = await cli(cwd, OPAQUE_TOKEN, "check", "--scrub");
    expect(alone).toMatchObject({ code: 2, stdout: "" });
    expect(alone.stderr).toContain("Option --scrub needs --record DIR");
  });
});

async function whenReady(child: ChildProcess, envFile: string): Promise<Record<string, string>> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (existsSync(envFile)) {
      const lines = (await readFile(envFile, "utf8")).trim().split("\n");
      return Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
    }
    if (child.exitCode !== null) throw new Error(`npm run sandbox -- --replay exited with ${child.exitCode}`);
    await delay(100);
  }
  throw new Error("npm run sandbox -- --replay was not ready within 30 s");
}

/** `npm run sandbox -- --replay DIR --port 0 --dir STATE` while `use` runs; its stdout. */
async function replaying(
  dir: string,
  use: (state: string, env: Record<string, string>) => Promise<void>,
): Promise<string> {
  const state = path.join(await mkdtemp(path.join(tmpdir(), "gate-replay-")), "sandbox");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "sandbox/serve.ts", "--replay", dir, "--port", "0", "--dir", state],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        NODE_OPTIONS: `--require ${LOOPBACK_GUARD}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    await use(state, await whenReady(child, path.join(state, "env")));
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
  return output;
}

describe("check --record DIR --scrub, replayed", () => {
  it("gives the same findings offline as the run it recorded, paging included", async () => {
    sandbox.world = world(JWT_TOKEN);
    const cwd = await workspace();
    expect((await cli(cwd, JWT_TOKEN, "capture", ...TARGET)).code).toBe(0);
    sandbox.world.patch(cluster.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.245.0.0/16";
      profile.podCidrs = ["10.245.0.0/16"];
    });
    sandbox.pageSize = 2;
    const live = await cli(cwd, JWT_TOKEN, "check", "--json", "--record", "rec", "--scrub").finally(() => {
      sandbox.pageSize = 50;
    });
    expect(live.code).toBe(1);
    const rec = path.join(cwd, "rec");
    const text = await everything(rec);
    expect(text).not.toContain(JWT_TOKEN);
    expect(text.toLowerCase()).not.toContain(SUBSCRIPTION);
    expect(await readFile(path.join(rec, "baseline.yml"), "utf8")).toContain(`/subscriptions/${FAKE_SUBSCRIPTION}/`);
    expect((await recordings(rec)).some((each) => "$skipToken" in each.query)).toBe(true);
    // The drift's Activity Log lookup was made, and left out of the recording.
    expect(sandbox.requests.some((request) => request.path.endsWith("/eventtypes/management/values"))).toBe(true);
    expect((await recordings(rec)).filter((each) => each.path.includes("eventtypes"))).toEqual([]);

    let replayed: CliRun | undefined;
    const output = await replaying(rec, async (state, env) => {
      const args = [
        "check",
        "--json",
        "--baseline",
        "aks-network-baseline.yml",
        "--arm-endpoint",
        env.AKS_SANDBOX_ARM_ENDPOINT ?? "",
        // A recording holds no Activity Log (its events name people): the replay does not look it up.
        "--activity-log",
        "false",
      ];
      replayed = await runCli({ cwd: state, caFile: env.NODE_EXTRA_CA_CERTS ?? "", args });
    });
    expect(output).toMatch(/replaying \d+ recorded ARM responses from .*rec; no baseline captured/);
    expect(output).not.toContain("not recorded:");
    expect(replayed?.code).toBe(1);
    const expected = JSON.parse(live.stdout.replace(new RegExp(SUBSCRIPTION, "gi"), FAKE_SUBSCRIPTION)) as JsonReport;
    const actual = JSON.parse(replayed?.stdout ?? "") as JsonReport;
    expect(actual.clusters.map((each) => each.findings)).toEqual(expected.clusters.map((each) => each.findings));
    expect(actual.clusters[0]?.findings).toContainEqual(
      expect.objectContaining({ path: "networkProfile.podCidrs", expected: "10.244.0.0/16", actual: "10.245.0.0/16" }),
    );
  }, 90_000);

  it("answers what the recording does not hold with a 404 naming the request", async () => {
    sandbox.world = world(OPAQUE_TOKEN);
    const cwd = await workspace();
    expect((await cli(cwd, OPAQUE_TOKEN, "capture", ...TARGET, "--record", "rec")).code).toBe(0);
    let other: CliRun | undefined;
    const output = await replaying(path.join(cwd, "rec"), async (state, env) => {
      const args = [
        "capture",
        ...TARGET.slice(0, 4),
        "--cluster-name",
        "aks-other",
        "--json",
        "--arm-endpoint",
        env.AKS_SANDBOX_ARM_ENDPOINT ?? "",
      ];
      other = await runCli({ cwd: state, caFile: env.NODE_EXTRA_CA_CERTS ?? "", args });
    });
    expect(output).toContain("The recording holds no baseline (a first capture)");
    expect(output).toMatch(
      /not recorded: GET \/subscriptions\/6f1c2b9e-[^ ]*\/managedClusters\/aks-other\?api-version=/,
    );
    expect(other?.code).toBe(2);
    expect((JSON.parse(other?.stdout ?? "") as JsonReport).failure).toMatch(
      /404 RecordingNotFound: The replay of '.*rec' holds no recording of GET .*\/managedClusters\/aks-other\?api-version=/,
    );
  }, 90_000);
});
