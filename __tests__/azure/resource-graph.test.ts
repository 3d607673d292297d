/**
 * Discovery and the Resource-Graph-backed reader, through the official
 * @azure/arm-resourcegraph client against the HTTPS sandbox: every scope
 * kind, tags (hostile ones too), paging and a result that changes between
 * pages, the quota, unreadable scopes, and the reader answering from Resource
 * Graph with Resource Manager for the rest.
 */
import { createResourceGraph } from "@azure/arm-resourcegraph/api";
import { type PipelinePolicy, RestError } from "@azure/core-rest-pipeline";
import { captureCluster } from "../../src/app/capture-cluster.js";
import { withSources } from "../../src/app/fleet.js";
import { BudgetSpent, Deadline } from "../../src/core/deadline.js";
import { GateError } from "../../src/core/errors.js";
import { parseScope, parseScopeTag, type FleetScope } from "../../src/core/fleet/scope.js";
import { GateDefect, TransientError } from "../../src/io/azure/failures.js";
import { clustersQuery, ResourceGraphFleetReader } from "../../src/io/azure/graph-discovery.js";
import { GraphBackedReader } from "../../src/io/azure/graph-reader.js";
import {
  explainGraphFailure,
  GraphQuotaPacer,
  kqlString,
  resetsAfterMs,
  ResourceGraph,
} from "../../src/io/azure/resource-graph.js";
import { throttledFault } from "../../sandbox/arm.js";
import { type ArmResource, azureCniCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { armInProcess } from "../helpers/arm-in-process.js";

const SUB_A = "aaaaaaaa-0000-0000-0000-000000000001";
const SUB_B = "bbbbbbbb-0000-0000-0000-000000000002";
const now = () => new Date("2026-11-23T10:00:00Z");

const arm = armInProcess();

function fleetWorld(): World {
  return new World(
    ...kubenetCluster({ subscriptionId: SUB_A, resourceGroup: "rg-one", name: "aks-a1", tags: { env: "prod" } })
      .resources,
    ...azureCniCluster({ subscriptionId: SUB_A, resourceGroup: "rg-two", name: "aks-a2", tags: { env: "dev" } })
      .resources,
    ...kubenetCluster({ subscriptionId: SUB_B, resourceGroup: "rg-one", name: "aks-b1", tags: { Env: "prod" } })
      .resources,
  );
}

function scopes(...lines: string[]): FleetScope[] {
  return lines.map((line, index) => parseScope(line, `input 'scope', line ${index + 1}`));
}

function discovery() {
  const graph = ResourceGraph.over(arm.reader());
  return { graph, fleet: new ResourceGraphFleetReader(graph, now) };
}

async function failure(promise: Promise<unknown>): Promise<GateError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GateError);
  return error as GateError;
}

const names = (result: { clusters: { name: string }[] }) => result.clusters.map((cluster) => cluster.name);

