/**
 * Carrying out an issue plan (issue-plan.ts) through the small IssueApi:
 * create, update, close, reopen, and settling duplicates of two runs at once.
 */
import { explainGitHubError } from "../io/github/client.js";
import type {
  GitHubIssue,
  IssueApi,
  IssueContent,
  IssueOutcome,
  IssuePlan,
  NewIssue,
  TrackedIssue,
} from "../core/issues/plan.js";
import { RESOLVED_LABEL, sortIssues } from "../core/issues/plan.js";
import { type IssueState, withMarker } from "../core/issues/marker.js";

async function create(api: IssueApi, content: IssueContent, notes: string[]): Promise<GitHubIssue> {
  const issue: NewIssue = {
    title: content.title,
    body: content.body,
    labels: content.labels,
    assignees: content.assignees,
  };
  try {
    return await api.createIssue(issue);
  } catch (error) {
    const failure = explainGitHubError(error);
    if (failure.status !== 422 || content.assignees.length === 0 || !/assignee/i.test(failure.detail)) throw error;
    notes.push(
      `GitHub would not assign ${content.assignees.join(", ")} (${failure.detail}); the issue mentions them instead.`,
    );
    return api.createIssue({ ...issue, assignees: [] });
  }
}

async function closeDuplicate(api: IssueApi, issue: TrackedIssue, kept: number, content: IssueContent) {
  await api.addComment(issue.number, content.duplicateComment(kept));
  const body = withMarker(issue.body, { ...issue.state, duplicateOf: kept });
  await api.updateIssue(issue.number, { body, state: "closed", stateReason: "not_planned" });
}

async function close(api: IssueApi, issues: TrackedIssue[], content: IssueContent): Promise<GitHubIssue | undefined> {
  let last: GitHubIssue | undefined;
  for (const issue of issues) {
    await api.addComment(issue.number, content.closeComment);
    await api.addLabels(issue.number, [RESOLVED_LABEL]);
    last = await api.updateIssue(issue.number, { state: "closed", stateReason: "completed" });
  }
  return last;
}

async function reopen(api: IssueApi, issue: TrackedIssue, content: IssueContent): Promise<GitHubIssue> {
  const reopened = await api.updateIssue(issue.number, {
    title: content.title,
    body: content.body,
    state: "open",
    stateReason: "reopened",
  });
  if (issue.labels.some((label) => label.toLowerCase() === RESOLVED_LABEL)) {
    await api.removeLabel(issue.number, RESOLVED_LABEL);
  }
  await api.addComment(issue.number, content.changeComment);
  return reopened;
}

/** Carries out one plan; GitHub errors propagate to the caller, who reports them. */
export async function executePlan(api: IssueApi, plan: IssuePlan, content: IssueContent): Promise<IssueOutcome> {
  const notes: string[] = [];
  if (plan.action === "update" || plan.action === "unchanged") {
    for (const duplicate of plan.duplicates) await closeDuplicate(api, duplicate, plan.issue.number, content);
  }
  switch (plan.action) {
    case "create":
      return { action: "created", issue: await create(api, content, notes), notes };
    case "update": {
      const issue = await api.updateIssue(plan.issue.number, { title: content.title, body: content.body });
      await api.addComment(plan.issue.number, content.changeComment);
      return { action: "updated", issue, notes };
    }
    case "reopen":
      return { action: "reopened", issue: await reopen(api, plan.issue, content), notes };
    case "close":
      return { action: "closed", issue: await close(api, plan.issues, content), notes };
    case "unchanged":
    case "muted":
      return { action: plan.action, issue: plan.issue, notes };
    case "capped":
      return { action: "capped", notes };
    case "none":
      return { action: "none", notes };
  }
}

/**
 * After opening an issue: two runs at once may each have opened one. Lists
 * the cluster's open issues again and, when one of the same author (as
 * GitHub recorded this run's issue) with a lower number exists, closes this
 * run's issue as its duplicate and returns the one kept.
 */
export async function settleDuplicates(
  api: IssueApi,
  label: string,
  created: GitHubIssue,
  state: IssueState,
  content: IssueContent,
): Promise<GitHubIssue | undefined> {
  if (created.author === null) return undefined;
  const open = sortIssues(await api.listIssues(label, "open"), { author: created.author, label })
    .tracked.filter((issue) => issue.state.fingerprint === state.fingerprint && issue.state.kind === state.kind)
    .sort((a, b) => a.number - b.number);
  const kept = open[0];
  if (!kept || kept.number >= created.number) return undefined;
  await closeDuplicate(api, { ...created, state }, kept.number, content);
  return kept;
}
