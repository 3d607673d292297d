/**
 * The local stand-in of the Actions artifact service (v4) and of the blob
 * store behind it, plain HTTP on 127.0.0.1, as @actions/artifact talks to
 * them: Twirp JSON `CreateArtifact` at ACTIONS_RESULTS_URL answers with a
 * signed upload URL on this same server; the zip arrives as Azure blob
 * blocks (`PUT ?comp=block`) and a block list (`PUT ?comp=blocklist`), or as
 * one `PUT`; `FinalizeArtifact` answers with the artifact's ID. Requests are
 * recorded, the bearer token is checked, and `refuse` makes CreateArtifact
 * answer 403 (not retried by the client).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const SERVICE = "/twirp/github.actions.results.api.v1.ArtifactService/";

export interface ArtifactServiceRecord {
  method: string;
  path: string;
  /** The Twirp request's JSON body; undefined for blob requests. */
  body?: Record<string, unknown>;
  status: number;
}

/** A runtime token as the runner hands it out: a JWT whose `scp` names the run's and the job's backend IDs. */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { scp: `Actions.GenericRead:1 Actions.Results:${runBackendId}:${jobBackendId}` };
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.stand-in`;
}

export class ArtifactService {
  readonly requests: ArtifactServiceRecord[] = [];
  /** Uploaded blobs by path, once their block list is committed (or a single PUT arrives). */
  readonly blobs = new Map<string, Buffer>();
  /** Set to make CreateArtifact answer 403 with this message. */
  refuse: string | undefined;
  private readonly blocks = new Map<string, Buffer>();
  private nextId = 4242;

  constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const body = await readBody(request);
    if (url.pathname.startsWith(SERVICE)) return this.twirp(request, url, body, response);
    if (request.method === "PUT" && url.pathname.startsWith("/blob/")) return this.blob(url, body, response);
    this.reply(response, { method: request.method ?? "", path: url.pathname, status: 404 }, { msg: "not found" });
  }

  private twirp(request: IncomingMessage, url: URL, raw: Buffer, response: ServerResponse): void {
    const body = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
    const record = { method: request.method ?? "", path: url.pathname, body, status: 200 };
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return this.reply(response, { ...record, status: 401 }, { code: "unauthenticated", msg: "bad token" });
    }
    const method = url.pathname.slice(SERVICE.length);
    if (method === "CreateArtifact" && this.refuse !== undefined) {
      return this.reply(response, { ...record, status: 403 }, { code: "permission_denied", msg: this.refuse });
    }
    if (method === "CreateArtifact") {
      const blob = `/blob/devstoreaccount1/artifacts/${encodeURIComponent(String(body.name))}.zip`;
      return this.reply(response, record, { ok: true, signed_upload_url: `${this.url}${blob}?sig=stand-in-sig` });
    }
    if (method === "FinalizeArtifact") {
      return this.reply(response, record, { ok: true, artifact_id: String(this.nextId++) });
    }
    this.reply(response, { ...record, status: 404 }, { code: "bad_route", msg: method });
  }

  private blob(url: URL, body: Buffer, response: ServerResponse): void {
    const comp = url.searchParams.get("comp");
    const key = url.pathname;
    if (comp === "block") this.blocks.set(`${key}#${url.searchParams.get("blockid")}`, body);
    else if (comp === "blocklist") {
      const ids = [...body.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)];
      this.blobs.set(key, Buffer.concat(ids.map((match) => this.blocks.get(`${key}#${match[1]}`) ?? Buffer.alloc(0))));
    } else this.blobs.set(key, body);
    this.requests.push({ method: "PUT", path: `${key}${comp ? `?comp=${comp}` : ""}`, status: 201 });
    response.writeHead(201, {
      etag: '"0x1"',
      "last-modified": new Date().toUTCString(),
      "x-ms-request-id": "stand-in",
      "x-ms-version": "2025-01-05",
      "x-ms-request-server-encrypted": "true",
      "content-length": "0",
    });
    response.end();
  }

  private reply(response: ServerResponse, record: ArtifactServiceRecord, body: unknown): void {
    this.requests.push(record);
    response.writeHead(record.status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export async function startArtifactService(token = runtimeToken("run-backend-1", "job-backend-1")) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const service = new ArtifactService(server, `http://127.0.0.1:${port}`, token);
  server.on("request", (request, response) => {
    service.handle(request, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  return service;
}
