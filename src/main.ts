import path from "node:path";
import { createCredential, type IdTokenSource } from "./azure/credential.js";
import { SdkArmReader } from "./azure/sdk-reader.js";
import { describeError } from "./errors.js";
import { capture, check, type Outcome } from "./gate.js";
import { issueOutputs, publishIssues } from "./github/publish.js";
import { renderIssueSummary } from "./github/render.js";
import type { Logger } from "./logger.js";
import { type ArtifactPublication, artifactOutputs, renderArtifactSummary, uploadEvidence } from "./report/artifact.js";
import { evidenceFolderName, writeEvidence } from "./report/evidence.js";
import { renderReport } from "./report/markdown.js";
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
}

/** What a gate run needs beside its settings: the action and the CLI both give it. */
export type GateIO = Omit<ActionIO, "input" | "env" | "fail">;

async function publish(settings: Settings, outcome: Outcome, io: GateIO): Promise<string> {
  const createdAt = io.now();
  const name = evidenceFolderName(settings.run, createdAt);
  const folder = path.join(settings.evidenceDir, name);
  const report = renderReport(outcome.results, {
    result: outcome.result,
    mode: settings.mode,
    baselineFile: settings.baselineFile,
    runUrl: settings.run.runUrl,
    commit: settings.run.commit,
    evidencePath: path.relative(settings.workspace, folder),
    slice:
      settings.shard.count > 1
        ? `shard ${settings.shard.index}/${settings.shard.count}: ${outcome.results.length} of the baseline's ${outcome.fleetSize} clusters`
        : undefined,
  });
  io.setOutput("result", outcome.result);
  io.setOutput("findings", String(outcome.findings.length));
  const evidence = await writeEvidence({
    root: settings.evidenceDir,
    name,
    mode: settings.mode,
    result: outcome.result,
    baselineFile: settings.baselineFile,
    run: settings.run,
    results: outcome.results,
    report,
    createdAt,
  });
  io.setOutput("report", path.join(evidence, "report.md"));
  io.setOutput("evidence", evidence);
  io.logger.info(`Result: ${outcome.result}, ${outcome.findings.length} finding(s). Evidence: ${evidence}`);
  await io.writeSummary(report);
  return evidence;
}

/** The evidence as a workflow artifact, once written: its outcome never changes the gate's result. */
async function keepEvidence(settings: Settings, evidence: string, io: ActionIO): Promise<ArtifactPublication> {
  const { serverUrl } = settings.issues;
  const run = { serverUrl, repository: settings.run.repository, runId: settings.run.runId };
  const publication = await uploadEvidence(settings.artifacts, evidence, { logger: io.logger, env: io.env, run });
  for (const [name, value] of Object.entries(artifactOutputs(publication))) io.setOutput(name, value);
  const summary = renderArtifactSummary(publication, path.relative(settings.workspace, evidence));
  if (summary !== "") await io.writeSummary(summary);
  return publication;
}

/** The cluster issues, after the evidence: their outcome never changes the gate's result. */
async function fileIssues(
  settings: Settings,
  outcome: Outcome,
  evidence: string,
  artifact: ArtifactPublication,
  io: ActionIO,
): Promise<void> {
  const deps = { logger: io.logger, now: () => io.now() };
  const location = {
    path: path.relative(settings.workspace, evidence),
    artifact: artifact.uploaded && artifact.url ? { name: artifact.name, url: artifact.url } : undefined,
  };
  const publication = await publishIssues(settings, outcome, location, deps);
  for (const [name, value] of Object.entries(issueOutputs(publication))) io.setOutput(name, value);
  const summary = renderIssueSummary(publication);
  if (summary !== "") await io.writeSummary(summary);
}

/** Settings → capture/check → report and evidence; the action's run and the CLI share it. */
export async function runGate(settings: Settings, io: GateIO): Promise<{ outcome: Outcome; evidence: string }> {
  const credential = createCredential(settings.auth, settings.cloud, io.idToken, (secret) => io.logger.mask(secret));
  const budget = AbortSignal.timeout(settings.timeoutMs);
  const reader = new SdkArmReader(credential, settings.cloud, { signal: budget });
  const deps = {
    reader,
    logger: io.logger,
    now: () => io.now(),
    signal: budget,
    sleep: io.sleep,
    progress: io.progress,
  };
  const outcome = settings.mode === "capture" ? await capture(settings, deps) : await check(settings, deps);
  return { outcome, evidence: await publish(settings, outcome, io) };
}

/** Wiring only: settings → capture/check → report and evidence → exit status. */
export async function run(io: ActionIO): Promise<void> {
  io.setOutput("result", "error");
  io.setOutput("findings", "0");
  for (const [name, value] of Object.entries(issueOutputs({ written: false, reason: "", quiet: true }))) {
    io.setOutput(name, value);
  }
  io.setOutput("evidence-artifact-id", "");
  try {
    const settings = readSettings(io.input, io.env);
    if (settings.issues.token) io.logger.mask(settings.issues.token);
    const { outcome, evidence } = await runGate(settings, io);
    await fileIssues(settings, outcome, evidence, await keepEvidence(settings, evidence, io), io);
    if (outcome.failure) io.fail(outcome.failure);
  } catch (error) {
    const message = describeError(error);
    await io.writeSummary(`## AKS Network Gate: ⚠️ error\n\n${message}\n`).catch(() => undefined);
    io.fail(message);
  }
}
