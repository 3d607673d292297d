/**
 * After the evidence is written: the issues the verdict decided on (one per
 * drifting cluster, kept current and closed on recovery; one per unreadable
 * cluster when `issue-on-error` asks). Whatever GitHub answers, the gate's
 * result stays what it was; a publication that fails says why in its result,
 * which the run puts in the log and the job summary.
 */
import { BudgetSpent, type Deadline } from "../core/deadline.js";
import { describeError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Baseline, ClusterResult } from "../core/model.js";
import type { IssueDecision, Verdict } from "../core/verdict.js";
import { createIssueApi, explainGitHubError, type IssueApi, type IssueApiFactory } from "../io/github/client.js";
import { redactedIssueApi } from "../io/github/redacted.js";
import { executePlan, settleDuplicates } from "./issues.js";
import { DEFAULT_ISSUE_LABEL } from "./options.js";
import {
  applyCap,
  type ClusterIssueReport,
  type IssueContent,
  type IssuePlan,
  type IssuePublication,
  type IssueTarget,
  type FleetRoster,
  planIssueAction,
  RESOLVED_LABEL,
  retiredIssues,
  sortIssues,
  type SuspectIssue,
  type TrackedIssue,
} from "../core/issues/plan.js";
import { resolveIdentity } from "../io/github/identity.js";
import { sameLogin } from "../core/issues/plan.js";
import { driftState, errorState, fingerprint } from "../core/issues/marker.js";
import {
  assignees,
  type CodeownersRule,
  type OwnerHandle,
  suggestOwner,
  type OwnerSuggestion,
} from "../core/issues/owner.js";
import {
  changeComment,
  closeComment,
  duplicateComment,
  type IssueLinks,
  renderDriftIssue,
  renderErrorIssue,
  renderInventoryIssue,
  excludedComment,
  retiredComment,
} from "../present/issue.js";
import { idKey, lastSegment } from "../core/arm-ids.js";
import type { ClusterChanges } from "../core/changes/attribute.js";
import type { ChangeLookup } from "../core/changes/plan.js";

export interface IssueDeps {
  logger: Logger;
  now: () => Date;
  /** Builds the GitHub client; tests shorten its waits. Default: Octokit. */
  createApi?: IssueApiFactory;
  /** The run's deadline: a GitHub call still waiting when it is spent ends the run as an error. */
  deadline?: Deadline;
}

/** What the issues need of the settings: where they go and how many may be open. */
export interface IssueOptions {
  /** `create-issue` */
  enabled: boolean;
  /** `github-token`; undefined when empty. */
  token: string | undefined;
  /** `issue-labels`; the first is the label the gate finds its issues by. */
  labels: string[];
  /** `max-issues` */
  maxIssues: number;
  /** GITHUB_API_URL */
  apiUrl: string;
  /** GITHUB_REPOSITORY */
  repository: string | undefined;
}

/** Where a cluster's owner may be named, beside its own entry in the baseline and its Azure tags. */
export interface OwnerSources {
  /** `owner-tag` */
  ownerTag: string;
  /** The CODEOWNERS file of the workspace, read once by the caller. */
  codeowners: { file: string; rules: CodeownersRule[] } | undefined;
  /** The `owner` input. */
  fallback: OwnerHandle[];
}

/** One issue the verdict decided on, with the target its plan is made for. */
interface Job {
  decision: IssueDecision;
  target: IssueTarget;
}

function jobsOf(verdict: Verdict): Job[] {
  return verdict.issues.map((decision): Job => {
    const { result, kind, open } = decision;
    const failing = !open
      ? null
      : result.kind === "error"
        ? errorState(result.clusterId, result.message)
        : driftState(result.clusterId, decision.findings);
    return { decision, target: { fingerprint: fingerprint(result.clusterId), kind, failing } };
  });
}

/** Why no issue can be written at all, before GitHub is asked anything. */
function precondition(options: IssueOptions, jobs: Job[]): Extract<IssuePublication, { written: false }> | undefined {
  const needed = jobs.some((job) => job.target.failing !== null);
  if (!options.enabled) return { written: false, reason: "'create-issue' is false", quiet: true };
  if (options.token === undefined) {
    return {
      written: false,
      reason: "the 'github-token' input is empty, so the gate cannot reach GitHub issues.",
      quiet: !needed,
    };
  }
  if (!options.repository) {
    return {
      written: false,
      reason: "GITHUB_REPOSITORY is not set, so the gate does not know which repository's issues to write.",
      quiet: !needed,
    };
  }
  return undefined;
}

