/**
 * Clusters with real findings (the real diff and rules over a drifted copy of
 * a healthy snapshot), settings read through readSettings as the action does,
 * the issue inputs a run makes of them, and a logger that records what it is told.
 */
import { mkdtempSync, mkdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import type { Logger } from "../../src/core/logger.js";
import type { Baseline, ClusterResult, ClusterSnapshot } from "../../src/core/model.js";
import { readSettings, type Settings } from "../../src/app/settings.js";
import type { IssueInputs } from "../../src/app/publish-issues.js";
import type { IssueLinks } from "../../src/present/issue.js";
import { issueLinks, issueOptions, ownerSources } from "../../src/app/run.js";
import { verdictOf } from "../../src/core/verdict.js";
import { CLUSTER_ID, kubenetSnapshot } from "../fixtures/snapshots.js";

/** The links of an issue written by run 7 of the baseline's repository. */
export const links: IssueLinks = {
  baselineFile: ".github/aks-network-baseline.yml",
  runUrl: "https://github.com/o/r/actions/runs/7",
  runId: "7",
  commit: "0123456789abcdef0123456789abcdef01234567",
  commitUrl: "https://github.com/o/r/commit/0123456789abcdef0123456789abcdef01234567",
  evidencePath: "aks-network-evidence/run-7-1",
};

export interface RecordingLogger extends Logger {
  lines: string[];
  warnings: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (message) => void lines.push(message),
    debug: () => undefined,
    warning: (message) => void warnings.push(message),
    error: (message) => void lines.push(`error: ${message}`),
    mask: () => undefined,
  };
}

/** A healthy cluster with another name: every ID that names the cluster follows. */
export function snapshotNamed(name: string): ClusterSnapshot {
  const healthy = kubenetSnapshot(3);
  const id = CLUSTER_ID.replace(/clustername1$/, name);
  return {
    ...healthy,
    id,
    name,
    resourceIdsRead: [id, ...healthy.resourceIdsRead.filter((other) => other !== CLUSTER_ID)],
  };
}

export type Drift = (snapshot: ClusterSnapshot) => void;

export const drifts = {
  podCidr: ((snapshot) => {
    snapshot.networkProfile.podCidrs = ["10.245.0.0/16"];
  }) as Drift,
  missingRoute: ((snapshot) => {
    snapshot.routeTables[0]?.routes.splice(1, 1);
  }) as Drift,
  outboundType: ((snapshot) => {
    snapshot.networkProfile.outboundType = "userDefinedRouting";
  }) as Drift,
};

/** The result of checking a cluster whose live state went through `changes` since its baseline. */
export function checked(
  name = "clustername1",
  changes: Drift[] = [],
  tweak?: (s: ClusterSnapshot) => void,
): ClusterResult {
  const healthy = snapshotNamed(name);
  const expected = baselineFromSnapshot(healthy);
  const live = structuredClone(healthy);
  for (const change of changes) change(live);
  tweak?.(live);
  return { kind: "checked", clusterId: healthy.id, snapshot: live, expected, findings: compareCluster(expected, live) };
}

export function unreadable(name: string, message: string): ClusterResult {
  return { kind: "error", clusterId: snapshotNamed(name).id, message };
}

/** The baseline the results were checked against: their entries (an unreadable cluster has none here). */
export function baselineOf(results: ClusterResult[]): Baseline {
  const clusters = results.flatMap((result) => (result.kind === "checked" ? [result.expected] : []));
  return { version: 1, clusters, exclusions: [] };
}

/** What a check run over these results gives publishIssues under these settings, as run.ts makes it. */
export async function issueInputsFor(
  settings: Settings,
  results: ClusterResult[],
  evidencePath = "aks-network-evidence/run-2001-1",
): Promise<IssueInputs> {
  return {
    verdict: verdictOf(results, { failOn: settings.failOn, issueOnError: settings.issues.onError }),
    baseline: baselineOf(results),
    owners: await ownerSources(settings),
    options: issueOptions(settings),
    links: issueLinks(settings, evidencePath),
  };
}

export function workspace(): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "gate-issues-")));
  mkdirSync(path.join(root, ".github"));
  return root;
}

/** Settings as the action reads them, for a workspace and a GitHub stand-in. */
export function settingsFor(
  root: string,
  apiUrl: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Settings {
  const all: Record<string, string> = { "github-token": "ghs_sandbox", ...inputs };
  return readSettings((name) => all[name] ?? "", {
    GITHUB_WORKSPACE: root,
    GITHUB_REPOSITORY: "contoso/platform-network",
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "2001",
    GITHUB_SHA: "89abcdef0123456789abcdef0123456789abcdef",
    ...env,
  });
}
