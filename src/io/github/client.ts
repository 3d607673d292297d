/**
 * The one place that builds a GitHub client: Octokit from @actions/github
 * with the retry and throttling plugins, as GitHub recommends. It is loaded
 * with `import()` on first use, so a run that writes no issue never loads it.
 * Everything else talks to GitHub through the small IssueApi and
 * PullRequestApi below, and reads GitHub's failures through explainGitHubError.
 */
import { randomUUID } from "node:crypto";
import type { Deadline } from "../../core/deadline.js";
import { GateError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";

export type { GitHubIssue, IssueApi, IssuePatch, NewIssue } from "../../core/issues/plan.js";
export type { PullRequestApi, PullRequestComment } from "../../core/pr-plan/comment.js";
import type { GitHubIssue, IssueApi } from "../../core/issues/plan.js";
import type { PullRequestApi, PullRequestComment } from "../../core/pr-plan/comment.js";

export interface IssueApiOptions {
  token: string;
  /** `owner/name` */
  repository: string;
  /** GITHUB_API_URL, e.g. https://api.github.com */
  apiUrl: string;
  logger: Logger;
  /** Milliseconds per unit of the plugins' waits (tests shorten it); default 1000. */
  retryAfterBaseValue?: number;
  /** The run's deadline: every call ends with it, and no rate-limit wait outlasts it. */
  deadline?: Deadline;
}

export type IssueApiFactory = (options: IssueApiOptions) => Promise<IssueApi>;
export type PullRequestApiFactory = (options: IssueApiOptions) => Promise<PullRequestApi>;

/** How many pages of closed issues are read to find the latest one of a cluster. */
export const CLOSED_PAGES = 3;
/** Retries of a 5xx or network failure (plugin-retry), and of a rate limit (plugin-throttling). */
export const SERVER_ERROR_RETRIES = 3;
export const RATE_LIMIT_RETRIES = 2;
/** A rate limit that asks for a longer wait than this is not waited out: the gate has a job to finish. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 120;

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  state: string;
  state_reason?: string | null;
  closed_at: string | null;
  labels: (string | { name?: string })[];
  user?: { login?: string } | null;
  pull_request?: unknown;
}

function toIssue(raw: RawIssue): GitHubIssue {
  return {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? "",
    url: raw.html_url,
    open: raw.state === "open",
    stateReason: raw.state_reason ?? null,
    closedAt: raw.closed_at,
    labels: raw.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))),
    author: raw.user?.login ?? null,
  };
}

async function buildOctokit(options: IssueApiOptions) {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import("@actions/github"),
    import("@octokit/plugin-retry"),
    import("@octokit/plugin-throttling"),
  ]);
  const { logger } = options;
  const base = options.retryAfterBaseValue ?? 1000;
  const onLimit =
    (kind: string, limit: number) =>
    (after: number, request: { method: string; url: string }, _: unknown, count: number) => {
      const affordable = options.deadline === undefined || after * base < options.deadline.remainingMs();
      const retrying = count < limit && after <= MAX_RATE_LIMIT_WAIT_SECONDS && affordable;
      logger.info(
        `GitHub ${kind} on ${request.method} ${request.url}: ${retrying ? `retrying after ${after} s (retry ${count + 1} of ${limit})` : "giving up"}.`,
      );
      return retrying;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      ...(options.deadline ? { request: { signal: options.deadline.signal } } : {}),
      log: {
        debug: (message: string) => logger.debug(message),
        info: (message: string) => logger.debug(message),
        warn: (message: string) => logger.info(message),
        error: (message: string) => logger.info(message),
      },
      retry: { retries: SERVER_ERROR_RETRIES, retryAfterBaseValue: base },
      throttle: {
        id: randomUUID(),
        retryAfterBaseValue: base,
        onRateLimit: onLimit("rate limit", 1),
        onSecondaryRateLimit: onLimit("secondary rate limit", RATE_LIMIT_RETRIES),
      },
    },
    retry,
    throttling,
  );
}

/** Every call of the API ends when the run's deadline does, naming the call that was still waiting. */
function withinDeadline<T extends object>(api: T, deadline: Deadline | undefined): T {
  if (!deadline) return api;
  const bounded = {} as Record<string, unknown>;
  for (const [name, call] of Object.entries(api) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    bounded[name] = (...args: unknown[]) => deadline.race(call(...args), `an answer from GitHub to ${name}`);
  }
  return bounded as T;
}

type Octokit = Awaited<ReturnType<typeof buildOctokit>>;

/** Who the token is: GraphQL's viewer, and `GET /user` (identity.ts). */
function identityCalls(octokit: Octokit): Pick<IssueApi, "viewerLogin" | "authenticatedUser"> {
  return {
    async viewerLogin() {
      const { viewer } = await octokit.graphql<{ viewer: { login: string } }>("query { viewer { login } }");
      return viewer.login;
    },
    async authenticatedUser() {
      return (await octokit.rest.users.getAuthenticated()).data.login;
    },
  };
}

/** Builds the IssueApi over Octokit; loads @actions/github only now. */
export const createIssueApi: IssueApiFactory = async (options) =>
  withinDeadline(await octokitIssueApi(options), options.deadline);

async function octokitIssueApi(options: IssueApiOptions): Promise<IssueApi> {
  const octokit = await buildOctokit(options);
  const [owner = "", repo = ""] = options.repository.split("/");
  const where = { owner, repo };
  return {
    async listIssues(label, state) {
      const params = {
        ...where,
        labels: label,
        state,
        per_page: 100,
        sort: "updated" as const,
        direction: "desc" as const,
      };
      const issues: RawIssue[] = [];
      let pages = 0;
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, params)) {
        issues.push(...(page.data as RawIssue[]));
        if (state === "closed" && ++pages >= CLOSED_PAGES) break;
      }
      return issues.filter((issue) => issue.pull_request === undefined).map(toIssue);
    },
    async createIssue(issue) {
      return toIssue((await octokit.rest.issues.create({ ...where, ...issue })).data as RawIssue);
    },
    async updateIssue(number, patch) {
      const { stateReason, ...rest } = patch;
      const body = { ...where, issue_number: number, ...rest, ...(stateReason ? { state_reason: stateReason } : {}) };
      return toIssue((await octokit.rest.issues.update(body)).data as RawIssue);
    },
    async addComment(number, body) {
      await octokit.rest.issues.createComment({ ...where, issue_number: number, body });
    },
    async addLabels(number, labels) {
      await octokit.rest.issues.addLabels({ ...where, issue_number: number, labels });
    },
    async removeLabel(number, label) {
      await octokit.rest.issues.removeLabel({ ...where, issue_number: number, name: label }).catch((error: unknown) => {
        if (explainGitHubError(error).status !== 404) throw error;
      });
    },
    ...identityCalls(octokit),
  };
}

