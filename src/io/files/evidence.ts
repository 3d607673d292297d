import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { jsonSafe } from "../../core/escape.js";
import type { ClusterResult, GateResult } from "../../core/model.js";
import { redact } from "../../core/secrets.js";
import type { RunContext } from "../../core/model.js";
import { GATE_VERSION } from "../../core/version.js";

export interface EvidenceInput {
  /** The evidence root; the run gets its own folder in it. */
  root: string;
  /** The run's folder name in the root (evidenceFolderName). */
  name: string;
  mode: "check" | "capture";
  result: GateResult;
  baselineFile: string;
  run: RunContext;
  results: ClusterResult[];
  report: string;
  /** The SARIF log of the run's findings (src/present/sarif.ts), written as findings.sarif. */
  sarif: unknown;
  createdAt: Date;
}

interface EvidenceFile {
  name: string;
  content: string;
}

/** JSON as written to the package: secrets redacted, control and bidirectional marks as JSON escapes. */
function json(value: unknown): string {
  return jsonSafe(redact(`${JSON.stringify(value, null, 2)}\n`));
}

function sha256(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}

/** The run's folder name: the workflow run when there is one, the time, and a few random characters so two runs at once never share one. */
export function evidenceFolderName(run: RunContext, createdAt: Date): string {
  const stamp = createdAt.toISOString().replace(/[:.]/g, "-");
  const unique = randomBytes(3).toString("hex");
  return run.runId ? `run-${run.runId}-${run.runAttempt ?? "1"}-${stamp}-${unique}` : `local-${stamp}-${unique}`;
}

function contentFiles(input: EvidenceInput): EvidenceFile[] {
  const checked = input.results.filter((result) => result.kind === "checked");
  return [
    { name: "snapshot.json", content: json(checked.map((result) => result.snapshot)) },
    { name: "expected.json", content: json(checked.map((result) => result.expected)) },
    {
      name: "findings.json",
      content: json(
        input.results.map((result) =>
          result.kind === "checked"
            ? { clusterId: result.clusterId, status: "checked", findings: result.findings }
            : { clusterId: result.clusterId, status: "error", error: result.message },
        ),
      ),
    },
    { name: "report.md", content: redact(input.report) },
    { name: "findings.sarif", content: json(input.sarif) },
  ];
}

function manifest(input: EvidenceInput, files: EvidenceFile[]): EvidenceFile {
  const checked = input.results.filter((result) => result.kind === "checked");
  return {
    name: "manifest.json",
    content: json({
      tool: "aks-network-gate",
      gateVersion: GATE_VERSION,
      mode: input.mode,
      result: input.result,
      createdAt: input.createdAt.toISOString(),
      baseline: input.baselineFile,
      repository: input.run.repository ?? null,
      commit: input.run.commit ?? null,
      workflow: input.run.workflow ?? null,
      runUrl: input.run.runUrl ?? null,
      clusters: input.results.map((result) => ({
        id: result.clusterId,
        status: result.kind,
        capturedAt: result.kind === "checked" ? result.snapshot.capturedAt : null,
      })),
      resourceIdsRead: [...new Set(checked.flatMap((result) => result.snapshot.resourceIdsRead))],
      files: files.map((file) => ({
        name: file.name,
        bytes: Buffer.byteLength(file.content),
        sha256: sha256(file.content),
      })),
    }),
  };
}

/**
 * Writes the run's evidence package: snapshot, expected baseline, findings
 * (JSON, and SARIF for code scanning), report, a manifest with the gate's
 * version and the SHA-256 of each file, and `SHA256SUMS` for `sha256sum -c`. Every file is redacted (src/secrets.ts) before it is
 * hashed. The folder appears whole or not at all: it is written
 * under a temporary name and renamed.
 */
export async function writeEvidence(input: EvidenceInput): Promise<string> {
  const files = contentFiles(input);
  const all = [...files, manifest(input, files)];
  const sums = all.map((file) => `${sha256(file.content)}  ${file.name}\n`).join("");
  await mkdir(input.root, { recursive: true });
  const { name } = input;
  const staging = path.join(input.root, `.${name}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await mkdir(staging);
    for (const file of [...all, { name: "SHA256SUMS", content: sums }]) {
      await writeFile(path.join(staging, file.name), file.content, { flag: "wx" });
    }
    const target = path.join(input.root, name);
    await rename(staging, target);
    return target;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
