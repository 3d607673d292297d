/**
 * The local GitHub REST stand-in: plain HTTP on 127.0.0.1 serving the issue
 * endpoints the gate uses for one repository, from memory: list (by label and
 * state, paginated with a Link header), create, get, update, comments, labels
 * and assignees, and who the token is (`GET /user`, GraphQL `viewer`). It
 * answers as GitHub does where the gate depends on it: a body over 65,536
 * characters is a 422, an assignee who cannot be assigned is a 422, a wrong
 * token is a 401, every issue has the author (`user`) who created it, and an
 * installation token (the GITHUB_TOKEN, an app's token) gets a 403 from
 * `GET /user`. Every request is recorded; faults (401, 403,
 * 404, 500, secondary rate limits with Retry-After) are injected on demand,
 * and a barrier can hold requests until several have arrived, so that tests
 * can make two runs race.
 *
 * For the plan of a pull request it serves, as GitHub does: the files a pull
 * request changes (`GET /pulls/{n}/files`), a file at a commit (`GET
 * /contents/{path}?ref=`, base64 up to 1 MB, above it `encoding: none` and the
 * blob from `GET /git/blobs/{sha}`), and a pull request's comments, which are
 * the comments of its issue (list, create, `PATCH /issues/comments/{id}`),
 * each with its author. A read-only token (a fork's pull request run gets one)
 * is refused every write with `403 Resource not accessible by integration`.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { FaultRegistry, type FaultMatch, type FaultSpec, isFaultResponse } from "./faults.js";

/** GitHub's limit for an issue or comment body, in characters. */
export const BODY_LIMIT = 65_536;
/**
 * The contents API gives a file's base64 `content` up to 1 MB; a larger one
 * comes with `content: ""` and `encoding: "none"` (google/go-github#2924).
 */
export const CONTENTS_INLINE_LIMIT = 1024 * 1024;
/** "Responses include a maximum of 3000 files" (REST API, List pull requests files). */
export const PULL_FILES_LIMIT = 3000;

/** Who a token is, as GitHub reports it on what the token writes. */
export interface SandboxAccount {
  login: string;
  id: number;
  /** `Bot` for an app installation (the GITHUB_TOKEN is the GitHub Actions app's), `User` for a person. */
  type: "User" | "Bot";
}

/**
 * The account a GITHUB_TOKEN writes as: `github-actions[bot]`, user ID
 * 41898282 (`gh api "users/github-actions[bot]"`; the ID is the one in its
 * noreply address, 41898282+github-actions[bot]@users.noreply.github.com).
 */
export const ACTIONS_BOT: SandboxAccount = { login: "github-actions[bot]", id: 41_898_282, type: "Bot" };

/** A person's account, e.g. someone who copies the gate's marker into an issue of their own. */
export function userAccount(login: string, id = 583_231): SandboxAccount {
  return { login, id, type: "User" };
}

/** An app's installation token writes as `<slug>[bot]`. */
export function appBot(slug: string, id = 278_716_306): SandboxAccount {
  return { login: `${slug}[bot]`, id, type: "Bot" };
}

export interface SandboxIssue {
  number: number;
  /** The author: who created the issue. */
  user: SandboxAccount;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  comments: string[];
  /** Set for a pull request, which GitHub lists among issues. */
  pull_request?: boolean;
}

