import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FleetFacts } from "../../core/fleet/discovery.js";
import type { ChangeLookup } from "../../core/changes/plan.js";
import type { Confirmation } from "../../core/changes/window.js";
import { idKey } from "../../core/arm-ids.js";
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
  /** Each cluster's result under `fail-on` (the verdict's), by cluster ID: what a later run's lookup window starts from. */
  statuses?: ReadonlyMap<string, GateResult>;
  /** The writes behind the drift (a check whose clusters drift, with `activity-log` on): changes.json. */
  changes?: ChangeLookup;
  report: string;
  /** The SARIF log of the run's findings (src/present/sarif.ts), written as findings.sarif. */
  sarif: unknown;
  /** A run with `scope`: the fleet's discovery and data source, written as fleet.json. */
  fleet?: FleetFacts;
  createdAt: Date;
}

interface EvidenceFile {
  name: string;
  content: string;
}

/** A file of the package, made when it is written, so that only one file's text is held at a time. */
interface PendingFile {
  name: string;
  make: () => string;
}

/** A written file, as the manifest and SHA256SUMS list it. */
interface WrittenFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** JSON as written to the package: secrets redacted, control and bidirectional marks as JSON escapes. */
function json(value: unknown): string {
  return jsonSafe(redact(`${JSON.stringify(value, null, 2)}\n`));
}

function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The run's folder name: the workflow run when there is one, the time, and a few random characters so two runs at once never share one. */
export function evidenceFolderName(run: RunContext, createdAt: Date): string {
  const stamp = createdAt.toISOString().replace(/[:.]/g, "-");
  const unique = randomBytes(3).toString("hex");
  return run.runId ? `run-${run.runId}-${run.runAttempt ?? "1"}-${stamp}-${unique}` : `local-${stamp}-${unique}`;
}

function contentFiles(input: EvidenceInput): PendingFile[] {
  const checked = input.results.filter((result) => result.kind === "checked");
  const { changes, fleet } = input;
  return [
    { name: "snapshot.json", make: () => json(checked.map((result) => result.snapshot)) },
    { name: "expected.json", make: () => json(checked.map((result) => result.expected)) },
    {
      name: "findings.json",
      make: () =>
        json(
          input.results.map((result) =>
            result.kind === "error"
              ? { clusterId: result.clusterId, status: "error", error: result.message }
              : { clusterId: result.clusterId, status: result.kind, findings: result.findings },
          ),
        ),
    },
    { name: "report.md", make: () => redact(input.report) },
    { name: "findings.sarif", make: () => json(input.sarif) },
    ...(changes ? [{ name: "changes.json", make: () => json(changesFile(changes)) }] : []),
    ...(fleet ? [{ name: "fleet.json", make: () => json(fleetFile(fleet)) }] : []),
  ];
}

/**
 * fleet.json: the scopes, what Resource Graph found there and when, and where
 * each cluster's facts came from; the per-resource sources are in
 * snapshot.json (`sources`), the nodes always from Resource Manager.
 */
function fleetFile(fleet: FleetFacts): unknown {
  return {
    ...fleet,
    sources: {
      discovery:
        fleet.queries > 0
          ? "Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources, api-version 2024-04-01 (@azure/arm-resourcegraph resources); its copy lags the live state by seconds to minutes"
          : "Resource Manager: a GET of each managed cluster a scope line names (every scope line is a cluster ID; no Resource Graph query)",
      network:
        fleet.dataSource === "resource-graph"
          ? "clusters, node pools, VNets with subnets, route tables with routes and scale sets from Resource Graph (as of queriedAt) where it held them, else Resource Manager; nodes from Resource Manager; a cluster that did not pass on Resource Graph's copy was read again from Resource Manager alone, live"
          : "Resource Manager GETs, live at each snapshot's capturedAt",
    },
  };
}

/**
 * changes.json: each Activity Log read with its filter and outcome, each
 * cluster's window and writes by finding resource, and the events behind
 * them with only the fields the gate keeps (events.ts): no token, and of the
 * claims only those that name the caller and its client.
 */
function changesFile(lookup: ChangeLookup): unknown {
  return {
    source:
      "Azure Activity Log: GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values, api-version 2015-04-01 (@azure/arm-monitor activityLogs.list)",
    reads: lookup.reads,
    clusters: lookup.clusters.map((cluster) => ({
      clusterId: cluster.clusterId,
      window: cluster.window
        ? { from: cluster.window.from.toISOString(), to: cluster.window.to.toISOString(), since: cluster.window.basis }
        : null,
      note: cluster.note,
      whoToAsk: cluster.whoToAsk
        ? { ...cluster.whoToAsk.caller, eventDataId: cluster.whoToAsk.event.eventDataId }
        : null,
      resources: cluster.groups.map((group) => ({
        resourceId: group.resourceId,
        rules: group.rules,
        paths: group.paths,
        writes: group.changes.map((change) => ({
          eventDataId: change.event.eventDataId,
          caller: change.caller,
          client: change.client,
        })),
        omitted: group.omitted,
      })),
      events: cluster.events,
    })),
  };
}