interface Context {
  options: IssueOptions;
  /** The label the gate finds its issues by, and the login it writes them as. */
  label: string;
  author: string;
  links: IssueLinks;
  owners: (result: ClusterResult) => OwnerSuggestion;
  /** The writes behind a cluster's findings, when the run looked them up. */
  changes: (clusterId: string) => ClusterChanges | undefined;
}

/** The owner of each cluster, from its baseline entry (also when it could not be read), its tags and the sources. */
export function ownerResolver(
  baseline: Baseline,
  sources: OwnerSources,
  baselineFile: string,
): (result: ClusterResult) => OwnerSuggestion {
  const entries = new Map(baseline.clusters.map((entry) => [entry.id.toLowerCase(), entry.owner]));
  return (result) =>
    suggestOwner({
      baselineOwner: entries.get(result.clusterId.toLowerCase()),
      tags:
        result.kind === "checked"
          ? result.snapshot.tags
          : result.kind === "inventory"
            ? result.discovered?.tags
            : undefined,
      ownerTag: sources.ownerTag,
      codeowners: sources.codeowners,
      baselineFile,
      fallback: sources.fallback,
    });
}

function changesResolver(lookup: ChangeLookup | undefined): Context["changes"] {
  const byCluster = new Map(lookup?.clusters.map((cluster) => [idKey(cluster.clusterId), cluster]));
  return (clusterId) => byCluster.get(idKey(clusterId));
}

function contentFor(context: Context, job: Job, plan: IssuePlan): IssueContent {
  const { links, options } = context;
  const { target } = job;
  const { result, findings } = job.decision;
  const kind = target.kind;
  const owner = context.owners(result);
  const previous =
    plan.action === "create" && plan.previous
      ? { number: plan.previous.number, closedAt: plan.previous.closedAt }
      : undefined;
  const state = target.failing;
  const rendered =
    state === null
      ? { title: "", body: "" }
      : result.kind === "inventory"
        ? renderInventoryIssue({ state, owner, links, previous, clusterId: result.clusterId, findings })
        : result.kind === "checked"
          ? renderDriftIssue({
              state,
              owner,
              links,
              previous,
              snapshot: result.snapshot,
              expected: result.expected,
              findings,
              changes: context.changes(result.clusterId),
            })
          : renderErrorIssue({ state, owner, links, previous, clusterId: result.clusterId, message: result.message });
  const changes =
    plan.action === "update" || plan.action === "reopen" ? plan.changes : { added: [], removed: [], changed: [] };
  return {
    ...rendered,
    labels: options.labels,
    assignees: assignees(owner.owner),
    changeComment: changeComment(kind, changes, findings.length, links, plan.action === "reopen"),
    closeComment: closeComment(kind, links),
    duplicateComment,
  };
}

function logOutcome(logger: Logger, report: ClusterIssueReport): void {
  const name = lastSegment(report.clusterId);
  if (report.action === "none") return;
  if (report.action === "failed")
    return logger.warning(`No GitHub issue for ${name} (${report.kind}): ${report.error ?? ""}`);
  const issue = report.issue ? ` #${report.issue.number} ${report.issue.url}` : "";
  logger.info(`GitHub issue for ${name} (${report.kind}): ${report.action}${issue}.`);
  for (const note of report.notes) logger.info(`  ${note}`);
}

async function runJob(api: IssueApi, context: Context, job: Job, plan: IssuePlan): Promise<ClusterIssueReport> {
  const base = { clusterId: job.decision.result.clusterId, kind: job.target.kind };
  const content = contentFor(context, job, plan);
  const outcome = await executePlan(api, plan, content);
  const issue = outcome.issue;
  if (outcome.action === "created" && issue && job.target.failing) {
    if (!sameLogin(issue.author, context.author)) {
      outcome.notes.push(
        `GitHub recorded #${issue.number} as written by ${issue.author ?? "nobody"}, but the gate took ${context.author} for the token's identity and acted only on its issues in this run.`,
      );
    }
    const kept = await settleDuplicates(api, context.label, issue, job.target.failing, content);
    if (kept)
      return {
        ...base,
        action: "duplicate",
        issue: { number: kept.number, url: kept.url, open: true },
        notes: [`closed #${issue.number}, which this run had opened at the same time`],
      };
  }
  return {
    ...base,
    action: outcome.action,
    notes: outcome.notes,
    ...(issue ? { issue: { number: issue.number, url: issue.url, open: issue.open } } : {}),
  };
}

