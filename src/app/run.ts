import path from "node:path";
import { loadCloud } from "../io/azure/clouds.js";
import { createCredential, type IdTokenSource } from "../io/azure/credential.js";
import { type ReaderOptions, SdkArmReader } from "../io/azure/sdk-reader.js";
import { Deadline } from "../core/deadline.js";
import { describeError } from "../core/errors.js";
import { capture, check, type GateDeps, type Outcome } from "./gate.js";
import { lookupChanges } from "./changes.js";
import type { ChangeLookup } from "../core/changes/plan.js";
import { type MadePlan, makePlan, type PlanContext, planContext, postPlanComment } from "./pr-plan.js";
import type { PullRequestPlan } from "../core/pr-plan/plan.js";
import {
  type PlanCommentContext,
  renderCommentOutcome,
  renderPlanComment,
  renderPlanReport,
} from "../present/pr-comment.js";
import { codeScanningLog } from "./code-scanning.js";
import { type IssueOptions, issueOutputs, ownerResolver, type OwnerSources, publishIssues } from "./publish-issues.js";
import type { IssuePublication } from "../core/issues/plan.js";
import { renderJobSummary } from "../present/job-summary.js";
import { type IssueLinks, renderIssueSummary } from "../present/issue.js";
import { readCodeowners } from "../io/files/codeowners.js";
import type { Logger } from "../core/logger.js";
import type { ArtifactPublication, ClusterResult, GateResult } from "../core/model.js";
import { artifactOutputs, uploadEvidence } from "../io/github/artifact.js";
import { renderArtifactSummary } from "../present/artifact-summary.js";
import { budgetAnnotations } from "../present/annotations.js";
import { evidenceFolderName, writeEvidence } from "../io/files/evidence.js";
import { offThreadParser } from "../io/files/baseline-thread.js";
import { escapeMarkdownLines, renderReport, type ReportContext } from "../present/markdown.js";
import { registerEnvironmentSecrets, registerSecret } from "../core/secrets.js";
import { type InputReader, readSettings, type Settings } from "./settings.js";