/* ------------------------------------------------------------ pull requests */

interface RawComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string } | null;
}

function toComment(raw: RawComment): PullRequestComment {
  return { id: raw.id, body: raw.body ?? "", author: raw.user?.login ?? null, url: raw.html_url };
}

interface RawContent {
  type?: string;
  encoding?: string;
  content?: string;
  sha?: string;
}

/**
 * A file's text from `GET /repos/{owner}/{repo}/contents/{path}?ref=`: base64
 * in `content` up to 1 MB. Above it GitHub leaves `content` empty with
 * `encoding: none` (google/go-github#2924; the 100 MB limit of the endpoint:
 * github.blog changelog 2022-05-03), and the file's blob is read by its `sha`
 * from `GET /repos/{owner}/{repo}/git/blobs/{sha}`, always base64, up to 100 MB
 * (docs.github.com, REST API, Git blobs).
 */
async function fileText(octokit: Octokit, where: { owner: string; repo: string }, path: string, data: unknown) {
  const file = data as RawContent;
  if (Array.isArray(data) || file.type !== "file") {
    throw new GateError(
      `'${path}' on the base branch is a ${Array.isArray(data) ? "directory" : (file.type ?? "thing")}, not a baseline file.`,
    );
  }
  if (file.encoding === "base64") return Buffer.from(file.content ?? "", "base64").toString("utf8");
  const blob = await octokit.rest.git.getBlob({ ...where, file_sha: file.sha ?? "" });
  return Buffer.from(blob.data.content, "base64").toString("utf8");
}

