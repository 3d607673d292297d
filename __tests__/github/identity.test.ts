/**
 * Who the gate is on GitHub, learnt through the real Octokit from the GitHub
 * stand-in for each kind of token: the GITHUB_TOKEN, an app's installation
 * token and a personal access token.
 */
import { createIssueApi, type IssueApi } from "../../src/io/github/client.js";
import { ACTIONS_BOT_LOGIN, resolveIdentity } from "../../src/io/github/identity.js";
import { sameLogin } from "../../src/core/issues/plan.js";
import {
  ACTIONS_BOT,
  appBot,
  type GitHubSandbox,
  type GitHubSandboxOptions,
  startGitHubSandbox,
  userAccount,
} from "../../sandbox/github.js";
import { recordingLogger } from "./fixtures.js";

const TOKEN = "ghs_identity";
let github: GitHubSandbox | undefined;

afterEach(async () => {
  await github?.close();
  github = undefined;
});

async function apiFor(options: GitHubSandboxOptions, token = TOKEN): Promise<IssueApi> {
  github = await startGitHubSandbox({ token: TOKEN, ...options });
  return createIssueApi({
    token,
    repository: github.repository,
    apiUrl: github.url,
    logger: recordingLogger(),
    retryAfterBaseValue: 5,
  });
}

async function getUser(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${github?.url}/user`, { headers: { authorization: `token ${TOKEN}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the GitHub stand-in says who the token is as GitHub does", () => {
  it("answers GET /user with a 403 for an installation token and the account for a user token", async () => {
    await apiFor({});
    expect(await getUser()).toEqual({
      status: 403,
      body: {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        status: "403",
      },
    });
    await github?.close();
    await apiFor({ account: userAccount("octocat") });
    expect(await getUser()).toMatchObject({ status: 200, body: { login: "octocat", type: "User" } });
  });

  it("records the token's account as the author of every issue it creates", async () => {
    const api = await apiFor({ account: appBot("contoso-gate") });
    const created = await api.createIssue({ title: "t", body: "b", labels: ["x"], assignees: [] });
    expect(created.author).toBe("contoso-gate[bot]");
    expect(github?.issues.get(created.number)?.user).toEqual(appBot("contoso-gate"));
    const seeded = github?.seed({ title: "by someone else", labels: ["x"], user: userAccount("mallory") });
    expect((await api.listIssues("x", "open")).map((issue) => [issue.number, issue.author])).toEqual([
      [seeded?.number, "mallory"],
      [created.number, "contoso-gate[bot]"],
    ]);
  });
});

describe("resolveIdentity", () => {
  it("names github-actions[bot] for the GITHUB_TOKEN, from GraphQL's viewer, in one request", async () => {
    const logger = recordingLogger();
    const api = await apiFor({ account: ACTIONS_BOT });
    expect(await resolveIdentity(api, logger)).toEqual({ login: ACTIONS_BOT_LOGIN, source: "GraphQL viewer" });
    expect(github?.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /graphql"]);
    expect(logger.lines).toEqual([
      "GitHub issues: the gate acts only on issues written by github-actions[bot], the token's identity.",
    ]);
  });

  it("names an app's bot for its installation token, and the user for a personal token", async () => {
    expect(await resolveIdentity(await apiFor({ account: appBot("contoso-gate") }), recordingLogger())).toEqual({
      login: "contoso-gate[bot]",
      source: "GraphQL viewer",
    });
    await github?.close();
    expect(await resolveIdentity(await apiFor({ account: userAccount("octocat") }), recordingLogger())).toEqual({
      login: "octocat",
      source: "GraphQL viewer",
    });
  });

  it("asks GET /user when GraphQL does not answer", async () => {
    const api = await apiFor({ account: userAccount("octocat") });
    github?.faults.add({ method: "POST", path: "/graphql", status: 404, body: { message: "Not Found" } });
    expect(await resolveIdentity(api, recordingLogger())).toEqual({ login: "octocat", source: "GET /user" });
  });

  it("takes github-actions[bot] and says why when neither answers (an installation token without GraphQL)", async () => {
    const logger = recordingLogger();
    const api = await apiFor({ account: appBot("contoso-gate") });
    github?.faults.add({ method: "POST", path: "/graphql", status: 404, body: { message: "Not Found" } });
    expect(await resolveIdentity(api, logger)).toEqual({ login: ACTIONS_BOT_LOGIN, source: "assumed" });
    expect(logger.lines[0]).toMatch(
      /^GitHub issues: GitHub did not name the token's identity \(GraphQL viewer: Not Found; GET \/user: Resource not accessible by integration\); the gate acts only on issues written by github-actions\[bot\]/,
    );
  });

  it("stops at a bad token instead of guessing", async () => {
    const api = await apiFor({}, "expired");
    await expect(resolveIdentity(api, recordingLogger())).rejects.toMatchObject({ status: 401 });
    expect(github?.requests).toHaveLength(1);
  });

  it("compares logins as GitHub does: case-insensitively, and a deleted account matches nobody", () => {
    expect(sameLogin("GitHub-Actions[bot]", "github-actions[bot]")).toBe(true);
    expect(sameLogin("github-actions", "github-actions[bot]")).toBe(false);
    expect(sameLogin(null, "github-actions[bot]")).toBe(false);
  });
});
