import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  ClientAssertionCredential,
  type ClientAssertionCredentialOptions,
  DefaultAzureCredential,
} from "@azure/identity";
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
 * GitHub OIDC through ClientAssertionCredential, with one ID token per token
 * request. msal-node 7.2 calls the assertion callback twice for one
 * client-credential request (the request's own in
 * acquireTokenByClientCredential, then the app configuration's in
 * buildOauthClientConfiguration) and sends only the request's
 * (ClientCredentialClient: `request.clientAssertion ||` the configuration's),
 * so the second ID token was fetched from GitHub and thrown away. A
 * credential made for each token request lets both calls share one ID token;
 * Entra still receives each assertion once. RunCredential keeps the tokens,
 * so a new credential (and its MSAL app) is made only when one expires.
 */
class GitHubOidcCredential implements TokenCredential {
  constructor(
    private readonly auth: Extract<AuthSettings, { kind: "oidc" }>,
    private readonly authority: ClientAssertionCredentialOptions,
    private readonly idToken: IdTokenSource,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    let assertion: Promise<string> | undefined;
    const { tenantId, clientId, audience } = this.auth;
    const credential = new ClientAssertionCredential(
      tenantId,
      clientId,
      () => (assertion ??= this.idToken(audience)),
      this.authority,
    );
    return credential.getToken(scopes, options);
  }
}

/**
 * The credential the settings ask for: with client-id and tenant-id, GitHub
 * OIDC (a fresh ID token for every token request); otherwise
 * DefaultAzureCredential, which picks up azure/login.
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
      ? new GitHubOidcCredential(auth, authority, idToken)
      : new DefaultAzureCredential({ ...(cloud.authorityHost ? authority : {}), ...processTimeout });
  return new RunCredential(inner, mask, deadline);
}
