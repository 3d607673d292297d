/**
 * The local Azure Resource Manager stand-in: an HTTPS server on 127.0.0.1 that
 * answers ARM GETs from an in-memory World (its resources, and its Activity
 * Log through sandbox/activity-log.ts), logs every request, refuses every
 * write, injects faults on demand, and serves the Entra ID and GitHub Actions
 * token endpoints so that sign-in never leaves loopback.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { activityLogReply, isActivityLogPath } from "./activity-log.js";
import { refuseApiVersion } from "./api-versions.js";
import { GraphSandboxState, isGraphQueryPath, resourceGraphReply } from "./resource-graph.js";
import { armGet, locationOf, type Reply } from "./arm-routes.js";
import { makeCertificate, type SandboxCertificate } from "./cert.js";
import { armErrorBody, FaultRegistry, faultName, isFaultResponse, type FaultBehaviour } from "./faults.js";
import {
  type AzureStackIdentity,
  entraAccessToken,
  identityReply,
  jwtClaims,
  type IdTokenRequestRecord,
  type IdentityState,
  type TokenRequestRecord,
} from "./identity-endpoints.js";
import { ReadBuckets, subscriptionOfPath, subscriptionReadsThrottled, type ThrottleOptions } from "./throttle.js";
import type { World } from "./world.js";

export type { Reply } from "./arm-routes.js";
export type { ActiveFault, FaultBehaviour, FaultMatch, FaultResponse, FaultSpec } from "./faults.js";
export { armErrorBody, authorizationFailedFault, FaultRegistry, throttledFault } from "./faults.js";
export type { AzureStackIdentity, IdTokenRequestRecord, TokenRequestRecord } from "./identity-endpoints.js";
export type { ThrottleOptions } from "./throttle.js";
export { ACTIONS_ID_TOKEN_PATH, actionsIdToken, entraAccessToken } from "./identity-endpoints.js";

export interface ArmSandboxOptions {
  /** Delay before every response, for benchmarks. */
  latencyMs?: number;
  /** Items per page of a list; default 50. */
  pageSize?: number;
  /**
   * The only bearer tokens ARM accepts, the first being what the Entra stand-in
   * then issues. Absent: any token for an audience ARM accepts (see
   * `azureStack`); the stand-ins (Entra, `az`, staticTokenCredential) issue
   * JWT-shaped tokens whose `aud` ARM checks, while an opaque token a test
   * makes by hand is taken as one for the right audience.
   */
  tokens?: string[];
  /**
   * Stand in for an Azure Stack stamp: ARM accepts only tokens for `audience`
   * (instead of the public cloud's), and serves the anonymous
   * `GET /metadata/endpoints` that names it and the login endpoint.
   */
  azureStack?: AzureStackIdentity;
  /** The only request token the Actions OIDC endpoint accepts; absent: any. */
  actionsRequestToken?: string;
  /** Reuse a certificate instead of making one. */
  certificate?: SandboxCertificate;
  /** The port on 127.0.0.1; absent or 0: any free one. */
  port?: number;
  /** Answers the ARM GETs instead of the World (sandbox/replay.ts): the request and the sandbox's URL. */
  replay?: (url: URL, baseUrl: string) => Reply;
  /**
   * Throttle reads as ARM does (sandbox/throttle.ts): a token bucket per
   * subscription, `{}` for ARM's 250 tokens refilled at 25 a second. Absent:
   * no throttling, and `rateLimitRemaining` counts down instead.
   */
  throttle?: ThrottleOptions;
}

export interface RequestRecord {
  method: string;
  /** Decoded path, as sent. */
  path: string;
  query: Record<string, string>;
  /** 0 when no response was sent (reset, hang). */
  status: number;
  /** The fault that answered, if any: `status 429`, `reset`, `hang`, `truncated`, `invalid-json`. */
  fault?: string;
  /** When the request arrived and when its answer was sent (epoch ms, sub-millisecond). */
  startedAt: number;
  endedAt?: number;
}

function clock(): number {
  return performance.timeOrigin + performance.now();
}

export interface ArmSandbox {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  /** PEM of the server certificate, which is its own CA. */
  readonly ca: string;
  /** The resources served; tests may change it, or replace it, between runs. */
  world: World;
  readonly requests: RequestRecord[];
  readonly tokenRequests: TokenRequestRecord[];
  readonly idTokenRequests: IdTokenRequestRecord[];
  readonly faults: FaultRegistry;
  /** Resource Graph's query endpoint (sandbox/resource-graph.ts): unreadable subscriptions, management groups, quota, the queries received. */
  readonly graph: GraphSandboxState;
  /** A bearer ARM accepts: the first of `tokens`, else an Entra-shaped token for ARM's audience. */
  accessToken: string;
  /** The token audiences ARM accepts. */
  readonly audiences: readonly string[];
  /** Value of `x-ms-ratelimit-remaining-subscription-reads` on the next response, without `throttle`. */
  rateLimitRemaining: number;
  /** The read buckets, with `throttle`; every GET of a subscription takes a token. */
  readonly readBuckets: ReadBuckets | undefined;
  pageSize: number;
  latencyMs: number;
  readonly inFlight: number;
  /** The most requests in flight at once so far; tests and the benchmark may reset it. */
  peakInFlight: number;
  /** The URL to set as `ACTIONS_ID_TOKEN_REQUEST_URL`. */
  readonly actionsIdTokenUrl: string;
  countByMethod(): Record<string, number>;
  close(): Promise<void>;
}

