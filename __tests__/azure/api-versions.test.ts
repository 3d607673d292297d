/**
 * Every read of the gate uses the api-version that the official SDK operation
 * for that request pins. The table is derived here from the installed SDK
 * packages by running each operation against a transport that only records
 * the URL, and every request the gate sends to the sandbox is matched against
 * it: a dependency upgrade that moves an operation's version, or a read that
 * drifts away from it, fails this file.
 */
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { MonitorClient } from "@azure/arm-monitor";
import { createResourceGraph, resources } from "@azure/arm-resourcegraph/api";
import { createHttpHeaders, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { readFile } from "node:fs/promises";
import { API_VERSIONS, ARM_READS, type ArmRead, type ArmReadName } from "../../src/io/azure/api-versions.js";
import { captureCluster } from "../../src/app/capture-cluster.js";
import { ACTIVITY_LOG_SELECT, resourceGroupFilter } from "../../src/core/changes/window.js";
import { GateDefect } from "../../src/io/azure/failures.js";
import { ResourceGraph } from "../../src/io/azure/resource-graph.js";
import { azureCniCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { armInProcess } from "../helpers/arm-in-process.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const now = () => new Date("2026-11-23T10:00:00Z");

/** The values the SDK calls below fill into each template, so a recorded URL maps back to its template. */
const PLACEHOLDERS = {
  subscriptionId: SUBSCRIPTION,
  resourceGroupName: "placeholder-rg",
  resourceName: "placeholder-cluster",
  virtualNetworkName: "placeholder-vnet",
  routeTableName: "placeholder-rt",
  virtualMachineScaleSetName: "placeholder-vmss",
} as const;

interface DerivedRead {
  method: string;
  path: string;
  apiVersion: string;
}

/** A transport that records each request and answers an empty resource or list; nothing leaves the process. */
function recordingClient(requests: PipelineRequest[]): HttpClient {
  return {
    sendRequest: async (request) => {
      requests.push(request);
      return {
        request,
        status: 200,
        headers: createHttpHeaders({ "content-type": "application/json" }),
        bodyAsText: JSON.stringify({ value: [], id: "/x", name: "x" }),
      };
    },
  };
}

function templateOf(url: string): DerivedRead {
  const parsed = new URL(url);
  let path = decodeURIComponent(parsed.pathname);
  for (const [name, value] of Object.entries(PLACEHOLDERS)) path = path.split(`/${value}`).join(`/{${name}}`);
  return { method: "", path, apiVersion: parsed.searchParams.get("api-version") ?? "(none)" };
}

function methodOf(read: ArmRead): string {
  return read.method ?? "GET";
}

async function drain(items: AsyncIterable<unknown>): Promise<void> {
  for await (const item of items) void item;
}

/** Runs each SDK operation the gate's reads correspond to and returns what it sent. */
async function deriveFromSdks(): Promise<Record<ArmReadName, DerivedRead>> {
  const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600_000 }) };
  const { resourceGroupName: rg, resourceName, virtualNetworkName, routeTableName } = PLACEHOLDERS;
  const vmss = PLACEHOLDERS.virtualMachineScaleSetName;
  const calls: Record<ArmReadName, (client: HttpClient) => Promise<unknown>> = {
    managedCluster: (httpClient) =>
      new ContainerServiceClient(credential, SUBSCRIPTION, { httpClient }).managedClusters.get(rg, resourceName),
    agentPools: (httpClient) =>
      drain(new ContainerServiceClient(credential, SUBSCRIPTION, { httpClient }).agentPools.list(rg, resourceName)),
    virtualNetwork: (httpClient) =>
      new NetworkManagementClient(credential, SUBSCRIPTION, { httpClient }).virtualNetworks.get(rg, virtualNetworkName),
    virtualNetworks: (httpClient) =>
      drain(new NetworkManagementClient(credential, SUBSCRIPTION, { httpClient }).virtualNetworks.list(rg)),
    routeTable: (httpClient) =>
      new NetworkManagementClient(credential, SUBSCRIPTION, { httpClient }).routeTables.get(rg, routeTableName),
    networkInterfaces: (httpClient) =>
      drain(new NetworkManagementClient(credential, SUBSCRIPTION, { httpClient }).networkInterfaces.list(rg)),
    scaleSetNetworkInterfaces: (httpClient) =>
      drain(
        new NetworkManagementClient(credential, SUBSCRIPTION, {
          httpClient,
        }).networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(rg, vmss),
      ),
    scaleSets: (httpClient) =>
      drain(new ComputeManagementClient(credential, SUBSCRIPTION, { httpClient }).virtualMachineScaleSets.list(rg)),
    scaleSetInstances: (httpClient) =>
      drain(
        new ComputeManagementClient(credential, SUBSCRIPTION, { httpClient }).virtualMachineScaleSetVMs.list(rg, vmss),
      ),
    resourceGraph: (httpClient) =>
      resources(createResourceGraph(credential, "", { httpClient }), { query: "resources" }),
    activityLog: (httpClient) =>
      drain(
        new MonitorClient(credential, SUBSCRIPTION, { httpClient }).activityLogs.list(
          resourceGroupFilter(new Date("2026-11-22T00:00:00Z"), new Date("2026-11-23T00:00:00Z"), rg),
        ),
      ),
  };
  const derived = {} as Record<ArmReadName, DerivedRead>;
  for (const [name, call] of Object.entries(calls) as [ArmReadName, (client: HttpClient) => Promise<unknown>][]) {
    const requests: PipelineRequest[] = [];
    await call(recordingClient(requests));
    expect(requests).toHaveLength(1);
    derived[name] = { ...templateOf(requests[0]!.url), method: requests[0]!.method };
  }
  return derived;
}

