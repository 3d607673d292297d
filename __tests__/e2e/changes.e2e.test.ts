/**
 * Who changed it, and when: the bundled action, run as the runner runs it,
 * against the ARM sandbox's Activity Log and the GitHub stand-in. Each case
 * is a drift with the writes behind it in the log (a person, a pipeline's
 * deployment, AKS itself, a failed write, a child resource), or a lookup
 * that cannot help (a 403, throttling, an empty window): the gate's result
 * is the same in every case, and only GETs reach Azure.
 */
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, authorizationFailedFault, startArmSandbox, throttledFault } from "../../sandbox/arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import {
  activityEvent,
  type BuiltCluster,
  deploymentEvent,
  type EventCaller,
  kubenetCluster,
  World,
} from "../../sandbox/world.js";
import { breaksReadOnly } from "../helpers/read-only.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const TOKEN = "ghs_changes_e2e_token";
/** The cluster's system-assigned identity, in the shape of a real cluster (Azure/azure-cli acs recordings, `identity`). */
const CLUSTER_PRINCIPAL = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const ALICE: EventCaller = { kind: "person", upn: "alice@contoso.com", client: "portal" };
const BOB: EventCaller = { kind: "person", upn: "bob@contoso.com", client: "cli" };
const PIPELINE = {
  kind: "application",
  appId: "8d1f7c2e-5a4b-4c3d-9e8f-0a1b2c3d4e5f",
  objectId: "f3e2d1c0-b9a8-4765-8432-10fedcba9876",
} as const;
/** What the escaper makes of an @: a zero-width space after it, so it mentions nobody. */
const AT = "@\u200b";
const VALUES_PATH = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Insights/eventtypes/management/values`;

let arm: ArmSandbox;
let github: GitHubSandbox;
let cluster: BuiltCluster;
let template: string;

function freshWorld(): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    location: "westeurope",
    pools: [{ name: "nodepool1", count: 3 }],
    tags: { owner: "@contoso/payments" },
  });
  const world = new World(...cluster.resources);
  world.patch(cluster.clusterId, (body) => {
    body["identity"] = { type: "SystemAssigned", principalId: CLUSTER_PRINCIPAL, tenantId: SUBSCRIPTION };
  });
  return world;
}

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace,
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { "github-token": TOKEN, ...inputs },
    env: { GITHUB_API_URL: github.url },
  });
}

/** A copy of the workspace the capture left: the baseline, and the capture's evidence that confirms the cluster. */
async function workspace(): Promise<string> {
  const copy = await mkdtemp(path.join(tmpdir(), "gate-changes-e2e-"));
  await cp(template, copy, { recursive: true });
  return copy;
}

function routeId(index: number): string {
  return `${cluster.routeTableId}/routes/${cluster.routes[index]?.name ?? ""}`;
}

function dropRoute(index: number): void {
  const name = cluster.routes[index]?.name;
  arm.world.patch(cluster.routeTableId ?? "", (body) => {
    const properties = body.properties as { routes: { name: string }[] };
    properties.routes = properties.routes.filter((route) => route.name !== name);
  });
}

function changePodCidr(): void {
  arm.world.patch(cluster.clusterId, (body) => {
    const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
    profile.podCidr = "10.245.0.0/16";
    profile.podCidrs = ["10.245.0.0/16"];
  });
}

/** A moment after the capture and before the check, `offset` ms apart, so that the order is known. */
function soon(offset = 0): Date {
  return new Date(Date.now() + offset);
}

function issueBody(): string {
  return github.open()[0]?.body ?? "";
}

interface ChangesFile {
  reads: { resourceGroup: string; filter: string; events: number; error: string | null }[];
  clusters: { note: string | null; events: Record<string, unknown>[]; resources: { resourceId: string }[] }[];
}

async function changesOf(run: ActionRun): Promise<ChangesFile> {
  return JSON.parse(await readFile(path.join(run.outputs.evidence ?? "", "changes.json"), "utf8")) as ChangesFile;
}

function activityLogReads() {
  return arm.requests.filter((request) => request.path === VALUES_PATH);
}

beforeAll(async () => {
  arm = await startArmSandbox(freshWorld());
  github = await startGitHubSandbox({ token: TOKEN });
  template = await mkdtemp(path.join(tmpdir(), "gate-changes-template-"));
  await mkdir(path.join(template, ".github"));
  const captured = await gate(template, { ...TARGET, mode: "capture" });
  expect(captured).toMatchObject({ code: 0, outputs: { result: "pass" } });
  await github.close();
});

afterAll(async () => {
  await arm.close();
});

beforeEach(async () => {
  arm.world = freshWorld();
  arm.faults.clear();
  arm.requests.length = 0;
  github = await startGitHubSandbox({ token: TOKEN });
});

afterEach(async () => {
  await github.close();
  // Read-only: the Activity Log is read with GETs like everything else; the only POSTs are token requests.
  expect(breaksReadOnly(arm.requests)).toEqual([]);
  expect(activityLogReads().every((request) => request.method === "GET")).toBe(true);
});

describe("the writes behind a drift", () => {
  it("a route deleted by a person: who, what, when, status and correlation ID in the issue and the summary; changes.json holds the event", async () => {
    const ws = await workspace();
    dropRoute(1);
    const deleted = activityEvent({
      resourceId: routeId(1),
      operation: "Microsoft.Network/routeTables/routes/delete",
      at: soon(),
      caller: ALICE,
    });
    arm.world.logEvents(deleted);

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "1" } });
    const line =
      `- Changed by **alice${AT}contoso.com** (person, Azure portal): \`Microsoft.Network/routeTables/routes/delete\` ` +
      `on \`routes/${cluster.routes[1]?.name}\` at ${String(deleted["eventTimestamp"])}, Succeeded (OK), correlation \`${String(deleted["correlationId"])}\``;
    expect(issueBody()).toContain(line);
    expect(run.summary).toContain(line);
    expect(issueBody()).toContain(
      `Who to ask: **alice${AT}contoso.com** (person, Azure portal), the last person or pipeline`,
    );
    expect(issueBody()).toMatch(/since the capture of \d{4}-\d\d-\d\dT/);

    const changes = await changesOf(run);
    expect(changes.reads).toEqual([
      expect.objectContaining({ resourceGroup: cluster.nodeResourceGroup, events: 1, error: null }),
    ]);
    const [event] = changes.clusters[0]?.events ?? [];
    expect(event).toMatchObject({
      eventDataId: deleted["eventDataId"],
      operationName: "Microsoft.Network/routeTables/routes/delete",
    });
    expect(Object.keys((event?.["claims"] as object) ?? {}).sort()).toEqual(["appid", "oid", "upn"]);
    expect(JSON.stringify(changes)).not.toMatch(/groups|ipaddr|givenname|"aud"|"iss"/);

    const evidence = run.outputs.evidence ?? "";
    const manifest = JSON.parse(await readFile(path.join(evidence, "manifest.json"), "utf8")) as {
      files: { name: string; sha256: string }[];
    };
    const content = await readFile(path.join(evidence, "changes.json"));
    const sha = createHash("sha256").update(content).digest("hex");
    expect(manifest.files).toContainEqual(expect.objectContaining({ name: "changes.json", sha256: sha }));
    expect(await readFile(path.join(evidence, "SHA256SUMS"), "utf8")).toContain(`${sha}  changes.json`);
  });

  it("a pod CIDR change through a deployment by a pipeline's service principal: the client is the deployment", async () => {
    const ws = await workspace();
    changePodCidr();
    const correlationId = "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    arm.world.logEvents(
      deploymentEvent(SUBSCRIPTION, "rg-payments", "aks-network-1342", { at: soon(), caller: PIPELINE, correlationId }),
      activityEvent({
        resourceId: cluster.clusterId,
        operation: "Microsoft.ContainerService/managedClusters/write",
        at: soon(1),
        caller: PIPELINE,
        correlationId,
      }),
    );

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(issueBody()).toContain(
      `- Changed by **application ${PIPELINE.appId}** (service principal, object ID \`${PIPELINE.objectId}\`, ARM template deployment 'aks-network-1342'): ` +
        `\`Microsoft.ContainerService/managedClusters/write\` on \`aks-payments-prod\``,
    );
    expect(issueBody()).toContain(`Who to ask: **application ${PIPELINE.appId}** (service principal`);
    // The new pod CIDR also leaves the node routes outside it: the node resource group is read too.
    expect(activityLogReads().map((request) => request.query["$filter"])).toEqual([
      expect.stringMatching(
        /^eventTimestamp ge '[^']+' and eventTimestamp le '[^']+' and resourceGroupName eq 'rg-payments'$/,
      ),
      expect.stringMatching(new RegExp(`and resourceGroupName eq '${cluster.nodeResourceGroup}'$`)),
    ]);
    const changes = await changesOf(run);
    expect(changes.clusters[0]?.events.map((event) => event["operationName"])).toEqual([
      "Microsoft.ContainerService/managedClusters/write",
      "Microsoft.Resources/deployments/write",
    ]);
  });

  it("a route rewritten by the cluster's own identity is AKS reconciling, and nobody to ask", async () => {
    const ws = await workspace();
    dropRoute(2);
    arm.world.logEvents(
      activityEvent({
        resourceId: routeId(0),
        operation: "Microsoft.Network/routeTables/routes/write",
        at: soon(),
        caller: { kind: "application", appId: "7c5e4b3a-2d1f-4e0a-9b8c-7d6e5f4a3b2c", objectId: CLUSTER_PRINCIPAL },
      }),
    );

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(issueBody()).toContain(
      // Recognised by its object ID, the cluster's principalId; named by the application ID the event carries.
      "- Changed by **AKS** (the cluster's own identity `7c5e4b3a-2d1f-4e0a-9b8c-7d6e5f4a3b2c`, reconciling, not a person): `Microsoft.Network/routeTables/routes/write`",
    );
    expect(issueBody()).not.toContain("Who to ask");
  });

  it("a failed write is shown with its status, beside the one that succeeded", async () => {
    const ws = await workspace();
    dropRoute(1);
    arm.world.logEvents(
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: soon(),
        caller: ALICE,
      }),
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/write",
        at: soon(1),
        caller: BOB,
        status: "Started",
      }),
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/write",
        at: soon(2),
        caller: BOB,
        status: "Failed",
        subStatus: "Conflict",
      }),
    );

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    const body = issueBody();
    expect(body).toMatch(
      new RegExp(
        `Changed by \\*\\*bob${AT}contoso\\.com\\*\\* \\(person, Azure CLI\\): .*routes/write.*, Failed \\(Conflict\\), correlation`,
      ),
    );
    expect(body).toMatch(/routes\/delete.*Succeeded \(OK\)/);
    expect(body.match(/Changed by \*\*bob/g)).toHaveLength(1);
  });

  it("writes on a child resource (a route) belong to the finding's resource (its route table), a sibling's do not", async () => {
    const ws = await workspace();
    dropRoute(1);
    const otherTable = cluster.routeTableId?.replace(/routetable$/, "other-rt") ?? "";
    arm.world.logEvents(
      activityEvent({
        resourceId: cluster.routeTableId ?? "",
        operation: "Microsoft.Network/routeTables/write",
        at: soon(),
        caller: BOB,
      }),
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: soon(1),
        caller: ALICE,
      }),
      activityEvent({
        resourceId: `${otherTable}/routes/r1`,
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: soon(2),
        caller: BOB,
      }),
    );

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(run.summary).toContain(`on \`routes/${cluster.routes[1]?.name}\``);
    expect(run.summary).toMatch(/routeTables\/write` on `aks-agentpool-\d+-routetable`/);
    expect(run.summary).not.toContain("other-rt");
    const changes = await changesOf(run);
    expect(changes.clusters[0]?.events).toHaveLength(2);
  });
});

describe("a lookup that cannot help never blocks the gate", () => {
  it.each([
    [
      "a 403 on the Activity Log",
      () =>
        arm.faults.add(
          authorizationFailedFault({
            path: VALUES_PATH,
            action: "Microsoft.Insights/eventtypes/values/read",
            scope: `/subscriptions/${SUBSCRIPTION}`,
          }),
        ),
      `Changed by: Not looked up: Azure denied reading the Activity Log of subscription ${SUBSCRIPTION} (403 AuthorizationFailed): give the gate's identity 'Reader' or 'Monitoring Reader' on the subscription (Microsoft.Insights/eventtypes/values/read), or set 'activity-log: false'.`,
    ],
    [
      "a throttled Activity Log",
      () => arm.faults.add(throttledFault({ path: VALUES_PATH, retryAfter: 1 })),
      `Changed by: Not looked up: Azure kept throttling reads of the Activity Log of subscription ${SUBSCRIPTION} (429 TooManyRequests); the next run looks again.`,
    ],
  ])("%s: the same result, and why in one line", async (_case, fault, line) => {
    const ws = await workspace();
    dropRoute(1);
    arm.world.logEvents(
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: soon(),
        caller: ALICE,
      }),
    );
    fault();

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "1" } });
    expect(run.summary).toContain(line);
    expect(issueBody()).toContain(line);
    expect(issueBody()).not.toContain("- Changed by **");
    const changes = await changesOf(run);
    expect(changes.reads[0]?.error).toBe(line.replace("Changed by: Not looked up: ", ""));
  });

  it("a window with no events says so; a write before the last confirmation is outside it", async () => {
    const ws = await workspace();
    dropRoute(1);
    arm.world.logEvents(
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: new Date(Date.now() - 3_600_000),
        caller: ALICE,
      }),
    );

    const run = await gate(ws);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(run.summary).toMatch(
      /Changed by: The Activity Log holds no write to these resources from \S+ to \S+ \(since the capture of \S+\)\./,
    );
    expect(issueBody()).not.toContain("alice");
  });

  it("a pass reads no Activity Log and writes no changes.json", async () => {
    const ws = await workspace();
    arm.world.logEvents(
      activityEvent({
        resourceId: routeId(1),
        operation: "Microsoft.Network/routeTables/routes/write",
        at: soon(),
        caller: ALICE,
      }),
    );
    const run = await gate(ws);
    expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
    expect(activityLogReads()).toEqual([]);
    expect(await readdir(run.outputs.evidence ?? "")).not.toContain("changes.json");
    expect(run.summary).not.toContain("Changed by");
  });

  it("activity-log: false reads nothing on drift either", async () => {
    const ws = await workspace();
    dropRoute(1);
    const run = await gate(ws, { "activity-log": "false" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift" } });
    expect(activityLogReads()).toEqual([]);
    expect(await readdir(run.outputs.evidence ?? "")).not.toContain("changes.json");
    expect(issueBody()).not.toContain("Changed by");
  });
});