/** Discovery sends its two queries at once and fails on the first refusal: the other is let land before the next test. */
async function bothAnswered(): Promise<void> {
  for (let waited = 0; arm.sandbox.graph.queries.length < 2 && waited < 2000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(() => {
  arm.sandbox.world = fleetWorld();
});

describe("discovery through Resource Graph", () => {
  it("lists a subscription's clusters with their plugin and tags, and the readable subscriptions", async () => {
    const result = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), []);
    expect(names(result)).toEqual(["aks-a1", "aks-a2"]);
    expect(result.clusters[0]).toMatchObject({
      subscriptionId: SUB_A,
      resourceGroup: "rg-one",
      location: "eastus",
      networkPlugin: "kubenet",
      tags: { env: "prod" },
    });
    expect([...result.managementGroupSubscriptions]).toEqual([]);
    expect(result.untagged).toEqual([]);
    expect(result).toMatchObject({ queriedAt: "2026-11-23T10:00:00.000Z", queries: 2 });
    expect(arm.sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /providers/Microsoft.ResourceGraph/resources",
      "POST /providers/Microsoft.ResourceGraph/resources",
    ]);
  });

  it("narrows to a resource group and to one cluster", async () => {
    const group = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}/resourceGroups/rg-two`), []);
    expect(names(group)).toEqual(["aks-a2"]);
    const cluster = `/subscriptions/${SUB_B}/resourceGroups/rg-one/providers/Microsoft.ContainerService/managedClusters/aks-b1`;
    expect(names(await discovery().fleet.discover(scopes(cluster), []))).toEqual(["aks-b1"]);
  });

  it("sends a management group as managementGroups and lists its subscriptions' clusters", async () => {
    arm.sandbox.graph.managementGroups.set("platform", [SUB_A, SUB_B]);
    const result = await discovery().fleet.discover(
      scopes("/providers/Microsoft.Management/managementGroups/platform"),
      [],
    );
    expect(names(result)).toEqual(["aks-a1", "aks-a2", "aks-b1"]);
    expect([...result.managementGroupSubscriptions].sort()).toEqual([SUB_A, SUB_B].sort());
    expect(arm.sandbox.graph.queries[0]?.body).toMatchObject({ managementGroups: ["platform"] });
    expect(arm.sandbox.graph.queries[0]?.body).not.toHaveProperty("subscriptions");
  });

  it("keeps only the clusters carrying every scope tag: keys ignoring case as Azure's tag names do, values exactly", async () => {
    const tags = [parseScopeTag("env=prod", "input 'scope-tags', line 1")];
    const result = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`), tags);
    expect(names(result)).toEqual(["aks-a1", "aks-b1"]);
    expect(result.untagged.map((cluster) => cluster.name)).toEqual(["aks-a2"]);
    const upper = [parseScopeTag("env=Prod", "input 'scope-tags', line 1")];
    const none = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), upper);
    expect(names(none)).toEqual([]);
    expect(none.untagged.map((cluster) => cluster.name)).toEqual(["aks-a1", "aks-a2"]);
  });

  it("follows $skipToken over several pages", async () => {
    arm.sandbox.graph.pageSize = 1;
    const { fleet } = discovery();
    const result = await fleet.discover(scopes(`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`), []);
    expect(names(result)).toEqual(["aks-a1", "aks-a2", "aks-b1"]);
    expect(result.queries).toBeGreaterThan(4);
    const pages = arm.sandbox.graph.queries.map((query) => query.body as { options?: Record<string, unknown> });
    expect(pages.filter((body) => typeof body.options?.["$skipToken"] === "string").length).toBeGreaterThan(0);
    expect(
      pages.every((body) => body.options?.["$top"] === 1000 && body.options?.["resultFormat"] === "objectArray"),
    ).toBe(true);
  });
});

