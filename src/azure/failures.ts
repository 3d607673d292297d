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

/** ARM kept throttling after the SDK's own retries; the cluster may be tried again later. */
export class ThrottledError extends GateError {
  constructor(
    message: string,
    hint: string,
    readonly retryAfterMs: number,
  ) {
    super(message, hint);
    this.name = "ThrottledError";
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
      return new ThrottledError(
        `Azure kept throttling reads of ${resourceId} after the retries (${detail}).`,
        "Run again later, lower 'concurrency', or split the fleet with 'shard'.",
        retryAfterOf(error),
      );
    default:
      return new GateError(
        `Azure failed to answer a read of ${resourceId} (${detail}).`,
        "Retry the run; if it persists, check the Azure status page for Resource Manager.",
      );
  }
}

/** Turns any failure of an ARM read into a GateError that says what to fix. */
export function explainArmFailure(resourceId: string, error: unknown): GateError {
  if (error instanceof GateError) return error;
  if (error instanceof Error && error.name === "AbortError") {
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
  if (isRestError(error)) {
    if (error.statusCode !== undefined) return explainStatus(resourceId, error);
    return new GateError(
      `Could not reach Azure to read ${resourceId}: ${error.message}`,
      "Check the runner's network and the 'arm-endpoint'/'environment' inputs, then retry.",
    );
  }
  if (error instanceof SyntaxError) return malformed(resourceId, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new GateError(`Reading ${resourceId} failed: ${message}`);
}

/** Runs one ARM read; a failure comes back as a GateError naming the resource. */
export async function checked<T>(resourceId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw explainArmFailure(resourceId, error);
  }
}
