/**
 * Resource Graph as recorded answers show it (__tests__/fixtures/recorded-graph):
 * the sandbox answers in their shape, and the gate's own client reads the
 * recorded pages and takes the recorded 400 for what it is.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GateDefect, TransientError } from "../../src/io/azure/failures.js";
import { ResourceGraph } from "../../src/io/azure/resource-graph.js";
import { entraAccessToken } from "../../sandbox/arm.js";
import { armInProcess } from "../helpers/arm-in-process.js";
import { rawRequest, SUBSCRIPTION, twoClusters } from "./fixtures.js";

interface Recorded {
  request: { body: Record<string, unknown> };
  response: { status: number; headers: Record<string, string>; body: Record<string, unknown> };
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const recorded = (name: string): Recorded =>
  JSON.parse(readFileSync(path.join(HERE, "..", "fixtures", "recorded-graph", `${name}.json`), "utf8")) as Recorded;
const lastPage = recorded("rg-200-objectarray-properties");
const morePages = recorded("rg-200-skiptoken-page");
const invalid = recorded("rg-400-invalid-query");

const QUERY_PATH = "/providers/Microsoft.ResourceGraph/resources";
const arm = armInProcess();

beforeEach(() => {
  arm.sandbox.world = twoClusters().world;
});

async function post(body: unknown) {
  const headers = {
    Authorization: `Bearer ${entraAccessToken("https://management.azure.com/")}`,
    "Content-Type": "application/json",
  };
  const path = `${QUERY_PATH}?api-version=2024-04-01`;
  const answer = await rawRequest(arm.sandbox, "POST", path, headers, JSON.stringify(body));
  return { ...answer, body: JSON.parse(answer.body) as Record<string, unknown> };
}

const typesOf = (body: Record<string, unknown>) =>
  Object.entries(body).map(([key, value]) => [key, Array.isArray(value) ? "array" : typeof value]);

describe("the sandbox answers as the recordings show", () => {
  it("a last page and a page with more: the same keys in the same order, of the same types, and the quota headers", async () => {
    arm.sandbox.graph.pageSize = 1;
    const clusters = "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id";
    const first = await post({ subscriptions: [SUBSCRIPTION], query: clusters });
    expect(typesOf(first.body)).toEqual(typesOf(morePages.response.body));
    const last = await post({
      subscriptions: [SUBSCRIPTION],
      query: clusters,
      options: { $skipToken: first.body["$skipToken"] },
    });
    expect(last.body["$skipToken"]).toBeUndefined();
    expect(typesOf(last.body)).toEqual(typesOf(lastPage.response.body));
    for (const answer of [first, last, invalid.response]) {
      expect(answer.headers["x-ms-user-quota-remaining"]).toMatch(/^\d+$/);
      expect(answer.headers["x-ms-user-quota-resets-after"]).toMatch(/^\d\d:\d\d:\d\d$/);
    }
  });

  it("a query it cannot parse: the recorded envelope, and details the recorded ones have", async () => {
    const answer = await post({ subscriptions: [SUBSCRIPTION], query: invalid.request.body["query"] });
    expect(answer.status).toBe(invalid.response.status);
    type Envelope = { error: { code: string; message: string; details: Record<string, unknown>[] } };
    const [ours, real] = [answer.body as unknown as Envelope, invalid.response.body as unknown as Envelope];
    expect(ours.error.code).toBe(real.error.code);
    expect(ours.error.message).toMatch(/^Please provide below info when asking for support: timestamp = /);
    expect(ours.error.details.map((detail) => detail.code)).toEqual(real.error.details.map((detail) => detail.code));
    ours.error.details.forEach((detail, index) => {
      expect(Object.keys(real.error.details[index] ?? {})).toEqual(expect.arrayContaining(Object.keys(detail)));
    });
  });
});

describe("the gate's Resource Graph client reads recorded answers", () => {
  const recordedRows = [
    ...(morePages.response.body["data"] as unknown[]),
    ...(lastPage.response.body["data"] as unknown[]),
  ];

  it("follows a recorded $skipToken to the recorded last page and keeps every row", async () => {
    // The pages answer two recordings' queries (161 and 2 rows in all): one query's pages count the rows they hold,
    // and the recorded Content-Length no longer fits the body.
    const together = (answer: Recorded["response"]) => ({
      ...answer,
      headers: Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name !== "Content-Length")),
      body: { ...answer.body, totalRecords: recordedRows.length },
    });
    arm.sandbox.faults.add({ path: QUERY_PATH, times: 1, ...together(morePages.response) });
    arm.sandbox.faults.add({ path: QUERY_PATH, times: 1, ...together(lastPage.response) });
    const rows = await ResourceGraph.over(arm.reader()).query({ subscriptions: [SUBSCRIPTION] }, "resources", "a test");
    expect(rows).toEqual(recordedRows);
    expect(arm.sandbox.requests.filter((request) => request.path === QUERY_PATH)).toHaveLength(2);
  });

  it("takes the recorded pages as they are, whose totalRecords disagree, for a result that changed while paged", async () => {
    for (const answer of [morePages, lastPage, morePages, lastPage]) {
      arm.sandbox.faults.add({ path: QUERY_PATH, times: 1, ...answer.response });
    }
    const error = await ResourceGraph.over(arm.reader())
      .query({ subscriptions: [SUBSCRIPTION] }, "resources", "a test")
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain("totalRecords went from 161 to 2");
    expect(arm.sandbox.requests.filter((request) => request.path === QUERY_PATH)).toHaveLength(4);
  });

  it("takes the recorded 400 for a query it cannot parse as the gate's own defect, never a retry", async () => {
    arm.sandbox.faults.add({ path: QUERY_PATH, ...invalid.response });
    const error = await ResourceGraph.over(arm.reader())
      .query({ subscriptions: [SUBSCRIPTION] }, "resources", "a test")
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(GateDefect);
    expect((error as Error).message).toMatch(/InvalidQuery/);
    expect(arm.sandbox.requests.filter((request) => request.path === QUERY_PATH)).toHaveLength(1);
  });
});