/** The gate's own issues (open and recently closed), and the open ones that only look like them. */
async function listTracked(
  api: IssueApi,
  label: string,
  author: string,
): Promise<{ tracked: TrackedIssue[]; suspects: SuspectIssue[] }> {
  const [open, closed] = [await api.listIssues(label, "open"), await api.listIssues(label, "closed")];
  const sorted = sortIssues([...open, ...closed], { author, label });
  return { tracked: sorted.tracked, suspects: sorted.suspects.filter((issue) => issue.open) };
}

/** One warning for the whole run, however many clusters the suspects name. */
function warnSuspects(logger: Logger, suspects: SuspectIssue[], author: string): void {
  if (suspects.length === 0) return;
  const list = suspects.map((issue) => `#${issue.number} by ${issue.author ?? "a deleted account"}`).join(", ");
  logger.warning(
    `Possible impersonation: ${suspects.length} open issue(s) carry the gate's marker and label but were not written by ${author}, the identity the gate writes with: ${list}. The gate ignored them: it did not update, close or count them. Check who opened them and close them.`,
  );
}

/** Runs the plans one after another, as GitHub asks of writes; a permanent refusal stops the rest. */
async function runJobs(api: IssueApi, context: Context, jobs: Job[], plans: IssuePlan[], logger: Logger) {
  const reports: ClusterIssueReport[] = [];
  let stopped: string | undefined;
  for (const [index, job] of jobs.entries()) {
    const base = { clusterId: job.decision.result.clusterId, kind: job.target.kind, notes: [] };
    const plan = plans[index] as IssuePlan;
    if (stopped !== undefined && plan.action !== "none") {
      reports.push({ ...base, action: "failed", error: stopped });
      continue;
    }
    try {
      reports.push(await runJob(api, context, job, plan));
    } catch (error) {
      if (error instanceof BudgetSpent) throw error;
      const failure = explainGitHubError(error, context.options.repository);
      if (failure.permanent) stopped = failure.message;
      reports.push({ ...base, action: "failed", error: failure.message });
    }
    logOutcome(logger, reports.at(-1) as ClusterIssueReport);
  }
  return { reports, stopped };
}

type Retired = ReturnType<typeof retiredIssues>[number];

/** Closes one issue of a cluster that is gone, with a comment that says so and names the run. */
async function closeRetired(api: IssueApi, context: Context, issue: Retired) {
  const { clusterId } = issue.state;
  const comment =
    issue.excludedFor === undefined
      ? retiredComment(clusterId, context.links)
      : excludedComment(clusterId, issue.excludedFor, context.links);
  await api.addComment(issue.number, comment);
  await api.addLabels(issue.number, [RESOLVED_LABEL]);
  const closed = await api.updateIssue(issue.number, { state: "closed", stateReason: "completed" });
  return { number: closed.number, url: closed.url, open: closed.open };
}

/** The issues of clusters that are gone, closed one after another; a permanent refusal (now or earlier) stops the rest. */
async function runRetired(
  api: IssueApi,
  context: Context,
  retired: Retired[],
  { logger, stopped: before }: { logger: Logger; stopped: string | undefined },
) {
  const reports: ClusterIssueReport[] = [];
  let stopped = before;
  for (const issue of retired) {
    const base = { clusterId: issue.state.clusterId, kind: issue.state.kind };
    if (stopped !== undefined) {
      reports.push({ ...base, action: "failed", notes: [], error: stopped });
      continue;
    }
    try {
      const closed = await closeRetired(api, context, issue);
      const note = issue.excludedFor === undefined ? GONE_NOTE : EXCLUDED_NOTE;
      reports.push({ ...base, action: "closed", issue: closed, notes: [note] });
    } catch (error) {
      if (error instanceof BudgetSpent) throw error;
      const failure = explainGitHubError(error, context.options.repository);
      if (failure.permanent) stopped = failure.message;
      reports.push({ ...base, action: "failed", notes: [], error: failure.message });
    }
    logOutcome(logger, reports.at(-1) as ClusterIssueReport);
  }
  return { reports, stopped };
}

const GONE_NOTE = "the cluster no longer exists and its entry is gone from the baseline";
const EXCLUDED_NOTE = "the baseline now excludes the cluster";

