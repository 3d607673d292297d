/**
 * The gate's one comment on a pull request: the GitHub port the adapter
 * implements (PullRequestApi), the hidden marker that names the comment, and
 * which listed comment is the gate's own. A comment is the gate's when its
 * first line is the marker of this baseline file (and shard) AND GitHub
 * records the gate's own login as its author (identity.ts): anyone can
 * comment on a pull request and copy the marker. Pure.
 */
import { createHash } from "node:crypto";
import { sameLogin } from "../issues/plan.js";
import type { Shard } from "../shard.js";

/** A comment on a pull request (GitHub keeps them as comments of the pull request's issue). */
export interface PullRequestComment {
  id: number;
  body: string;
  /** The login GitHub records as the author (`user.login`); null for a deleted account. */
  author: string | null;
  url: string;
}

/** What the plan of a pull request needs of GitHub, in one repository. */
export interface PullRequestApi {
  /** The paths of the files a pull request changes (a renamed file by both names); GitHub lists 3,000 at most. */
  changedFiles(pullRequest: number): Promise<string[]>;
  /** The text of a file at a commit; null when the commit has no file at that path. */
  fileAt(path: string, ref: string): Promise<string | null>;
  /** The comments of a pull request, oldest first. */
  listComments(pullRequest: number): Promise<PullRequestComment[]>;
  createComment(pullRequest: number, body: string): Promise<PullRequestComment>;
  updateComment(id: number, body: string): Promise<PullRequestComment>;
  /** The token's login, as IssueApi has it (identity.ts). */
  viewerLogin(): Promise<string>;
  authenticatedUser(): Promise<string>;
}

const PREFIX = "<!-- aks-network-gate:pr-plan v1 ";

/**
 * The marker line of the plan of one baseline file (and shard): two
 * workflows that plan two baseline files, or the jobs of a sharded matrix,
 * each keep a comment of their own.
 */
export function planMarker(baselineFile: string, shard: Shard): string {
  const scope = `${baselineFile.replace(/\\/gu, "/").replace(/^\.\//u, "")}\u0000${shard.index}/${shard.count}`;
  const key = createHash("sha256").update(scope, "utf8").digest("hex").slice(0, 16);
  return `${PREFIX}key=${key} -->`;
}

export interface SortedComments {
  /** The gate's own comment with this marker: the oldest, if a race ever left two. */
  own: PullRequestComment | undefined;
  /** Comments that start with the plan's marker but another account wrote: never updated. */
  suspects: PullRequestComment[];
}

export function sortComments(comments: PullRequestComment[], marker: string, login: string): SortedComments {
  const marked = comments.filter((comment) => comment.body.split(/\r?\n/u, 1)[0]?.trim() === marker);
  return {
    own: marked.find((comment) => sameLogin(comment.author, login)),
    suspects: marked.filter((comment) => !sameLogin(comment.author, login)),
  };
}
