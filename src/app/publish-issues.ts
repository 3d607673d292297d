/**
 * After the evidence is written: one issue per failing cluster, kept current
 * and closed on recovery. Whatever GitHub answers, the gate's result stays
 * what it was; a publication that fails says why in its result, which main
 * puts in the log and the job summary.
 */
import { BudgetSpent, type Deadline } from "../core/deadline.js";
import { readFile } from "node:fs/promises";
import { parseBaseline } from "../core/baseline/parse.js";
import { describeError } from "../core/errors.js";
import type { Outcome } from "./gate.js";
import type { Logger } from "../core/logger.js";
import type { ClusterResult, Finding } from "../core/model.js";
import type { Settings } from "./settings.js";
import { createIssueApi, explainGitHubError, type IssueApi, type IssueApiFactory } from "../io/github/client.js";
import { redactedIssueApi } from "../io/github/redacted.js";
import { executePlan, settleDuplicates } from "./issues.js";
import {
  applyCap,
  type ClusterIssueReport,
  type IssueContent,
  type IssuePlan,
  type IssuePublication,
  type IssueTarget,
  planIssueAction,
  sortIssues,
  type SuspectIssue,
  type TrackedIssue,
} from "../core/issues/plan.js";
import { resolveIdentity } from "../io/github/identity.js";
import { sameLogin } from "../core/issues/plan.js";
import { driftState, errorState, fingerprint, type IssueKind, type IssueState } from "../core/issues/marker.js";
import { readCodeowners } from "../io/files/codeowners.js";
import { assignees, suggestOwner, type OwnerSuggestion } from "../core/issues/owner.js";
import {
  changeComment,
  closeComment,
  duplicateComment,
  type IssueLinks,
  renderDriftIssue,
  renderErrorIssue,
} from "../present/issue.js";

export interface IssueDeps {
  logger: Logger;
  now: () => Date;
  /** Builds the GitHub client; tests shorten its waits. Default: Octokit. */
  createApi?: IssueApiFactory;
  /** The run's deadline: a GitHub call still waiting when it is spent ends the run as an error. */
  deadline?: Deadline;
}

/** One cluster and kind the run has something to say about. */
interface Job {
  result: ClusterResult;
  target: IssueTarget;
  /** The findings the issue shows (drift issues). */
  findings: Finding[];
}

/** The findings that make a cluster's issue: errors always, warnings when they fail the gate. */
function failingFindings(settings: Settings, result: ClusterResult): Finding[] {
  if (result.kind !== "checked") return [];
  const active = result.findings.filter((item) => !item.suppressed);
  const fails = active.some((item) => item.severity === "error" || settings.failOn === "warning");
  return fails ? active : [];
}

function jobsOf(settings: Settings, outcome: Outcome): Job[] {
  return outcome.results.flatMap((result): Job[] => {
    const fp = fingerprint(result.clusterId);
    const target = (kind: IssueKind, failing: IssueState | null) => ({ fingerprint: fp, kind, failing });
    if (result.kind === "error") {
      return settings.issues.onError
        ? [{ result, target: target("error", errorState(result.clusterId, result.message)), findings: [] }]
        : [];
    }
    const findings = failingFindings(settings, result);
    const drift = findings.length > 0 ? driftState(result.clusterId, findings) : null;
    return [
      { result, target: target("drift", drift), findings },
      { result, target: target("error", null), findings: [] },
    ];
  });
}

/** Why no issue can be written at all, before GitHub is asked anything. */
function precondition(settings: Settings, jobs: Job[]): Extract<IssuePublication, { written: false }> | undefined {
  const needed = jobs.some((job) => job.target.failing !== null);
  if (settings.mode !== "check")
    return { written: false, reason: "issues are written by check runs only", quiet: true };
  if (!settings.issues.enabled) return { written: false, reason: "'create-issue' is false", quiet: true };
  if (settings.issues.token === undefined) {
    return {
      written: false,
      reason: "the 'github-token' input is empty, so the gate cannot reach GitHub issues.",
      quiet: !needed,
    };
  }
  if (!settings.run.repository) {
    return {
      written: false,
      reason: "GITHUB_REPOSITORY is not set, so the gate does not know which repository's issues to write.",
      quiet: !needed,
    };
  }
  return undefined;
}

