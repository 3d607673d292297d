/**
 * The sandbox's Resource Graph endpoint, over raw HTTPS: only the query POST
 * is served, with Resource Graph's own answers to a wrong api-version, a query
 * it cannot parse and a spent quota; every other write keeps the 405.
 */
import { entraAccessToken, startArmSandbox, type ArmSandbox } from "../../sandbox/arm.js";
import { parseKql, evaluate } from "../../sandbox/kql.js";
import { breaksReadOnly } from "../helpers/read-only.js";
import { rawRequest, SUBSCRIPTION, twoClusters } from "./fixtures.js";

const BEARER = `Bearer ${entraAccessToken("https://management.azure.com/")}`;
const QUERY_PATH = "/providers/Microsoft.ResourceGraph/resources";
const OTHER = "99999999-0000-0000-0000-000000000009";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

async function post(sandbox: ArmSandbox, path: string, body: unknown, authorization = BEARER): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const headers = { Authorization: authorization, "Content-Type": "application/json" };
  const answer = await rawRequest(sandbox, "POST", path, headers, text);
  return { ...answer, body: JSON.parse(answer.body || "{}") as Record<string, unknown> };
}

const query = (sandbox: ArmSandbox, body: unknown, version = "2024-04-01") =>
  post(sandbox, `${QUERY_PATH}?api-version=${version}`, body);

