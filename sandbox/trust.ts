/**
 * In-process helpers for tests that talk to the sandbox: trust its certificate
 * (Node 24's tls.setDefaultCACertificates) and a bearer token credential.
 * A child process trusts it through NODE_EXTRA_CA_CERTS instead.
 */
import tls from "node:tls";
import { entraAccessToken, resourceOfScope } from "./identity-endpoints.js";

export interface StaticAccessToken {
  token: string;
  expiresOnTimestamp: number;
}

/** Adds the sandbox CA to this process's default trust store; returns a function that undoes it. */
export function trustCertificateInProcess(ca: string): () => void {
  const previous = tls.getCACertificates("default");
  tls.setDefaultCACertificates([...previous, ca]);
  return () => tls.setDefaultCACertificates(previous);
}

/**
 * A TokenCredential without a sign-in: `token` when given, else an
 * Entra-shaped token for the resource of the scope asked for, as Entra ID
 * would issue it (its `aud` is what the ARM sandbox checks).
 */
export function staticTokenCredential(token?: string): {
  getToken(scopes: string | string[]): Promise<StaticAccessToken>;
} {
  return {
    getToken: async (scopes) => ({
      token: token ?? entraAccessToken(resourceOfScope([scopes].flat()[0] ?? "")),
      expiresOnTimestamp: Date.now() + 3600_000,
    }),
  };
}
