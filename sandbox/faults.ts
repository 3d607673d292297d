/**
 * Faults the sandbox injects instead of (or into) its normal answer: an HTTP
 * error, a dropped connection, a response that never comes, a body cut in half
 * or one that is not JSON. A fault matches by method and path and fires a
 * limited number of times (default: forever).
 */

export interface FaultResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type FaultBehaviour =
  FaultResponse | { kind: "reset" } | { kind: "hang" } | { kind: "truncated" } | { kind: "invalid-json" };

export interface FaultMatch {
  /** HTTP method, any case; absent: every method. */
  method?: string;
  /** A case-insensitive substring of the path, or a RegExp tested on it; absent: every path. */
  path?: string | RegExp;
  /** How many times it fires; absent: forever. */
  times?: number;
}

export type FaultSpec = FaultBehaviour & FaultMatch;

export interface ActiveFault {
  readonly spec: FaultSpec;
  /** How many requests this fault has answered so far. */
  readonly fired: number;
}

class RegisteredFault implements ActiveFault {
  fired = 0;

  constructor(readonly spec: FaultSpec) {}

  matches(method: string, path: string): boolean {
    const { spec } = this;
    if (spec.times !== undefined && this.fired >= spec.times) return false;
    if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
    if (spec.path === undefined) return true;
    if (typeof spec.path === "string") return path.toLowerCase().includes(spec.path.toLowerCase());
    return spec.path.test(path);
  }
}

export class FaultRegistry {
  private readonly faults: RegisteredFault[] = [];

  /** Registers a fault; the returned handle counts how often it fired. */
  add(spec: FaultSpec): ActiveFault {
    const fault = new RegisteredFault(spec);
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): readonly ActiveFault[] {
    return [...this.faults];
  }

  /** The first fault that matches the request, counted as fired. */
  take(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find((candidate) => candidate.matches(method, path));
    if (fault) fault.fired += 1;
    return fault;
  }
}

export function isFaultResponse(behaviour: FaultBehaviour): behaviour is FaultResponse {
  return "status" in behaviour;
}

export function faultName(behaviour: FaultBehaviour): string {
  return isFaultResponse(behaviour) ? `status ${behaviour.status}` : behaviour.kind;
}

/** ARM's error body: `{"error":{"code","message"}}`. */
export function armErrorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** A 429 as ARM throttles: `Retry-After` in seconds (or an HTTP date). */
export function throttledFault(match: FaultMatch & { retryAfter?: number | string } = {}): FaultSpec {
  const { retryAfter = 1, ...rest } = match;
  return {
    ...rest,
    status: 429,
    headers: { "Retry-After": String(retryAfter) },
    body: armErrorBody(
      "TooManyRequests",
      "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.",
    ),
  };
}

/** A 403 the way ARM denies a principal without a role on the scope. */
export function authorizationFailedFault(
  match: FaultMatch & { clientId?: string; objectId?: string; action: string; scope: string },
): FaultSpec {
  const { clientId = "00000000-0000-0000-0000-00000000c1d0", objectId = clientId, action, scope, ...rest } = match;
  const message =
    `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action ` +
    `'${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;
  return { ...rest, status: 403, body: armErrorBody("AuthorizationFailed", message) };
}
