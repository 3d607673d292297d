/**
 * Azure Resource Graph's query endpoint, `POST /providers/Microsoft.ResourceGraph/resources`,
 * over the sandbox World: the request and response bodies of the REST specs
 * (Azure/azure-rest-api-specs resourcegraph stable/2024-04-01, resourcegraph.json
 * and its examples ResourcesFirstPageQuery/ResourcesNextPageQuery: totalRecords,
 * count, resultTruncated, $skipToken, data, facets), a small KQL subset
 * (sandbox/kql.ts), and the per-user quota with its headers.
 */
import { createHash, randomUUID } from "node:crypto";
import { servedType } from "./api-versions.js";
import type { Reply } from "./arm-routes.js";
import { armErrorBody } from "./faults.js";
import { jwtClaims } from "./identity-endpoints.js";
import { evaluate, KqlError, parseKql, type Row } from "./kql.js";
import { segmentsOf } from "./resource-id.js";
import type { World } from "./world.js";

export const GRAPH_QUERY_PATH = "/providers/Microsoft.ResourceGraph/resources";

export function isGraphQueryPath(path: string): boolean {
  return path.replace(/\/+$/, "").toLowerCase() === GRAPH_QUERY_PATH.toLowerCase();
}

export interface GraphQueryRecord {
  /** The request body as sent (subscriptions, managementGroups, query, options). */
  body: unknown;
  status: number;
}

/**
 * "A user can send at most 15 queries within every 5-second window without being throttled"
 * (Microsoft Learn, "Guidance for throttled requests in Azure Resource Graph").
 */
export const GRAPH_QUOTA = { limit: 15, windowMs: 5_000 };

export class GraphSandboxState {
  /**
   * Resource Graph's copy, when a test makes it lag behind the live World: the World it answers from
   * instead (Resource Graph indexes asynchronously and lags the resource providers: Microsoft Learn,
   * "Choose a query strategy" for Azure Resource Graph).
   */
  copy: World | undefined;
  /** Subscriptions (any case) the caller cannot read: their rows are left out, silently, as Resource Graph does. */
  readonly unreadableSubscriptions = new Set<string>();
  /** Management group name → its subscriptions. */
  readonly managementGroups = new Map<string, string[]>();
  /** Every query the endpoint received, in order. */
  readonly queries: GraphQueryRecord[] = [];
  /** The most rows of a page, below the request's `$top`. */
  pageSize = 1000;
  quota = { ...GRAPH_QUOTA };
  /** Whether a 429 carries `Retry-After`: no source shows a real one's headers, so tests take both. */
  retryAfterOn429 = true;
  /**
   * The most subscriptions a management group's query covers: beyond them the answer holds the first
   * ones and `x-ms-tenant-subscription-limit-hit: true` (Microsoft Learn, "Guidance for throttled
   * requests in Azure Resource Graph": 10,000).
   */
  subscriptionLimit = 10_000;
  private readonly windows = new Map<string, { start: number; used: number }>();

  reset(): void {
    this.copy = undefined;
    this.unreadableSubscriptions.clear();
    this.managementGroups.clear();
    this.queries.length = 0;
    this.pageSize = 1000;
    this.quota = { ...GRAPH_QUOTA };
    this.retryAfterOn429 = true;
    this.subscriptionLimit = 10_000;
    this.windows.clear();
  }

  /** Counts one query of a caller: the quota headers, and whether the window had room for it. */
  take(subject: string, now: number): { allowed: boolean; headers: Record<string, string>; retryAfterS: number } {
    let window = this.windows.get(subject);
    if (!window || now - window.start >= this.quota.windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(subject, window);
    }
    const allowed = window.used < this.quota.limit;
    if (allowed) window.used += 1;
    const leftMs = window.start + this.quota.windowMs - now;
    const seconds = Math.max(1, Math.ceil(leftMs / 1000));
    return { allowed, headers: quotaHeaders(this.quota.limit - window.used, seconds), retryAfterS: seconds };
  }
}

/** `x-ms-user-quota-remaining` (int) and `x-ms-user-quota-resets-after` (hh:mm:ss), as the throttling guidance names them. */
function quotaHeaders(remaining: number, seconds: number): Record<string, string> {
  const pad = (value: number) => String(value).padStart(2, "0");
  const resetsAfter = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return { "x-ms-user-quota-remaining": String(Math.max(0, remaining)), "x-ms-user-quota-resets-after": resetsAfter };
}

function supportLine(): string {
  return `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`;
}

