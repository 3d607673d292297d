/**
 * The PullRequestApi through the real Octokit of @actions/github against the
 * GitHub stand-in: the files of a pull request, a file at the base commit
 * (base64, and a large one through its blob), its comments with their
 * authors across pages, the update of one, and a read-only token's 403.
 */
import { createPullRequestApi, type PullRequestApi } from "../../src/io/github/client.js";
import { Deadline } from "../../src/core/deadline.js";
import { GateError } from "../../src/core/errors.js";
import { CONTENTS_INLINE_LIMIT, type GitHubSandbox, startGitHubSandbox, userAccount } from "../../sandbox/github.js";
import { recordingLogger } from "./fixtures.js";

const BASE = "a".repeat(40);
let github: GitHubSandbox;

beforeEach(async () => {
  github = await startGitHubSandbox({ token: "ghs_sandbox" });
});

afterEach(async () => {
  await github.close();
});

function api(deadline?: Deadline): Promise<PullRequestApi> {
  return createPullRequestApi({
    token: "ghs_sandbox",
    repository: github.repository,
    apiUrl: github.url,
    logger: recordingLogger(),
    retryAfterBaseValue: 5,
    ...(deadline ? { deadline } : {}),
  });
}

describe("what the pull request changes, and the base branch's file", () => {
  it("lists every changed file across pages", async () => {
    const files = Array.from({ length: 150 }, (_, index) => `docs/page-${index}.md`);
    const pull = github.openPullRequest("Many files", [...files, ".github/aks-network-baseline.yml"]);
    expect(await (await api()).changedFiles(pull.number)).toEqual([...files, ".github/aks-network-baseline.yml"]);
    const pages = github.requests.filter((request) => request.path.endsWith(`/pulls/${pull.number}/files`));
    expect(pages.map((request) => request.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("reads a file at a commit, base64 up to 1 MB and through its blob above; null where there is none", async () => {
    const text = "version: 1\nclusters: {}\n# é ü\n";
    const large = `version: 1\nclusters: {}\n${"#".repeat(CONTENTS_INLINE_LIMIT)}\n`;
    github.putFile(BASE, ".github/aks-network-baseline.yml", text);
    github.putFile(BASE, "big/baseline.yml", large);
    const client = await api();
    expect(await client.fileAt(".github/aks-network-baseline.yml", BASE)).toBe(text);
    expect(await client.fileAt("big/baseline.yml", BASE)).toBe(large);
    expect(github.requests.filter((request) => request.path.includes("/git/blobs/"))).toHaveLength(1);
    expect(await client.fileAt(".github/aks-network-baseline.yml", "f".repeat(40))).toBeNull();
    await expect(client.fileAt("big", BASE)).rejects.toThrow(GateError);
    const contents = github.requests.find((request) => request.path.includes("/contents/"));
    expect(contents?.query).toEqual({ ref: BASE });
  });
});

describe("the comments of a pull request", () => {
  it("lists them with their authors across pages, creates one and updates it", async () => {
    const pull = github.openPullRequest("Widen the pod CIDR", [".github/aks-network-baseline.yml"]);
    for (let index = 0; index < 120; index++)
      github.seedComment(pull.number, `comment ${index}`, userAccount("octocat"));
    const client = await api();
    const created = await client.createComment(pull.number, "<!-- marker -->\nfirst");
    expect(created).toMatchObject({ author: "github-actions[bot]", body: "<!-- marker -->\nfirst" });
    expect(created.url).toBe(
      `https://github.com/contoso/platform-network/pull/${pull.number}#issuecomment-${created.id}`,
    );
    const listed = await client.listComments(pull.number);
    expect(listed).toHaveLength(121);
    expect(listed[0]).toMatchObject({ author: "octocat", body: "comment 0" });
    expect(listed.at(-1)?.id).toBe(created.id);
    const updated = await client.updateComment(created.id, "<!-- marker -->\nsecond");
    expect(updated).toMatchObject({ id: created.id, body: "<!-- marker -->\nsecond" });
    expect(
      github
        .commentsOn(pull.number)
        .map((comment) => comment.body)
        .at(-1),
    ).toBe("<!-- marker -->\nsecond");
    expect(github.issues.get(pull.number)?.comments.at(-1)).toBe("<!-- marker -->\nsecond");
  });

  it("gets GitHub's 403 on a write with a read-only token, and reads as before", async () => {
    const pull = github.openPullRequest("From a fork", [".github/aks-network-baseline.yml"]);
    github.readOnly = true;
    const client = await api();
    await expect(client.createComment(pull.number, "plan")).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
    expect(await client.listComments(pull.number)).toEqual([]);
  });

  it("ends a call that is still waiting when the run's deadline does, naming it", async () => {
    const pull = github.openPullRequest("Slow", []);
    github.holdUntil(2, { method: "GET", path: "/comments" });
    const deadline = Deadline.after(100);
    await expect((await api(deadline)).listComments(pull.number)).rejects.toThrow(
      "does not allow an answer from GitHub to listComments",
    );
    deadline.dispose();
  });
});