/** Where the run's evidence is: its folder, relative to the workspace, and the artifact it was uploaded as. */
export interface EvidenceLocation {
  path: string;
  artifact?: { name: string; url: string } | undefined;
}

function linksOf(settings: Settings, evidence: EvidenceLocation): IssueLinks {
  const { run } = settings;
  return {
    baselineFile: settings.baselineFile,
    runUrl: run.runUrl,
    runId: run.runId,
    commit: run.commit,
    commitUrl:
      run.commit && run.repository ? `${settings.issues.serverUrl}/${run.repository}/commit/${run.commit}` : undefined,
    evidencePath: evidence.path,
    artifact: evidence.artifact,
  };
}

interface Context {
  settings: Settings;
  /** The label the gate finds its issues by, and the login it writes them as. */
  label: string;
  author: string;
  links: IssueLinks;
  owners: (result: ClusterResult) => Promise<OwnerSuggestion>;
}

async function ownerResolver(settings: Settings): Promise<Context["owners"]> {
  const codeowners = await readCodeowners(settings.workspace);
  let baselineOwners: Map<string, string | undefined> | undefined;
  const ownerFromFile = async (clusterId: string) => {
    baselineOwners ??= await readFile(settings.baselinePath, "utf8")
      .then(
        (text) =>
          new Map(
            parseBaseline(text, settings.baselineFile).baseline.clusters.map((entry) => [
              entry.id.toLowerCase(),
              entry.owner,
            ]),
          ),
      )
      .catch(() => new Map<string, string | undefined>());
    return baselineOwners.get(clusterId.toLowerCase());
  };
  return async (result) =>
    suggestOwner({
      baselineOwner: result.kind === "checked" ? result.expected.owner : await ownerFromFile(result.clusterId),
      tags: result.kind === "checked" ? result.snapshot.tags : undefined,
      ownerTag: settings.issues.ownerTag,
      codeowners,
      baselineFile: settings.baselineFile,
      fallback: settings.issues.owner,
    });
}

async function contentFor(context: Context, job: Job, plan: IssuePlan): Promise<IssueContent> {
  const { links, settings } = context;
  const { result, target } = job;
  const kind = target.kind;
  const owner = await context.owners(result);
  const previous =
    plan.action === "create" && plan.previous
      ? { number: plan.previous.number, closedAt: plan.previous.closedAt }
      : undefined;
  const state = target.failing;
  const rendered =
    state === null
      ? { title: "", body: "" }
      : result.kind === "checked"
        ? renderDriftIssue({
            state,
            owner,
            links,
            previous,
            snapshot: result.snapshot,
            expected: result.expected,
            findings: job.findings,
          })
        : renderErrorIssue({ state, owner, links, previous, clusterId: result.clusterId, message: result.message });
  const changes =
    plan.action === "update" || plan.action === "reopen" ? plan.changes : { added: [], removed: [], changed: [] };
  return {
    ...rendered,
    labels: settings.issues.labels,
    assignees: assignees(owner.owner),
    changeComment: changeComment(kind, changes, job.findings.length, links, plan.action === "reopen"),
    closeComment: closeComment(kind, links),
    duplicateComment,
  };
}

function logOutcome(logger: Logger, report: ClusterIssueReport): void {
  const name = report.clusterId.split("/").at(-1) ?? report.clusterId;
  if (report.action === "none") return;
  if (report.action === "failed")
    return logger.warning(`No GitHub issue for ${name} (${report.kind}): ${report.error ?? ""}`);
  const issue = report.issue ? ` #${report.issue.number} ${report.issue.url}` : "";
  logger.info(`GitHub issue for ${name} (${report.kind}): ${report.action}${issue}.`);
  for (const note of report.notes) logger.info(`  ${note}`);
}