/** Resource Graph's 400 envelope: code BadRequest, a support line, and details (Azure/aztfexport#485). */
function badRequest(details: Record<string, unknown>[]): Reply {
  return { status: 400, body: { error: { code: "BadRequest", message: supportLine(), details } } };
}

/** Its 429's body (Azure/azure-cli-extensions#3325). */
function rateLimited(): unknown {
  const detail =
    "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.";
  return {
    error: { code: "RateLimiting", message: supportLine(), details: [{ code: "RateLimiting", message: detail }] },
  };
}

/** Its answer to a query it cannot parse: InvalidQuery, then ParserFailure with the place (Azure/aztfexport#485). */
function invalidQuery(error: KqlError): Reply {
  return badRequest([
    {
      code: "InvalidQuery",
      message:
        "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
    },
    {
      code: "ParserFailure",
      message: "ParserFailure",
      line: 1,
      characterPositionInLine: error.position,
      token: error.token,
    },
  ]);
}

/**
 * A version the endpoint does not serve: ARM's InvalidResourceType with the
 * supported list (message quoted in microsoft/ARI#306 and
 * Azure/azure-sdk-for-python#17932), status 404: the Python SDK raised it as
 * ResourceNotFoundError, azure-core's error for a 404, and
 * MicrosoftDocs/azure-docs#43481 reports a 404 for an unserved version.
 */
export function refuseGraphApiVersion(apiVersion: string | null): Reply | null {
  if (!apiVersion) {
    const message = "The api-version query parameter (?api-version=) is required for all requests.";
    return { status: 400, body: armErrorBody("MissingApiVersionParameter", message) };
  }
  const versions = servedType("Microsoft.ResourceGraph/resources")?.versions ?? [];
  if (versions.includes(apiVersion)) return null;
  const message = `The resource type 'resources' could not be found in the namespace 'Microsoft.ResourceGraph' for api version '${apiVersion}'. The supported api-versions are '${versions.join(",")}'.`;
  return { status: 404, body: armErrorBody("InvalidResourceType", message) };
}

const RESOURCE_COLUMNS = [
  "id",
  "name",
  "type",
  "tenantId",
  "kind",
  "location",
  "resourceGroup",
  "subscriptionId",
  "managedBy",
  "sku",
  "plan",
  "properties",
  "tags",
  "identity",
  "zones",
  "extendedLocation",
];

/** A top-level resource as a row (`type` in lower case, as the specs' examples show it); child resources stay embedded. */
function resourceRow(body: Record<string, unknown>): Row | null {
  const segments = segmentsOf(String(body["id"]));
  if (segments.length !== 8 || segments[2]?.toLowerCase() !== "resourcegroups") return null;
  const [, subscriptionId = "", , resourceGroup = "", , namespace = "", type = "", name = ""] = segments;
  return {
    id: body["id"],
    name,
    type: `${namespace}/${type}`.toLowerCase(),
    tenantId: "11111111-1111-1111-1111-111111111111",
    kind: body["kind"] ?? "",
    location: body["location"] ?? "",
    // Resource Graph's resourceGroup column is lower case (tomkerkhove/promitor#1492, Azure/azure-dev#119); `id` keeps its case.
    resourceGroup: resourceGroup.toLowerCase(),
    subscriptionId,
    managedBy: "",
    sku: body["sku"] ?? null,
    plan: null,
    properties: body["properties"] ?? {},
    tags: body["tags"] ?? {},
    identity: body["identity"] ?? null,
    zones: body["zones"] ?? null,
    extendedLocation: null,
  };
}

/**
 * The World's top-level resources as rows, made again only when the World
 * has changed: the bench's fleet of 1,000 clusters holds 12,000 resources,
 * and making their rows again took 10–20 ms of each of a check's six
 * queries (measured), which the sandbox answers one after another.
 */
const rowsByWorld = new WeakMap<World, { revision: number; rows: Row[] }>();

function resourceRows(world: World): Row[] {
  const known = rowsByWorld.get(world);
  if (known?.revision === world.revision) return known.rows;
  const rows = world
    .all()
    .map((resource) => resourceRow(resource as unknown as Record<string, unknown>))
    .filter((row): row is Row => row !== null);
  rowsByWorld.set(world, { revision: world.revision, rows });
  return rows;
}

