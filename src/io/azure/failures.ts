import { GateError } from "../../core/errors.js";
import { retryAfterMs } from "./pacing.js";

interface RestErrorLike {
  name: string;
  statusCode?: number;
  code?: string;
  message: string;
  request?: { method?: string; url?: string };
}

/**
 * How to sign in, for either front end: the hints below name options as both
 * the action (inputs) and the CLI (flags of the same names) take them.
 */
const SIGN_IN =
  "in a workflow, azure/login before this step or 'client-id' and 'tenant-id' with 'permissions: id-token: write'; " +
  "on a terminal, 'az login' or AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET";

/** Where a defect of the gate is reported. */
export const DEFECT_REPORT_URL = "https://github.com/contoso/aks-network-gate/issues";

/**
 * ARM's 400 codes for a request that is wrong as sent (an api-version it does
 * not serve for the type, none at all, a type it does not know): the inputs
 * cannot cause them, and the same request can never succeed.
 */
const REQUEST_DEFECT_CODES = new Set([
  "NoRegisteredProviderFound",
  "InvalidApiVersionParameter",
  "MissingApiVersionParameter",
  "InvalidResourceType",
]);

/**
 * A request the gate itself got wrong. Not the user's setup and not Azure's
 * weather: retrying cannot help, so the message says so and where to report it.
 */
export class GateDefect extends GateError {
  constructor(message: string) {
    super(
      message,
      `This is a defect of AKS Network Gate, not of your setup, and retrying cannot help: report it at ${DEFECT_REPORT_URL} with this message.`,
    );
    this.name = "GateDefect";
  }
}

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === "RestError";
}

function isCredentialError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "CredentialUnavailableError" ||
      error.name === "AuthenticationError" ||
      error.name === "AggregateAuthenticationError" ||
      error.name === "AuthenticationRequiredError")
  );
}

/** How long to wait before reading a cluster again after a transient failure other than a 429. */
export const TRANSIENT_RETRY_MS = 2_000;

/**
 * A failure that outlasted the SDK's own retries but may clear (throttling,
 * a 5xx, a dropped connection, a cut body): the cluster is read again later.
 */
export class TransientError extends GateError {
  constructor(
    message: string,
    hint: string,
    readonly retryAfterMs: number,
  ) {
    super(message, hint);
    this.name = "TransientError";
  }
}

/**
 * ARM's 404: the resource does not exist. ARM tells the two cases apart by
 * the error code (seen in the Azure CLI's recordings and quoted in the
 * sandbox's routes): `ResourceNotFound` when the resource group exists and
 * the resource does not, `ResourceGroupNotFound` when the group is gone too.
 * A principal that may not read gets 403 AuthorizationFailed instead.
 */
export class NotFoundError extends GateError {
  constructor(
    message: string,
    hint: string,
    readonly code: string | undefined,
  ) {
    super(message, hint);
    this.name = "NotFoundError";
  }
}

/**
 * ARM's 403: the signed-in identity may not read the resource (most often
 * `AuthorizationFailed`, no role there). Its own class, so that a read made
 * for an input line can say that the identity cannot read that line.
 */
export class DeniedError extends GateError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = "DeniedError";
  }
}

interface HeadersLike {
  get(name: string): string | undefined;
}

function retryAfterOf(error: RestErrorLike): number {
  const headers = (error as { response?: { headers?: HeadersLike } }).response?.headers;
  return retryAfterMs(headers?.get("retry-after")) ?? 5_000;
}

/** The resource group scope of an ID, for the role assignment hint. */
function scopeOf(resourceId: string): string {
  const match = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(resourceId);
  return match ? match[0] : resourceId;
}

/** A response that does not have the shape ARM promises: the gate cannot see. */
export function malformed(resourceId: string, problem: string): GateError {
  return new GateError(
    `Azure returned a malformed response for ${resourceId}: ${problem}.`,
    "The gate does not guess: retry the run, and report it if it persists.",
  );
}

/** A body that is not JSON: cut in transit or garbled; worth one more read. */
function cutShort(resourceId: string, problem: string): TransientError {
  return new TransientError(
    `Azure returned a response for ${resourceId} that is not valid JSON (${problem}).`,
    "The gate does not guess: retry the run, and report it if it persists.",
    TRANSIENT_RETRY_MS,
  );
}

/** `GET https://host/path?api-version=...`: the request as sent (ARM URLs carry no secret). */
function requestLine(error: RestErrorLike): string {
  return `${error.request?.method ?? "GET"} ${error.request?.url ?? "(request URL unknown)"}`;
}

/** ARM's 401 InvalidAuthenticationTokenAudience: the token is for another cloud or resource, a sign-in setting. */
function wrongAudience(resourceId: string, detail: string): GateError {
  return new GateError(
    `Azure refused the sign-in's token while reading ${resourceId}: it was issued for another audience than this Resource Manager (${detail}).`,
    "Sign in to the same cloud as 'environment' names (azure/login's 'environment' too); for Azure Stack, 'arm-endpoint' must be the stamp whose metadata names the audience.",
  );
}

