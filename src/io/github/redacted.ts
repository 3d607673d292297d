/**
 * The IssueApi with every text the gate sends GitHub redacted (src/secrets.ts):
 * issue titles and bodies, and comments (also on pull requests). The renderers escape and redact each
 * value already; this is the last step before GitHub, whatever path the text
 * took to get there.
 */
import { redact } from "../../core/secrets.js";
import type { IssueApi, IssuePatch, PullRequestApi } from "./client.js";

function redactedPatch(patch: IssuePatch): IssuePatch {
  return {
    ...patch,
    ...(patch.title === undefined ? {} : { title: redact(patch.title) }),
    ...(patch.body === undefined ? {} : { body: redact(patch.body) }),
  };
}

export function redactedIssueApi(api: IssueApi): IssueApi {
  return {
    ...api,
    createIssue: (issue) => api.createIssue({ ...issue, title: redact(issue.title), body: redact(issue.body) }),
    updateIssue: (number, patch) => api.updateIssue(number, redactedPatch(patch)),
    addComment: (number, body) => api.addComment(number, redact(body)),
  };
}

/** The PullRequestApi with every comment body redacted, whatever path the text took. */
export function redactedPullRequestApi(api: PullRequestApi): PullRequestApi {
  return {
    ...api,
    createComment: (pullRequest, body) => api.createComment(pullRequest, redact(body)),
    updateComment: (id, body) => api.updateComment(id, redact(body)),
  };
}