/** The audiences public ARM accepts, in the order its InvalidAuthenticationTokenAudience message lists them. */
const PUBLIC_ARM_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
];

const ARM_PATH = /^\/(subscriptions|providers|tenants)(\/|$)/i;

function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

class ArmSandboxServer implements ArmSandbox {
  readonly requests: RequestRecord[] = [];
  readonly tokenRequests: TokenRequestRecord[] = [];
  readonly idTokenRequests: IdTokenRequestRecord[] = [];
  readonly faults = new FaultRegistry();
  readonly graph = new GraphSandboxState();
  url = "";
  accessToken: string;
  rateLimitRemaining = 12000;
  pageSize: number;
  latencyMs: number;
  inFlight = 0;
  peakInFlight = 0;
  readonly audiences: readonly string[];
  readonly readBuckets: ReadBuckets | undefined;
  private readonly tokens: string[] | undefined;
  private readonly hanging = new Set<ServerResponse>();
  private readonly server: Server;

  constructor(
    public world: World,
    readonly ca: string,
    key: string,
    private readonly options: ArmSandboxOptions,
  ) {
    this.tokens = options.tokens;
    this.audiences = options.azureStack ? [options.azureStack.audience] : PUBLIC_ARM_AUDIENCES;
    this.accessToken = options.tokens?.[0] ?? entraAccessToken(this.audiences[0] ?? "");
    this.pageSize = options.pageSize ?? 50;
    this.latencyMs = options.latencyMs ?? 0;
    this.readBuckets = options.throttle ? new ReadBuckets(options.throttle) : undefined;
    this.server = createServer({ key, cert: ca }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => this.fail(response, error));
    });
  }

  get actionsIdTokenUrl(): string {
    return `${this.url}/actions-id-token?api-version=2.0`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, "127.0.0.1", resolve);
    });
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  countByMethod(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { method } of this.requests) counts[method] = (counts[method] ?? 0) + 1;
    return counts;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const settle = this.countInFlight(response);
    const url = new URL(request.url ?? "/", this.url);
    const method = (request.method ?? "GET").toUpperCase();
    const record: RequestRecord = {
      method,
      path: decodeURIComponent(url.pathname),
      query: queryOf(url),
      status: 0,
      startedAt: clock(),
    };
    this.requests.push(record);
    const body = await readBody(request);
    if (this.latencyMs > 0) await delay(this.latencyMs);
    const fault = this.faults.take(method, record.path);
    if (fault) record.fault = faultName(fault.spec);
    if (fault && !isFaultResponse(fault.spec) && this.breakConnection(fault.spec, request, response)) return;
    const reply =
      fault && isFaultResponse(fault.spec)
        ? faultReply(fault.spec)
        : (this.throttled(method, record.path, request.headers.authorization) ??
          this.route(method, url, request, body));
    this.send(response, record, reply, fault?.spec);
    settle();
  }

  /** ARM's 429 when the read's subscription has no token left; null when it may be read. */
  private throttled(method: string, path: string, authorization: string | undefined): Reply | null {
    const subscription = subscriptionOfPath(path);
    if (!this.readBuckets || method !== "GET" || !subscription) return null;
    const admission = this.readBuckets.take(subscription);
    if (admission.admitted) return null;
    const claims = jwtClaims(/^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "");
    const actor = String(claims?.["oid"] ?? claims?.["appid"] ?? "00000000-0000-0000-0000-000000000000");
    return subscriptionReadsThrottled(subscription, actor, admission.retryAfterSeconds);
  }

  /** `x-ms-ratelimit-remaining-subscription-reads`: the bucket's tokens with `throttle`, else the countdown. */
  private remainingReads(path: string): Record<string, string> {
    const subscription = subscriptionOfPath(path);
    if (!this.readBuckets) return { "x-ms-ratelimit-remaining-subscription-reads": String(this.rateLimitRemaining--) };
    if (!subscription) return {};
    return { "x-ms-ratelimit-remaining-subscription-reads": String(this.readBuckets.remaining(subscription)) };
  }

  /** Counts the request as in flight until it is answered or its connection closes. */
  private countInFlight(response: ServerResponse): () => void {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.inFlight -= 1;
    };
    response.on("close", settle);
    return settle;
  }

  private breakConnection(behaviour: FaultBehaviour, request: IncomingMessage, response: ServerResponse): boolean {
    if (!("kind" in behaviour)) return false;
    if (behaviour.kind === "reset") request.socket.destroy();
    if (behaviour.kind === "hang") this.hanging.add(response);
    return behaviour.kind === "reset" || behaviour.kind === "hang";
  }

  private route(method: string, url: URL, request: IncomingMessage, body: string): Reply {
    const authorization = request.headers.authorization;
    const identity = identityReply(this.identityState(), { method, url, authorization, body });
    if (identity) return identity;
    if (!ARM_PATH.test(url.pathname)) {
      return { status: 404, body: armErrorBody("NotFound", `The sandbox serves nothing at '${url.pathname}'.`) };
    }
    if (method === "POST" && isGraphQueryPath(url.pathname)) {
      const apiVersion = url.searchParams.get("api-version");
      const query = { apiVersion, authorization, body, now: Date.now() };
      return this.authenticate(authorization) ?? resourceGraphReply(this.graph, this.graph.copy ?? this.world, query);
    }
    if (method !== "GET") {
      const message = `The ARM sandbox is read-only: ${method} is not allowed.`;
      return { status: 405, headers: { Allow: "GET" }, body: armErrorBody("MethodNotAllowed", message) };
    }
    if (this.options.replay) return this.authenticate(authorization) ?? this.options.replay(url, this.url);
    const path = decodeURIComponent(url.pathname);
    const listing = { baseUrl: this.url, pageSize: this.pageSize };
    return (
      this.authenticate(authorization) ??
      refuseApiVersion(path, url.searchParams.get("api-version"), locationOf(this.world, path)) ??
      (isActivityLogPath(path)
        ? activityLogReply(this.world, url, { ...listing, now: Date.now() })
        : armGet(this.world, url, listing))
    );
  }

  private authenticate(authorization: string | undefined): Reply | null {
    const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
    if (!token) {
      const message = "Authentication failed. The 'Authorization' header is missing.";
      return unauthorized("AuthenticationFailed", message, "missing 'Authorization' header");
    }
    if (this.tokens?.includes(token)) return null;
    if (this.tokens || !jwtClaims(token)) {
      return unauthorized("InvalidAuthenticationToken", "The access token is invalid.", "the access token is invalid");
    }
    return this.checkAudience(token);
  }

  /**
   * ARM's audience check, with its real answer (quoted in
   * Azure-Samples/active-directory-dotnetcore-daemon-v2#145 and
   * hashicorp/go-azure-helpers#51): 401 InvalidAuthenticationTokenAudience
   * naming the token's audience and every allowed one. The WWW-Authenticate
   * challenge keeps the RFC 6750 form of the sandbox's other 401s: no public
   * source quotes ARM's for this case, and the gate reads only the body.
   */
  private checkAudience(token: string): Reply | null {
    const claims = jwtClaims(token);
    if (!claims) return null;
    const audience = typeof claims["aud"] === "string" ? claims["aud"] : "";
    if (this.audiences.includes(audience)) return null;
    const allowed = this.audiences.map((candidate) => `'${candidate}'`).join(",");
    const message = `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${allowed}.`;
    return unauthorized("InvalidAuthenticationTokenAudience", message, "an invalid audience");
  }

  private identityState(): IdentityState {
    return {
      baseUrl: this.url,
      issuedToken: this.tokens ? this.accessToken : undefined,
      azureStack: this.options.azureStack,
      actionsRequestToken: this.options.actionsRequestToken,
      tokenRequests: this.tokenRequests,
      idTokenRequests: this.idTokenRequests,
    };
  }

  private send(response: ServerResponse, record: RequestRecord, reply: Reply, fault?: FaultBehaviour): void {
    const kind = fault && "kind" in fault ? fault.kind : undefined;
    const text =
      kind === "invalid-json"
        ? '{"value": [ {"id": "/subscriptions/'
        : (reply.text ?? JSON.stringify(reply.body ?? ""));
    record.status = reply.status;
    record.endedAt = clock();
    response.writeHead(reply.status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": randomUUID(),
      ...this.remainingReads(record.path),
      ...reply.headers,
    });
    if (kind !== "truncated") return void response.end(text);
    const half = Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) / 2));
    response.write(half, () => response.socket?.destroy());
  }

  private fail(response: ServerResponse, error: unknown): void {
    if (response.headersSent) return void response.destroy();
    const message = error instanceof Error ? error.message : String(error);
    response.writeHead(500, { "Content-Type": "application/json" });
    response.end(JSON.stringify(armErrorBody("InternalServerError", `sandbox failure: ${message}`)));
  }
}

function faultReply(fault: { status: number; headers?: Record<string, string>; body?: unknown }): Reply {
  const body = fault.body ?? armErrorBody(`Http${fault.status}`, `Injected fault: HTTP ${fault.status}.`);
  return { status: fault.status, body, ...(fault.headers ? { headers: fault.headers } : {}) };
}

function unauthorized(code: string, message: string, reason: string): Reply {
  const challenge = `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of ${reason}."`;
  return { status: 401, headers: { "WWW-Authenticate": challenge }, body: armErrorBody(code, message) };
}

/** Starts the sandbox on a random loopback port with a certificate made for it. */
export async function startArmSandbox(world: World, options: ArmSandboxOptions = {}): Promise<ArmSandbox> {
  const certificate = options.certificate ?? (await makeCertificate());
  const sandbox = new ArmSandboxServer(world, certificate.cert, certificate.key, options);
  await sandbox.listen();
  return sandbox;
}