describe("a result that changes while it is paged", () => {
  const MANY = `/subscriptions/${SUB_A}/resourceGroups/rg-many/providers/Microsoft.ContainerService/managedClusters`;
  const clusterName = (index: number) => `aks-${String(index).padStart(4, "0")}`;

  /** A managed cluster with only what discovery's query projects: many of them make a fleet of several pages. */
  function bareCluster(name: string): ArmResource {
    return {
      id: `${MANY}/${name}`,
      name,
      type: "Microsoft.ContainerService/managedClusters",
      location: "eastus",
      tags: {},
      properties: { networkProfile: { networkPlugin: "kubenet" } },
    };
  }

  function manyClusters(count: number): World {
    return new World(...Array.from({ length: count }, (_, index) => bareCluster(clusterName(index))));
  }

  const isClustersQuery = (body: unknown) => JSON.stringify(body).includes("managedclusters");
  const clusterPages = () => arm.sandbox.graph.queries.filter((query) => isClustersQuery(query.body));

  /**
   * A client on the reader's pipeline whose `between` runs once each answer to a clusters query
   * has landed, before the next page is asked for: Azure's resources change between two pages.
   */
  function racedGraph(between: (answered: number) => void): ResourceGraph {
    const pacer = new GraphQuotaPacer();
    const quota = pacer.policy();
    let answered = 0;
    const race: PipelinePolicy = {
      name: "testChangeBetweenPages",
      sendRequest: async (request, next) => {
        const response = await quota.sendRequest(request, next);
        if (typeof request.body === "string" && isClustersQuery(request.body)) between(++answered);
        return response;
      },
    };
    const { client } = arm
      .reader()
      .withPipeline((credential, options) => createResourceGraph(credential, "", options), race);
    return new ResourceGraph(client, pacer);
  }

  const readClusters = (graph: ResourceGraph) =>
    graph.query({ subscriptions: [SUB_A] }, clustersQuery({ scopes: scopes(`/subscriptions/${SUB_A}`) }), "'test'");

  it("reads a fleet of two full pages in as many queries as pages", async () => {
    arm.sandbox.world = manyClusters(1002);
    const result = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), []);
    expect(result.clusters).toHaveLength(1002);
    expect(clusterPages()).toHaveLength(2);
    expect(result.queries).toBe(3);
  });

  it("reads the whole query again when a cluster is deleted between page 1 and page 2, and lists the fleet as it is", async () => {
    arm.sandbox.world = manyClusters(1002);
    const graph = racedGraph((answered) => {
      if (answered === 1) arm.sandbox.world.delete(`${MANY}/${clusterName(0)}`);
    });
    const result = await new ResourceGraphFleetReader(graph, now).discover(scopes(`/subscriptions/${SUB_A}`), []);
    // Without a second read: aks-0000 (deleted) listed, and aks-1000 (moved to page 1) never seen.
    expect(names(result)).toEqual(Array.from({ length: 1001 }, (_, index) => clusterName(index + 1)));
    // The containers query, two pages that disagree on totalRecords, and the two pages of the second read.
    expect(clusterPages()).toHaveLength(4);
    expect(result.queries).toBe(5);
    expect(graph.queries).toBe(5);
  });

  it("reads again when a row comes twice though the count stayed the same (one created before the page's end, one deleted after it)", async () => {
    arm.sandbox.world = manyClusters(5);
    arm.sandbox.graph.pageSize = 2;
    const graph = racedGraph((answered) => {
      if (answered !== 1) return;
      arm.sandbox.world.put(bareCluster("aks-0000a"));
      arm.sandbox.world.delete(`${MANY}/${clusterName(4)}`);
    });
    const rows = await readClusters(graph);
    expect(rows.map((row) => row["name"])).toEqual(["aks-0000", "aks-0000a", "aks-0001", "aks-0002", "aks-0003"]);
    expect(clusterPages()).toHaveLength(5);
    expect(graph.queries).toBe(5);
  });

  it("reads again when the pages hold fewer rows than totalRecords", async () => {
    arm.sandbox.world = manyClusters(3);
    const row = { id: `${MANY}/${clusterName(0)}`, name: clusterName(0) };
    const short = { totalRecords: 3, count: 1, data: [row], facets: [], resultTruncated: "false" };
    arm.sandbox.faults.add({ method: "POST", path: /ResourceGraph\/resources$/, times: 1, status: 200, body: short });
    const graph = ResourceGraph.over(arm.reader());
    const rows = await readClusters(graph);
    expect(rows.map((found) => found["name"])).toEqual([clusterName(0), clusterName(1), clusterName(2)]);
    expect(graph.queries).toBe(2);
  });

  it("takes a page without totalRecords as it is: the count cannot be checked, and the run is not failed for it", async () => {
    const row = { id: `${MANY}/${clusterName(0)}`, name: clusterName(0) };
    const bare = { count: 1, data: [row], facets: [], resultTruncated: "false" };
    arm.sandbox.faults.add({ method: "POST", path: /ResourceGraph\/resources$/, status: 200, body: bare });
    const graph = ResourceGraph.over(arm.reader());
    expect((await readClusters(graph)).map((found) => found["name"])).toEqual([clusterName(0)]);
    expect(graph.queries).toBe(1);
  });

  it("fails as Azure's transient state when the result changes on the second read too", async () => {
    arm.sandbox.world = manyClusters(5);
    arm.sandbox.graph.pageSize = 2;
    const graph = racedGraph((answered) => {
      if (answered % 2 === 1) arm.sandbox.world.delete(`${MANY}/${clusterName(0)}`);
      else arm.sandbox.world.put(bareCluster(clusterName(0)));
    });
    const error = await failure(readClusters(graph));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(GateDefect);
    expect(error.message).toContain("changed while the gate read it page by page");
    expect(error.message).toContain("'test'");
    expect(error.message).toContain("created or deleted");
    expect(error.hint).toMatch(/run again/i);
    // Each read stops at the page that disagrees with the first: two pages, twice.
    expect(clusterPages()).toHaveLength(4);
    expect(graph.queries).toBe(4);
  });
});

