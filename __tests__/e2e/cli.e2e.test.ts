/**
 * The bundled CLI (dist/cli.js) run as a shell runs it, against the HTTPS ARM
 * sandbox: exit codes 0/1/2, the terminal report, --json, bad flags, capture.
 */
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, authorizationFailedFault, startArmSandbox } from "../../sandbox/arm.js";
import { type CliRun, runCli } from "../../sandbox/run-cli.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import type { JsonReport } from "../../src/entry/cli/json.js";
import { usage } from "../../src/entry/cli/usage.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = [
  "--subscription",
  SUBSCRIPTION,
  "--resource-group",
  "rg-payments",
  "--cluster-name",
  "aks-payments-prod",
];
const BASELINE = ".github/aks-network-baseline.yml";
const PACKAGE = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

let sandbox: ArmSandbox;
let cluster: BuiltCluster;
let caFile: string;

function freshWorld(): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  return new World(...cluster.resources);
}

function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  return runCli({ cwd, caFile, args: [...args, "--arm-endpoint", sandbox.url] });
}

async function capturedFolder(): Promise<string> {
  const cwd = await mkdtemp(path.join(tmpdir(), "gate-cli-"));
  await mkdir(path.join(cwd, ".github"));
  const run = await cli(cwd, "capture", ...TARGET);
  expect(run).toMatchObject({ code: 0, stderr: "" });
  return cwd;
}

function driftPodCidr(world: World): void {
  world.patch(cluster.clusterId, (body) => {
    const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
    profile.podCidr = "10.245.0.0/16";
    profile.podCidrs = ["10.245.0.0/16"];
  });
}

beforeAll(async () => {
  sandbox = await startArmSandbox(freshWorld());
  const scratch = await mkdtemp(path.join(tmpdir(), "gate-cli-ca-"));
  caFile = path.join(scratch, "sandbox-ca.pem");
  await writeFile(caFile, sandbox.ca);
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.world = freshWorld();
  sandbox.faults.clear();
});

describe("aks-network-gate capture", () => {
  it("writes the baseline and the evidence, and says so", async () => {
    const cwd = await capturedFolder();
    const baseline = await readFile(path.join(cwd, BASELINE), "utf8");
    expect(baseline).toContain("networkPlugin: kubenet");
    expect(await readdir(path.join(cwd, "aks-network-evidence"))).toHaveLength(1);
    const again = await cli(cwd, "capture", ...TARGET);
    expect(again.stdout).toContain(`AKS Network Gate: captured aks-payments-prod into ${BASELINE}`);
    expect(again.stdout).toMatch(/3 nodes, 1 route table with 3 routes/);
    expect(again.stdout.trimEnd().split("\n").at(-1)).toBe("Exit 0: pass");
  });

  it("names the missing flags in its own words", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "gate-cli-"));
    const run = await cli(cwd, "capture", "--subscription", SUBSCRIPTION);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("--resource-group and --cluster-name are required by the capture command.");
  });
});

describe("aks-network-gate check", () => {
  it("exits 0 on a pass, with a plain report on stdout (no colour off a terminal)", async () => {
    const cwd = await capturedFolder();
    const run = await cli(cwd, "check");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("AKS Network Gate: ✓ pass: 1 warning does not fail the gate under --fail-on error");
    expect(run.stdout).toContain("✓ aks-payments-prod  pass  0 errors, 1 warning, 0 silenced");
    expect(run.stdout).toContain("⚠ warning  lifecycle.kubenetRetirement  networkProfile.networkPlugin");
    expect(run.stdout).toMatch(/^Evidence: aks-network-evidence\/local-/m);
    expect(run.stdout).not.toContain("\u001b[");
    expect(run.stdout).not.toContain("|---");
    expect(run.stderr).toBe("");
  });

  it("checks a scope's fleet with the baseline parsed on the thread beside dist/cli.js, and finds drift in it", async () => {
    const cwd = await capturedFolder();
    driftPodCidr(sandbox.world);
    const run = await cli(cwd, "check", "--scope", `/subscriptions/${SUBSCRIPTION}`, "--verbose");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("drift.networkProfile");
    expect(run.stderr).toContain("Fleet: 1 cluster(s) in scope");
    expect(run.stderr).not.toContain("The baseline's own thread");
  });

  it("exits 1 on drift and shows each finding with expected and actual", async () => {
    const cwd = await capturedFolder();
    driftPodCidr(sandbox.world);
    const run = await cli(cwd, "check");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ drift: the live network differs from the baseline");
    expect(run.stdout).toMatch(
      /✗ error {4}drift\.networkProfile {2}networkProfile\.podCidrs\n {6}expected 10\.244\.0\.0\/16\n {6}actual {3}10\.245\.0\.0\/16/,
    );
    expect(run.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^Exit 1: \d+ findings? fails? the gate under --fail-on error$/,
    );
  });

  it("exits 0 on drift under --fail-on never, and says the findings are only reported", async () => {
    const cwd = await capturedFolder();
    driftPodCidr(sandbox.world);
    const run = await cli(cwd, "check", "--fail-on", "never");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Exit 0: findings reported only (--fail-on never)");
  });

  it("exits 2 when a cluster cannot be read, with Azure's reason and the fix", async () => {
    const cwd = await capturedFolder();
    const scope = cluster.routeTableId ?? "";
    sandbox.faults.add(
      authorizationFailedFault({ path: "/routeTables/", action: "Microsoft.Network/routeTables/read", scope }),
    );
    const run = await cli(cwd, "check");
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("⚠ error: the gate could not see the whole network");
    expect(run.stdout).toContain("Azure denied reading");
    expect(run.stdout).toContain("Exit 2: 1 cluster could not be read, so the gate does not pass");
  });

  it("exits 2 without a baseline, on stderr, telling how to make one", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "gate-cli-"));
    const run = await cli(cwd, "check");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`The baseline file '${BASELINE}' does not exist.`);
    expect(run.stderr).toContain("Exit 2");
  });

  it("shows progress on stderr when asked, and only there", async () => {
    const cwd = await capturedFolder();
    const run = await cli(cwd, "check", "--progress");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("read 1/1 clusters\n");
    expect(run.stdout).not.toContain("read 1/1");
  });
});

