import path from "node:path";
import type { TokenCredential } from "@azure/core-auth";
import type { Cloud } from "./azure/clouds.js";
import { createCredential, type IdTokenSource } from "./azure/credential.js";
import type { ArmReader } from "./azure/reader.js";
import { SdkArmReader } from "./azure/sdk-reader.js";
import { describeError } from "./errors.js";
import { capture, check, type Outcome } from "./gate.js";
import type { Logger } from "./logger.js";
import { evidenceFolderName, writeEvidence } from "./report/evidence.js";
import { renderReport } from "./report/markdown.js";
import { type InputReader, readSettings, type Settings } from "./settings.js";

/** Everything the action touches outside itself; index.ts backs it with @actions/core. */
export interface ActionIO {
  input: InputReader;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
  idToken: IdTokenSource;
  fail(message: string): void;
  now(): Date;
  createReader?: (credential: TokenCredential, cloud: Cloud) => ArmReader;
}

async function publish(settings: Settings, outcome: Outcome, io: ActionIO): Promise<void> {
  const createdAt = io.now();
  const folder = path.join(settings.evidenceDir, evidenceFolderName(settings.run, createdAt));
  const report = renderReport(outcome.results, {
    result: outcome.result,
    mode: settings.mode,
    baselineFile: settings.baselineFile,
    runUrl: settings.run.runUrl,
    commit: settings.run.commit,
    evidencePath: path.relative(settings.workspace, folder),
  });
  io.setOutput("result", outcome.result);
  io.setOutput("findings", String(outcome.findings.length));
  const evidence = await writeEvidence({
    root: settings.evidenceDir,
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
}

/** Wiring only: settings → capture/check → report and evidence → exit status. */
export async function run(io: ActionIO): Promise<void> {
  io.setOutput("result", "error");
  io.setOutput("findings", "0");
  try {
    const settings = readSettings(io.input, io.env);
    const credential = createCredential(settings.auth, settings.cloud, io.idToken, (secret) => io.logger.mask(secret));
    const reader = (io.createReader ?? ((cred, cloud) => new SdkArmReader(cred, cloud)))(credential, settings.cloud);
    const deps = { reader, logger: io.logger, now: () => io.now() };
    const outcome = settings.mode === "capture" ? await capture(settings, deps) : await check(settings, deps);
    await publish(settings, outcome, io);
    if (outcome.failure) io.fail(outcome.failure);
  } catch (error) {
    const message = describeError(error);
    await io.writeSummary(`## AKS Network Gate: ⚠️ error\n\n${message}\n`).catch(() => undefined);
    io.fail(message);
  }
}