describe("a scope Resource Graph cannot read", () => {
  it("is an error naming the scope and the role, never an empty fleet", async () => {
    arm.sandbox.graph.unreadableSubscriptions.add(SUB_B);
    const error = await failure(
      discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`), []),
    );
    expect(error.message).toContain(`'/subscriptions/${SUB_B}'`);
    expect(error.hint).toContain(`'Reader' role on /subscriptions/${SUB_B}`);
  });

  it("names a resource group a readable subscription does not list as the line to check", async () => {
    const group = await failure(
      discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}/resourceGroups/rg-gone`), []),
    );
    expect(group.message).toBe(
      `Input 'scope': Azure Resource Graph lists subscription ${SUB_A} to the signed-in identity, but no resource group 'rg-gone' in it, for '/subscriptions/${SUB_A}/resourceGroups/rg-gone'.`,
    );
    expect(group.hint).toContain("Check the resource group's name in that 'scope' line");
  });

  it("takes Resource Graph's refusal of subscriptions none of which may be read as the scope's, asking for Reader", async () => {
    arm.sandbox.graph.unreadableSubscriptions.add(SUB_A);
    const error = await failure(discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), []));
    expect(error).not.toBeInstanceOf(GateDefect);
    expect(error.message).toContain(
      `finds no subscription of '/subscriptions/${SUB_A}' that the signed-in identity may read`,
    );
    expect(error.message).toContain("NoValidSubscriptionsInQueryRequest");
    expect(error.hint).toBe(
      `Grant the signed-in identity the 'Reader' role on '/subscriptions/${SUB_A}', or remove the line from 'scope'.`,
    );
    await bothAnswered();
  });

  it("takes a management group Resource Graph does not know as a mistyped ID, not a defect", async () => {
    const error = await failure(
      discovery().fleet.discover(scopes("/providers/Microsoft.Management/managementGroups/nobody"), []),
    );
    expect(error).not.toBeInstanceOf(GateDefect);
    expect(error.message).toContain(
      "takes no management group '/providers/Microsoft.Management/managementGroups/nobody'",
    );
    expect(error.message).toContain("ManagementGroupsContainInvalidIds");
    await bothAnswered();
    expect(error.hint).toContain("not its display name");
  });

  it("refuses a management group answer cut at Resource Graph's subscription limit: never a partial fleet", async () => {
    arm.sandbox.graph.managementGroups.set("platform", [SUB_A, SUB_B]);
    arm.sandbox.graph.subscriptionLimit = 1;
    const error = await failure(
      discovery().fleet.discover(scopes("/providers/Microsoft.Management/managementGroups/platform"), []),
    );
    expect(error.message).toContain("x-ms-tenant-subscription-limit-hit: true");
    await bothAnswered();
    expect(error.hint).toContain("Split the management group");
  });
});