function manifest(input: EvidenceInput, files: WrittenFile[]): EvidenceFile {
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
        result: input.statuses?.get(idKey(result.clusterId)) ?? null,
        capturedAt: result.kind === "checked" ? result.snapshot.capturedAt : null,
      })),
      resourceIdsRead: [...new Set(checked.flatMap((result) => result.snapshot.resourceIdsRead))],
      files,
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
  await mkdir(input.root, { recursive: true });
  const { name } = input;
  const staging = path.join(input.root, `.${name}.${randomBytes(4).toString("hex")}.tmp`);
  const write = async (file: EvidenceFile): Promise<WrittenFile> => {
    const bytes = Buffer.from(file.content, "utf8");
    await writeFile(path.join(staging, file.name), bytes, { flag: "wx" });
    return { name: file.name, bytes: bytes.length, sha256: sha256(bytes) };
  };
  try {
    await mkdir(staging);
    const written: WrittenFile[] = [];
    for (const file of contentFiles(input)) written.push(await write({ name: file.name, content: file.make() }));
    const all = [...written, await write(manifest(input, written))];
    await write({ name: "SHA256SUMS", content: all.map((file) => `${file.sha256}  ${file.name}\n`).join("") });
    const target = path.join(input.root, name);
    await rename(staging, target);
    return target;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Manifests read at most when looking for a cluster's last confirmation: the newest folders. */
export const MAX_MANIFESTS_READ = 200;

interface ManifestClusters {
  tool?: unknown;
  mode?: unknown;
  result?: unknown;
  createdAt?: unknown;
  clusters?: { id?: unknown; status?: unknown; result?: unknown }[];
}

/** The time in a run folder's name (evidenceFolderName), for ordering the folders. */
function stampOf(folder: string): string {
  return /(\d{4}-\d{2}-\d{2}T[\d-]+Z)/.exec(folder)?.[1] ?? "";
}

async function readManifest(root: string, folder: string): Promise<ManifestClusters | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path.join(root, folder, "manifest.json"), "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as ManifestClusters) : undefined;
  } catch {
    return undefined;
  }
}

/** The clusters a manifest confirms: each one a capture wrote, or one a check found passing. */
function confirmedIn(manifest: ManifestClusters): { id: string; what: Confirmation["what"] }[] {
  if (manifest.tool !== "aks-network-gate" || !Array.isArray(manifest.clusters)) return [];
  const capture = manifest.mode === "capture";
  return manifest.clusters.flatMap((cluster) => {
    if (typeof cluster?.id !== "string" || cluster.status !== "checked") return [];
    // A manifest from before per-cluster results confirms its clusters when the whole run passed.
    const passed = cluster.result === "pass" || (cluster.result == null && manifest.result === "pass");
    if (!capture && !(manifest.mode === "check" && passed)) return [];
    return [{ id: cluster.id, what: capture ? ("capture" as const) : ("passing check" as const) }];
  });
}

/**
 * When each cluster was last confirmed, as the evidence folder records it:
 * the newest capture that wrote it or check that found it passing. A folder
 * that is not the gate's, or a manifest that cannot be read, is passed over:
 * this only narrows the Activity Log lookup, which never decides the result.
 */
export async function lastConfirmations(root: string): Promise<Map<string, Confirmation>> {
  const found = new Map<string, Confirmation>();
  const folders = await readdir(root).catch(() => [] as string[]);
  const newest = folders
    .filter((folder) => !folder.startsWith(".") && stampOf(folder) !== "")
    .sort((a, b) => stampOf(b).localeCompare(stampOf(a)))
    .slice(0, MAX_MANIFESTS_READ);
  for (const folder of newest) {
    const manifest = await readManifest(root, folder);
    const at = typeof manifest?.createdAt === "string" ? new Date(manifest.createdAt) : undefined;
    if (!manifest || !at || Number.isNaN(at.getTime())) continue;
    for (const { id, what } of confirmedIn(manifest)) {
      const known = found.get(idKey(id));
      if (!known || known.at < at) found.set(idKey(id), { at, what });
    }
  }
  return found;
}
