/**
 * Azure Resource Graph, read through the official `@azure/arm-resourcegraph`
 * `resources` operation (POST /providers/Microsoft.ResourceGraph/resources,
 * api-version 2024-04-01 as the operation pins it): the one POST the gate
 * sends, and it only reads. The client rides the ARM reader's pipeline
 * (sdk-reader.ts `withPipeline`): same credential, cloud and token scope, ARM
 * host only, request timeout, retries and the run's deadline; Resource
 * Graph's own quota takes the place of the ARM read pacer.
 */
import { type PipelinePolicy, type PipelineResponse, RestError } from "@azure/core-rest-pipeline";
import { createResourceGraph, resources, type ResourceGraphContext } from "@azure/arm-resourcegraph/api";
import type { QueryRequest } from "@azure/arm-resourcegraph/models/resourceGraphApi";
import { idKey } from "../../core/arm-ids.js";
import type { Deadline } from "../../core/deadline.js";
import { GateError } from "../../core/errors.js";
import {
  DEFECT_REPORT_URL,
  explainArmFailure,
  GateDefect,
  malformed,
  TRANSIENT_RETRY_MS,
  TransientError,
} from "./failures.js";
import { retryAfterMs, type Sleep } from "./pacing.js";
import { PageGuard } from "./paging.js";
import type { SdkArmReader } from "./sdk-reader.js";

/**
 * Resource Graph's quota headers, on every query response: "x-ms-user-quota-remaining (int): The
 * remaining resource quota for the user" and "x-ms-user-quota-resets-after (hh:mm:ss): The time
 * duration until a user's quota consumption is reset"; "a user can send at most 15 queries within
 * every 5-second window without being throttled" (Microsoft Learn, "Guidance for throttled requests
 * in Azure Resource Graph", Understand throttling headers).
 */
export const QUOTA_REMAINING_HEADER = "x-ms-user-quota-remaining";
export const QUOTA_RESETS_AFTER_HEADER = "x-ms-user-quota-resets-after";

/**
 * Whose that quota is, for the advice on a throttled or over-budget query: the
 * signed-in identity's, whichever job sends the queries. 'concurrency' bounds
 * Resource Manager's reads only, and every shard runs the whole discovery, so
 * more shards send more queries against it, not fewer.
 */
const GRAPH_QUOTA =
  "Resource Graph's quota, 15 queries per 5 s, is the signed-in identity's and shared by every job and shard signed in as it; 'concurrency' does not change it, and every shard repeats the whole discovery";

/** What to do when a wait for Resource Graph's quota does not fit in the run's time budget. */
const GRAPH_QUOTA_BUDGET = `Raise 'timeout-minutes', or run fewer jobs or shards signed in as this identity at the same time: ${GRAPH_QUOTA}.`;

/** The most rows a page may hold: QueryRequestOptions `$top` (Azure/azure-rest-api-specs, resourcegraph stable/2024-04-01, resourcegraph.json: maximum 1000). */
export const GRAPH_PAGE_SIZE = 1000;

/** The query endpoint, for errors and the read-only promise. */
export const GRAPH_QUERY_PATH = "/providers/Microsoft.ResourceGraph/resources";

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Answers of one window report reset times that differ by their arrival: within this they are the same window. */
const WINDOW_SLACK_MS = 1_000;

/** `hh:mm:ss` (Resource Graph's `x-ms-user-quota-resets-after`) in milliseconds; undefined when not of that shape. */
export function resetsAfterMs(value: string | undefined): number | undefined {
  const match = /^(\d+):([0-5]\d):([0-5]\d)(\.\d+)?$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  const [, hours = "0", minutes = "0", seconds = "0", fraction = ""] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds) + Number(fraction || 0)) * 1000;
}

/**
 * Keeps the gate inside Resource Graph's per-user quota: once the queries in
 * flight would spend what the last answers say is left, the next waits until
 * the window resets instead of being throttled; a 429 holds every query back
 * for its `Retry-After`, or else until the quota resets. Queries go out side
 * by side and their answers land in any order, so within one window the
 * fewest queries left that any answer reported counts, and a late answer
 * never lifts a 429's hold. Every wait is bounded by the run's deadline.
 */