/** A comment on an issue or a pull request, with its author. */
export interface SandboxComment {
  id: number;
  issue: number;
  user: SandboxAccount;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface GitHubRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface GitHubSandboxOptions {
  /** `owner/name`; default `contoso/platform-network`. */
  repository?: string;
  /** The only token accepted; absent: any token, but one is required. */
  token?: string;
  /** Logins that may be assigned; absent: anyone. */
  assignable?: string[];
  /** Whom the token writes as; default `github-actions[bot]`, as the GITHUB_TOKEN. */
  account?: SandboxAccount;
  /**
   * The kind of token: `installation` (the GITHUB_TOKEN, an app's token) or
   * `user` (a personal access token); default: `installation` for a bot
   * account, `user` for a person's.
   */
  tokenKind?: "installation" | "user";
  /** A read-only token, as a `pull_request` run of a fork's pull request gets: every write is a 403. */
  readOnly?: boolean;
  latencyMs?: number;
  now?: () => Date;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

interface Barrier {
  match: FaultMatch;
  count: number;
  waiting: (() => void)[];
}

/** A 403 as GitHub answers a GITHUB_TOKEN without `issues: write`. */
export function notAccessibleFault(match: FaultMatch = {}): FaultSpec {
  return { ...match, status: 403, body: githubError("Resource not accessible by integration") };
}

/** A secondary rate limit: a 403 with Retry-After, as GitHub sends it. */
export function secondaryRateLimitFault(match: FaultMatch & { retryAfter?: number } = {}): FaultSpec {
  const { retryAfter = 1, ...rest } = match;
  return {
    ...rest,
    status: 403,
    headers: { "retry-after": String(retryAfter), "x-ratelimit-remaining": "4000" },
    body: githubError(
      "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.",
    ),
  };
}

export function githubError(
  message: string,
  errors?: unknown[],
  documentation = "https://docs.github.com/rest",
): Record<string, unknown> {
  return {
    message,
    ...(errors ? { errors } : {}),
    documentation_url: documentation,
    status: "",
  };
}

/**
 * `GET /user` with an installation token, as GitHub answers it
 * (actions/create-github-app-token#258 quotes the body; the GITHUB_TOKEN gets
 * the same, zerocracy/judges-action#637).
 */
function userNotAccessible(): Reply {
  return {
    status: 403,
    body: {
      ...githubError(
        "Resource not accessible by integration",
        undefined,
        "https://docs.github.com/rest/users/users#get-the-authenticated-user",
      ),
      status: "403",
    },
  };
}

function validationFailed(field: string, code: string, message?: string, value?: unknown): Reply {
  const error = { resource: "Issue", field, code, ...(message ? { message } : {}), ...(value ? { value } : {}) };
  return { status: 422, body: githubError("Validation Failed", [error]) };
}

function characters(text: string): number {
  return [...text].length;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

export class GitHubSandbox {
  readonly issues = new Map<number, SandboxIssue>();
  readonly labels = new Set<string>();
  readonly requests: GitHubRequestRecord[] = [];
  readonly faults = new FaultRegistry();
  readonly repository: string;
  /** Whom the token writes as. */
  readonly account: SandboxAccount;
  /** Every comment of every issue and pull request, by ID. */
  readonly comments = new Map<number, SandboxComment>();
  /** File texts by commit, then path. */
  readonly files = new Map<string, Map<string, string>>();
  /** The files each pull request changes. */
  readonly pullFiles = new Map<number, string[]>();
  /** A read-only token: every write is refused. */
  readOnly: boolean;
  latencyMs: number;
  url = "";
  private next = 1;
  private nextComment = 1_000_001;
  private readonly barriers: Barrier[] = [];
  private readonly server: Server;

  constructor(private readonly options: GitHubSandboxOptions = {}) {
    this.repository = options.repository ?? "contoso/platform-network";
    this.account = options.account ?? ACTIONS_BOT;
    this.readOnly = options.readOnly ?? false;
    this.latencyMs = options.latencyMs ?? 0;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) =>
        this.send(response, { status: 500, body: githubError(String(error)) }),
      );
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const barrier of this.barriers) barrier.waiting.forEach((release) => release());
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Holds matching requests until `count` of them have arrived, then lets them all through. */
  holdUntil(count: number, match: FaultMatch): void {
    this.barriers.push({ match, count, waiting: [] });
  }

  /** Issues with a body, as a test would look at them: numbers ascending. */
  list(filter: (issue: SandboxIssue) => boolean = () => true): SandboxIssue[] {
    return [...this.issues.values()].filter(filter).sort((a, b) => a.number - b.number);
  }

  open(): SandboxIssue[] {
    return this.list((issue) => issue.state === "open" && !issue.pull_request);
  }

  /** Requests that change something: a GraphQL query reads. */
  writes(): GitHubRequestRecord[] {
    return this.requests.filter((record) => record.method !== "GET" && record.path !== "/graphql");
  }

  /** Seeds an issue directly, e.g. one closed long ago; by default the token's account wrote it. */
  seed(issue: Partial<SandboxIssue> & { title: string }): SandboxIssue {
    const now = this.now();
    const seeded: SandboxIssue = {
      number: this.next++,
      user: this.account,
      body: "",
      state: "open",
      state_reason: null,
      labels: [],
      assignees: [],
      created_at: now,
      updated_at: now,
      closed_at: null,
      comments: [],
      ...issue,
    };
    this.issues.set(seeded.number, seeded);
    return seeded;
  }

  /** Opens a pull request (an issue with `pull_request`) that changes these files. */
  openPullRequest(title: string, files: string[]): SandboxIssue {
    const pull = this.seed({ title, pull_request: true });
    this.pullFiles.set(pull.number, [...files]);
    return pull;
  }

  /** Puts a file's text at a commit. */
  putFile(ref: string, path: string, text: string): void {
    const tree = this.files.get(ref) ?? new Map<string, string>();
    tree.set(path.replace(/^\/+/u, ""), text);
    this.files.set(ref, tree);
  }

  /** The comments of an issue or pull request, oldest first; comments seeded as text are the token's. */
  commentsOn(number: number): SandboxComment[] {
    const issue = this.issues.get(number);
    const records = [...this.comments.values()].filter((comment) => comment.issue === number);
    for (const body of issue?.comments.slice(records.length) ?? [])
      records.push(this.record(number, body, this.account));
    return records.sort((a, b) => a.id - b.id);
  }

  /** Adds a comment by anyone, e.g. one that copies the gate's marker. */
  seedComment(number: number, body: string, user: SandboxAccount = this.account): SandboxComment {
    this.commentsOn(number);
    this.issues.get(number)?.comments.push(body);
    return this.record(number, body, user);
  }

  private record(issue: number, body: string, user: SandboxAccount): SandboxComment {
    const now = this.now();
    const comment = { id: this.nextComment++, issue, user, body, created_at: now, updated_at: now };
    this.comments.set(comment.id, comment);
    return comment;
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const method = (request.method ?? "GET").toUpperCase();
    const record: GitHubRequestRecord = {
      method,
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    record.body = await readJson(request).catch(() => "(invalid JSON)");
    if (this.latencyMs > 0) await delay(this.latencyMs);
    await this.passBarriers(method, record.path);
    const fault = this.faults.take(method, record.path);
    const reply =
      fault && isFaultResponse(fault.spec)
        ? { status: fault.spec.status, body: fault.spec.body, headers: fault.spec.headers }
        : this.route(method, url, request, record.body);
    record.status = reply.status;
    this.send(response, reply);
  }

  private async passBarriers(method: string, path: string): Promise<void> {
    for (const barrier of this.barriers) {
      if (barrier.count <= 0 || !requestMatches(barrier.match, method, path)) continue;
      barrier.count -= 1;
      if (barrier.count === 0) barrier.waiting.splice(0).forEach((release) => release());
      else await new Promise<void>((resolve) => barrier.waiting.push(resolve));
    }
  }

  private send(response: ServerResponse, reply: Reply): void {
    const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      "x-github-request-id": `SANDBOX:${this.requests.length}`,
      ...reply.headers,
    });
    response.end(text);
  }