describe("KQL built from user text", () => {
  it("escapes quotes, backslashes and line breaks so a tag value cannot end its literal", () => {
    expect(kqlString("x' or type =~ 'y", "t")).toBe("'x\\' or type =~ \\'y'");
    expect(kqlString("a\\'b\n", "t")).toBe("'a\\\\\\'b\\n'");
    expect(() => kqlString("bell\u0007", "input 'scope-tags', line 2")).toThrow(/line 2.*control character/);
  });

  it("keeps a hostile tag value out of the query: it selects nothing and breaks nothing", async () => {
    const hostile = [parseScopeTag("env=prod' or name =~ 'aks-a2", "input 'scope-tags', line 1")];
    const result = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), hostile);
    expect(result.clusters).toEqual([]);
    expect(arm.sandbox.graph.queries.every((query) => query.status === 200)).toBe(true);
    expect(JSON.stringify(arm.sandbox.graph.queries.map((query) => query.body))).not.toContain("aks-a2");
    const backslash = [parseScopeTag("env=\\", "input 'scope-tags', line 1")];
    expect((await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), backslash)).clusters).toEqual([]);
  });

  it("finds a cluster whose tag value holds quotes and backslashes, exactly", async () => {
    const id = `/subscriptions/${SUB_A}/resourceGroups/rg-two/providers/Microsoft.ContainerService/managedClusters/aks-a2`;
    arm.sandbox.world.patch(id, (body) => (body.tags = { team: `o'brien "\\ ops` }));
    const tags = [parseScopeTag(`team=o'brien "\\ ops`, "input 'scope-tags', line 1")];
    expect(names(await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), tags))).toEqual(["aks-a2"]);
  });

  it("reports a query Resource Graph cannot parse as the gate's defect", async () => {
    const { graph } = discovery();
    const error = await failure(graph.query({ subscriptions: [SUB_A] }, "resources | summarize count()", "a test"));
    expect(error).toBeInstanceOf(GateDefect);
    expect(error.message).toMatch(/InvalidQuery/);
  });
});

