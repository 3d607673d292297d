/**
 * The sandbox's Activity Log: `GET /subscriptions/{id}/providers/microsoft.insights/eventtypes/management/values`
 * (Azure/azure-rest-api-specs, monitor/resource-manager/Microsoft.Insights/stable/2015-04-01/activityLogs_API.json),
 * served from the World's events with the specification's `$filter` grammar
 * and nothing more: `eventTimestamp ge` (required; ARM refuses a query
 * without it, Azure/azure-rest-api-specs#2467) and `le`, and at most one of
 * `resourceGroupName`, `resourceUri`, `resourceProvider` or `correlationId`
 * `eq`, joined by `and`. The timestamps may be quoted (the specification)
 * or bare (what Azure CLI sends, its recordings). Any other `$filter` is
 * refused as ARM refuses it (`BadRequest`, "$filter searching parameters
 * invalid", quoted in MicrosoftDocs/feedback#319), and so is a start more
 * than 90 days back, with ARM's own text (Azure/azure-cli, monitor
 * recordings/test_activity_log_list_scenario.yaml). `$select` keeps the named
 * EventData fields (the specification's list, and `caller`, which Azure
 * PowerShell selects); an unknown name is refused, stricter than any source
 * shows ARM to be. Events come newest first, a page at a time, with a
 * nextLink carrying `$skiptoken` as the example's does.
 */
import type { Reply } from "./arm-routes.js";
import { segmentsOf } from "./resource-id.js";
import type { World } from "./world.js";

const PATH = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.insights\/eventtypes\/management\/values\/?$/i;

/** What ARM keeps of the Activity Log, and how far back it lets a query start. */
const RETENTION_MS = 90 * 86_400_000;

/** The EventData properties of the specification, and `caller` (Az.Monitor's PSEventDataNoDetails selects it). */
const SELECTABLE = [
  "authorization",
  "caller",
  "category",
  "claims",
  "correlationId",
  "description",
  "eventDataId",
  "eventName",
  "eventTimestamp",
  "httpRequest",
  "id",
  "level",
  "operationId",
  "operationName",
  "properties",
  "resourceGroupName",
  "resourceProviderName",
  "resourceId",
  "resourceType",
  "status",
  "submissionTimestamp",
  "subStatus",
  "subscriptionId",
  "tenantId",
];

type Event = Record<string, unknown>;

interface Filter {
  from: number;
  to: number;
  scope?: { field: "resourceGroupName" | "resourceUri" | "resourceProvider" | "correlationId"; value: string };
}

export function isActivityLogPath(path: string): boolean {
  return PATH.test(path);
}

/** ARM's error body for this API: `{"code","message"}` at the top, as the recording shows it. */
function badRequest(message: string): Reply {
  return { status: 400, body: { code: "BadRequest", message } };
}

const INVALID = "$filter searching parameters invalid";
const CLAUSE = /^(\w+)\s+(eq|ge|le)\s+(?:'((?:[^']|'')*)'|(\S+))$/;
const SCOPES = ["resourceGroupName", "resourceUri", "resourceProvider", "correlationId"] as const;

function parseTime(value: string): number | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

interface Clause {
  field: string;
  op: string;
  value: string;
}

function clauses(text: string): Clause[] | undefined {
  const parts = text.trim().split(/\s+and\s+/);
  const parsed = parts.map((part) => CLAUSE.exec(part.trim()));
  if (parsed.some((match) => match === null)) return undefined;
  return parsed.map((match) => {
    const [, field = "", op = "", quoted, bare] = match as RegExpExecArray;
    return { field, op, value: quoted !== undefined ? quoted.replace(/''/g, "'") : (bare ?? "") };
  });
}