  private route(method: string, url: URL, request: IncomingMessage, body: unknown): Reply {
    const token = /^(?:token|bearer) (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (!token || (this.options.token !== undefined && token !== this.options.token)) {
      return { status: 401, body: githubError("Bad credentials") };
    }
    if (url.pathname === "/user" && method === "GET") return this.authenticatedUser();
    if (url.pathname === "/graphql" && method === "POST") return this.graphql(body);
    if (this.readOnly && method !== "GET")
      return { status: 403, body: githubError("Resource not accessible by integration") };
    const repo = this.repositoryRoute(method, url, body);
    if (repo !== undefined) return repo;
    const match = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+)(?:\/(comments|labels|assignees)(?:\/([^/]+))?)?)?$/.exec(
      url.pathname,
    );
    if (!match || match[1]?.toLowerCase() !== this.repository.toLowerCase())
      return { status: 404, body: githubError("Not Found") };
    const [, , number, sub, name] = match;
    if (number === undefined)
      return method === "GET" ? this.listIssues(url) : method === "POST" ? this.createIssue(body) : notAllowed();
    const issue = this.issues.get(Number(number));
    if (!issue) return { status: 404, body: githubError("Not Found") };
    if (sub === undefined)
      return method === "GET" ? this.ok(issue) : method === "PATCH" ? this.updateIssue(issue, body) : notAllowed();
    return this.subResource(method, issue, sub, name === undefined ? undefined : decodeURIComponent(name), body, url);
  }

  private subResource(
    method: string,
    issue: SandboxIssue,
    sub: string,
    name: string | undefined,
    body: unknown,
    url: URL,
  ): Reply {
    const input = (body ?? {}) as { body?: string; labels?: string[]; assignees?: string[] };
    if (sub === "comments" && method === "GET")
      return this.page(url, this.commentsOn(issue.number), (comment) => this.commentJson(comment));
    if (sub === "comments" && method === "POST") {
      const refused = refusedBody(input.body);
      if (refused) return refused;
      const comment = this.seedComment(issue.number, input.body ?? "");
      this.touch(issue);
      return { status: 201, body: this.commentJson(comment) };
    }
    if (sub === "labels" && method === "POST") {
      for (const label of input.labels ?? []) this.addLabel(issue, label);
      this.touch(issue);
      return { status: 200, body: issue.labels.map((label) => ({ name: label })) };
    }
    if (sub === "labels" && method === "DELETE" && name !== undefined) {
      const index = issue.labels.findIndex((label) => label.toLowerCase() === name.toLowerCase());
      if (index < 0) return { status: 404, body: githubError("Label does not exist") };
      issue.labels.splice(index, 1);
      return { status: 200, body: issue.labels.map((label) => ({ name: label })) };
    }
    if (sub === "assignees" && method === "POST") {
      const allowed = (input.assignees ?? []).filter((login) => this.canAssign(login));
      issue.assignees = [...new Set([...issue.assignees, ...allowed])];
      return { status: 201, body: this.json(issue) };
    }
    return notAllowed();
  }

  private authenticatedUser(): Reply {
    const kind = this.options.tokenKind ?? (this.account.type === "Bot" ? "installation" : "user");
    return kind === "installation" ? userNotAccessible() : { status: 200, body: this.accountJson(this.account) };
  }

  /**
   * GraphQL, for the one query the gate asks: `viewer { login }`, which
   * answers every kind of token with the login it writes as
   * (fullsend-ai/fullsend#1953: `<slug>[bot]` for an installation token).
   * Anything else gets GraphQL's error shape: HTTP 200 with `errors`.
   */
  private graphql(body: unknown): Reply {
    const query = (body as { query?: unknown } | undefined)?.query;
    if (typeof query === "string" && /^\s*(?:query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query))
      return { status: 200, body: { data: { viewer: { login: this.account.login } } } };
    return {
      status: 200,
      body: { errors: [{ message: "The GitHub stand-in answers only `query { viewer { login } }`." }] },
    };
  }

  /**
   * The routes of the plan of a pull request: a file at a commit, a blob, the
   * files of a pull request, and a comment by its ID; undefined for others.
   */
  private repositoryRoute(method: string, url: URL, body: unknown): Reply | undefined {
    const match = /^\/repos\/([^/]+\/[^/]+)\/(contents|git\/blobs|pulls|issues\/comments)\/(.+)$/u.exec(url.pathname);
    if (!match) return undefined;
    const [, repository = "", kind, rest = ""] = match;
    if (repository.toLowerCase() !== this.repository.toLowerCase())
      return { status: 404, body: githubError("Not Found") };
    if (kind === "contents" && method === "GET")
      return this.contents(decodeURIComponent(rest), url.searchParams.get("ref") ?? "main");
    if (kind === "git/blobs" && method === "GET") return this.blob(rest);
    const files = /^(\d+)\/files$/u.exec(rest);
    if (kind === "pulls" && files && method === "GET") {
      const changed = this.pullFiles.get(Number(files[1]));
      if (changed === undefined) return { status: 404, body: githubError("Not Found") };
      return this.page(url, changed.slice(0, PULL_FILES_LIMIT), (filename) => ({ filename, status: "modified" }));
    }
    if (kind === "issues/comments" && /^\d+$/u.test(rest) && method === "PATCH")
      return this.updateComment(Number(rest), body);
    return { status: 404, body: githubError("Not Found") };
  }

  private contents(path: string, ref: string): Reply {
    const tree = this.files.get(ref);
    const text = tree?.get(path);
    if (text === undefined) {
      const inside = [...(tree?.keys() ?? [])].filter((file) => file.startsWith(`${path}/`));
      if (inside.length === 0)
        return {
          status: 404,
          body: githubError(
            "Not Found",
            undefined,
            "https://docs.github.com/rest/repos/contents#get-repository-content",
          ),
        };
      return {
        status: 200,
        body: inside.map((file) => ({ type: "file", name: file.slice(path.length + 1), path: file })),
      };
    }
    const bytes = Buffer.from(text, "utf8");
    const inline = bytes.length <= CONTENTS_INLINE_LIMIT;
    const content = inline ? (bytes.toString("base64").match(/.{1,60}/gu) ?? []).join("\n") : "";
    const name = path.split("/").at(-1);
    return {
      status: 200,
      body: {
        type: "file",
        encoding: inline ? "base64" : "none",
        size: bytes.length,
        name,
        path,
        content,
        sha: blobSha(bytes),
      },
    };
  }

  private blob(sha: string): Reply {
    for (const tree of this.files.values()) {
      for (const text of tree.values()) {
        const bytes = Buffer.from(text, "utf8");
        if (blobSha(bytes) === sha)
          return {
            status: 200,
            body: { sha, size: bytes.length, encoding: "base64", content: bytes.toString("base64") },
          };
      }
    }
    return { status: 404, body: githubError("Not Found") };
  }

  private updateComment(id: number, body: unknown): Reply {
    const comment = this.comments.get(id);
    if (comment === undefined) return { status: 404, body: githubError("Not Found") };
    const text = (body as { body?: string } | undefined)?.body;
    const refused = refusedBody(text);
    if (refused) return refused;
    const issue = this.issues.get(comment.issue);
    const index = this.commentsOn(comment.issue).findIndex((entry) => entry.id === id);
    if (issue && index >= 0) issue.comments[index] = text ?? "";
    comment.body = text ?? "";
    comment.updated_at = this.now();
    return { status: 200, body: this.commentJson(comment) };
  }

  private commentJson(comment: SandboxComment): Record<string, unknown> {
    const kind = this.issues.get(comment.issue)?.pull_request ? "pull" : "issues";
    return {
      id: comment.id,
      body: comment.body,
      user: this.accountJson(comment.user),
      html_url: `https://github.com/${this.repository}/${kind}/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${this.url}/repos/${this.repository}/issues/${comment.issue}`,
      url: `${this.url}/repos/${this.repository}/issues/comments/${comment.id}`,
      created_at: comment.created_at,
      updated_at: comment.updated_at,
    };
  }

  /** One page of a list as GitHub serves it: `per_page` (at most 100) and `page`, with a Link header to the next. */
  private page<T>(url: URL, items: T[], json: (item: T) => unknown): Reply {
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30) || 30);
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (target: number) => {
      const next = new URL(url.toString());
      next.searchParams.set("page", String(target));
      return next.toString();
    };
    const links = [...(page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : [])];
    const body = items.slice((page - 1) * perPage, page * perPage).map(json);
    return { status: 200, body, ...(links.length > 0 ? { headers: { Link: links.join(", ") } } : {}) };
  }

  private listIssues(url: URL): Reply {
    const state = url.searchParams.get("state") ?? "open";
    const wanted = (url.searchParams.get("labels") ?? "")
      .split(",")
      .map((label) => label.trim().toLowerCase())
      .filter(Boolean);
    const sort = url.searchParams.get("sort") ?? "created";
    const direction = url.searchParams.get("direction") ?? "desc";
    const key = (issue: SandboxIssue) =>
      (sort === "updated" ? issue.updated_at : issue.created_at) + String(issue.number).padStart(9, "0");
    const items = [...this.issues.values()]
      .filter((issue) => state === "all" || issue.state === state)
      .filter((issue) => wanted.every((label) => issue.labels.some((own) => own.toLowerCase() === label)))
      .sort((a, b) => (direction === "asc" ? 1 : -1) * key(a).localeCompare(key(b)));
    return this.page(url, items, (issue) => this.json(issue));
  }

  private createIssue(body: unknown): Reply {
    const input = (body ?? {}) as { title?: string; body?: string; labels?: string[]; assignees?: string[] };
    if (typeof input.title !== "string" || input.title.trim() === "") return validationFailed("title", "missing_field");
    if (characters(input.body ?? "") > BODY_LIMIT)
      return validationFailed("body", "custom", `body is too long (maximum is ${BODY_LIMIT} characters)`);
    const refused = (input.assignees ?? []).find((login) => !this.canAssign(login));
    if (refused !== undefined) return validationFailed("assignees", "invalid", undefined, refused);
    const issue = this.seed({
      title: input.title,
      body: input.body ?? "",
      assignees: [...new Set(input.assignees ?? [])],
    });
    for (const label of input.labels ?? []) this.addLabel(issue, label);
    return { status: 201, body: this.json(issue) };
  }

  private updateIssue(issue: SandboxIssue, body: unknown): Reply {
    const input = (body ?? {}) as {
      title?: string;
      body?: string;
      state?: string;
      state_reason?: string;
      labels?: string[];
    };
    if (input.body !== undefined && characters(input.body) > BODY_LIMIT)
      return validationFailed("body", "custom", `body is too long (maximum is ${BODY_LIMIT} characters)`);
    if (input.state !== undefined && input.state !== "open" && input.state !== "closed")
      return validationFailed("state", "invalid");
    if (input.title !== undefined) issue.title = input.title;
    if (input.body !== undefined) issue.body = input.body;
    if (input.labels !== undefined) {
      issue.labels = [];
      for (const label of input.labels) this.addLabel(issue, label);
    }
    if (input.state === "closed" && issue.state === "open") {
      issue.state = "closed";
      issue.closed_at = this.now();
      issue.state_reason = input.state_reason ?? "completed";
    } else if (input.state === "open" && issue.state === "closed") {
      issue.state = "open";
      issue.closed_at = null;
      issue.state_reason = "reopened";
    }
    this.touch(issue);
    return this.ok(issue);
  }

  private canAssign(login: string): boolean {
    return (
      this.options.assignable === undefined ||
      this.options.assignable.some((own) => own.toLowerCase() === login.toLowerCase())
    );
  }

  private addLabel(issue: SandboxIssue, label: string): void {
    this.labels.add(label);
    if (!issue.labels.some((own) => own.toLowerCase() === label.toLowerCase())) issue.labels.push(label);
  }

  private touch(issue: SandboxIssue): void {
    issue.updated_at = this.now();
  }

  private ok(issue: SandboxIssue): Reply {
    return { status: 200, body: this.json(issue) };
  }

  private accountJson(account: SandboxAccount): Record<string, unknown> {
    return {
      login: account.login,
      id: account.id,
      type: account.type,
      site_admin: false,
      html_url: `https://github.com/${account.type === "Bot" ? `apps/${account.login.replace(/\[bot\]$/, "")}` : account.login}`,
    };
  }

  private json(issue: SandboxIssue): Record<string, unknown> {
    const html = `https://github.com/${this.repository}/issues/${issue.number}`;
    return {
      id: 1000 + issue.number,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      labels: issue.labels.map((name, index) => ({ id: index + 1, name, color: "ededed", default: false })),
      assignees: issue.assignees.map((login) => ({ login })),
      assignee: issue.assignees[0] ? { login: issue.assignees[0] } : null,
      user: this.accountJson(issue.user),
      comments: issue.comments.length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      html_url: html,
      url: `${this.url}/repos/${this.repository}/issues/${issue.number}`,
      ...(issue.pull_request ? { pull_request: { url: html.replace("/issues/", "/pulls/") } } : {}),
    };
  }
}

function requestMatches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === "string" ? path.toLowerCase().includes(match.path.toLowerCase()) : match.path.test(path);
}

/** Why GitHub refuses a comment's body: missing, or over its limit. */
function refusedBody(body: string | undefined): Reply | undefined {
  if (typeof body !== "string" || body === "") return validationFailed("body", "missing_field");
  if (characters(body) > BODY_LIMIT)
    return validationFailed("body", "custom", `body is too long (maximum is ${BODY_LIMIT} characters)`);
  return undefined;
}

/** Git's blob ID: SHA-1 of `blob <size>\0` and the bytes. */
function blobSha(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function notAllowed(): Reply {
  return { status: 404, body: githubError("Not Found") };
}

/** Starts the stand-in on a random loopback port. */
export async function startGitHubSandbox(options: GitHubSandboxOptions = {}): Promise<GitHubSandbox> {
  const sandbox = new GitHubSandbox(options);
  await sandbox.listen();
  return sandbox;
}