describe("aks-network-gate check --json", () => {
  it("prints one JSON document with the documented shape", async () => {
    const cwd = await capturedFolder();
    driftPodCidr(sandbox.world);
    const run = await cli(cwd, "check", "--json");
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(Object.keys(report)).toEqual([
      "version",
      "command",
      "result",
      "exitCode",
      "failOn",
      "baseline",
      "evidence",
      "failure",
      "clusters",
    ]);
    expect(report).toMatchObject({ version: 1, command: "check", result: "drift", exitCode: 1, failOn: "error" });
    expect(report.baseline).toBe(BASELINE);
    expect(report.clusters).toHaveLength(1);
    expect(report.clusters[0]).toMatchObject({ id: cluster.clusterId, name: "aks-payments-prod", status: "drift" });
    expect(report.clusters[0]?.findings).toContainEqual(
      expect.objectContaining({
        rule: "drift.networkProfile",
        severity: "error",
        path: "networkProfile.podCidrs",
        expected: "10.244.0.0/16",
        actual: "10.245.0.0/16",
        silenced: null,
      }),
    );
  });

  it("reports a run that stopped early as result error, exit code 2", async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), "gate-cli-"));
    const run = await cli(cwd, "check", "--json", "--concurrency", "0");
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report).toMatchObject({ result: "error", exitCode: 2, clusters: [], evidence: null });
    expect(report.failure).toContain("--concurrency has the value '0'; expected a whole number from 1 to 64.");
  });
});

describe("bad command lines", () => {
  it.each([
    [["check", "--clustername", "x"], "Unknown option '--clustername'. Did you mean --cluster-name?"],
    [["check", "--baseline"], "Option --baseline needs a value: --baseline PATH."],
    [["check", "--shard", "--json"], "Option --shard needs a value: --shard I/N."],
    [["check", "--fail-on", "warning", "--fail-on", "never"], "Option --fail-on is given twice."],
    [["verify"], "Unknown command 'verify'. Expected check or capture."],
    [[], "Missing command: check or capture."],
  ])("%j exits 2 naming the problem", async (args, message) => {
    const cwd = await mkdtemp(path.join(tmpdir(), "gate-cli-"));
    const before = sandbox.requests.length;
    const run = await runCli({ cwd, caFile, args });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`aks-network-gate: ${message}\nRun 'aks-network-gate --help' for the options.\n`);
    expect(sandbox.requests).toHaveLength(before);
  });

  it("--help prints the usage and exits 0", async () => {
    const run = await runCli({ cwd: tmpdir(), caFile, args: ["--help"] });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: aks-network-gate COMMAND \[options\]/);
  });

  it("help check and check --help print the usage of check, made from the options table", async () => {
    const help = await runCli({ cwd: tmpdir(), caFile, args: ["help", "check"] });
    const flag = await runCli({ cwd: tmpdir(), caFile, args: ["check", "--help"] });
    expect(help).toEqual({ code: 0, stdout: usage("check"), stderr: "" });
    expect(flag).toEqual(help);
  });

  it("--version prints the version of package.json, built into dist/cli.js", async () => {
    const run = await runCli({ cwd: tmpdir(), caFile, args: ["--version"] });
    expect(run).toEqual({ code: 0, stdout: `aks-network-gate ${PACKAGE.version}\n`, stderr: "" });
  });
});