/** The subscriptions and resource groups the World's IDs imply, as `resourcecontainers` rows. */
function containerRows(resources: Row[]): Row[] {
  const rows = new Map<string, Row>();
  for (const resource of resources) {
    const subscriptionId = String(resource["subscriptionId"]);
    const resourceGroup = String(resource["resourceGroup"]);
    rows.set(subscriptionId.toLowerCase(), {
      ...Object.fromEntries(RESOURCE_COLUMNS.map((column) => [column, null])),
      id: `/subscriptions/${subscriptionId}`,
      name: `sandbox-subscription-${subscriptionId.slice(0, 8)}`,
      type: "microsoft.resources/subscriptions",
      subscriptionId,
      resourceGroup: "",
      properties: { state: "Enabled" },
      tags: {},
    });
    rows.set(`${subscriptionId}/${resourceGroup}`.toLowerCase(), {
      ...Object.fromEntries(RESOURCE_COLUMNS.map((column) => [column, null])),
      id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`,
      name: resourceGroup,
      type: "microsoft.resources/subscriptions/resourcegroups",
      location: resource["location"],
      subscriptionId,
      resourceGroup,
      properties: { provisioningState: "Succeeded" },
      tags: {},
    });
  }
  return [...rows.values()];
}

interface QueryBody {
  subscriptions?: unknown;
  managementGroups?: unknown;
  query?: unknown;
  options?: { $top?: unknown; $skipToken?: unknown; resultFormat?: unknown };
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : undefined;
}

/**
 * The subscriptions a request may see: its own, its management groups' (the first `subscriptionLimit`
 * of them), or (neither) every one; never an unreadable one, left out silently. Refused, as Resource
 * Graph refuses them: a management group it does not know (400 ManagementGroupsContainInvalidIds, body
 * quoted in rubrikinc/rubrik-sizing-scripts#87), and subscriptions none of which may be read (400
 * NoValidSubscriptionsInQueryRequest, as gravitational/teleport lib/cloud/azure and
 * tomkerkhove/promitor handle it; a mix answers 200 with the readable ones' rows). The second
 * detail's words are ours.
 */
function visibleSubscriptions(
  state: GraphSandboxState,
  body: QueryBody,
  all: Row[],
): { visible: Set<string>; limitHit: boolean } | Reply {
  const hidden = new Set([...state.unreadableSubscriptions].map((id) => id.toLowerCase()));
  const readable = (ids: string[]) => ids.map((id) => id.toLowerCase()).filter((id) => !hidden.has(id));
  const groups = strings(body.managementGroups);
  if (groups) {
    const unknown = groups.find((group) => !state.managementGroups.has(group));
    if (unknown !== undefined) {
      const message = `The provided management groups must be valid. Given: '${unknown}'.`;
      return badRequest([{ code: "ManagementGroupsContainInvalidIds", message }]);
    }
    const named = groups.flatMap((group) => state.managementGroups.get(group) ?? []);
    const limitHit = named.length > state.subscriptionLimit;
    return { visible: new Set(readable(named.slice(0, state.subscriptionLimit))), limitHit };
  }
  const named = strings(body.subscriptions);
  if (named === undefined) {
    return { visible: new Set(readable(all.map((row) => String(row["subscriptionId"])))), limitHit: false };
  }
  const visible = new Set(readable(named));
  if (named.length > 0 && visible.size === 0) {
    const message = "None of the subscriptions in the request may be read by the caller.";
    return badRequest([{ code: "NoValidSubscriptionsInQueryRequest", message }]);
  }
  return { visible, limitHit: false };
}

function tokenFor(query: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: createHash("sha256").update(query).digest("hex"), o: offset })).toString(
    "base64",
  );
}

function offsetOf(token: unknown, query: string): number | null {
  if (token === undefined || token === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), "base64").toString("utf8")) as { q?: unknown; o?: unknown };
    const expected = createHash("sha256").update(query).digest("hex");
    return parsed.q === expected && typeof parsed.o === "number" ? parsed.o : null;
  } catch {
    return null;
  }
}

/** Evaluates one query body against the World; the reply is the spec's QueryResponse or Resource Graph's 400. */
export function graphQueryReply(state: GraphSandboxState, world: World, body: QueryBody): Reply {
  if (typeof body.query !== "string") return badRequest([{ code: "InvalidQuery", message: "The query is missing." }]);
  const resources = resourceRows(world);
  let parsed;
  try {
    parsed = parseKql(body.query);
  } catch (error) {
    if (error instanceof KqlError) return invalidQuery(error);
    throw error;
  }
  const table = parsed.table.toLowerCase();
  if (table !== "resources" && table !== "resourcecontainers") {
    return invalidQuery(new KqlError(`unknown table '${parsed.table}'`, 0, parsed.table));
  }
  const scope = visibleSubscriptions(state, body, resources);
  if ("status" in scope) return scope;
  const { visible, limitHit } = scope;
  const source = (table === "resources" ? resources : containerRows(resources)).filter((row) =>
    visible.has(String(row["subscriptionId"]).toLowerCase()),
  );
  let rows: Row[];
  try {
    rows = evaluate(parsed, source, RESOURCE_COLUMNS);
  } catch (error) {
    if (error instanceof KqlError) return invalidQuery(error);
    throw error;
  }
  const answer = page(state, body, rows);
  return limitHit
    ? { ...answer, headers: { ...answer.headers, "x-ms-tenant-subscription-limit-hit": "true" } }
    : answer;
}

/**
 * One page of the query's rows as the World holds them now, from the token's offset: Resource Graph's
 * token carries the rows to skip (`RowsToSkip` in the recorded one,
 * __tests__/fixtures/recorded-graph/rg-200-skiptoken-page.json) and each page runs the query again, so
 * a resource created or deleted between two pages shifts the rows and `totalRecords` (Microsoft Learn,
 * "Guidance for pagination" in Azure Resource Graph, pagination in dynamic environments).
 */
function page(state: GraphSandboxState, body: QueryBody, rows: Row[]): Reply {
  const key = JSON.stringify([body.query, body.subscriptions, body.managementGroups]);
  const offset = offsetOf(body.options?.$skipToken, key);
  // The detail of a token it cannot read, as recorded (azure-sdk-for-python, azure-mgmt-resourcegraph test_resources_query_options).
  if (offset === null)
    return badRequest([{ code: "CouldNotDecodeSkipToken", message: "Skip token could not be decoded." }]);
  const top = typeof body.options?.$top === "number" ? body.options.$top : 100;
  // QueryRequestOptions.$top: minimum 1, maximum 1000 (resourcegraph.json, stable/2024-04-01); the detail's words are ours.
  if (!Number.isInteger(top) || top < 1 || top > 1000) {
    return badRequest([{ code: "InvalidParameter", message: `$top must be from 1 to 1000, got ${String(top)}.` }]);
  }
  const size = Math.max(1, Math.min(top, state.pageSize));
  const data = rows.slice(offset, offset + size);
  const next = offset + data.length < rows.length ? tokenFor(key, offset + data.length) : undefined;
  // The keys in the order recorded answers have them (__tests__/fixtures/recorded-graph).
  const response = { totalRecords: rows.length, count: data.length, data, facets: [], resultTruncated: "false" };
  return { status: 200, body: next ? { ...response, $skipToken: next } : response };
}

/**
 * Who the quota counts against: the token's object ID or subject; the
 * stand-ins' tokens carry neither, so their tenant; an opaque token itself.
 */
export function quotaSubject(authorization: string | undefined): string {
  const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const claims = jwtClaims(token);
  const id = claims?.["oid"] ?? claims?.["sub"] ?? claims?.["tid"];
  return typeof id === "string" ? id : createHash("sha256").update(token).digest("hex");
}

/**
 * The endpoint after authentication: the api-version, the quota (a 429 once
 * the window is spent, with `Retry-After` unless `retryAfterOn429` is off: the
 * body quoted in Azure/azure-cli-extensions#3325, code RateLimiting, a support
 * line and the detail that names the throttling guidance), then the query.
 * Every answer carries the quota headers, and every body is kept for tests.
 */
export function resourceGraphReply(
  state: GraphSandboxState,
  world: World,
  request: { apiVersion: string | null; authorization: string | undefined; body: string; now: number },
): Reply {
  const refused = refuseGraphApiVersion(request.apiVersion);
  if (refused) return refused;
  let body: QueryBody;
  try {
    body = JSON.parse(request.body) as QueryBody;
  } catch {
    return badRequest([{ code: "InvalidRequestContent", message: "The request content is not valid JSON." }]);
  }
  const quota = state.take(quotaSubject(request.authorization), request.now);
  const reply: Reply = quota.allowed
    ? graphQueryReply(state, world, body ?? {})
    : {
        status: 429,
        headers: state.retryAfterOn429 ? { "Retry-After": String(quota.retryAfterS) } : {},
        body: rateLimited(),
      };
  state.queries.push({ body, status: reply.status });
  return { ...reply, headers: { ...quota.headers, ...reply.headers } };
}
