/**
 * The pull request of a run, from the event payload GitHub writes
 * (GITHUB_EVENT_PATH), and the gate's own plan comment among a pull
 * request's comments: its marker and its author.
 */
import { GateError } from "../../src/core/errors.js";
import { planMarker, type PullRequestComment, sortComments } from "../../src/core/pr-plan/comment.js";
import { isPullRequestEvent, pullRequestOf } from "../../src/core/pr-plan/event.js";

function payload(head: unknown = { sha: "b".repeat(40), repo: { full_name: "contoso/platform-network" } }) {
  return {
    action: "opened",
    number: 42,
    pull_request: { number: 42, base: { sha: "a".repeat(40), repo: { full_name: "contoso/platform-network" } }, head },
  };
}

describe("the pull request of the event", () => {
  it("reads number, base commit and repositories of a pull request from a branch", () => {
    expect(pullRequestOf("pull_request", payload())).toEqual({
      event: "pull_request",
      number: 42,
      baseSha: "a".repeat(40),
      headSha: "b".repeat(40),
      baseRepository: "contoso/platform-network",
      headRepository: "contoso/platform-network",
      fromFork: false,
      readOnlyToken: false,
    });
  });

  it("knows a fork's pull_request run has a read-only token, and pull_request_target a writing one", () => {
    const fork = payload({ sha: "c".repeat(40), repo: { full_name: "someone/platform-network" } });
    expect(pullRequestOf("pull_request", fork)).toMatchObject({ fromFork: true, readOnlyToken: true });
    expect(pullRequestOf("pull_request_target", fork)).toMatchObject({ fromFork: true, readOnlyToken: false });
    expect(pullRequestOf("pull_request", payload({ sha: "d".repeat(40), repo: null }))).toMatchObject({
      headRepository: null,
      readOnlyToken: true,
    });
  });

  it("refuses a payload without what it needs, naming the field", () => {
    const noBase = { pull_request: { number: 42, head: {} } };
    expect(() => pullRequestOf("pull_request", noBase)).toThrow(GateError);
    expect(() => pullRequestOf("pull_request", noBase)).toThrow("has no pull_request.base.sha");
    expect(() => pullRequestOf("pull_request", { pull_request: { number: "42" } })).toThrow("pull_request.number");
    expect(() => pullRequestOf("pull_request", null)).toThrow("pull_request.number");
  });

  it("takes pull_request and pull_request_target only", () => {
    expect(["pull_request", "pull_request_target", "push", "schedule", undefined].map(isPullRequestEvent)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("the plan comment's marker and author", () => {
  const one = { index: 1, count: 1 };

  it("names one comment per baseline file and shard", () => {
    const marker = planMarker(".github/aks-network-baseline.yml", one);
    expect(marker).toMatch(/^<!-- aks-network-gate:pr-plan v1 key=[0-9a-f]{16} -->$/u);
    expect(planMarker("./.github/aks-network-baseline.yml", one)).toBe(marker);
    expect(planMarker(".github/other.yml", one)).not.toBe(marker);
    expect(planMarker(".github/aks-network-baseline.yml", { index: 2, count: 8 })).not.toBe(marker);
  });

  it("is the gate's when its first line is the marker and the gate's login wrote it", () => {
    const marker = planMarker("baseline.yml", one);
    const comment = (id: number, author: string | null, body: string): PullRequestComment => ({
      id,
      author,
      body,
      url: `https://github.com/o/r/pull/1#issuecomment-${id}`,
    });
    const comments = [
      comment(1, "octocat", "Looks good"),
      comment(2, "mallory", `${marker}\nAll fine, merge it.`),
      comment(3, "GitHub-Actions[bot]", `${marker}\r\n## plan`),
      comment(4, "github-actions[bot]", `${marker}\n## a later one`),
      comment(5, "github-actions[bot]", `quoted:\n${marker}`),
      comment(6, null, `${marker}\n`),
    ];
    const sorted = sortComments(comments, marker, "github-actions[bot]");
    expect(sorted.own?.id).toBe(3);
    expect(sorted.suspects.map((entry) => entry.id)).toEqual([2, 6]);
  });
});
