import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { ClientAssertionCredential, DefaultAzureCredential } from "@azure/identity";
import type { Deadline } from "../../core/deadline.js";
import type { Cloud } from "./clouds.js";

/** How the run signs in: GitHub OIDC with an app registration, or whatever DefaultAzureCredential finds. */
export type AuthSettings = { kind: "oidc"; clientId: string; tenantId: string; audience: string } | { kind: "default" };

/** Fetches a GitHub OIDC token for an audience (core.getIDToken in the action). */
export type IdTokenSource = (audience: string) => Promise<string>;

/** Renew a cached token this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * One credential for the whole run: every token is masked the moment it
 * exists, and a token is shared by all clients of the run until it nears
 * expiry (AzureCliCredential would otherwise start `az` once per client).
 */
export class RunCredential implements TokenCredential {
  private readonly cache = new Map<string, Promise<AccessToken | null>>();

  constructor(
    private readonly inner: TokenCredential,
    private readonly mask: (secret: string) => void,
    private readonly deadline?: Deadline,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = [scopes].flat().join(" ");
    const cached = this.cache.get(key);
    if (cached) {
      return cached.then((token) =>
        token && token.expiresOnTimestamp - REFRESH_MARGIN_MS > Date.now() ? token : this.fetch(key, scopes, options),
      );
    }
    return this.fetch(key, scopes, options);
  }

  private fetch(key: string, scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const asked = this.inner.getToken(scopes, {
      ...options,
      ...(this.deadline ? { abortSignal: options?.abortSignal ?? this.deadline.signal } : {}),
    });
    const bounded = this.deadline
      ? this.deadline.race(asked, "a sign-in token from Microsoft Entra ID or 'az'")
      : asked;
    const pending = bounded.then((token) => {
      if (token) this.mask(token.token);
      return token;
    });
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    return pending;
  }
}

/**
 * The credential the settings ask for: with client-id and tenant-id, GitHub
 * OIDC through ClientAssertionCredential (a fresh assertion for every token
 * request); otherwise DefaultAzureCredential, which picks up azure/login.
 * Both sign in at the cloud's authority (for Azure Stack, the stamp's login
 * endpoint from its metadata), and every token is asked for the cloud's
 * scope by the ARM clients (`credentials.scopes`). The Azure CLI, which
 * azure/login leaves signed in, keeps its own authority (`az cloud register`)
 * and is asked for that scope's resource (`--resource`).
 */
export function createCredential(
  auth: AuthSettings,
  cloud: Cloud,
  idToken: IdTokenSource,
  mask: (secret: string) => void,
  deadline?: Deadline,
): RunCredential {
  const authority = {
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: cloud.disableInstanceDiscovery,
  };
  // `az` (and the other developer tools) is killed when the run's budget is spent, not left running.
  const processTimeout = deadline ? { processTimeoutInMs: Math.max(1, deadline.remainingMs()) } : {};
  const inner =
    auth.kind === "oidc"
      ? new ClientAssertionCredential(auth.tenantId, auth.clientId, () => idToken(auth.audience), authority)
      : new DefaultAzureCredential({ ...(cloud.authorityHost ? authority : {}), ...processTimeout });
  return new RunCredential(inner, mask, deadline);
}
