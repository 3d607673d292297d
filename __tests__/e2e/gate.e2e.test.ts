/**
 * The bundled action, run as the GitHub runner runs it, against the HTTPS ARM
 * sandbox: exit code, outputs, job summary, baseline file and evidence.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, authorizationFailedFault, startArmSandbox, throttledFault } from "../../sandbox/arm.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { breaksReadOnly } from "../helpers/read-only.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const BASELINE = path.join(".github", "aks-network-baseline.yml");
/** Every kubenet cluster carries the retirement warning; it does not fail `fail-on: error`. */
const RETIREMENT = "lifecycle.kubenetRetirement networkProfile.networkPlugin";

interface Routes {
  routes: { name: string; properties: { addressPrefix: string; nextHopIpAddress?: string } }[];
}

let sandbox: ArmSandbox;
let cluster: BuiltCluster;

function freshWorld(): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    tags: { owner: "@contoso/payments" },
  });
  return new World(...cluster.resources);
}

async function newWorkspace(): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-e2e-"));
  await mkdir(path.join(workspace, ".github"));
  return workspace;
}

function gate(
  workspace: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({ workspace, armEndpoint: sandbox.url, ca: sandbox.ca, inputs, env });
}

async function capturedWorkspace(): Promise<string> {
  const workspace = await newWorkspace();
  const run = await gate(workspace, { ...TARGET, mode: "capture" });
  expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
  return workspace;
}

async function findingsOf(run: ActionRun): Promise<string[]> {
  const files = JSON.parse(await readFile(path.join(run.outputs.evidence ?? "", "findings.json"), "utf8")) as {
    findings?: { rule: string; path: string }[];
  }[];
  return files
    .flatMap((entry) => entry.findings ?? [])
    .map((item) => `${item.rule} ${item.path}`)
    .sort();
}

function routesOf(world: World): Routes {
  return world.require(cluster.routeTableId ?? "").properties as unknown as Routes;
}

beforeAll(async () => {
  sandbox = await startArmSandbox(freshWorld());
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.world = freshWorld();
  sandbox.faults.clear();
});

afterEach(() => {
  expect(breaksReadOnly(sandbox.requests)).toEqual([]);
});

describe("capture, then check", () => {
  it("writes the baseline, then passes on the unchanged cluster with a summary and verifiable evidence", async () => {
    const workspace = await capturedWorkspace();
    const baseline = await readFile(path.join(workspace, BASELINE), "utf8");
    expect(baseline).toContain("networkPlugin: kubenet");
    expect(baseline).toContain("podCidrs: [10.244.0.0/16]");

    const run = await gate(workspace);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ result: "pass", findings: "1" });
    expect(run.summary).toContain("✅ pass");
    expect(await findingsOf(run)).toEqual([RETIREMENT]);
    const evidence = run.outputs.evidence ?? "";
    expect(run.outputs.report).toBe(path.join(evidence, "report.md"));
    const manifest = JSON.parse(await readFile(path.join(evidence, "manifest.json"), "utf8")) as {
      commit: string;
      runUrl: string;
      resourceIdsRead: string[];
      files: { name: string; sha256: string }[];
    };
    expect(manifest.commit).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(manifest.runUrl).toBe("https://github.com/contoso/platform-network/actions/runs/1001");
    expect(manifest.resourceIdsRead).toEqual(expect.arrayContaining([cluster.clusterId, cluster.routeTableId]));
    for (const file of manifest.files) {
      const content = await readFile(path.join(evidence, file.name));
      expect(createHash("sha256").update(content).digest("hex")).toBe(file.sha256);
    }
    expect((await readdir(evidence)).sort()).toEqual(
      [
        "SHA256SUMS",
        "expected.json",
        "findings.json",
        "findings.sarif",
        "manifest.json",
        "report.md",
        "snapshot.json",
      ].sort(),
    );
  });

  it("keeps other clusters, comments and hand-written fields when it refreshes one cluster", async () => {
    const workspace = await capturedWorkspace();
    const file = path.join(workspace, BASELINE);
    const edited = (await readFile(file, "utf8")).replace(
      /(managedClusters\/aks-payments-prod:\n)/,
      '$1    # reviewed by the payments team\n    owner: "@contoso/payments"\n',
    );
    await writeFile(file, edited);
    sandbox.world.patch(cluster.clusterId, (body) => {
      (body.properties as { networkProfile: { outboundType: string } }).networkProfile.outboundType =
        "userDefinedRouting";
    });
    const run = await gate(workspace, { ...TARGET, mode: "capture" });
    expect(run.code).toBe(0);
    const refreshed = await readFile(file, "utf8");
    expect(refreshed).toContain("# reviewed by the payments team");
    expect(refreshed).toContain('owner: "@contoso/payments"');
    expect(refreshed).toContain("outboundType: userDefinedRouting");
  });
});

