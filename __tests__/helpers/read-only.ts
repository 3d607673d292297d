/**
 * The gate's read-only promise, as the tests check it on the sandbox's request
 * log: GET to Resource Manager, plus POST only to Resource Graph's query
 * endpoint (which reads). The only other POST the sandbox may see is a
 * sign-in's token request to the Entra stand-in, which shares its host.
 */
import { isGraphQueryPath } from "../../sandbox/resource-graph.js";

const TOKEN_ENDPOINT = /^\/[^/]+\/oauth2\/v2\.0\/token$/i;

/** Every request that breaks the promise, as `METHOD path`: a test expects none. */
export function breaksReadOnly(requests: readonly { method: string; path: string }[]): string[] {
  return requests
    .filter(
      ({ method, path }) =>
        method !== "GET" && !(method === "POST" && (isGraphQueryPath(path) || TOKEN_ENDPOINT.test(path))),
    )
    .map(({ method, path }) => `${method} ${path}`);
}