describe("the sandbox's Resource Graph endpoint", () => {
  let sandbox: ArmSandbox;

  beforeAll(async () => {
    sandbox = await startArmSandbox(twoClusters().world);
  });

  beforeEach(() => {
    sandbox.graph.reset();
    sandbox.requests.length = 0;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it("answers a query with the spec's QueryResponse, records it, and stamps the quota headers", async () => {
    const answer = await query(sandbox, {
      subscriptions: [SUBSCRIPTION],
      query:
        "resources | where type =~ 'Microsoft.ContainerService/managedClusters' | project id, name | order by name asc",
      options: { $top: 1000, resultFormat: "objectArray" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ totalRecords: 2, count: 2, resultTruncated: "false", facets: [] });
    expect((answer.body["data"] as { name: string }[]).map((row) => row.name)).toEqual(["aks-cni", "aks-kubenet"]);
    expect(answer.headers["x-ms-user-quota-remaining"]).toBe("14");
    expect(answer.headers["x-ms-user-quota-resets-after"]).toMatch(/^00:00:0[1-5]$/);
    expect(sandbox.requests.map((request) => [request.method, request.path])).toEqual([["POST", QUERY_PATH]]);
    expect(sandbox.graph.queries[0]?.body).toMatchObject({ subscriptions: [SUBSCRIPTION] });
  });

  it("pages with $skipToken and refuses a token of another query", async () => {
    sandbox.graph.pageSize = 1;
    const body = { subscriptions: [SUBSCRIPTION], query: "resourcecontainers | project id | order by id asc" };
    const first = await query(sandbox, body);
    const token = first.body["$skipToken"];
    expect(typeof token).toBe("string");
    const second = await query(sandbox, { ...body, options: { $skipToken: token } });
    expect(second.status).toBe(200);
    expect(second.body["data"]).not.toEqual(first.body["data"]);
    const other = await query(sandbox, { ...body, query: "resources | project id", options: { $skipToken: token } });
    expect(other.status).toBe(400);
  });

  it("pages by offset into the query run again: a resource deleted between two pages shifts the rest", async () => {
    sandbox.graph.pageSize = 1;
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-cni`;
    const body = {
      subscriptions: [SUBSCRIPTION],
      query:
        "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name | order by id asc",
    };
    const first = await query(sandbox, body);
    expect(first.body).toMatchObject({ totalRecords: 2, data: [{ name: "aks-cni" }] });
    const deleted = sandbox.world.require(id);
    sandbox.world.delete(id);
    try {
      const second = await query(sandbox, { ...body, options: { $skipToken: first.body["$skipToken"] } });
      // aks-kubenet moved to the first page, already read: the second holds nothing, and the count says so.
      expect(second.body).toMatchObject({ totalRecords: 1, count: 0, data: [] });
      expect(second.body).not.toHaveProperty("$skipToken");
    } finally {
      sandbox.world.put(deleted);
    }
  });

  it("takes a $top from 1 to 1000, as the spec's QueryRequestOptions bound it, and refuses any other", async () => {
    const body = { subscriptions: [SUBSCRIPTION], query: "resources | project id" };
    expect((await query(sandbox, { ...body, options: { $top: 1000 } })).status).toBe(200);
    for (const top of [0, 1001, 2.5]) {
      const answer = await query(sandbox, { ...body, options: { $top: top } });
      expect([top, answer.status, JSON.stringify(answer.body)]).toEqual([top, 400, expect.stringContaining("$top")]);
    }
  });

  it("leaves out, silently, the rows of a subscription the caller cannot read beside one it can", async () => {
    const readable = await query(sandbox, { subscriptions: [SUBSCRIPTION], query: "resources | project id" });
    sandbox.graph.unreadableSubscriptions.add(OTHER.toUpperCase());
    const answer = await query(sandbox, { subscriptions: [SUBSCRIPTION, OTHER], query: "resources | project id" });
    expect(answer.status).toBe(200);
    expect(answer.body["data"]).toEqual(readable.body["data"]);
  });

  it("refuses subscriptions none of which the caller may read, and a management group it does not know", async () => {
    sandbox.graph.unreadableSubscriptions.add(SUBSCRIPTION.toUpperCase());
    const none = await query(sandbox, { subscriptions: [SUBSCRIPTION], query: "resources | project id" });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('"code":"NoValidSubscriptionsInQueryRequest"');
    const group = await query(sandbox, { managementGroups: ["Tenant Root Group"], query: "resources | project id" });
    expect(group.status).toBe(400);
    expect((group.body["error"] as { details: unknown[] }).details).toEqual([
      {
        code: "ManagementGroupsContainInvalidIds",
        message: "The provided management groups must be valid. Given: 'Tenant Root Group'.",
      },
    ]);
  });

  it("covers a management group's first subscriptions past its limit, and says so in a header", async () => {
    sandbox.graph.managementGroups.set("platform", [OTHER, SUBSCRIPTION]);
    sandbox.graph.subscriptionLimit = 1;
    const answer = await query(sandbox, { managementGroups: ["platform"], query: "resources | project id" });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-ms-tenant-subscription-limit-hit"]).toBe("true");
    expect(answer.body).toMatchObject({ totalRecords: 0 });
  });

  it("lists the resourceGroup column in lower case, the id as it is", async () => {
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/RG-Logs/providers/Microsoft.Storage/storageAccounts/stlogs`;
    sandbox.world.put({ id, name: "stlogs", type: "Microsoft.Storage/storageAccounts", location: "westeurope" });
    try {
      const answer = await query(sandbox, {
        subscriptions: [SUBSCRIPTION],
        query: "resources | where type =~ 'microsoft.storage/storageaccounts' | project id, resourceGroup",
      });
      expect(answer.body["data"]).toEqual([{ id, resourceGroup: "rg-logs" }]);
    } finally {
      sandbox.world.delete(id);
    }
  });

  it("answers a query it cannot parse with Resource Graph's BadRequest, InvalidQuery and ParserFailure", async () => {
    const answer = await query(sandbox, { query: "resources | summarize count() by type" });
    expect(answer.status).toBe(400);
    const error = answer.body["error"] as { code: string; details: { code: string }[] };
    expect(error.code).toBe("BadRequest");
    expect(error.details.map((detail) => detail.code)).toEqual(["InvalidQuery", "ParserFailure"]);
    const unterminated = await query(sandbox, { query: "resources | where name =~ 'x" });
    expect(unterminated.status).toBe(400);
  });

  it("answers a version it does not serve with InvalidResourceType naming the served ones", async () => {
    const answer = await query(sandbox, { query: "resources" }, "2099-01-01");
    expect(answer.status).toBe(404);
    const error = answer.body["error"] as { code: string; message: string };
    expect(error.code).toBe("InvalidResourceType");
    expect(error.message).toContain("2024-04-01");
    expect((await post(sandbox, QUERY_PATH, { query: "resources" })).status).toBe(400);
  });

  it("authenticates like an ARM read", async () => {
    const answer = await post(sandbox, `${QUERY_PATH}?api-version=2024-04-01`, { query: "resources" }, "");
    expect(answer.status).toBe(401);
  });

  it("throttles past the quota with a 429 and Retry-After, and counts per caller", async () => {
    sandbox.graph.quota = { limit: 2, windowMs: 60_000 };
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await query(sandbox, { query: "resources" })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const throttled = await query(sandbox, { query: "resources" });
    expect(throttled.headers["retry-after"]).toMatch(/^\d+$/);
    expect(throttled.headers["x-ms-user-quota-remaining"]).toBe("0");
    expect((throttled.body["error"] as { code: string }).code).toBe("RateLimiting");
    const other = await post(
      sandbox,
      `${QUERY_PATH}?api-version=2024-04-01`,
      { query: "resources" },
      `Bearer ${entraAccessToken("https://management.azure.com/", "22222222-2222-2222-2222-222222222222")}`,
    );
    expect(other.status).toBe(200);
  });

  it("refuses every other POST and every write with 405", async () => {
    const elsewhere = await post(
      sandbox,
      `/providers/Microsoft.ResourceGraph/resourceChanges?api-version=2020-09-01-preview`,
      {},
    );
    const action = await post(
      sandbox,
      `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines/x/start`,
      {},
    );
    const put = await rawRequest(sandbox, "PUT", `${QUERY_PATH}?api-version=2024-04-01`, { Authorization: BEARER });
    expect([elsewhere.status, action.status, put.status]).toEqual([405, 405, 405]);
  });
});

describe("the sandbox's KQL subset", () => {
  const rows = [
    { id: "/a", name: "a", tags: { env: "prod", "it's": "o'k" } },
    { id: "/b", name: "b", tags: { env: "dev" } },
  ];

  it("reads escaped string literals exactly, so an escaped quote cannot end the literal", () => {
    const query = parseKql("t | where tags['it\\'s'] == 'o\\'k' or name == 'x\\' or name =~ \\'b'");
    expect(evaluate(query, rows, ["id", "name", "tags"]).map((row) => row["id"])).toEqual(["/a"]);
  });

  it("sorts descending unless told asc, as Kusto does", () => {
    expect(evaluate(parseKql("t | order by name"), rows, ["name"]).map((row) => row["name"])).toEqual(["b", "a"]);
  });

  it("refuses a column the table does not have", () => {
    expect(() => evaluate(parseKql("t | where nope =~ 'x'"), rows, ["id"])).toThrow(/unknown column/);
  });
});

describe("the read-only promise as the tests check it", () => {
  it("allows GETs, Resource Graph's query POST and sign-in's token POST, and flags everything else", () => {
    const requests = [
      { method: "GET", path: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg` },
      { method: "POST", path: QUERY_PATH },
      { method: "POST", path: "/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token" },
      { method: "POST", path: "/providers/Microsoft.ResourceGraph/resourceChanges" },
      { method: "PUT", path: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg` },
    ];
    expect(breaksReadOnly(requests)).toEqual([
      "POST /providers/Microsoft.ResourceGraph/resourceChanges",
      `PUT /subscriptions/${SUBSCRIPTION}/resourceGroups/rg`,
    ]);
  });
});