export class GraphQuotaPacer {
  private remaining: number | undefined;
  private resetsAt = 0;
  private inFlight = 0;
  /** How many queries waited for the quota, for tests and the benchmark. */
  paced = 0;

  constructor(
    private readonly deadline?: Deadline,
    private readonly sleep: Sleep = defaultSleep,
    private readonly now: () => number = Date.now,
  ) {}

  async beforeQuery(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (this.resetsAt <= now) this.remaining = undefined;
      if (this.remaining === undefined || this.remaining - this.inFlight > 0) {
        this.inFlight += 1;
        return;
      }
      // Spent, or about to be by the queries in flight: wait for the window to reset.
      const wait = this.resetsAt - now;
      const what = `waiting ${Math.ceil(wait / 1000)} s for Azure Resource Graph's query quota to reset`;
      this.paced += 1;
      this.deadline?.afford(wait, what, GRAPH_QUOTA_BUDGET);
      await (this.deadline ? this.deadline.race(this.sleep(wait), what, GRAPH_QUOTA_BUDGET) : this.sleep(wait));
    }
  }

  /** A query that got no answer (a dropped connection, a timeout) no longer counts as in flight. */
  settled(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  afterResponse(status: number, headers: { get(name: string): string | undefined }): void {
    const now = this.now();
    const header = headers.get(QUOTA_REMAINING_HEADER)?.trim();
    const remaining = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
    const resetsAfter = resetsAfterMs(headers.get(QUOTA_RESETS_AFTER_HEADER));
    if (resetsAfter !== undefined && now + resetsAfter > this.resetsAt + WINDOW_SLACK_MS) {
      // An answer from a window later than the one held: its count starts afresh.
      this.resetsAt = now + resetsAfter;
      this.remaining = remaining;
    } else if (remaining !== undefined) {
      this.remaining = Math.min(this.remaining ?? remaining, remaining);
    }
    if (status !== 429) return;
    const wait = retryAfterMs(headers.get("retry-after"), now) ?? resetsAfter ?? 5_000;
    this.remaining = 0;
    this.resetsAt = Math.max(this.resetsAt, now + wait);
    this.deadline?.afford(
      wait,
      `the wait Azure Resource Graph asked for before the next query (429, Retry-After ${Math.ceil(wait / 1000)} s)`,
      GRAPH_QUOTA_BUDGET,
    );
  }

  policy(): PipelinePolicy {
    return {
      name: "aksNetworkGateResourceGraphQuota",
      sendRequest: async (request, next) => {
        await this.beforeQuery();
        try {
          const response = await next(request);
          this.afterResponse(response.status, response.headers);
          return response;
        } finally {
          this.settled();
        }
      },
    };
  }
}

/**
 * Resource Graph's 400 for a query it cannot run: `BadRequest` with details
 * `InvalidQuery` and `ParserFailure` / `InvalidQueryLanguage` (real bodies quoted in
 * Azure/aztfexport#485 and Azure/azure-powershell#13762). The gate writes every
 * query itself, so such an answer is the gate's defect, as is a refused
 * api-version (`InvalidResourceType`, quoted in microsoft/ARI#306).
 */
const QUERY_DEFECT_CODES = new Set(["InvalidQuery", "ParserFailure", "InvalidQueryLanguage"]);
const REQUEST_DEFECT_CODES = new Set([
  "InvalidResourceType",
  "NoRegisteredProviderFound",
  "InvalidApiVersionParameter",
  "MissingApiVersionParameter",
]);

interface GraphRestError {
  name: string;
  statusCode?: number;
  code?: string;
  message: string;
  details?: { error?: { details?: { code?: unknown }[] } };
}

function isRestError(error: unknown): error is GraphRestError {
  return error instanceof Error && error.name === "RestError";
}

function codesOf(error: GraphRestError): string[] {
  const details = Array.isArray(error.details?.error?.details) ? error.details.error.details : [];
  return [error.code, ...details.map((detail) => detail?.code)].filter(
    (code): code is string => typeof code === "string",
  );
}