/** Builds the PullRequestApi over Octokit; loads @actions/github only now. */
export const createPullRequestApi: PullRequestApiFactory = async (options) =>
  withinDeadline(await octokitPullRequestApi(options), options.deadline);

async function octokitPullRequestApi(options: IssueApiOptions): Promise<PullRequestApi> {
  const octokit = await buildOctokit(options);
  const [owner = "", repo = ""] = options.repository.split("/");
  const where = { owner, repo };
  return {
    /** `GET /repos/{owner}/{repo}/pulls/{n}/files`: "Responses include a maximum of 3000 files" (docs.github.com, REST API, pulls). */
    async changedFiles(pullRequest) {
      const params = { ...where, pull_number: pullRequest, per_page: 100 };
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, params);
      return files.flatMap((file) => [file.filename, ...(file.previous_filename ? [file.previous_filename] : [])]);
    },
    async fileAt(path, ref) {
      try {
        return await fileText(
          octokit,
          where,
          path,
          (await octokit.rest.repos.getContent({ ...where, path, ref })).data,
        );
      } catch (error) {
        if (explainGitHubError(error).status === 404) return null;
        throw error;
      }
    },
    async listComments(pullRequest) {
      const params = { ...where, issue_number: pullRequest, per_page: 100 };
      return (await octokit.paginate(octokit.rest.issues.listComments, params)).map((raw) =>
        toComment(raw as RawComment),
      );
    },
    async createComment(pullRequest, body) {
      return toComment((await octokit.rest.issues.createComment({ ...where, issue_number: pullRequest, body })).data);
    },
    async updateComment(id, body) {
      return toComment((await octokit.rest.issues.updateComment({ ...where, comment_id: id, body })).data);
    },
    ...identityCalls(octokit),
  };
}

/* ------------------------------------------------------------------ failures */

export interface GitHubFailure {
  /** HTTP status, or undefined when GitHub was not reached. */
  status: number | undefined;
  /** GitHub's own words: its message and validation errors. */
  detail: string;
  /** What happened and what to do, for the log and the summary. */
  message: string;
  /** True when every further request would fail the same way (auth, permission, repository). */
  permanent: boolean;
}

interface ErrorShape {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown; headers?: Record<string, unknown> };
}

function detailOf(error: ErrorShape): string {
  const data = error.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const base = typeof data?.message === "string" ? data.message : String(error.message ?? error);
  const errors = Array.isArray(data?.errors)
    ? data.errors.map(
        (entry: { message?: string; field?: string; code?: string }) =>
          entry.message ?? [entry.field, entry.code].filter(Boolean).join(" "),
      )
    : [];
  return [base, ...errors].join("; ");
}

/** Names the known ways GitHub refuses, with what to do about each. */
export function explainGitHubError(error: unknown, repository = "the repository"): GitHubFailure {
  const shape = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ErrorShape;
  const status = typeof shape.status === "number" ? shape.status : undefined;
  const detail = detailOf(shape);
  const said = `(HTTP ${status}: ${detail})`;
  const fail = (message: string, permanent: boolean): GitHubFailure => ({ status, detail, message, permanent });
  if (status === undefined) return fail(`GitHub could not be reached: ${detail}.`, true);
  if (status === 401) return fail(`GitHub refused the token ${said}: check the 'github-token' input.`, true);
  if (status === 403 && /rate limit/i.test(detail)) {
    return fail(
      `GitHub's rate limit held after the retries ${said}; the next run will bring the issue up to date.`,
      true,
    );
  }
  if (status === 403) {
    return fail(
      `The token may not write issues in ${repository} ${said}. Give the job 'permissions: issues: write' (GITHUB_TOKEN) or the token the Issues read and write permission.`,
      true,
    );
  }
  if (status === 404) {
    return fail(
      `GitHub does not show ${repository} to the token ${said}: check GITHUB_REPOSITORY and the token's access.`,
      true,
    );
  }
  if (status === 410)
    return fail(`Issues are disabled in ${repository} ${said}: enable them under Settings, Features.`, true);
  if (status === 422) return fail(`GitHub rejected the request ${said}.`, false);
  if (status >= 500) return fail(`GitHub is unavailable ${said}, after ${SERVER_ERROR_RETRIES} retries.`, true);
  return fail(`GitHub answered ${said}.`, false);
}
