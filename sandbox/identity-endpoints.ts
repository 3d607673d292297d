/**
 * The token services a sign-in touches, served on loopback: a Microsoft
 * Entra ID stand-in (OpenID metadata and the v2.0 token endpoint, what MSAL's
 * client-assertion flow needs), the GitHub Actions OIDC token endpoint
 * (`ACTIONS_ID_TOKEN_REQUEST_URL`, what `core.getIDToken` calls) and, for an
 * Azure Stack stamp, ARM's anonymous `/metadata/endpoints` document that names
 * the login endpoint and the audience ARM accepts.
 */
import { randomUUID } from "node:crypto";
import type { Reply } from "./arm-routes.js";

export interface TokenRequestRecord {
  tenant: string;
  grantType: string | null;
  clientId: string | null;
  clientAssertion: string | null;
  clientAssertionType: string | null;
  scope: string | null;
}

export interface IdTokenRequestRecord {
  audience: string | null;
  /** The ID token answered. */
  token: string;
}

/** An Azure Stack stamp: the audience its ARM accepts and the login endpoint its metadata names. */
export interface AzureStackIdentity {
  /** `authentication.audiences[0]`, e.g. `https://management.adfs.azurestack.local/<id>`. */
  audience: string;
  /** `authentication.loginEndpoint`; absent: the sandbox itself, whose Entra stand-in then signs in. */
  loginEndpoint?: string;
}

export interface IdentityState {
  baseUrl: string;
  /** A fixed token the Entra stand-in issues whatever the scope; absent: an Entra-shaped token for the scope's resource. */
  issuedToken: string | undefined;
  /** Set when the sandbox stands in for an Azure Stack stamp. */
  azureStack: AzureStackIdentity | undefined;
  /** When set, the only bearer the Actions OIDC endpoint accepts. */
  actionsRequestToken: string | undefined;
  tokenRequests: TokenRequestRecord[];
  idTokenRequests: IdTokenRequestRecord[];
}

export interface IdentityRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  body: string;
}

const METADATA_ENDPOINTS_PATH = "/metadata/endpoints";
const OPENID_CONFIGURATION = /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/i;
const TOKEN_ENDPOINT = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;
const KEYS_ENDPOINT = /^\/([^/]+)\/discovery\/v2\.0\/keys$/i;
export const ACTIONS_ID_TOKEN_PATH = "/actions-id-token";

function base64Url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

function unsignedJwt(claims: Record<string, unknown>): string {
  return `${base64Url({ alg: "RS256", typ: "JWT", kid: "sandbox" })}.${base64Url(claims)}.${base64Url("sandbox-signature")}`;
}

/**
 * The resource of a v2.0 scope, as Entra ID writes it in the token's `aud`:
 * the scope less `/.default`, trailing slash kept (`https://management.azure.com/.default`
 * gives `https://management.azure.com`, `https://management.core.windows.net//.default`
 * gives `https://management.core.windows.net/`; ARM lists both forms among the
 * audiences it accepts, see arm.ts).
 */
export function resourceOfScope(scope: string): string {
  return scope.replace(/\/\.default$/, "");
}

/**
 * A JWT-shaped (unsigned) access token as Entra ID issues one for a resource:
 * v1.0 claims, `aud` the resource, `iss` the tenant's STS.
 */
export function entraAccessToken(audience: string, tenant = "11111111-1111-1111-1111-111111111111"): string {
  const now = Math.floor(Date.now() / 1000);
  return unsignedJwt({
    aud: audience,
    iss: `https://sts.windows.net/${tenant}/`,
    tid: tenant,
    ver: "1.0",
    iat: now,
    nbf: now,
    exp: now + 3600,
  });
}