/** How long a throttled query waits before it is sent again: its Retry-After, else until the quota resets. */
function throttledFor(error: GraphRestError): number {
  const headers = (error as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers;
  return retryAfterMs(headers?.get("retry-after")) ?? resetsAfterMs(headers?.get(QUOTA_RESETS_AFTER_HEADER)) ?? 5_000;
}

/**
 * A failed query as a GateError that says whose it is: the gate's own query or
 * request (defect), the identity's role on the scopes (403, or a 400 that is
 * not about the query: Resource Graph found no subscription it may read),
 * Azure's weather (Resource Graph's own quota and service: throttling, a 5xx,
 * or the run's budget spent on them), or the sign-in (as for any ARM read).
 */
export function explainGraphFailure(scopes: string, error: unknown, budgetSpent = false): GateError {
  if (budgetSpent && error instanceof Error && error.name === "AbortError") {
    return new GateError(
      `The run's time budget ran out while reading Azure Resource Graph (the query for ${scopes}).`,
      `Raise 'timeout-minutes', or check why Azure answers slowly; 'shard' does not shorten it: ${GRAPH_QUOTA}.`,
    );
  }
  if (error instanceof GateError || !isRestError(error) || error.statusCode === undefined) {
    return explainArmFailure(`Azure Resource Graph (the query for ${scopes})`, error, budgetSpent);
  }
  const codes = codesOf(error);
  const detail = `${error.statusCode}${codes.length > 0 ? ` ${codes.join("/")}` : ""}: ${error.message}`;
  const queryDefect = error.statusCode === 400 && codes.some((code) => QUERY_DEFECT_CODES.has(code));
  if (queryDefect || codes.some((code) => REQUEST_DEFECT_CODES.has(code))) {
    return new GateDefect(
      `Azure Resource Graph refused the gate's own query for ${scopes}: POST ${GRAPH_QUERY_PATH} answered ${detail}`,
    );
  }
  if (codes.includes("NoValidSubscriptionsInQueryRequest")) {
    return new GateError(
      `input 'scope': Azure Resource Graph finds no subscription of ${scopes} that the signed-in identity may read (${detail}); a scope that cannot be read is never taken for an empty fleet.`,
      `Grant the signed-in identity the 'Reader' role on ${scopes}, or remove the line from 'scope'.`,
    );
  }
  if (codes.includes("ManagementGroupsContainInvalidIds")) {
    return new GateError(
      `input 'scope': Azure Resource Graph takes no management group ${scopes} from the signed-in identity (${detail}).`,
      "Write the management group's ID, as in /providers/Microsoft.Management/managementGroups/<id> (not its display name), and grant the identity the 'Reader' role on it.",
    );
  }
  if (error.statusCode === 403 || error.statusCode === 400) {
    return new GateError(
      `Azure Resource Graph refused to query ${scopes} for the signed-in identity (${detail}).`,
      `Grant the signed-in identity the 'Reader' role on ${scopes}; if it has it, report this at ${DEFECT_REPORT_URL}.`,
    );
  }
  if (error.statusCode === 429) {
    return new TransientError(
      `Azure Resource Graph kept throttling the query for ${scopes} after the retries (${detail}).`,
      `This is transient, on Azure's side: run again later, or run fewer jobs or shards signed in as this identity at the same time (${GRAPH_QUOTA}).`,
      throttledFor(error),
    );
  }
  if (error.statusCode >= 500) {
    return new TransientError(
      `Azure Resource Graph failed to answer the query for ${scopes} (${detail}).`,
      "This is transient, on Azure's side: run again; if it persists, check the Azure status page for Azure Resource Graph.",
      TRANSIENT_RETRY_MS,
    );
  }
  return explainArmFailure(`Azure Resource Graph (the query for ${scopes})`, error, budgetSpent);
}

/** How often one page is sent while Resource Graph answers 429. */
export const GRAPH_ATTEMPTS = 4;

/**
 * "If the number of subscriptions exceeds 10,000 for a tenant or management group scope, the response
 * is limited to the first 10,000 subscriptions and the x-ms-tenant-subscription-limit-hit header is
 * returned as true" (Microsoft Learn, "Guidance for throttled requests in Azure Resource Graph").
 */
export const SUBSCRIPTION_LIMIT_HEADER = "x-ms-tenant-subscription-limit-hit";

/** A management group past Resource Graph's 10,000 subscriptions: its answer covers part of the fleet, never taken for all of it. */
function partialTenant(scopes: string): GateError {
  return new GateError(
    `Azure Resource Graph answered for the first 10,000 subscriptions of ${scopes} only (${SUBSCRIPTION_LIMIT_HEADER}: true): the fleet it lists would be partial.`,
    "Split the management group in 'scope' into lines of its child management groups or subscriptions, each under 10,000 subscriptions.",
  );
}

/**
 * A result that changed while it was paged, on two reads in a row:
 * resources were being created or deleted in the scopes. Azure's state,
 * not the setup's nor the gate's, and gone once they settle.
 */
function changedWhilePaged(scopes: string, change: string): TransientError {
  return new TransientError(
    `The result of Azure Resource Graph's query for ${scopes} changed while the gate read it page by page, on two reads in a row (${change}): resources were being created or deleted there, on Azure's side.`,
    "This is transient, not a problem of your setup or of the gate: run again once the creating or deleting is done.",
    TRANSIENT_RETRY_MS,
  );
}

/**
 * The SDK's deserializer throws a TypeError on a body that is not Resource
 * Graph's (an error without the `error` envelope, a gateway's HTML page, an
 * empty 200): such a failure is told by the answer's status, as any other.
 */
function unshaped(error: unknown, answer: PipelineResponse | undefined, scopes: string): unknown {
  if (!(error instanceof TypeError) || answer === undefined) return error;
  const list = `Azure Resource Graph (the query for ${scopes})`;
  if (answer.status < 300) return malformed(list, `its body is not a query response (${error.message})`);
  return new RestError(`${answer.status}, with a body that is not an Azure error (${error.message})`, {
    statusCode: answer.status,
    response: answer,
  });
}

/**
 * A KQL string literal holding `text` exactly: single-quoted, with the
 * backslash escaping the quote, the backslash itself, tab, newline and return
 * (Microsoft Learn, Kusto "The string data type", string literals). Any other
 * control character has no escape there, so text carrying one is refused:
 * user text never reaches a query unescaped.
 */
export function kqlString(text: string, where: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    throw new GateError(
      `${where}: '${JSON.stringify(text).slice(1, -1)}' holds a control character.`,
      "Azure tags and names never hold one: write the value as it appears in Azure.",
    );
  }
  const escaped = text.replace(/[\\'\t\n\r]/g, (char) => {
    switch (char) {
      case "\t":
        return "\\t";
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      default:
        return `\\${char}`;
    }
  });
  return `'${escaped}'`;
}

