/**
 * In-process helpers for tests that talk to the sandbox: trust its certificate
 * (Node 24's tls.setDefaultCACertificates) and a fixed bearer token credential.
 * A child process trusts it through NODE_EXTRA_CA_CERTS instead.
 */
import tls from "node:tls";

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

/** A TokenCredential that always returns the same bearer token. */
export function staticTokenCredential(token = "sandbox-token"): { getToken(): Promise<StaticAccessToken> } {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}