/** The claims of a JWT-shaped token; undefined for an opaque one. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    return claims !== null && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function openIdConfiguration(baseUrl: string, tenant: string): Reply {
  const authority = `${baseUrl}/${tenant}`;
  const body = {
    issuer: `${authority}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    userinfo_endpoint: `${baseUrl}/oidc/userinfo`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    response_modes_supported: ["query", "fragment", "form_post"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    request_uri_parameter_supported: false,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: "NA",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
  return { status: 200, body };
}

function entraError(status: number, error: string, code: number, description: string): Reply {
  const body = {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  };
  return { status, body };
}

function tokenReply(state: IdentityState, tenant: string, body: string): Reply {
  const form = new URLSearchParams(body);
  const record: TokenRequestRecord = {
    tenant,
    grantType: form.get("grant_type"),
    clientId: form.get("client_id"),
    clientAssertion: form.get("client_assertion"),
    clientAssertionType: form.get("client_assertion_type"),
    scope: form.get("scope"),
  };
  state.tokenRequests.push(record);
  if (record.grantType !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }
  if (!record.clientId || !(record.clientAssertion || form.get("client_secret"))) {
    return entraError(401, "invalid_client", 7000216, "'client_assertion' or 'client_secret' is required.");
  }
  const accessToken = state.issuedToken ?? entraAccessToken(resourceOfScope(record.scope ?? ""), tenant);
  const token = { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: accessToken };
  return { status: 200, body: token };
}

/** A JWT-shaped GitHub Actions ID token (unsigned) naming the audience it was asked for. */
export function actionsIdToken(audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: "https://token.actions.githubusercontent.com",
    aud: audience,
    sub: "repo:octo-org/aks-platform:ref:refs/heads/main",
    repository: "octo-org/aks-platform",
    ref: "refs/heads/main",
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 300,
  };
  return unsignedJwt(claims);
}

/**
 * Azure Stack's `GET <arm>/metadata/endpoints?api-version=2015-01-01`, anonymous, in
 * the shape `az cloud register` reads (Azure/azure-cli command_modules/cloud/custom.py,
 * _populate_from_metadata_endpoint; field names as Azure/go-autorest
 * autorest/azure/metadata_environment.go declares them). Only that api-version's
 * shape is modelled (later ones answer a list of clouds), so another is refused.
 */
function metadataReply(state: IdentityState, stack: AzureStackIdentity, url: URL): Reply {
  const version = url.searchParams.get("api-version");
  if (version !== "2015-01-01") {
    const message = `The sandbox serves the metadata document only for api-version 2015-01-01, not '${version ?? ""}'.`;
    return { status: 400, body: { error: { code: "InvalidApiVersionParameter", message } } };
  }
  const body = {
    galleryEndpoint: "https://providers.local.azurestack.external:30016/",
    graphEndpoint: "https://graph.local.azurestack.external/",
    portalEndpoint: "https://portal.local.azurestack.external/",
    authentication: { loginEndpoint: stack.loginEndpoint ?? `${state.baseUrl}/`, audiences: [stack.audience] },
  };
  return { status: 200, body };
}

function idTokenReply(state: IdentityState, request: IdentityRequest): Reply {
  const bearer = /^Bearer (.+)$/i.exec(request.authorization ?? "")?.[1];
  const expected = state.actionsRequestToken;
  if (!bearer || (expected !== undefined && bearer !== expected)) {
    return { status: 401, body: { message: "Bad credentials" } };
  }
  const audience = request.url.searchParams.get("audience");
  const token = actionsIdToken(audience ?? "");
  state.idTokenRequests.push({ audience, token });
  return { status: 200, body: { value: token } };
}

/** The identity endpoints' answer, or null when the path is not one of theirs. */
export function identityReply(state: IdentityState, request: IdentityRequest): Reply | null {
  const path = request.url.pathname;
  const { method } = request;
  if (path === ACTIONS_ID_TOKEN_PATH && method === "GET") return idTokenReply(state, request);
  if (path === METADATA_ENDPOINTS_PATH && method === "GET" && state.azureStack) {
    return metadataReply(state, state.azureStack, request.url);
  }
  const configuration = OPENID_CONFIGURATION.exec(path);
  if (configuration && method === "GET") return openIdConfiguration(state.baseUrl, configuration[1] ?? "");
  const keys = KEYS_ENDPOINT.exec(path);
  if (keys && method === "GET") return { status: 200, body: { keys: [] } };
  const token = TOKEN_ENDPOINT.exec(path);
  if (token && method === "POST") return tokenReply(state, token[1] ?? "", request.body);
  return null;
}