describe("drift fails the gate", () => {
  it.each<[string, (world: World) => void, string[]]>([
    [
      "a node's route goes missing",
      (world) => routesOf(world).routes.splice(1, 1),
      [
        "routes.count routeTables[aks-agentpool-%s-routetable].routes",
        "routes.missing routeTables[aks-agentpool-%s-routetable].routes",
      ],
    ],
    [
      "a stale route outlives its node",
      (world) => {
        routesOf(world).routes.push({
          name: "aks-nodepool1-old-vmss000009",
          properties: {
            addressPrefix: "10.244.9.0/24",
            nextHopIpAddress: "10.224.0.99",
            nextHopType: "VirtualAppliance",
          } as never,
        });
      },
      [
        "routes.count routeTables[aks-agentpool-%s-routetable].routes",
        "routes.stale routeTables[aks-agentpool-%s-routetable].routes[10.244.9.0/24]",
      ],
    ],
    [
      "the pod CIDR is widened by hand",
      (world) =>
        world.patch(cluster.clusterId, (body) => {
          const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
          profile.podCidr = "10.244.0.0/15";
          profile.podCidrs = ["10.244.0.0/15"];
        }),
      ["drift.networkProfile networkProfile.podCidrs"],
    ],
    [
      "the route table is detached from the node subnet",
      (world) =>
        world.patch(cluster.virtualNetworkId, (body) => {
          const subnets = (body.properties as { subnets: { properties: Record<string, unknown> }[] }).subnets;
          for (const subnet of subnets) delete subnet.properties.routeTable;
        }),
      [
        "drift.routeTable routeTables[aks-agentpool-%s-routetable]",
        "drift.subnet subnets[aks-subnet].routeTableId",
        "routes.tableDetached subnets[aks-subnet].routeTableId",
      ],
    ],
  ])("when %s", async (_, change, expected) => {
    const workspace = await capturedWorkspace();
    change(sandbox.world);
    const run = await gate(workspace);
    const suffix = /aks-agentpool-(\d+)-routetable/.exec(cluster.routeTableId ?? "")?.[1] ?? "";
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe("drift");
    expect(await findingsOf(run)).toEqual([...expected.map((line) => line.replace("%s", suffix)), RETIREMENT].sort());
    expect(run.stdout).toMatch(
      /::error title=AKS Network Gate%3A [a-zA-Z.]+,file=.github\/aks-network-baseline.yml,line=\d+::/,
    );
    expect(run.stdout).toContain("::error::AKS network drift:");
    expect(run.summary).toContain("❌ drift");
  });

  it("reports but does not fail with fail-on: never", async () => {
    const workspace = await capturedWorkspace();
    routesOf(sandbox.world).routes.splice(0, 1);
    const run = await gate(workspace, { "fail-on": "never" });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe("drift");
    expect(Number(run.outputs.findings)).toBeGreaterThan(0);
    expect(run.summary).toContain(
      "⚠️ drift: the live network differs from the baseline or breaks a network rule; findings reported only (fail-on: never)",
    );
  });
});

