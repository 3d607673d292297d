/**
 * The Activity Log end to end inside the process: the sandbox serving events
 * with the specification's `$filter` grammar and paging, the action's reader
 * calling @azure/arm-monitor's activityLogs.list, and the run's lookup
 * (app/changes.ts) turning a drifting cluster's findings into "Changed by".
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MonitorClient } from "@azure/arm-monitor";
import { lookupChanges } from "../../src/app/changes.js";
import { captureCluster } from "../../src/app/capture-cluster.js";
import { readSettings } from "../../src/app/settings.js";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import { Deadline } from "../../src/core/deadline.js";
import { verdictOf } from "../../src/core/verdict.js";
import { ACTIVITY_LOG_SELECT, resourceGroupFilter } from "../../src/core/changes/window.js";
import type { Logger } from "../../src/core/logger.js";
import { activityLogFailure } from "../../src/io/azure/failures.js";
import { authorizationFailedFault } from "../../sandbox/arm.js";
import { staticTokenCredential } from "../../sandbox/trust.js";
import { activityEvent, type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { armInProcess } from "../helpers/arm-in-process.js";
import { rawRequest } from "../sandbox/fixtures.js";

const SUB = "00000000-0000-0000-0000-000000000000";
const REF = { subscriptionId: SUB, resourceGroup: "rg-payments", name: "aks-payments-prod" };
const ALICE = { kind: "person", upn: "alice@contoso.com" } as const;
const HOUR = 3_600_000;

const arm = armInProcess();
let cluster: BuiltCluster;

function freshWorld(): World {
  cluster = kubenetCluster({ ...REF, pools: [{ name: "nodepool1", count: 3 }] });
  return new World(...cluster.resources);
}

function ago(ms: number): Date {
  return new Date(Date.now() - ms);
}

function routeOf(index: number): string {
  return `${cluster.routeTableId}/routes/${cluster.routes[index]?.name ?? ""}`;
}

function monitor(): MonitorClient {
  return new MonitorClient(staticTokenCredential(), SUB, {
    endpoint: arm.sandbox.url,
    retryOptions: { maxRetries: 0 },
  });
}

async function listed(filter: string, select?: string): Promise<Record<string, unknown>[]> {
  const events = [];
  for await (const event of monitor().activityLogs.list(filter, select ? { select } : {})) events.push(event);
  return events as unknown as Record<string, unknown>[];
}

/** ARM's answer to a list, as sent: the SDK's paging keeps only the status and the code of an error. */
async function answer(filter: string): Promise<{ status: number; body: unknown }> {
  const query = new URLSearchParams({ "api-version": "2015-04-01", $filter: filter });
  const path = `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?${query}`;
  const reply = await rawRequest(arm.sandbox, "GET", path, { authorization: `Bearer ${arm.sandbox.accessToken}` });
  return { status: reply.status, body: JSON.parse(reply.body) };
}

const silent: Logger = { info: () => {}, debug: () => {}, warning: () => {}, error: () => {}, mask: () => {} };

beforeEach(() => {
  arm.sandbox.world = freshWorld();
});

