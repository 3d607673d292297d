/**
 * The two token services a sign-in touches, served on loopback: a Microsoft
 * Entra ID stand-in (OpenID metadata and the v2.0 token endpoint, what MSAL's
 * client-assertion flow needs) and the GitHub Actions OIDC token endpoint
 * (`ACTIONS_ID_TOKEN_REQUEST_URL`, what `core.getIDToken` calls).
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
}

export interface IdentityState {
  baseUrl: string;
  /** The access token the Entra stand-in issues. */
  accessToken: string;
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

const OPENID_CONFIGURATION = /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/i;
const TOKEN_ENDPOINT = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;
const KEYS_ENDPOINT = /^\/([^/]+)\/discovery\/v2\.0\/keys$/i;
export const ACTIONS_ID_TOKEN_PATH = "/actions-id-token";

function base64Url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
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
  const token = { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: state.accessToken };
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
  return `${base64Url({ alg: "RS256", typ: "JWT", kid: "sandbox" })}.${base64Url(claims)}.${base64Url("sandbox-signature")}`;
}

function idTokenReply(state: IdentityState, request: IdentityRequest): Reply {
  const bearer = /^Bearer (.+)$/i.exec(request.authorization ?? "")?.[1];
  const expected = state.actionsRequestToken;
  if (!bearer || (expected !== undefined && bearer !== expected)) {
    return { status: 401, body: { message: "Bad credentials" } };
  }
  const audience = request.url.searchParams.get("audience");
  state.idTokenRequests.push({ audience });
  return { status: 200, body: { value: actionsIdToken(audience ?? "") } };
}

/** The identity endpoints' answer, or null when the path is not one of theirs. */
export function identityReply(state: IdentityState, request: IdentityRequest): Reply | null {
  const path = request.url.pathname;
  const { method } = request;
  if (path === ACTIONS_ID_TOKEN_PATH && method === "GET") return idTokenReply(state, request);
  const configuration = OPENID_CONFIGURATION.exec(path);
  if (configuration && method === "GET") return openIdConfiguration(state.baseUrl, configuration[1] ?? "");
  const keys = KEYS_ENDPOINT.exec(path);
  if (keys && method === "GET") return { status: 200, body: { keys: [] } };
  const token = TOKEN_ENDPOINT.exec(path);
  if (token && method === "POST") return tokenReply(state, token[1] ?? "", request.body);
  return null;
}