describe("a gate that cannot see does not pass", () => {
  it("ends in result=error naming the role and scope on a 403", async () => {
    const workspace = await capturedWorkspace();
    sandbox.faults.add(
      authorizationFailedFault({
        path: "/routeTables/",
        action: "Microsoft.Network/routeTables/read",
        scope: cluster.routeTableId ?? "",
      }),
    );
    const run = await gate(workspace);
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toContain("Azure denied reading");
    expect(run.stdout).toMatch(
      /Grant the signed-in identity the 'Reader' role on \/subscriptions\/[^/]+\/resourceGroups\/MC_rg-payments/i,
    );
    expect(run.summary).toContain("⚠️ error");
  });

  it("rides out a 429 that clears, honouring Retry-After", async () => {
    const workspace = await capturedWorkspace();
    const fault = sandbox.faults.add(throttledFault({ path: "/managedClusters/", times: 1, retryAfter: 1 }));
    const run = await gate(workspace);
    expect(fault.fired).toBe(1);
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
  });

  it("stops on a broken baseline with the file, the line and the field", async () => {
    const workspace = await capturedWorkspace();
    const file = path.join(workspace, BASELINE);
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("podCidrs: [10.244.0.0/16]", "podCidrs: [10.244.0.0/33]"));
    const requestsBefore = sandbox.requests.length;
    const run = await gate(workspace);
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(run.stdout).toMatch(/\.github\/aks-network-baseline\.yml:\d+: .*networkProfile\.podCidrs\[0\]/);
    expect(sandbox.requests.length).toBe(requestsBefore);
  });

  it("refuses to overwrite a broken baseline on capture and leaves it byte for byte", async () => {
    const workspace = await newWorkspace();
    const file = path.join(workspace, BASELINE);
    await writeFile(file, "version: 1\nclusters: [\n");
    const run = await gate(workspace, { ...TARGET, mode: "capture" });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe("error");
    expect(await readFile(file, "utf8")).toBe("version: 1\nclusters: [\n");
  });
});

describe("sign-in", () => {
  /** A run signed in with GitHub OIDC against the sandbox's ID token endpoint and Entra stand-in. */
  const oidcGate = (workspace: string) =>
    gate(
      workspace,
      { "client-id": "11111111-2222-3333-4444-555555555555", "tenant-id": "contoso-tenant" },
      {
        AZURE_AUTHORITY_HOST: sandbox.url,
        ACTIONS_ID_TOKEN_REQUEST_URL: sandbox.actionsIdTokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
        AZURE_TOKEN_CREDENTIALS: "",
        PATH: path.dirname(process.execPath),
      },
    );

  it("signs in with GitHub OIDC and ClientAssertionCredential when client-id and tenant-id are set", async () => {
    const workspace = await capturedWorkspace();
    const before = sandbox.tokenRequests.length;
    const run = await oidcGate(workspace);
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const requests = sandbox.tokenRequests.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]).toMatchObject({ clientId: "11111111-2222-3333-4444-555555555555" });
    expect(sandbox.idTokenRequests.at(-1)).toMatchObject({ audience: "api://AzureADTokenExchange" });
  });

  it("fetches one GitHub ID token for each token request and sends each to Entra once", async () => {
    const workspace = await capturedWorkspace();
    const [tokensBefore, idTokensBefore] = [sandbox.tokenRequests.length, sandbox.idTokenRequests.length];
    const run = await oidcGate(workspace);
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    const sent = sandbox.tokenRequests.slice(tokensBefore).map((request) => request.clientAssertion);
    const fetched = sandbox.idTokenRequests.slice(idTokensBefore).map((request) => request.token);
    expect(sent.length).toBeGreaterThan(0);
    expect(fetched).toEqual(sent);
  });
});