describe("the sandbox's Activity Log, through @azure/arm-monitor", () => {
  it("serves a resource group's events in the window, newest first, across pages with $skiptoken", async () => {
    const nodeGroup = cluster.nodeResourceGroup;
    arm.sandbox.world.logEvents(
      ...[1, 2, 3, 4, 5].map((hours) =>
        activityEvent({
          resourceId: routeOf(0),
          operation: "Microsoft.Network/routeTables/routes/write",
          at: ago(hours * HOUR),
          caller: ALICE,
        }),
      ),
      activityEvent({
        resourceId: cluster.clusterId,
        operation: "Microsoft.ContainerService/managedClusters/write",
        at: ago(HOUR),
        caller: ALICE,
      }),
      activityEvent({
        resourceId: routeOf(1),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: ago(10 * 86_400_000),
        caller: ALICE,
      }),
    );
    arm.sandbox.pageSize = 2;
    const events = await listed(resourceGroupFilter(ago(6 * HOUR), new Date(), nodeGroup));
    expect(events.map((event) => (event["eventTimestamp"] as Date).getTime())).toEqual(
      [1, 2, 3, 4, 5].map((hours) => expect.closeTo(Date.now() - hours * HOUR, -4)),
    );
    const pages = arm.sandbox.requests.filter((request) => request.path.endsWith("/eventtypes/management/values"));
    expect(pages.map((request) => request.query["$skiptoken"])).toEqual([undefined, "2", "4"]);
    expect(pages.every((request) => request.method === "GET" && request.query["api-version"] === "2015-04-01")).toBe(
      true,
    );
  });

  it("takes resourceUri (the resource only, not its children), resourceProvider and correlationId", async () => {
    const write = activityEvent({
      resourceId: cluster.routeTableId ?? "",
      operation: "Microsoft.Network/routeTables/write",
      at: ago(HOUR),
      caller: ALICE,
      correlationId: "0f0f0f0f-0000-4000-8000-000000000001",
    });
    const child = activityEvent({
      resourceId: routeOf(0),
      operation: "Microsoft.Network/routeTables/routes/write",
      at: ago(HOUR),
      caller: ALICE,
    });
    arm.sandbox.world.logEvents(write, child);
    const since = `eventTimestamp ge '${ago(2 * HOUR).toISOString()}' and eventTimestamp le '${new Date().toISOString()}'`;
    expect(await listed(`${since} and resourceUri eq '${(cluster.routeTableId ?? "").toUpperCase()}'`)).toHaveLength(1);
    expect(await listed(`${since} and resourceProvider eq 'Microsoft.Network'`)).toHaveLength(2);
    expect(await listed(`${since} and correlationId eq '0f0f0f0f-0000-4000-8000-000000000001'`)).toHaveLength(1);
    const bare = `eventTimestamp ge ${ago(2 * HOUR).toISOString()}`;
    expect(await listed(bare)).toHaveLength(2);
  });

  it("returns only the $select fields", async () => {
    arm.sandbox.world.logEvents(
      activityEvent({
        resourceId: routeOf(0),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: ago(HOUR),
        caller: ALICE,
      }),
    );
    const [event] = await listed(
      resourceGroupFilter(ago(2 * HOUR), new Date(), cluster.nodeResourceGroup),
      ACTIVITY_LOG_SELECT,
    );
    const present = Object.entries(event ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    expect(present.sort()).toEqual(ACTIVITY_LOG_SELECT.split(",").sort());
  });

  it.each([
    ["no start", `eventTimestamp le '${new Date().toISOString()}' and resourceGroupName eq 'rg'`],
    [
      "a field the grammar does not have",
      `eventTimestamp ge '${ago(HOUR).toISOString()}' and caller eq 'alice@contoso.com'`,
    ],
    [
      "two scopes",
      `eventTimestamp ge '${ago(HOUR).toISOString()}' and resourceGroupName eq 'a' and resourceUri eq 'b'`,
    ],
    ["'or'", `eventTimestamp ge '${ago(HOUR).toISOString()}' or resourceGroupName eq 'a'`],
  ])("refuses a $filter with %s as ARM does", async (_case, filter) => {
    expect(await answer(filter)).toEqual({
      status: 400,
      body: { code: "BadRequest", message: "$filter searching parameters invalid" },
    });
    await expect(listed(filter)).rejects.toMatchObject({ statusCode: 400, code: "BadRequest" });
  });

  it("refuses a start more than 90 days back with ARM's own message", async () => {
    expect(await answer(resourceGroupFilter(ago(91 * 86_400_000), new Date(), "rg"))).toEqual({
      status: 400,
      body: { code: "BadRequest", message: "The start time cannot be more than 90 days in the past." },
    });
  });
});

describe("the reader and the run's lookup", () => {
  async function driftingVerdict(reader: ReturnType<typeof arm.reader>) {
    // The baseline's capture, with a reader of its own: a reader reads each resource once per run.
    const before = await captureCluster(arm.reader(), REF, () => ago(HOUR));
    const dropped = cluster.routes[1]?.name ?? "";
    arm.sandbox.world.patch(cluster.routeTableId ?? "", (body) => {
      const properties = body.properties as { routes: { name: string }[] };
      properties.routes = properties.routes.filter((route) => route.name !== dropped);
    });
    const after = await captureCluster(reader, REF, () => new Date());
    const expected = baselineFromSnapshot(before);
    const results = [
      {
        kind: "checked" as const,
        clusterId: after.id,
        snapshot: after,
        expected,
        findings: compareCluster(expected, after),
      },
    ];
    return verdictOf(results, { failOn: "error", issueOnError: false });
  }

  async function settings() {
    const workspace = await mkdtemp(path.join(tmpdir(), "changes-int-"));
    return readSettings(() => "", { GITHUB_WORKSPACE: workspace });
  }

  it("reads each resource group with a finding once, attributes the deleted route, and asks for the cluster's read again from the cache", async () => {
    const reader = arm.reader();
    const verdict = await driftingVerdict(reader);
    arm.sandbox.world.logEvents(
      activityEvent({
        resourceId: routeOf(1),
        operation: "Microsoft.Network/routeTables/routes/delete",
        at: ago(60_000),
        caller: ALICE,
      }),
    );
    arm.sandbox.requests.length = 0;
    const lookup = await lookupChanges(await settings(), verdict, {
      reader,
      logger: silent,
      now: () => new Date(),
      deadline: Deadline.after(60_000),
    });
    expect(arm.sandbox.requests.map((request) => request.path)).toEqual([
      `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values`,
    ]);
    expect(arm.sandbox.requests[0]?.query["$filter"]).toMatch(
      new RegExp(
        `^eventTimestamp ge '.+' and eventTimestamp le '.+' and resourceGroupName eq '${cluster.nodeResourceGroup}'$`,
      ),
    );
    const [changes] = lookup?.clusters ?? [];
    const group = changes?.groups.find((item) => item.resourceId === cluster.routeTableId);
    expect(
      group?.changes.map((change) => [change.caller.kind, change.caller.name, change.event.operationName]),
    ).toEqual([["person", "alice@contoso.com", "Microsoft.Network/routeTables/routes/delete"]]);
    expect(changes?.window?.basis).toMatch(/last 90 days/);
  });

  it("says in one line why it has nothing when the Activity Log is denied, and keeps the verdict", async () => {
    const reader = arm.reader({ retry: { maxRetries: 0 } });
    const verdict = await driftingVerdict(reader);
    arm.sandbox.faults.add(
      authorizationFailedFault({
        path: "/eventtypes/management/values",
        action: "Microsoft.Insights/eventtypes/values/read",
        scope: `/subscriptions/${SUB}`,
      }),
    );
    const lookup = await lookupChanges(await settings(), verdict, {
      reader,
      logger: silent,
      now: () => new Date(),
      deadline: Deadline.after(60_000),
    });
    expect(verdict.result).toBe("drift");
    expect(lookup?.clusters[0]?.note).toBe(
      `Not looked up: Azure denied reading the Activity Log of subscription ${SUB} (403 AuthorizationFailed): give the gate's identity 'Reader' or 'Monitoring Reader' on the subscription (Microsoft.Insights/eventtypes/values/read), or set 'activity-log: false'.`,
    );
    expect(lookup?.reads[0]?.error).toMatch(/^Azure denied reading/);
  });

  it("reads nothing when no cluster drifts, or when activity-log is false", async () => {
    const reader = arm.reader();
    const snapshot = await captureCluster(reader, REF, () => new Date());
    const expected = baselineFromSnapshot(snapshot);
    const passing = verdictOf(
      [{ kind: "checked", clusterId: snapshot.id, snapshot, expected, findings: compareCluster(expected, snapshot) }],
      {
        failOn: "error",
        issueOnError: false,
      },
    );
    const drifting = await driftingVerdict(reader);
    arm.sandbox.requests.length = 0;
    const deps = { reader, logger: silent, now: () => new Date(), deadline: Deadline.after(60_000) };
    expect(await lookupChanges(await settings(), passing, deps)).toBeUndefined();
    const off = { ...(await settings()), activityLog: false };
    expect(await lookupChanges(off, drifting, deps)).toBeUndefined();
    expect(arm.sandbox.requests).toEqual([]);
  });

  it("words a throttled or failing Activity Log as Azure's weather, and the lookup's own limit as such", () => {
    const rest = (statusCode: number, code: string) =>
      Object.assign(new Error("x"), { name: "RestError", statusCode, code });
    expect(activityLogFailure(SUB, rest(429, "TooManyRequests"), false)).toBe(
      `Azure kept throttling reads of the Activity Log of subscription ${SUB} (429 TooManyRequests); the next run looks again.`,
    );
    expect(activityLogFailure(SUB, rest(503, "ServiceUnavailable"), false)).toMatch(
      /did not answer .*\(503 ServiceUnavailable\); the next run looks again\.$/,
    );
    expect(activityLogFailure(SUB, new Error("aborted"), true)).toMatch(
      /did not answer within the lookup's time limit/,
    );
  });
});