/** Everything the action touches outside itself; action.ts backs it with @actions/core. */
export interface ActionIO {
  input: InputReader;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
  idToken: IdTokenSource;
  fail(message: string): void;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Told as each cluster of a check is read (the CLI's progress line); optional. */
  progress?(read: number, total: number): void;
  /** The built baseline-thread.js, which parses a fleet's baseline on a second thread; optional. */
  baselineThread?: URL;
}

/**
 * What a gate run needs beside its settings: the action and the CLI both give
 * it. Outputs and the job summary are the action's: run() writes them.
 */
export type GateIO = Pick<ActionIO, "logger" | "idToken" | "now" | "sleep" | "progress" | "baselineThread">;

/** What a gate run leaves: its outcome, the evidence folder and the Markdown report in it. */
export interface GateRun {
  outcome: Outcome;
  evidence: string;
  report: string;
  /** What the report was rendered with, for the job summary to render it again within its limit. */
  context: ReportContext;
  /** The writes behind the drift, from the Activity Log; absent when nothing was looked up. */
  changes?: ChangeLookup;
}

async function publish(settings: Settings, outcome: Outcome, io: GateIO, changes?: ChangeLookup): Promise<GateRun> {
  const createdAt = io.now();
  const name = evidenceFolderName(settings.run, createdAt);
  const folder = path.join(settings.evidenceDir, name);
  const { verdict } = outcome;
  const results = verdict.clusters.map((cluster) => cluster.result);
  const context: ReportContext = {
    mode: settings.mode,
    baselineFile: settings.baselineFile,
    runUrl: settings.run.runUrl,
    commit: settings.run.commit,
    evidencePath: path.relative(settings.workspace, folder),
    slice:
      settings.shard.count > 1
        ? `shard ${settings.shard.index}/${settings.shard.count}: ${results.length} of the baseline's ${outcome.fleetSize} clusters`
        : undefined,
    ...(changes ? { changes: changes.clusters } : {}),
    ...(outcome.fleet ? { fleet: outcome.fleet } : {}),
  };
  const report = renderReport(verdict, context);
  const evidence = await writeEvidence({
    root: settings.evidenceDir,
    name,
    mode: settings.mode,
    result: verdict.result,
    baselineFile: settings.baselineFile,
    run: settings.run,
    results,
    statuses: new Map(verdict.clusters.map((cluster) => [cluster.result.clusterId.toLowerCase(), cluster.status])),
    ...(changes ? { changes } : {}),
    ...(outcome.fleet ? { fleet: outcome.fleet } : {}),
    report,
    sarif: codeScanningLog(settings, results, outcome.baseline),
    createdAt,
  });
  io.logger.info(`Result: ${verdict.result}, ${verdict.findings.length} finding(s). Evidence: ${evidence}`);
  return { outcome, evidence, report, context, ...(changes ? { changes } : {}) };
}

/** The action's outputs of a run (a gate's or a plan's). */
function reportRun(io: ActionIO, result: GateResult, findings: number, evidence: string) {
  io.setOutput("result", result);
  io.setOutput("findings", String(findings));
  io.setOutput("report", path.join(evidence, "report.md"));
  io.setOutput("sarif", path.join(evidence, "findings.sarif"));
  io.setOutput("evidence", evidence);
}

/** The evidence as a workflow artifact, once written: its outcome never changes the gate's result. */
async function keepEvidence(
  settings: Settings,
  evidence: string,
  io: ActionIO,
  deadline: Deadline,
): Promise<ArtifactPublication> {
  const { serverUrl } = settings.issues;
  const run = { serverUrl, repository: settings.run.repository, runId: settings.run.runId };
  const deps = { logger: io.logger, env: io.env, run, deadline };
  const publication = await uploadEvidence(settings.artifacts, evidence, deps);
  for (const [name, value] of Object.entries(artifactOutputs(publication))) io.setOutput(name, value);
  return publication;
}

/** What a cluster's issue links to: the run, its commit, the baseline file and the evidence (folder and artifact). */
export function issueLinks(settings: Settings, evidencePath: string, artifact?: ArtifactPublication): IssueLinks {
  const { run } = settings;
  return {
    baselineFile: settings.baselineFile,
    runUrl: run.runUrl,
    runId: run.runId,
    commit: run.commit,
    commitUrl:
      run.commit && run.repository ? `${settings.issues.serverUrl}/${run.repository}/commit/${run.commit}` : undefined,
    evidencePath,
    artifact: artifact?.uploaded && artifact.url ? { name: artifact.name, url: artifact.url } : undefined,
  };
}

/** What the issues take of the settings: where they go and how many may be open. */
export function issueOptions(settings: Settings): IssueOptions {
  const { issues } = settings;
  return {
    enabled: issues.enabled,
    token: issues.token,
    labels: issues.labels,
    maxIssues: issues.maxIssues,
    apiUrl: issues.apiUrl,
    repository: settings.run.repository,
  };
}

/** Where owners are named beside the baseline and the cluster's tags; CODEOWNERS is read here, once. */
export async function ownerSources(settings: Settings): Promise<OwnerSources> {
  const { issues } = settings;
  return { ownerTag: issues.ownerTag, codeowners: await readCodeowners(settings.workspace), fallback: issues.owner };
}

/** The issues of a check run, after the evidence: their outcome never changes the gate's result. */
async function fileIssues(
  settings: Settings,
  outcome: Outcome,
  links: IssueLinks,
  io: ActionIO,
  deadline: Deadline,
  changes?: ChangeLookup,
): Promise<IssuePublication | undefined> {
  if (outcome.baseline === undefined) return undefined;
  const inputs = {
    verdict: outcome.verdict,
    baseline: outcome.baseline.baseline,
    owners: await ownerSources(settings),
    options: issueOptions(settings),
    links,
    ...(changes ? { changes } : {}),
    ...(outcome.roster ? { roster: outcome.roster } : {}),
  };
  const publication = await publishIssues(inputs, { logger: io.logger, now: () => io.now(), deadline });
  for (const [name, value] of Object.entries(issueOutputs(publication))) io.setOutput(name, value);
  return publication;
}

/** The job summary of a check, written once the artifact and the issues are known: owners and issue links near the top. */
async function summarizeCheck(
  settings: Settings,
  gate: GateRun,
  artifact: ArtifactPublication | undefined,
  issues: IssuePublication | undefined,
): Promise<string> {
  const { baseline } = gate.outcome;
  const evidencePath = path.relative(settings.workspace, gate.evidence);
  const links = issueLinks(settings, evidencePath, artifact);
  return renderJobSummary({
    verdict: gate.outcome.verdict,
    context: gate.context,
    ...(baseline
      ? { owners: ownerResolver(baseline.baseline, await ownerSources(settings), settings.baselineFile) }
      : {}),
    ...(issues ? { issues } : {}),
    fullReport: { path: `${evidencePath}/report.md`, artifact: links.artifact },
    tail: [artifact ? renderArtifactSummary(artifact, evidencePath) : "", issues ? renderIssueSummary(issues) : ""],
  });
}

/** A secret the run now holds: masked in the log, and redacted from every text the gate writes (src/secrets.ts). */
function holdSecret(secret: string, logger: Logger): void {
  registerSecret(secret);
  logger.mask(secret);
}

/** The cloud, the credential and the ARM reader of a run, and what its reads wait with. */
async function gateDeps(
  settings: Settings,
  io: GateIO,
  reading: Pick<ReaderOptions, "recorder">,
  deadline: Deadline,
): Promise<GateDeps> {
  const budget = deadline.signal;
  const cloud = await loadCloud(settings.cloud, { signal: budget });
  if (cloud.name === "AzureStack") {
    io.logger.info(
      `Azure Stack at ${cloud.armEndpoint}: token scope ${cloud.scope}, authority ${cloud.authorityHost}.`,
    );
  }
  const idToken: IdTokenSource = async (audience) => {
    const assertion = await io.idToken(audience);
    registerSecret(assertion);
    return assertion;
  };
  const credential = createCredential(
    settings.auth,
    cloud,
    idToken,
    (secret) => holdSecret(secret, io.logger),
    deadline,
  );
  const reader = new SdkArmReader(credential, cloud, { ...reading, deadline });
  const graph = settings.fleet.scopes.length > 0;
  const deps = {
    reader,
    ...(graph ? await resourceGraphDeps(reader, deadline, () => io.now(), checksFromGraph(settings)) : {}),
    logger: io.logger,
    now: () => io.now(),
    signal: budget,
    sleep: (ms: number) => deadline.race(io.sleep(ms), `waiting ${Math.ceil(ms / 1000)} s to read a cluster again`),
    progress: io.progress,
    parseBaseline: io.baselineThread && offThreadParser(io.baselineThread, io.logger),
  };
  return deps;
}

/** A check that reads its clusters from Resource Graph first; a capture reads them live (see gate.ts captureFleet). */
function checksFromGraph(settings: Settings): boolean {
  return settings.mode === "check" && settings.fleet.dataSource === "resource-graph";
}

/**
 * Azure Resource Graph for a fleet run: discovery of the scopes, and the
 * reader of `data-source: resource-graph`. Loaded only by a run that needs
 * it, so that a gate over a baseline alone never loads its client. With
 * `shared` (a check with `data-source: resource-graph`) the reader's cluster
 * query, which that run makes in any case, also answers discovery of
 * subscriptions and resource groups; `auto` may read the clusters from
 * Resource Manager, and a capture always does, so their discovery queries
 * only the columns it needs.
 */
async function resourceGraphDeps(
  reader: SdkArmReader,
  deadline: Deadline,
  now: () => Date,
  shared: boolean,
): Promise<Pick<GateDeps, "fleet" | "graph">> {
  const [{ ResourceGraph }, { ResourceGraphFleetReader }, { GraphBackedReader }] = await Promise.all([
    import("../io/azure/resource-graph.js"),
    import("../io/azure/graph-discovery.js"),
    import("../io/azure/graph-reader.js"),
  ]);
  const graph = ResourceGraph.over(reader, deadline);
  const backed = new GraphBackedReader(reader, graph, now);
  return {
    fleet: new ResourceGraphFleetReader(
      graph,
      now,
      shared ? (subscriptions) => backed.managedClusterRows(subscriptions) : undefined,
    ),
    graph: {
      readerFor: async (subscriptions) => {
        await backed.prefetchSubscriptions(subscriptions);
        return backed;
      },
    },
  };
}

/**
 * Settings → capture/check → report and evidence; the action's run and the CLI
 * share it. `reading` is what the CLI adds to the reads (its `--record`). The
 * deadline bounds every wait; the action passes the one it started with.
 */
export async function runGate(
  settings: Settings,
  io: GateIO,
  reading: Pick<ReaderOptions, "recorder"> = {},
  deadline: Deadline = Deadline.after(settings.timeoutMs),
): Promise<GateRun> {
  const deps = await gateDeps(settings, io, reading, deadline);
  const outcome = settings.mode === "capture" ? await capture(settings, deps) : await check(settings, deps);
  const changes = await lookupChanges(settings, outcome.verdict, { ...deps, deadline });
  return publish(settings, outcome, io, changes);
}

/** The plan's clusters as results: drift against the new baseline and the new plan's rules (findings.json), or its rules alone (SARIF). */
function planResults(plan: PullRequestPlan, withDrift: boolean): ClusterResult[] {
  return plan.clusters.map(({ result, untilApplied, stillDrifting, rules, silenced }) => {
    if (result.kind !== "checked") return result;
    const drift = withDrift ? [...untilApplied, ...stillDrifting] : [];
    return { ...result, findings: [...drift, ...rules.map((rule) => rule.finding), ...silenced] };
  });
}

/** A plan's evidence: its clusters with the drift against the new baseline and the new plan's rules, and the plan as report.md. */
function writePlanEvidence(settings: Settings, made: MadePlan, report: string, name: string, createdAt: Date) {
  return writeEvidence({
    root: settings.evidenceDir,
    name,
    mode: "check",
    result: made.plan.verdict.result,
    baselineFile: settings.baselineFile,
    run: settings.run,
    results: planResults(made.plan, true),
    report,
    sarif: codeScanningLog(settings, planResults(made.plan, false), made.head),
    createdAt,
  });
}

/**
 * A pull request's baseline change (app/pr-plan.ts): its plan is the report,
 * the evidence and the outputs, and goes to the pull request's one comment;
 * the job fails as the plan's verdict says.
 */
async function runPlan(settings: Settings, io: ActionIO, deadline: Deadline, context: PlanContext): Promise<void> {
  const made = await makePlan(settings, await gateDeps(settings, io, {}, deadline), context);
  const { verdict } = made.plan;
  const createdAt = io.now();
  const name = evidenceFolderName(settings.run, createdAt);
  const evidencePath = path.relative(settings.workspace, path.join(settings.evidenceDir, name));
  const { baseSha, headSha } = context.pullRequest;
  const words = (artifact?: ArtifactPublication): PlanCommentContext => ({
    marker: context.marker,
    baselineFile: settings.baselineFile,
    baseSha,
    headSha,
    failOn: settings.failOn,
    links: issueLinks(settings, evidencePath, artifact),
    notes: made.notes,
  });
  const report = renderPlanReport(made.plan, words());
  const evidence = await writePlanEvidence(settings, made, report, name, createdAt);
  io.logger.info(
    `Result: ${verdict.result}, ${verdict.findings.length} rule finding(s) of the new plan. Evidence: ${evidence}`,
  );
  reportRun(io, verdict.result, verdict.findings.length, evidence);
  await io.writeSummary(report);
  const artifact = await keepEvidence(settings, evidence, io, deadline);
  const artifactSummary = renderArtifactSummary(artifact, evidencePath);
  if (artifactSummary !== "") await io.writeSummary(artifactSummary);
  const comment = renderPlanComment(made.plan, words(artifact));
  await io.writeSummary(renderCommentOutcome(await postPlanComment(settings, context, comment, io.logger)));
  if (verdict.failure !== undefined) io.fail(verdict.failure);
}

/**
 * The action's run, with its annotations budgeted (present/annotations.ts):
 * however it ends, the note of what only the log holds comes before the
 * job's failure message, which GitHub shows last.
 */
export async function run(io: ActionIO): Promise<void> {
  const annotations = budgetAnnotations(io.logger);
  const fail = (message: string) => {
    annotations.close();
    io.fail(message);
  };
  try {
    await runAction({ ...io, logger: annotations.logger, fail });
  } finally {
    annotations.close();
  }
}

/** Wiring only: settings → capture/check → report and evidence → exit status. */
async function runAction(io: ActionIO): Promise<void> {
  io.setOutput("result", "error");
  io.setOutput("findings", "0");
  for (const [name, value] of Object.entries(issueOutputs({ written: false, reason: "", quiet: true }))) {
    io.setOutput(name, value);
  }
  io.setOutput("evidence-artifact-id", "");
  registerEnvironmentSecrets(io.env);
  try {
    const settings = readSettings(io.input, io.env);
    if (settings.issues.token) holdSecret(settings.issues.token, io.logger);
    const deadline = Deadline.after(settings.timeoutMs);
    const planning = await planContext(settings, io.env, { logger: io.logger, deadline });
    if (planning !== undefined) return await runPlan(settings, io, deadline, planning);
    const gate = await runGate(settings, io, {}, deadline);
    const { outcome, evidence } = gate;
    reportRun(io, outcome.verdict.result, outcome.verdict.findings.length, evidence);
    let artifact: ArtifactPublication | undefined;
    let issues: IssuePublication | undefined;
    try {
      artifact = await keepEvidence(settings, evidence, io, deadline);
      const links = issueLinks(settings, path.relative(settings.workspace, evidence), artifact);
      issues = await fileIssues(settings, outcome, links, io, deadline, gate.changes);
    } finally {
      await io.writeSummary(await summarizeCheck(settings, gate, artifact, issues));
    }
    const { failure } = outcome.verdict;
    if (failure !== undefined) io.fail(failure);
  } catch (error) {
    io.setOutput("result", "error");
    const message = describeError(error);
    await io.writeSummary(`## AKS Network Gate: ⚠️ error\n\n${escapeMarkdownLines(message)}\n`).catch(() => undefined);
    io.fail(message);
  }
}