function patternOf(read: ArmRead): RegExp {
  const escaped = read.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{[A-Za-z]+\\\}/g, "[^/]+");
  return new RegExp(`^${escaped}$`, "i");
}

/** The read of the table a request path belongs to; null for a request no read describes. */
function readOfPath(path: string): ArmReadName | null {
  const entries = Object.entries(ARM_READS) as [ArmReadName, ArmRead][];
  return entries.find(([, read]) => patternOf(read).test(path))?.[0] ?? null;
}

/** The table as Markdown, one row per read: what docs/azure-reads.md shows. */
function renderTable(derived: Record<ArmReadName, DerivedRead>): string {
  const rows = (Object.keys(ARM_READS) as ArmReadName[]).map((name) => {
    const read = ARM_READS[name];
    return `| \`${read.sdk}\` \`${read.operation}\` | \`${derived[name].method} ${derived[name].path}\` | \`${derived[name].apiVersion}\` |`;
  });
  return ["| SDK operation | Request | api-version |", "|---|---|---|", ...rows].join("\n");
}

/** A Markdown table's rows as trimmed cells, whatever the padding Prettier gives them. */
function tableLines(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[-| ]+\|$/.test(line))
    .map((line) =>
      line
        .split("|")
        .map((cell) => cell.trim())
        .join("|"),
    );
}

const arm = armInProcess();