function explainStatus(resourceId: string, error: RestErrorLike): GateError {
  const code = error.code ? ` ${error.code}` : "";
  const detail = `${error.statusCode}${code}: ${error.message}`;
  if (error.statusCode === 400 && error.code && REQUEST_DEFECT_CODES.has(error.code)) {
    return new GateDefect(
      `Azure Resource Manager refused the gate's own request for ${resourceId}: ${requestLine(error)} answered ${detail}`,
    );
  }
  switch (error.statusCode) {
    case 401:
      if (error.code === "InvalidAuthenticationTokenAudience") return wrongAudience(resourceId, detail);
      return new GateError(
        `Azure did not accept the sign-in while reading ${resourceId} (${detail}).`,
        `Check the sign-in (${SIGN_IN}) and 'environment'.`,
      );
    case 403:
      return new DeniedError(
        `Azure denied reading ${resourceId} (${detail}).`,
        `Grant the signed-in identity the 'Reader' role on ${scopeOf(resourceId)} (the cluster, node and VNet resource groups all need it).`,
      );
    case 404:
      return new NotFoundError(
        `Azure has no resource ${resourceId} (${detail}).`,
        "Check 'subscription', 'resource-group' and 'cluster-name', or the cluster's key in the baseline; a resource deleted during the run also ends here.",
        error.code,
      );
    case 429:
      return new TransientError(
        `Azure kept throttling reads of ${resourceId} after the retries (${detail}).`,
        "Run again later, or lower 'concurrency': Resource Manager counts reads per subscription and identity, so jobs or shards signed in as the same identity share them and 'shard' does not help.",
        retryAfterOf(error),
      );
    default: {
      if ((error.statusCode ?? 0) >= 500) {
        return new TransientError(
          `Azure failed to answer a read of ${resourceId} (${detail}).`,
          "Retry the run; if it persists, check the Azure status page for Resource Manager.",
          TRANSIENT_RETRY_MS,
        );
      }
      return new GateError(
        `Azure refused a read of ${resourceId}: ${requestLine(error)} answered ${detail}`,
        `The same request cannot succeed when sent again: check 'subscription', 'resource-group', 'cluster-name' and the baseline's cluster IDs; if they are right, report it at ${DEFECT_REPORT_URL} with this message.`,
      );
    }
  }
}

/**
 * Turns any failure of an ARM read into a GateError that says what to fix.
 * An abort is the run's time budget when `budgetSpent` says so, else a
 * request that got no answer in time.
 */
export function explainArmFailure(resourceId: string, error: unknown, budgetSpent = false): GateError {
  if (error instanceof GateError) return error;
  if (error instanceof Error && error.name === "AbortError") {
    if (!budgetSpent) {
      return new TransientError(
        `Azure did not answer a read of ${resourceId} in time (${error.message}).`,
        "Retry the run; if it persists, check the runner's network and the Azure status page.",
        TRANSIENT_RETRY_MS,
      );
    }
    return new GateError(
      `The run's time budget ran out while reading ${resourceId}.`,
      "Raise 'timeout-minutes', give each job of a check fewer clusters with 'shard', or check why Azure answers slowly.",
    );
  }
  if (isCredentialError(error)) {
    return new GateError(
      `Could not sign in to Azure to read ${resourceId}: ${(error as Error).message}`,
      `Sign in first: ${SIGN_IN}.`,
    );
  }
  if (isRestError(error) && error.code === "PARSE_ERROR") return cutShort(resourceId, error.message);
  if (isRestError(error)) {
    if (error.statusCode !== undefined) return explainStatus(resourceId, error);
    return new TransientError(
      `Could not reach Azure to read ${resourceId}: ${error.message}`,
      "Check the network to Azure, 'arm-endpoint' and 'environment', then retry.",
      TRANSIENT_RETRY_MS,
    );
  }
  if (error instanceof SyntaxError) return cutShort(resourceId, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new GateDefect(`Reading ${resourceId} failed in the gate itself: ${message}`);
}

/** Runs one ARM read; a failure comes back as a GateError naming the resource. */
export async function checked<T>(resourceId: string, read: () => Promise<T>, budget?: AbortSignal): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw explainArmFailure(resourceId, error, budget?.aborted === true);
  }
}

/**
 * Why an Activity Log read gave nothing, in one line that names whose it is:
 * the identity's role (403), Azure's weather (429, 5xx, no answer), or the
 * lookup's own time limit. The lookup never changes the gate's result, so
 * this is a note, never an error of the run.
 */
export function activityLogFailure(subscriptionId: string, error: unknown, limitHit: boolean): string {
  const id = subscriptionId;
  if (limitHit) {
    return `The Activity Log of subscription ${id} did not answer within the lookup's time limit; the next run looks again.`;
  }
  const rest = error instanceof Error && error.name === "RestError" ? (error as RestErrorLike) : undefined;
  const status = rest?.statusCode;
  const detail = rest ? `${status ?? "no answer"}${rest.code ? ` ${rest.code}` : ""}` : describeUnknown(error);
  if (status === 403 || status === 401) {
    return `Azure denied reading the Activity Log of subscription ${id} (${detail}): give the gate's identity 'Reader' or 'Monitoring Reader' on the subscription (Microsoft.Insights/eventtypes/values/read), or set 'activity-log: false'.`;
  }
  if (status === 429) {
    return `Azure kept throttling reads of the Activity Log of subscription ${id} (${detail}); the next run looks again.`;
  }
  if (status === undefined || status >= 500) {
    return `Azure did not answer a read of the Activity Log of subscription ${id} (${detail}); the next run looks again.`;
  }
  return `Azure refused a read of the Activity Log of subscription ${id} (${detail}): a defect of AKS Network Gate's request; report it at ${DEFECT_REPORT_URL}.`;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]?.slice(0, 300) ?? "";
}

function describeUnknown(error: unknown): string {
  if (error instanceof GateError) return firstLine(error.message);
  return firstLine(error instanceof Error ? error.message : String(error));
}
