/**
 * The plan of a pull request that changes the baseline (`pr-plan`): on a
 * `pull_request` (or `pull_request_target`) run whose pull request lists the
 * baseline among its files (a baseline made in the job, never committed, is
 * not a change), the base branch's baseline is read through GitHub's contents
 * API at the pull request's base commit (a shallow checkout has no base
 * commit), compared with the workspace's, and the clusters the change adds or
 * changes are read from Azure. The plan
 * (core/pr-plan/) goes to one comment on the pull request, updated on every
 * push and never duplicated; when the token cannot write (a fork's pull
 * request, a job without `pull-requests: write`) it goes to the job summary
 * alone, which says why. Whatever GitHub answers, the result stays the plan's.
 */
import { existsSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { idKey, lastSegment, sameId } from "../core/arm-ids.js";
import { type ParsedBaseline, parseBaseline } from "../core/baseline/parse.js";
import { BudgetSpent, type Deadline } from "../core/deadline.js";
import { describeError, GateError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Baseline, ClusterResult } from "../core/model.js";
import { planMarker, sortComments } from "../core/pr-plan/comment.js";
import { baselineChanges, type ClusterChange } from "../core/pr-plan/changes.js";
import { isPullRequestEvent, type PullRequestEvent, pullRequestOf } from "../core/pr-plan/event.js";
import { planOf, type PullRequestPlan } from "../core/pr-plan/plan.js";
import { findingLine } from "../core/verdict.js";
import { baselinePath } from "../present/annotations.js";
import type { CommentOutcome } from "../present/pr-comment.js";
import {
  createPullRequestApi,
  explainGitHubError,
  type PullRequestApi,
  type PullRequestApiFactory,
} from "../io/github/client.js";
import { resolveIdentity } from "../io/github/identity.js";
import { redactedPullRequestApi } from "../io/github/redacted.js";
import { mapLimit } from "../core/concurrency.js";
import { carriesTags, namedLineNote, tagText, withinScope } from "../core/fleet/scope.js";
import { confirmMissing } from "./fleet.js";
import { type GateDeps, readClusters, selectClusters, selectedBy } from "./gate.js";
import type { Settings } from "./settings.js";

/** What a plan run holds before it reads Azure. */
export interface PlanContext {
  pullRequest: PullRequestEvent;
  api: PullRequestApi;
  /** The base branch's baseline text; null when the base commit has no file at that path. */
  baseText: string | null;
  headText: string;
  /** The hidden marker of this baseline file's (and shard's) comment. */
  marker: string;
}

export interface PlanDeps {
  logger: Logger;
  deadline: Deadline;
  /** Builds the GitHub client; default Octokit. */
  createApi?: PullRequestApiFactory;
}

/** The baseline's path from the repository's root (the workspace), with `/`, as the contents API names files. */
function repositoryPath(settings: Settings): string {
  return path.relative(realpathSync(settings.workspace), settings.baselinePath).split(path.sep).join("/");
}

async function eventOf(env: NodeJS.ProcessEnv): Promise<PullRequestEvent | undefined> {
  const name = env.GITHUB_EVENT_NAME;
  if (!isPullRequestEvent(name)) return undefined;
  const file = env.GITHUB_EVENT_PATH;
  if (!file || !existsSync(file)) {
    throw new GateError(
      `This is a ${name} run, but GITHUB_EVENT_PATH names no event payload ('${file ?? ""}'), so the gate cannot tell which pull request to plan for.`,
      "Set 'pr-plan: false' to check as usual, or run the step in the runner's own environment.",
    );
  }
  return pullRequestOf(name, JSON.parse(await readFile(file, "utf8")) as unknown);
}

/** Why the plan cannot be made: under `auto` the run checks as usual and says so; under `true` it fails. */
function cannotPlan(settings: Settings, logger: Logger, reason: string): undefined {
  if (settings.prPlan === "true") {
    throw new GateError(
      `'pr-plan' is 'true', but ${reason}`,
      "Give the step a 'github-token' that can read the repository's contents, or set 'pr-plan: auto'.",
    );
  }
  const say = logger.notice ?? logger.info;
  say.call(logger, `No pull request plan: ${reason} The gate checks the live network against the baseline as usual.`);
  return undefined;
}

/** Whether the pull request's files include the baseline, or why GitHub did not say. */
async function changesBaseline(settings: Settings, api: PullRequestApi, pullRequest: PullRequestEvent) {
  try {
    const wanted = repositoryPath(settings);
    return (await api.changedFiles(pullRequest.number)).includes(wanted);
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    return `GitHub did not list the files of pull request #${pullRequest.number} (${explainGitHubError(error).detail}); the job needs 'pull-requests: read'.`;
  }
}

async function baseText(settings: Settings, api: PullRequestApi, pullRequest: PullRequestEvent) {
  try {
    return { text: await api.fileAt(repositoryPath(settings), pullRequest.baseSha) };
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    const detail = error instanceof GateError ? error.message : explainGitHubError(error).detail;
    return {
      failure: `GitHub did not give the base branch's '${settings.baselineFile}' at ${pullRequest.baseSha} (${detail}); the job needs 'contents: read'.`,
    };
  }
}

/**
 * Whether this run plans a pull request's baseline change, with what the plan
 * needs; undefined: the run checks as usual (not a pull request, `pr-plan:
 * false`, `capture`, or `auto` and the baseline is the base branch's).
 */
export async function planContext(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  deps: PlanDeps,
): Promise<PlanContext | undefined> {
  if (settings.mode !== "check" || settings.prPlan === "false") return undefined;
  const pullRequest = await eventOf(env);
  if (pullRequest === undefined || !existsSync(settings.baselinePath)) return undefined;
  const { token } = settings.issues;
  const repository = settings.run.repository;
  if (token === undefined || !repository) {
    return cannotPlan(
      settings,
      deps.logger,
      `the ${token === undefined ? "'github-token' input is empty" : "GITHUB_REPOSITORY variable is not set"}, so the gate cannot read the base branch's baseline.`,
    );
  }
  const options = { token, repository, apiUrl: settings.issues.apiUrl, logger: deps.logger, deadline: deps.deadline };
  const api = redactedPullRequestApi(await (deps.createApi ?? createPullRequestApi)(options));
  const changed = await changesBaseline(settings, api, pullRequest);
  if (typeof changed === "string") return cannotPlan(settings, deps.logger, changed);
  if (settings.prPlan === "auto" && !changed) {
    deps.logger.info(
      `Pull request #${pullRequest.number} does not change ${settings.baselineFile}: checking as usual.`,
    );
    return undefined;
  }
  const base = await baseText(settings, api, pullRequest);
  if (base.failure !== undefined) return cannotPlan(settings, deps.logger, base.failure);
  const headText = await readFile(settings.baselinePath, "utf8");
  if (pullRequest.event === "pull_request_target" && changed && headText === base.text) {
    throw new GateError(
      `Pull request #${pullRequest.number} changes ${settings.baselineFile}, but the workspace holds the base branch's: a pull_request_target run checks out the base branch.`,
      "Check out the pull request's head (actions/checkout with 'ref: ${{ github.event.pull_request.head.sha }}') before the gate, or run the workflow on pull_request.",
    );
  }
  return {
    pullRequest,
    api,
    baseText: base.text ?? null,
    headText,
    marker: planMarker(settings.baselineFile, settings.shard),
  };
}

/** The base branch's baseline, or why it cannot serve (then every cluster reads as added). */
function parseBase(settings: Settings, text: string | null): { base: Baseline | undefined; notes: string[] } {
  if (text === null) {
    return {
      base: undefined,
      notes: [`The base branch has no ${settings.baselineFile}: every cluster of this one is new.`],
    };
  }
  try {
    return { base: parseBaseline(text, settings.baselineFile).baseline, notes: [] };
  } catch (error) {
    return {
      base: undefined,
      notes: [
        `The base branch's ${settings.baselineFile} is not a valid baseline (${describeError(error)}): every cluster of this one reads as new.`,
      ],
    };
  }
}

/** What a plan run made: the plan, the clusters it read, the parsed baseline and the notes for the comment. */
export interface MadePlan {
  plan: PullRequestPlan;
  results: ClusterResult[];
  head: ParsedBaseline;
  notes: string[];
}

/** The new plan's rule findings as annotations on their lines of the pull request's baseline. */
function annotate(logger: Logger, head: ParsedBaseline, file: string, plan: PullRequestPlan): void {
  for (const cluster of plan.clusters) {
    const { result } = cluster;
    if (result.kind !== "checked") continue;
    for (const { finding } of cluster.rules) {
      const line = head.locate(result.clusterId, baselinePath(result.expected, finding.path))?.line ?? 1;
      const level = plan.verdict.failing.includes(finding) ? "error" : "warning";
      logger[level](findingLine(finding), { file, line, title: `AKS Network Gate plan: ${finding.rule}` });
    }
  }
}

/**
 * What the change means for the fleet of a run with `scope`: an entry it
 * removes is read once from Resource Manager, so that dropping a cluster that
 * still exists (the next check of the scope reports it as
 * inventory.unbaselined) is said before the merge; and the exclusions it adds
 * or drops.
 */
async function fleetNotes(
  settings: Settings,
  deps: GateDeps,
  changes: readonly ClusterChange[],
  base: Baseline | undefined,
  head: Baseline,
) {
  const { scopes, tags, unbaselined } = settings.fleet;
  if (scopes.length === 0) return [];
  const selected = selectedBy(settings);
  const ours = (id: string) => selected(id) && scopes.some((scope) => withinScope(scope, id));
  // A management group's subscriptions and a cluster's tags are Resource Graph's to tell: the notes say when they decide.
  const contained = (id: string) => scopes.some((scope) => scope.kind !== "managementGroup" && withinScope(scope, id));
  const conditions = (id: string) =>
    [
      ...(contained(id) ? [] : ["its subscription lies under the management group"]),
      ...(tags.length > 0 ? [`it carries every scope-tags pair (${tags.map(tagText).join(", ")})`] : []),
    ].join(" and ");
  const excludedNow = new Map(head.exclusions.map((entry) => [idKey(entry.id), entry]));
  const excludedBefore = new Map((base?.exclusions ?? []).map((entry) => [idKey(entry.id), entry]));
  const removed = changes.filter(
    (change) => change.change === "removed" && ours(change.clusterId) && !excludedNow.has(idKey(change.clusterId)),
  );
  const confirmed = await mapLimit(removed, settings.concurrency, (change) =>
    confirmMissing(deps.reader, change.clusterId),
  );
  const unbaselinedLater = (id: string) => {
    const when = conditions(id);
    return `the next check of this scope reports it as inventory.unbaselined (${unbaselined})${when === "" ? "" : ` if ${when}`}`;
  };
  const notes = confirmed.map((item, index) => {
    const id = removed[index]?.clusterId ?? "";
    const name = lastSegment(id);
    if (item.state === "present" && !carriesTags(item.tags, tags))
      return `Removes ${name} from the baseline; the cluster still exists in Azure, without every scope-tags pair, so it is outside the fleet.`;
    if (item.state === "present")
      return `Removes ${name} from the baseline, but the cluster still exists in Azure: ${unbaselinedLater(id)}, unless the baseline excludes it with a reason.`;
    if (item.state === "removed")
      return `Removes ${name}, which Azure no longer has: ${item.evidence}.${namedLineNote(scopes, id)}`;
    const why = item.result.kind === "error" ? item.result.message : "it could not be read";
    return `Removes ${name}; whether the cluster still exists could not be read: ${why}`;
  });
  for (const [key, entry] of excludedNow) {
    if (!excludedBefore.has(key) && ours(entry.id))
      notes.push(`Excludes ${lastSegment(entry.id)} from the fleet: ${entry.reason}`);
  }
  for (const [key, entry] of excludedBefore) {
    const listed = head.clusters.some((cluster) => idKey(cluster.id) === key);
    if (!excludedNow.has(key) && !listed && ours(entry.id))
      notes.push(`No longer excludes ${lastSegment(entry.id)}: if it exists, ${unbaselinedLater(entry.id)}.`);
  }
  return notes;
}

/** Reads the clusters the change adds or changes (in this job's selection and shard) and makes the plan. */
export async function makePlan(settings: Settings, deps: GateDeps, context: PlanContext): Promise<MadePlan> {
  const head = parseBaseline(context.headText, settings.baselineFile);
  const { base, notes } = parseBase(settings, context.baseText);
  const changes = baselineChanges(base, head.baseline);
  const changed = changes.filter((change) => change.change !== "removed");
  // A fleet's baseline may hold exclusions alone (docs/fleets.md): a plan of it reads nothing, and says what it means for the fleet.
  const exclusionsOnly = settings.fleet.scopes.length > 0 && head.baseline.clusters.length === 0;
  const selected = exclusionsOnly ? [] : selectClusters(settings, head);
  const toRead = selected.filter((entry) => changed.some((change) => sameId(change.clusterId, entry.id)));
  const outside = changed.length - toRead.length;
  if (outside > 0)
    notes.push(
      `${outside} changed cluster(s) are outside this job's selection or shard; the job that checks them plans them.`,
    );
  deps.logger.info(
    `Pull request #${context.pullRequest.number}: ${changed.length} cluster(s) of ${settings.baselineFile} added or changed; reading ${toRead.length}.`,
  );
  const results = await readClusters(settings, deps, toRead, head.baseline.clusters);
  notes.push(...(await fleetNotes(settings, deps, changes, base, head.baseline)));
  const plan = planOf({ base, head: head.baseline, results, policy: { failOn: settings.failOn, issueOnError: false } });
  annotate(deps.logger, head, settings.baselineFile, plan);
  deps.logger.info(`Plan: ${plan.verdict.headline.text}.`);
  return { plan, results, head, notes };
}

function refusal(error: unknown, settings: Settings, pullRequest: PullRequestEvent): string {
  const failure = explainGitHubError(error, settings.run.repository);
  if (failure.status === 403 && !/rate limit/iu.test(failure.detail)) {
    return `GitHub refused to write on pull request #${pullRequest.number} (HTTP 403: ${failure.detail}). Give the job 'permissions: pull-requests: write'; a pull request from a fork gets a read-only token whatever the workflow asks.`;
  }
  return failure.message;
}

/** Creates the plan's comment, or updates the gate's own; never a second one. Never throws but when the run's time is spent. */
export async function postPlanComment(
  settings: Settings,
  context: PlanContext,
  body: string,
  logger: Logger,
): Promise<CommentOutcome> {
  const { pullRequest, api } = context;
  if (pullRequest.readOnlyToken) {
    const from = pullRequest.headRepository ?? "a fork that was deleted";
    return {
      posted: false,
      reason: `pull request #${pullRequest.number} comes from ${from}, and GitHub gives a pull_request run of a fork's pull request a read-only GITHUB_TOKEN, which cannot comment.`,
    };
  }
  try {
    const { login } = await resolveIdentity(api, logger, { area: "Pull request plan", things: "comments" });
    const { own, suspects } = sortComments(await api.listComments(pullRequest.number), context.marker, login);
    if (suspects.length > 0) {
      logger.warning(
        `${suspects.length} comment(s) on pull request #${pullRequest.number} carry the plan's marker but were not written by ${login}; the gate left them alone: ${suspects.map((comment) => comment.url).join(", ")}`,
      );
    }
    if (own !== undefined && own.body === body) return { posted: true, action: "unchanged", url: own.url };
    const written =
      own === undefined ? await api.createComment(pullRequest.number, body) : await api.updateComment(own.id, body);
    logger.info(`Pull request plan: ${own === undefined ? "created" : "updated"} ${written.url}`);
    return { posted: true, action: own === undefined ? "created" : "updated", url: written.url };
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    const reason = refusal(error, settings, pullRequest);
    logger.warning(`No pull request comment: ${reason}`);
    return { posted: false, reason };
  }
}