/** The filter, or ARM's 400 for one the grammar does not allow. */
function parseFilter(text: string | null, now: number): Filter | Reply {
  const parsed = text ? clauses(text) : undefined;
  if (!parsed) return badRequest(INVALID);
  const from = parsed.filter((clause) => clause.field === "eventTimestamp" && clause.op === "ge");
  const to = parsed.filter((clause) => clause.field === "eventTimestamp" && clause.op === "le");
  const scopes = parsed.filter((clause) => (SCOPES as readonly string[]).includes(clause.field) && clause.op === "eq");
  if (from.length !== 1 || to.length > 1 || scopes.length > 1) return badRequest(INVALID);
  if (from.length + to.length + scopes.length !== parsed.length) return badRequest(INVALID);
  const start = parseTime(from[0]?.value ?? "");
  const end = to[0] ? parseTime(to[0].value) : now;
  if (start === undefined || end === undefined) return badRequest(INVALID);
  if (start < now - RETENTION_MS) return badRequest("The start time cannot be more than 90 days in the past.");
  const filter: Filter = { from: start, to: end };
  const scope = scopes[0];
  if (scope) filter.scope = { field: scope.field as NonNullable<Filter["scope"]>["field"], value: scope.value };
  return filter;
}

function same(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

function inScope(event: Event, scope: Filter["scope"]): boolean {
  if (!scope) return true;
  switch (scope.field) {
    case "resourceGroupName":
      return same(event["resourceGroupName"], scope.value);
    case "resourceUri":
      return same(event["resourceId"], scope.value);
    case "resourceProvider":
      return same((event["resourceProviderName"] as { value?: unknown } | undefined)?.value, scope.value);
    case "correlationId":
      return same(event["correlationId"], scope.value);
  }
}

function matches(event: Event, subscriptionId: string, filter: Filter): boolean {
  const at = Date.parse(String(event["eventTimestamp"]));
  return (
    same(event["subscriptionId"], subscriptionId) &&
    at >= filter.from &&
    at <= filter.to &&
    inScope(event, filter.scope)
  );
}

/** The fields `$select` names, or all of them; undefined for a name EventData does not have. */
function selected(text: string | null): string[] | undefined {
  if (text === null || text.trim() === "") return SELECTABLE;
  const names = text.split(",").map((name) => name.trim());
  const fields = names.map((name) => SELECTABLE.find((field) => field.toLowerCase() === name.toLowerCase()));
  return fields.every((field) => field !== undefined) ? (fields as string[]) : undefined;
}

function project(event: Event, fields: readonly string[]): Event {
  return Object.fromEntries(fields.filter((field) => field in event).map((field) => [field, event[field]]));
}

/** One page of events, with an absolute nextLink (`$skiptoken=N`) while more remain. */
function pageOf(events: Event[], url: URL, baseUrl: string, pageSize: number): Reply {
  const skip = Math.max(0, Number(url.searchParams.get("$skiptoken") ?? 0) || 0);
  const end = skip + pageSize;
  const body: { value: Event[]; nextLink?: string } = { value: events.slice(skip, end) };
  if (end < events.length) {
    const next = new URL(url.pathname, baseUrl);
    for (const [key, value] of url.searchParams) if (key !== "$skiptoken") next.searchParams.append(key, value);
    next.searchParams.set("$skiptoken", String(end));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

/** ARM's answer to an Activity Log list from the World's events. */
export function activityLogReply(
  world: World,
  url: URL,
  context: { baseUrl: string; pageSize: number; now: number },
): Reply {
  const subscriptionId = segmentsOf(decodeURIComponent(url.pathname))[1] ?? "";
  const filter = parseFilter(url.searchParams.get("$filter"), context.now);
  if ("status" in filter) return filter;
  const fields = selected(url.searchParams.get("$select"));
  if (!fields)
    return badRequest(`$select '${url.searchParams.get("$select") ?? ""}' names a field events do not have.`);
  const events = world.activityLog
    .filter((event) => matches(event, subscriptionId, filter))
    .sort((a, b) => Date.parse(String(b["eventTimestamp"])) - Date.parse(String(a["eventTimestamp"])))
    .map((event) => project(event, fields));
  return pageOf(events, url, context.baseUrl, context.pageSize);
}