/** Where a query runs: subscriptions, or management groups (the request body's own fields). */
export type GraphScope = Pick<QueryRequest, "subscriptions" | "managementGroups">;

export type GraphRow = Record<string, unknown>;

function isRow(value: unknown): value is GraphRow {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Resource Graph's queries for one run: every query paged with `$skipToken`
 * (objectArray, pages of up to 1,000 rows) under a page guard, read again
 * when its result changed while paged, paced by its quota, and counted.
 */
export class ResourceGraph {
  /** Queries sent (pages and second reads included). */
  queries = 0;

  constructor(
    private readonly context: ResourceGraphContext,
    readonly pacer: GraphQuotaPacer,
    private readonly signal?: AbortSignal,
  ) {}

  /** The client on the ARM reader's pipeline (same credential, cloud, host-only policy, timeout, deadline). */
  static over(arm: SdkArmReader, deadline?: Deadline, sleep?: Sleep): ResourceGraph {
    const pacer = new GraphQuotaPacer(deadline, sleep);
    const { client, signal } = arm.withPipeline(
      (credential, options) => createResourceGraph(credential, "", options),
      pacer.policy(),
    );
    return new ResourceGraph(client, pacer, signal ?? deadline?.signal);
  }

  /**
   * Every row of a query, every page; `scopes` names what it covers in errors.
   * A result that changed while it was paged is read again from its first
   * page, once; changed again, it is Azure's transient state, never a list.
   */
  async query(scope: GraphScope, query: string, scopes: string): Promise<GraphRow[]> {
    const first = await this.read(scope, query, scopes);
    if ("rows" in first) return first.rows;
    const second = await this.read(scope, query, scopes);
    if ("rows" in second) return second.rows;
    throw changedWhilePaged(scopes, second.changed);
  }

  /**
   * One read of a query, page by page. Each page runs the query again and
   * skips the rows of the pages before it, so a resource created or deleted
   * between two pages shifts the rows: one is read twice or never (Microsoft
   * Learn, "Guidance for pagination" in Azure Resource Graph, pagination in
   * dynamic environments). Such a read is told by a page whose `totalRecords`
   * differs from the first page's, a row `id` that comes twice, or rows that
   * do not add up to `totalRecords`; a create and a delete between the same
   * two pages that leave the count as it was can still go unseen.
   */
  private async read(
    scope: GraphScope,
    query: string,
    scopes: string,
  ): Promise<{ rows: GraphRow[] } | { changed: string }> {
    const list = `Azure Resource Graph (the query for ${scopes})`;
    const guard = new PageGuard(list);
    const rows: GraphRow[] = [];
    const ids = new Set<string>();
    let total: number | undefined;
    let skipToken: string | undefined;
    for (;;) {
      const options = {
        top: GRAPH_PAGE_SIZE,
        resultFormat: "objectArray" as const,
        ...(skipToken ? { skipToken } : {}),
      };
      const page = await this.send({ ...scope, query, options }, scopes);
      if (!Array.isArray(page.data)) throw malformed(list, "its 'data' is not an array of rows (objectArray)");
      const data: unknown[] = page.data;
      if (!data.every(isRow)) throw malformed(list, "a row of its 'data' is not an object");
      // totalRecords is on every page (QueryResponse requires it); a page without it is not checked, and not failed.
      const pageTotal = typeof page.totalRecords === "number" ? page.totalRecords : undefined;
      if (total !== undefined && pageTotal !== undefined && pageTotal !== total) {
        return { changed: `totalRecords went from ${total} to ${pageTotal} between its pages` };
      }
      total ??= pageTotal;
      for (const row of data) {
        if (typeof row["id"] !== "string") continue;
        if (ids.has(idKey(row["id"]))) return { changed: `row ${row["id"]} came twice` };
        ids.add(idKey(row["id"]));
      }
      rows.push(...data);
      skipToken = typeof page.skipToken === "string" && page.skipToken !== "" ? page.skipToken : undefined;
      if (!skipToken && page.resultTruncated === "true") {
        throw malformed(list, "it cut the result short (resultTruncated) without a $skipToken to read the rest");
      }
      guard.page(data.length, skipToken);
      if (skipToken) continue;
      if (total !== undefined && rows.length !== total) {
        return { changed: `its pages held ${rows.length} rows of the ${total} in totalRecords` };
      }
      return { rows };
    }
  }

  /**
   * One page. A 429 without `Retry-After` is sent again, up to GRAPH_ATTEMPTS
   * times in all: the SDK retries only a 429 that carries it, while Resource
   * Graph's guidance names its quota headers, which the pacer waits out before
   * the next query.
   */
  private async send(request: QueryRequest, scopes: string) {
    for (let attempt = 1; ; attempt++) {
      this.queries += 1;
      let answer: PipelineResponse | undefined;
      try {
        const page = await resources(this.context, request, {
          abortSignal: this.signal,
          onResponse: (response) => {
            answer = response;
          },
        });
        if (request.managementGroups && answer?.headers.get(SUBSCRIPTION_LIMIT_HEADER)?.trim() === "true") {
          throw partialTenant(scopes);
        }
        return page;
      } catch (error) {
        const status = isRestError(error) ? error.statusCode : answer?.status;
        const unretried = status === 429 && answer?.headers.get("retry-after") === undefined;
        if (unretried && attempt < GRAPH_ATTEMPTS && this.signal?.aborted !== true) continue;
        throw explainGraphFailure(scopes, unshaped(error, answer, scopes), this.signal?.aborted === true);
      }
    }
  }
}