async function runJob(api: IssueApi, context: Context, job: Job, plan: IssuePlan): Promise<ClusterIssueReport> {
  const base = { clusterId: job.result.clusterId, kind: job.target.kind };
  const content = await contentFor(context, job, plan);
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
    const base = { clusterId: job.result.clusterId, kind: job.target.kind, notes: [] };
    const plan = plans[index] as IssuePlan;
    if (stopped !== undefined && plan.action !== "none") {
      reports.push({ ...base, action: "failed", error: stopped });
      continue;
    }
    try {
      reports.push(await runJob(api, context, job, plan));
    } catch (error) {
      if (error instanceof BudgetSpent) throw error;
      const failure = explainGitHubError(error, context.settings.run.repository);
      if (failure.permanent) stopped = failure.message;
      reports.push({ ...base, action: "failed", error: failure.message });
    }
    logOutcome(logger, reports.at(-1) as ClusterIssueReport);
  }
  return { reports, stopped };
}

/** Lists, plans and carries out every job with a GitHub client; GitHub's errors propagate. */
async function publishWith(
  api: IssueApi,
  settings: Settings,
  jobs: Job[],
  evidence: EvidenceLocation,
  deps: IssueDeps,
): Promise<Extract<IssuePublication, { written: true }>> {
  const { issues } = settings;
  const label = issues.labels[0] ?? "aks-network-drift";
  const { login: author } = await resolveIdentity(api, deps.logger);
  const { tracked, suspects } = await listTracked(api, label, author);
  warnSuspects(deps.logger, suspects, author);
  const openBefore = tracked.filter((issue) => issue.open).length;
  const plans = applyCap(
    jobs.map((job) => planIssueAction(tracked, job.target, deps.now())),
    openBefore,
    issues.maxIssues,
  );
  const context: Context = {
    settings,
    label,
    author,
    links: linksOf(settings, evidence),
    owners: await ownerResolver(settings),
  };
  const { reports, stopped } = await runJobs(api, context, jobs, plans, deps.logger);
  const publication: IssuePublication = {
    written: true,
    reports,
    maxIssues: issues.maxIssues,
    openBefore,
    author,
    suspects,
  };
  if (stopped !== undefined) publication.failure = `Some issues were not written: ${stopped}`;
  const capped = reports.filter((report) => report.action === "capped");
  if (capped.length > 0)
    deps.logger.warning(
      `${capped.length} cluster(s) got no GitHub issue: 'max-issues' (${issues.maxIssues}) gate issues are open.`,
    );
  return publication;
}

/** Opens, updates or closes the issue of each checked cluster; never throws, never changes the gate's result. */
export async function publishIssues(
  settings: Settings,
  outcome: Outcome,
  evidence: EvidenceLocation,
  deps: IssueDeps,
): Promise<IssuePublication> {
  const jobs = jobsOf(settings, outcome);
  const blocked = precondition(settings, jobs);
  if (blocked) {
    if (!blocked.quiet) deps.logger.warning(`No GitHub issue written: ${blocked.reason}`);
    return blocked;
  }
  const { issues } = settings;
  try {
    const api = await (deps.createApi ?? createIssueApi)({
      token: issues.token ?? "",
      repository: settings.run.repository ?? "",
      apiUrl: issues.apiUrl,
      logger: deps.logger,
      ...(deps.deadline ? { deadline: deps.deadline } : {}),
    });
    return await publishWith(redactedIssueApi(api), settings, jobs, evidence, deps);
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    const message =
      error instanceof Error && "status" in error
        ? explainGitHubError(error, settings.run.repository).message
        : describeError(error);
    deps.logger.warning(`No GitHub issue written: ${message}`);
    return {
      written: true,
      reports: [],
      maxIssues: issues.maxIssues,
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
