/**
 * Nothing leaks, nothing is written: the sandbox serves a cluster whose SSH
 * key and service principal are canary strings and signs in with a canary
 * access token; after capture, a check that finds drift and opens an issue,
 * and a check that fails on a 403, no canary is anywhere the gate writes:
 * stdout, stderr, job summary, outputs, baseline, evidence, GitHub issue.
 * Every token is masked the moment it exists, and every ARM request is a GET.
 */
import { readdir, readFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, authorizationFailedFault, startArmSandbox } from "../../sandbox/arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type ArmResource, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const CANARIES = {
  sshKey: "ssh-rsa CANARYSSHKEY7f3a0c",
  servicePrincipal: "CANARY-SP-CLIENT-91c2",
  servicePrincipalSecret: "CANARY-SP-SECRET-44d0",
  accessToken: "CANARY-ACCESS-TOKEN-5e19",
  githubToken: "ghs_CANARYGITHUBTOKEN0b7e",
};

let arm: ArmSandbox;
let github: GitHubSandbox;

function canaryWorld(): { world: World; routeTableId: string } {
  const built = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-canary", name: "aks-canary" });
  const original = JSON.stringify(built.resources);
  const key = /"keyData":"([^"]+)"/.exec(original)?.[1] ?? "";
  const resources = JSON.parse(original.split(key).join(CANARIES.sshKey)) as ArmResource[];
  const cluster = resources.find((body) => body.id === built.clusterId);
  if (cluster?.properties) {
    cluster.properties.servicePrincipalProfile = {
      clientId: CANARIES.servicePrincipal,
      secret: CANARIES.servicePrincipalSecret,
    };
  }
  return { world: new World(...resources), routeTableId: built.routeTableId ?? "" };
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => readFile(path.join(entry.parentPath, entry.name), "utf8")),
  );
}

/** What a run printed, less the `::add-mask::` commands through which the runner hides a secret. */
function printed(run: ActionRun): string {
  const lines = `${run.stdout}\n${run.stderr}`.split("\n");
  return [...lines.filter((line) => !line.startsWith("::add-mask::")), run.summary, JSON.stringify(run.outputs)].join(
    "\n",
  );
}

beforeAll(async () => {
  arm = await startArmSandbox(new World(), { tokens: [CANARIES.accessToken] });
  github = await startGitHubSandbox({ token: CANARIES.githubToken });
});

afterAll(async () => {
  await arm.close();
  await github.close();
});

it("leaves no secret in any output and sends Azure nothing but GETs", async () => {
  const { world, routeTableId } = canaryWorld();
  arm.world = world;
  const served = JSON.stringify(world.all());
  expect(
    [CANARIES.sshKey, CANARIES.servicePrincipal, CANARIES.servicePrincipalSecret].every((canary) =>
      served.includes(canary),
    ),
  ).toBe(true);
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-canary-"));
  await mkdir(path.join(workspace, ".github"));
  const run = (inputs: Record<string, string>) =>
    runAction({
      workspace,
      armEndpoint: arm.url,
      ca: arm.ca,
      inputs: { "github-token": CANARIES.githubToken, ...inputs },
      env: { GITHUB_API_URL: github.url, SANDBOX_AZ_TOKEN: CANARIES.accessToken },
    });
  const target = { subscription: SUBSCRIPTION, "resource-group": "rg-canary", "cluster-name": "aks-canary" };

  const runs = [await run({ ...target, mode: "capture" })];
  arm.world.patch(routeTableId, (body) => (body.properties as { routes: unknown[] }).routes.splice(0, 1));
  runs.push(await run({}));
  arm.faults.add(
    authorizationFailedFault({
      path: "/routeTables/",
      action: "Microsoft.Network/routeTables/read",
      scope: routeTableId,
    }),
  );
  runs.push(await run({ "issue-on-error": "true" }));

  expect(runs.map((result) => result.outputs.result)).toEqual(["pass", "drift", "error"]);
  expect(github.issues.size).toBeGreaterThan(0);
  const written = [
    ...runs.map(printed),
    ...(await filesUnder(path.join(workspace, ".github"))),
    ...(await filesUnder(path.join(workspace, "aks-network-evidence"))),
    ...[...github.issues.values()].flatMap((issue) => [issue.title, issue.body, ...issue.comments]),
  ].join("\n");
  for (const [name, canary] of Object.entries(CANARIES)) {
    expect({ name, leaked: written.includes(canary) }).toEqual({ name, leaked: false });
  }
  expect(written).toContain("aks-canary");
  for (const result of runs) {
    expect(result.stdout).toContain(`::add-mask::${CANARIES.accessToken}`);
    expect(result.stdout).toContain(`::add-mask::${CANARIES.githubToken}`);
  }
  expect(arm.countByMethod()).toEqual({ GET: arm.requests.length });
});