/** What the issues of a run are made from: the verdict and what the run already read, nothing to read again. */
export interface IssueInputs {
  verdict: Verdict;
  /** The baseline the run parsed: each cluster's `owner`, also of a cluster that could not be read. */
  baseline: Baseline;
  owners: OwnerSources;
  options: IssueOptions;
  /** The run, the commit, the baseline file and the evidence the issues link to. */
  links: IssueLinks;
  /** The writes behind the drift, from the Activity Log (app/changes.ts); absent when not looked up. */
  changes?: ChangeLookup;
  /** A fleet check's fleet: the open issues of its clusters that are gone and out of the baseline are closed. */
  roster?: FleetRoster;
}

/** Lists, plans and carries out every job with a GitHub client; GitHub's errors propagate. */
async function publishWith(
  api: IssueApi,
  inputs: IssueInputs,
  jobs: Job[],
  deps: IssueDeps,
): Promise<Extract<IssuePublication, { written: true }>> {
  const { options } = inputs;
  const label = options.labels[0] ?? DEFAULT_ISSUE_LABEL;
  const { login: author } = await resolveIdentity(api, deps.logger);
  const { tracked, suspects } = await listTracked(api, label, author);
  warnSuspects(deps.logger, suspects, author);
  const openBefore = tracked.filter((issue) => issue.open).length;
  const planned = new Set(jobs.map((job) => job.target.fingerprint));
  const retired = inputs.roster ? retiredIssues(tracked, inputs.roster, planned) : [];
  const plans = applyCap(
    jobs.map((job) => planIssueAction(tracked, job.target, deps.now())),
    openBefore - retired.length,
    options.maxIssues,
  );
  const context: Context = {
    options,
    label,
    author,
    links: inputs.links,
    owners: ownerResolver(inputs.baseline, inputs.owners, inputs.links.baselineFile),
    changes: changesResolver(inputs.changes),
  };
  const done = await runJobs(api, context, jobs, plans, deps.logger);
  const gone = await runRetired(api, context, retired, {
    logger: deps.logger,
    stopped: done.stopped,
  });
  const reports = [...done.reports, ...gone.reports];
  const { stopped } = gone;
  const publication: IssuePublication = {
    written: true,
    reports,
    maxIssues: options.maxIssues,
    openBefore,
    author,
    suspects,
  };
  if (stopped !== undefined) publication.failure = `Some issues were not written: ${stopped}`;
  const capped = reports.filter((report) => report.action === "capped");
  if (capped.length > 0)
    deps.logger.warning(
      `${capped.length} cluster(s) got no GitHub issue: 'max-issues' (${options.maxIssues}) gate issues are open.`,
    );
  return publication;
}

/**
 * Opens, updates or closes the issues the verdict decided on (a check run's);
 * never throws but when the run's time is spent, never changes the gate's result.
 */
export async function publishIssues(inputs: IssueInputs, deps: IssueDeps): Promise<IssuePublication> {
  const { options } = inputs;
  const jobs = jobsOf(inputs.verdict);
  const blocked = precondition(options, jobs);
  if (blocked) {
    if (!blocked.quiet) deps.logger.warning(`No GitHub issue written: ${blocked.reason}`);
    return blocked;
  }
  try {
    const api = await (deps.createApi ?? createIssueApi)({
      token: options.token ?? "",
      repository: options.repository ?? "",
      apiUrl: options.apiUrl,
      logger: deps.logger,
      ...(deps.deadline ? { deadline: deps.deadline } : {}),
    });
    return await publishWith(redactedIssueApi(api), inputs, jobs, deps);
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    const message =
      error instanceof Error && "status" in error
        ? explainGitHubError(error, options.repository).message
        : describeError(error);
    deps.logger.warning(`No GitHub issue written: ${message}`);
    return {
      written: true,
      reports: [],
      maxIssues: options.maxIssues,
      openBefore: 0,
      suspects: [],
      failure: `No GitHub issue written: ${message}`,
    };
  }
}

/** The issue outputs: the first cluster's open issue, and every issue the run touched as JSON. */
export function issueOutputs(publication: IssuePublication): Record<string, string> {
  const reports = publication.written ? publication.reports.filter((report) => report.issue) : [];
  const first = reports.find((report) => report.issue?.open);
  return {
    "issue-number": first?.issue ? String(first.issue.number) : "",
    "issue-url": first?.issue?.url ?? "",
    issues: JSON.stringify(
      reports.map((report) => ({
        cluster: report.clusterId,
        kind: report.kind,
        action: report.action,
        number: report.issue?.number,
        url: report.issue?.url,
        open: report.issue?.open,
      })),
    ),
  };
}