function avsetWorld(): World {
  const built = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg1",
    name: "aks-avset",
    pools: [{ name: "nodepool1", count: 1 }],
  });
  const world = new World(...built.resources.filter((body) => !/\/virtualMachineScaleSets\//i.test(body.id)));
  for (const id of built.agentPoolIds) {
    world.patch(id, (body) => ((body.properties as Record<string, unknown>).type = "AvailabilitySet"));
  }
  return world;
}

async function captureAll(reader: ReturnType<typeof arm.reader>): Promise<void> {
  const kubenet = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-kubenet" });
  const cni = azureCniCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg2", name: "aks-cni" });
  arm.sandbox.world = new World(...kubenet.resources, ...cni.resources);
  await captureCluster(reader, { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-kubenet" }, now);
  await captureCluster(reader, { subscriptionId: SUBSCRIPTION, resourceGroup: "rg2", name: "aks-cni" }, now);
  arm.sandbox.world = avsetWorld();
  await captureCluster(reader, { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-avset" }, now);
  // The Activity Log read of a drifting run; the sandbox checks its window against the real clock.
  const filter = resourceGroupFilter(new Date(Date.now() - 86_400_000), new Date(), "rg1");
  await reader.listActivityLog(SUBSCRIPTION, filter, ACTIVITY_LOG_SELECT);
  await ResourceGraph.over(reader).query({ subscriptions: [SUBSCRIPTION] }, "resources | project id", "the test");
}

describe("the api-version of every read", () => {
  let derived: Record<ArmReadName, DerivedRead>;

  beforeAll(async () => {
    derived = await deriveFromSdks();
  });

  it.each(Object.keys(ARM_READS) as ArmReadName[])("%s: the gate's table holds its SDK operation's request", (name) => {
    const read: ArmRead = ARM_READS[name];
    expect({ method: methodOf(read), path: read.path, apiVersion: read.apiVersion }).toEqual(derived[name]);
  });

  it("pins the scale-set NIC list to 2018-10-01, the version ARM serves for that type, not Microsoft.Network's newest", () => {
    expect(derived.scaleSetNetworkInterfaces.apiVersion).toBe("2018-10-01");
    expect(derived.networkInterfaces.apiVersion).not.toBe(derived.scaleSetNetworkInterfaces.apiVersion);
  });

  it("sends every request of a capture with its read's SDK version, and reads nothing the table does not name", async () => {
    await captureAll(arm.reader());
    const seen = new Set<ArmReadName>();
    for (const request of arm.sandbox.requests) {
      const name = readOfPath(request.path);
      expect({ path: request.path, read: name }).toEqual({ path: request.path, read: expect.any(String) });
      seen.add(name!);
      expect({ read: name, apiVersion: request.query["api-version"] }).toEqual({
        read: name,
        apiVersion: derived[name!].apiVersion,
      });
      expect({ read: name, method: request.method }).toEqual({ read: name, method: methodOf(ARM_READS[name!]) });
      expect(request.status).toBe(200);
    }
    expect([...seen].sort()).toEqual(Object.keys(ARM_READS).sort());
  });

  it("is the table docs/azure-reads.md shows", async () => {
    const doc = await readFile(new URL("../../docs/azure-reads.md", import.meta.url), "utf8");
    expect(tableLines(doc)).toEqual(expect.arrayContaining(tableLines(renderTable(derived))));
  });
});

/** Captures a kubenet cluster with some reads pointed at other versions; the failure, or the snapshot. */
async function captureWithVersion(versions: Partial<typeof API_VERSIONS>): Promise<unknown> {
  const reader = arm.reader({ apiVersions: { ...API_VERSIONS, ...versions } });
  const kubenet = kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-kubenet" });
  arm.sandbox.world = new World(...kubenet.resources);
  const ref = { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-kubenet" };
  return captureCluster(reader, ref, now).catch((error: unknown) => error);
}

describe("a read pointed at a version ARM does not serve", () => {
  it("is refused by the sandbox as ARM refuses it, and reported as a defect of the gate, not as retry", async () => {
    const failure = await captureWithVersion({ scaleSetNetworkInterfaces: "2026-01-01" });
    const refused = arm.sandbox.requests.filter((request) => request.status === 400);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.query["api-version"]).toBe("2026-01-01");
    expect(failure).toBeInstanceOf(GateDefect);
    const { message, hint } = failure as GateDefect;
    expect(message).toMatch(/NoRegisteredProviderFound/);
    expect(message).toContain("api-version=2026-01-01");
    expect(message).toContain("for type 'virtualMachineScaleSets/networkInterfaces'");
    expect(hint).toMatch(/defect of AKS Network Gate/);
    expect(`${message} ${hint}`).not.toMatch(/retry the run|run again/i);
  });

  it("sends no second request for a refused version: the SDK does not retry a 400", async () => {
    const failure = await captureWithVersion({ routeTable: "2099-01-01" });
    expect(failure).toBeInstanceOf(GateDefect);
    expect(arm.sandbox.requests.filter((request) => request.query["api-version"] === "2099-01-01")).toHaveLength(1);
  });
});