describe("Resource Graph's quota", () => {
  it("reads hh:mm:ss", () => {
    expect(resetsAfterMs("00:00:03")).toBe(3000);
    expect(resetsAfterMs("01:02:03")).toBe(3_723_000);
    expect(resetsAfterMs("3 s")).toBeUndefined();
  });

  it("is waited for when spent, so the gate is never throttled", async () => {
    arm.sandbox.graph.quota = { limit: 2, windowMs: 1000 };
    arm.sandbox.graph.pageSize = 1;
    const { graph, fleet } = discovery();
    const result = await fleet.discover(scopes(`/subscriptions/${SUB_A}`), []);
    expect(names(result)).toEqual(["aks-a1", "aks-a2"]);
    expect(arm.sandbox.graph.queries.map((query) => query.status).filter((status) => status !== 200)).toEqual([]);
    expect(graph.pacer.paced).toBeGreaterThan(0);
  });

  it("waits out a 429 without Retry-After by its quota headers, and reads on", async () => {
    arm.sandbox.graph.retryAfterOn429 = false;
    arm.sandbox.graph.quota = { limit: 1, windowMs: 1000 };
    const { graph, fleet } = discovery();
    const result = await fleet.discover(scopes(`/subscriptions/${SUB_A}`), []);
    expect(names(result)).toEqual(["aks-a1", "aks-a2"]);
    const statuses = arm.sandbox.graph.queries.map((query) => query.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(graph.queries).toBe(statuses.length);
  });

  it("takes a 429 or 5xx whose body is not an Azure error as Azure's, to retry, never as the gate's defect", async () => {
    // No quota headers on these answers: a reset "now" keeps the test from waiting the default 5 s between attempts.
    const headers = { "x-ms-user-quota-resets-after": "00:00:00" };
    for (const status of [429, 502]) {
      arm.sandbox.faults.clear();
      arm.sandbox.faults.add({ method: "POST", path: /ResourceGraph\/resources$/, status, headers, body: {} });
      // One query, so that no sibling is still retrying when the test ends.
      const { graph } = discovery();
      const error = await failure(graph.query({ subscriptions: [SUB_A] }, "resources | project id", "'sub A'"));
      expect([status, error]).toEqual([status, expect.any(TransientError)]);
      expect(error.message).toContain(`(${status}: ${status}, with a body that is not an Azure error`);
    }
  });

  it("says a throttled query is Resource Graph's quota of the identity, which neither 'concurrency' nor more shards lower", async () => {
    const headers = { "x-ms-user-quota-resets-after": "00:00:00" };
    const body = { error: { code: "RateLimiting", message: "Please provide below info when asking for support" } };
    arm.sandbox.faults.add({ method: "POST", path: /ResourceGraph\/resources$/, status: 429, headers, body });
    const { graph } = discovery();
    const error = await failure(graph.query({ subscriptions: [SUB_A] }, "resources | project id", "'sub A'"));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(
      /^Azure Resource Graph kept throttling the query for 'sub A' after the retries \(429 /,
    );
    expect(error.hint).toBe(
      "This is transient, on Azure's side: run again later, or run fewer jobs or shards signed in as this identity at the same time " +
        "(Resource Graph's quota, 15 queries per 5 s, is the signed-in identity's and shared by every job and shard signed in as it; " +
        "'concurrency' does not change it, and every shard repeats the whole discovery).",
    );
  });

  it("sends a 5xx that outlasts the retries to Resource Graph's status, not Resource Manager's", () => {
    const answer = new RestError("Encountered an internal server error.", {
      statusCode: 500,
      code: "InternalServerError",
    });
    const error = explainGraphFailure("'sub A'", answer);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe(
      "Azure Resource Graph failed to answer the query for 'sub A' (500 InternalServerError: Encountered an internal server error.).",
    );
    expect(error.hint).toBe(
      "This is transient, on Azure's side: run again; if it persists, check the Azure status page for Azure Resource Graph.",
    );
  });

  it("names the identity's shared quota, not 'shard', when the run's budget cannot wait for it", () => {
    const pacer = new GraphQuotaPacer(new Deadline(10_000, () => 0), undefined, () => 0);
    const throttled = { get: (name: string) => ({ "retry-after": "30" })[name.toLowerCase()] };
    let spent: unknown;
    try {
      pacer.afterResponse(429, throttled);
    } catch (error) {
      spent = error;
    }
    expect(spent).toBeInstanceOf(BudgetSpent);
    expect((spent as BudgetSpent).message).toBe(
      "The run's time budget ('timeout-minutes') does not allow the wait Azure Resource Graph asked for before the next query (429, Retry-After 30 s): it asks for 30 s, 10 s are left.",
    );
    expect((spent as BudgetSpent).hint).toMatch(
      /^Raise 'timeout-minutes', or run fewer jobs or shards signed in as this identity at the same time: Resource Graph's quota, 15 queries per 5 s, is the signed-in identity's/,
    );
    const aborted = explainGraphFailure(
      "'sub A'",
      Object.assign(new Error("The operation was aborted."), { name: "AbortError" }),
      true,
    );
    expect(aborted.message).toBe(
      "The run's time budget ran out while reading Azure Resource Graph (the query for 'sub A').",
    );
    expect(aborted.hint).toMatch(
      /^Raise 'timeout-minutes', or check why Azure answers slowly; 'shard' does not shorten it: /,
    );
  });

  describe("with queries side by side, whose answers land in any order", () => {
    function clocked() {
      const clock = { now: 0, waits: [] as number[] };
      const sleep = (ms: number) => {
        clock.waits.push(ms);
        clock.now += ms;
        return Promise.resolve();
      };
      return { clock, pacer: new GraphQuotaPacer(undefined, sleep, () => clock.now) };
    }
    const quota = (remaining: number, more: Record<string, string> = {}) => {
      const values: Record<string, string> = {
        "x-ms-user-quota-remaining": String(remaining),
        "x-ms-user-quota-resets-after": "00:00:04",
        ...more,
      };
      return { get: (name: string) => values[name.toLowerCase()] };
    };

    it("counts the fewest queries left that an answer of the window reported, less those still in flight", async () => {
      const { clock, pacer } = clocked();
      for (let sent = 0; sent < 6; sent++) await pacer.beforeQuery();
      for (const left of [9, 10, 11, 12, 13, 14]) {
        pacer.afterResponse(200, quota(left));
        pacer.settled();
      }
      for (let sent = 0; sent < 9; sent++) await pacer.beforeQuery();
      expect(clock.waits).toEqual([]);
      await pacer.beforeQuery();
      expect(clock.waits).toEqual([4000]);
    });

    it("never lifts a 429's hold on a late answer sent before it", async () => {
      const { clock, pacer } = clocked();
      await pacer.beforeQuery();
      await pacer.beforeQuery();
      pacer.afterResponse(429, quota(0, { "retry-after": "30" }));
      pacer.settled();
      pacer.afterResponse(200, quota(5));
      pacer.settled();
      await pacer.beforeQuery();
      expect(clock.waits).toEqual([30_000]);
    });

    it("starts afresh with the answers of the next window", async () => {
      const { clock, pacer } = clocked();
      await pacer.beforeQuery();
      pacer.afterResponse(200, quota(0));
      pacer.settled();
      await pacer.beforeQuery();
      expect(clock.waits).toEqual([4000]);
      pacer.afterResponse(200, quota(14));
      pacer.settled();
      await pacer.beforeQuery();
      expect(clock.waits).toEqual([4000]);
    });
  });

  it("honours a 429's Retry-After and reads on", async () => {
    arm.sandbox.faults.add(
      throttledFault({ method: "POST", path: /ResourceGraph\/resources$/, retryAfter: 1, times: 1 }),
    );
    const result = await discovery().fleet.discover(scopes(`/subscriptions/${SUB_A}`), []);
    expect(names(result)).toEqual(["aks-a1", "aks-a2"]);
    expect(arm.sandbox.requests.map((request) => request.status)).toEqual([429, 200, 200]);
  });
});

describe("discovery that takes its clusters from the check's cluster query", () => {
  function shared() {
    const armReader = arm.reader();
    const graph = ResourceGraph.over(armReader);
    const backed = new GraphBackedReader(armReader, graph, now);
    const fleet = new ResourceGraphFleetReader(graph, now, (subscriptions) => backed.managedClusterRows(subscriptions));
    return { backed, fleet };
  }

  const projected = () =>
    arm.sandbox.graph.queries.filter((query) => JSON.stringify(query.body).includes("networkPlugin ="));

  it("finds what its own query finds, and the run sends one query fewer", async () => {
    const lines = scopes(`/subscriptions/${SUB_A}/resourceGroups/rg-two`, `/subscriptions/${SUB_B}`);
    const own = await discovery().fleet.discover(lines, []);
    expect(projected()).toHaveLength(1);
    arm.sandbox.graph.reset();
    const { backed, fleet } = shared();
    const found = await fleet.discover(lines, []);
    await backed.prefetchSubscriptions([SUB_A, SUB_B]);
    expect(names(found)).toEqual(["aks-a2", "aks-b1"]);
    expect(found.clusters).toEqual(own.clusters);
    expect(found.clusters.map((cluster) => cluster.networkPlugin)).toEqual(["azure", "kubenet"]);
    // The containers query, and the check's four; discovery's own cluster query is not sent.
    expect(projected()).toEqual([]);
    expect(arm.sandbox.graph.queries).toHaveLength(5);
  });

  it("keeps only the clusters that carry every tag", async () => {
    const tags = [parseScopeTag("env=prod", "input 'scope-tags', line 1")];
    const { backed, fleet } = shared();
    const found = await fleet.discover(scopes(`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}`), tags);
    await backed.prefetchSubscriptions([SUB_A, SUB_B]);
    expect(names(found)).toEqual(["aks-a1", "aks-b1"]);
  });

  it("fails with the query's error, and so does a batch that never started after it: nothing waits for ever", async () => {
    arm.sandbox.faults.add({
      method: "POST",
      path: /ResourceGraph\/resources$/,
      status: 400,
      body: { error: { code: "BadRequest", message: "Please provide below info when asking for support" } },
    });
    const { backed, fleet } = shared();
    await expect(backed.managedClusterRows([SUB_A])).rejects.toBeInstanceOf(GateError);
    // SUB_B's batch is read after SUB_A's, which failed: its cluster rows fail with it, unsent.
    await expect(backed.managedClusterRows([SUB_B])).rejects.toBeInstanceOf(GateError);
    await expect(fleet.discover(scopes(`/subscriptions/${SUB_B}`), [])).rejects.toBeInstanceOf(GateError);
    // SUB_A's four queries and discovery's containers query; the next test starts once all are answered.
    const sent = () => arm.sandbox.requests.filter((request) => request.method === "POST" && request.status > 0);
    while (sent().length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent()).toHaveLength(5);
  });
});

describe("the Resource-Graph-backed reader", () => {
  const ref = { subscriptionId: SUB_A, resourceGroup: "rg-one", name: "aks-a1" };
  const clusterId = `/subscriptions/${SUB_A}/resourceGroups/rg-one/providers/Microsoft.ContainerService/managedClusters/aks-a1`;

  function backed() {
    const armReader = arm.reader();
    return new GraphBackedReader(armReader, ResourceGraph.over(armReader), now);
  }

  it("captures the same snapshot as Resource Manager, reading only what Resource Graph lacks from it", async () => {
    const direct = await captureCluster(arm.reader(), ref, now);
    arm.sandbox.requests.length = 0;
    const reader = backed();
    await reader.prefetchSubscriptions([SUB_A]);
    const viaGraph = await captureCluster(reader, ref, now);
    expect(viaGraph).toEqual(direct);
    const armReads = arm.sandbox.requests.filter((request) => request.method === "GET").map((request) => request.path);
    expect(armReads.length).toBeGreaterThan(0);
    expect(armReads.filter((path) => !/\/(virtualMachines|networkInterfaces)$/i.test(path))).toEqual([]);
    // One query per type (clusters, VNets, route tables, scale sets), sent side by side.
    expect(
      arm.sandbox.graph.queries.map((query) => /type =~ '([^']+)'/.exec(JSON.stringify(query.body))?.[1]).sort(),
    ).toEqual([
      "microsoft.compute/virtualmachinescalesets",
      "microsoft.containerservice/managedclusters",
      "microsoft.network/routetables",
      "microsoft.network/virtualnetworks",
    ]);
  });

  it("asks Resource Graph for a subscription once, however often and however concurrently it is asked", async () => {
    const reader = backed();
    await Promise.all([reader.prefetchSubscriptions([SUB_A]), reader.prefetchSubscriptions([SUB_A.toUpperCase()])]);
    await reader.prefetchSubscriptions([SUB_A]);
    expect(arm.sandbox.graph.queries).toHaveLength(4);
  });

  it("records where each fact came from and when", async () => {
    const reader = backed();
    await reader.prefetchSubscriptions([SUB_A]);
    const snapshot = withSources(await captureCluster(reader, ref, now), reader);
    // The VNet and the scale sets come from lists of their resource groups, and are named by their own IDs.
    const listed = (snapshot.sources ?? []).filter((fact) =>
      /virtualNetworks|virtualMachineScaleSets/i.test(fact.resourceId),
    );
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const fact of listed)
      expect(fact).toMatchObject({ source: "resource-graph", asOf: "2026-11-23T10:00:00.000Z" });
    const sources = reader.sources();
    expect(sources).toContainEqual({
      resourceId: clusterId,
      source: "resource-graph",
      asOf: "2026-11-23T10:00:00.000Z",
    });
    expect(sources).toContainEqual(
      expect.objectContaining({ resourceId: `${clusterId}/agentPools`, source: "resource-graph" }),
    );
    expect(
      sources.some(
        (fact) => fact.source === "resource-manager" && /networkInterfaces|virtualMachines$/.test(fact.resourceId),
      ),
    ).toBe(true);
  });

  it("falls back to Resource Manager for what Resource Graph does not hold", async () => {
    arm.sandbox.graph.copy = new World();
    const reader = backed();
    await reader.prefetchSubscriptions([SUB_A]);
    const snapshot = await captureCluster(reader, ref, now);
    expect(snapshot).toEqual(await captureCluster(arm.reader(), ref, now));
    expect(
      arm.sandbox.requests.some(
        (request) => request.method === "GET" && /managedClusters\/aks-a1$/i.test(request.path),
      ),
    ).toBe(true);
    expect(reader.sources().find((fact) => fact.resourceId === clusterId)?.source).toBe("resource-manager");
  });

  it("keeps pool fields the way the agent pools list reads them: type, mode, autoscaler, max surge, subnets", async () => {
    const reader = backed();
    await reader.prefetchSubscriptions([SUB_A]);
    expect(await reader.listAgentPools(clusterId)).toEqual(await arm.reader().listAgentPools(clusterId));
  });
});
