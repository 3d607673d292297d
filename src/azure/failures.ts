import { GateError } from "../errors.js";
import { retryAfterMs } from "./pacing.js";

interface RestErrorLike {
  name: string;
  statusCode?: number;
  code?: string;
  message: string;
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

function explainStatus(resourceId: string, error: RestErrorLike): GateError {
  const code = error.code ? ` ${error.code}` : "";
  const detail = `${error.statusCode}${code}: ${error.message}`;
  switch (error.statusCode) {
    case 401:
      return new GateError(
        `Azure did not accept the sign-in while reading ${resourceId} (${detail}).`,
        "Check azure/login, or 'client-id' and 'tenant-id' with 'permissions: id-token: write', and the 'environment' input.",
      );
    case 403:
      return new GateError(
        `Azure denied reading ${resourceId} (${detail}).`,
        `Grant the signed-in identity the 'Reader' role on ${scopeOf(resourceId)} (the cluster, node and VNet resource groups all need it).`,
      );
    case 404:
      return new GateError(
        `Azure has no resource ${resourceId} (${detail}).`,
        "Check the 'subscription', 'resource-group' and 'cluster-name' inputs, or the cluster's key in the baseline; a resource deleted during the run also ends here.",
      );
    case 429:
      return new TransientError(
        `Azure kept throttling reads of ${resourceId} after the retries (${detail}).`,
        "Run again later, lower 'concurrency', or split the fleet with 'shard'.",
        retryAfterOf(error),
      );
    default: {
      const message = `Azure failed to answer a read of ${resourceId} (${detail}).`;
      const hint = "Retry the run; if it persists, check the Azure status page for Resource Manager.";
      const status = error.statusCode ?? 0;
      return status >= 500 ? new TransientError(message, hint, TRANSIENT_RETRY_MS) : new GateError(message, hint);
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
      "Raise 'timeout-minutes', lower the fleet per job with 'shard', or check why Azure answers slowly.",
    );
  }
  if (isCredentialError(error)) {
    return new GateError(
      `Could not sign in to Azure to read ${resourceId}: ${(error as Error).message}`,
      "Run azure/login before this step, or set 'client-id' and 'tenant-id' (with 'permissions: id-token: write').",
    );
  }
  if (isRestError(error) && error.code === "PARSE_ERROR") return cutShort(resourceId, error.message);
  if (isRestError(error)) {
    if (error.statusCode !== undefined) return explainStatus(resourceId, error);
    return new TransientError(
      `Could not reach Azure to read ${resourceId}: ${error.message}`,
      "Check the runner's network and the 'arm-endpoint'/'environment' inputs, then retry.",
      TRANSIENT_RETRY_MS,
    );
  }
  if (error instanceof SyntaxError) return cutShort(resourceId, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new GateError(`Reading ${resourceId} failed: ${message}`);
}

/** Runs one ARM read; a failure comes back as a GateError naming the resource. */
export async function checked<T>(resourceId: string, read: () => Promise<T>, budget?: AbortSignal): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw explainArmFailure(resourceId, error, budget?.aborted === true);
  }
}
