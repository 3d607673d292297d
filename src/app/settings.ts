import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { CLOUD_NAMES, type CloudSettings, cloudSettings, isCloudName } from "../io/azure/clouds.js";
import type { AuthSettings } from "../io/azure/credential.js";
import { GateError } from "../core/errors.js";
import type { RunContext } from "../core/model.js";
import type { Shard } from "../core/shard.js";

import { type OwnerHandle, parseHandles } from "../core/issues/owner.js";
import type { ArtifactSettings } from "../io/github/artifact.js";

/** Reads one action input by name; an unset input reads as "". */
export type InputReader = (name: string) => string;

export type Mode = "check" | "capture";
export type FailOn = "error" | "warning" | "never";

/** Picks clusters by the same three names `azure/aks-set-context` takes. */
export interface ClusterSelector {
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
  clusterName: string | undefined;
}

/** Where this run comes from, for links and the evidence manifest. */
export interface Settings {
  /** `check` compares with the baseline; `capture` writes the baseline. */
  mode: Mode;
  /** Absolute path of the baseline file, inside the workspace. */
  baselinePath: string;
  /** The baseline path as the user wrote it, relative to the workspace, for messages. */
  baselineFile: string;
  /** Narrows the clusters; all three are set in capture mode. */
  selector: ClusterSelector;
  /** The cloud as the inputs name it; the run resolves it (Azure Stack from the stamp's metadata). */
  cloud: CloudSettings;
  auth: AuthSettings;
  failOn: FailOn;
  /** Absolute path of the folder that receives one evidence folder per run. */
  evidenceDir: string;
  /** How many clusters are read at once. */
  concurrency: number;
  /** The slice of the baseline's clusters this job checks, e.g. 2 of 8; 1 of 1 is all. */
  shard: Shard;
  /** The run's time budget; clusters not read by then are errors, never passes. */
  timeoutMs: number;
  workspace: string;
  run: RunContext;
  /** The GitHub issue a failing cluster gets. */
  issues: IssueSettings;
  /** `upload-evidence` and `retention-days`: the evidence folder as a workflow artifact. */
  artifacts: ArtifactSettings;
}

/** `issue-on-error`: `auto` opens error issues on scheduled runs only. */
export type IssueOnError = "auto" | "true" | "false";

export interface IssueSettings {
  /** `create-issue` */
  enabled: boolean;
  /** `github-token`; undefined when empty (issues are then not written, and the run says so). */
  token: string | undefined;
  /** `issue-labels`; the first is the label the gate finds its issues by. */
  labels: string[];
  /** `owner`: the owner suggested when the baseline, the tag and CODEOWNERS name none. */
  owner: OwnerHandle[];
  /** `owner-tag`: the Azure tag on the cluster that names its owner. */
  ownerTag: string;
  /** `max-issues`: open gate issues beyond which no new one is opened. */
  maxIssues: number;
  /** `issue-on-error`, resolved against the event: a run ending in error opens an issue of its own. */
  onError: boolean;
  /** GITHUB_API_URL */
  apiUrl: string;
  /** GITHUB_SERVER_URL, for commit links. */
  serverUrl: string;
}

const MODES: readonly Mode[] = ["check", "capture"];
const FAIL_ON: readonly FailOn[] = ["error", "warning", "never"];

function oneOf<T extends string>(read: InputReader, name: string, allowed: readonly T[], fallback: T): T {
  const value = read(name).trim();
  if (value === "") return fallback;
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw new GateError(
      `Input '${name}' has the value '${value}', which is not allowed. Allowed values: ${allowed.join(", ")}.`,
    );
  }
  return match;
}

function optional(read: InputReader, name: string): string | undefined {
  const value = read(name).trim();
  return value === "" ? undefined : value;
}

/** The nearest existing ancestor, resolved through symlinks. */
function realExistingPath(target: string): string {
  let current = target;
  const rest: string[] = [];
  while (!existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    rest.unshift(path.basename(current));
    current = parent;
  }
  return path.join(realpathSync(current), ...rest);
}

/**
 * Resolves a path input inside the workspace. `..`, an absolute path elsewhere
 * and a symlink that leads out are refused: the gate reads and writes only the
 * repository it runs in.
 */
export function insideWorkspace(workspace: string, name: string, value: string): string {
  const root = realpathSync(workspace);
  const resolved = realExistingPath(path.resolve(root, value));
  const relative = path.relative(root, resolved);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new GateError(
      `Input '${name}' is '${value}', which resolves to '${resolved}', outside the workspace '${root}'.`,
      "Use a path inside the repository.",
    );
  }
  return resolved;
}

function armEndpointInput(read: InputReader, cloudName: string): string | undefined {
  const value = optional(read, "arm-endpoint");
  if (value === undefined) {
    if (cloudName === "AzureStack") {
      throw new GateError("Input 'arm-endpoint' is required when 'environment' is 'AzureStack'.");
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GateError(`Input 'arm-endpoint' is '${value}', which is not a URL. Expected https://host[:port].`);
  }
  if (url.protocol !== "https:") {
    throw new GateError(
      `Input 'arm-endpoint' is '${value}': it must use https, since ARM only accepts bearer tokens over TLS.`,
    );
  }
  return value;
}

function cloudInputs(read: InputReader, env: NodeJS.ProcessEnv): CloudSettings {
  const name = read("environment").trim() || "AzureCloud";
  const cloudName = CLOUD_NAMES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (cloudName === undefined || !isCloudName(cloudName)) {
    throw new GateError(
      `Input 'environment' has the value '${name}', which is not allowed. Allowed values: ${CLOUD_NAMES.join(", ")}.`,
    );
  }
  // Azure Stack's authority and token audience come from the stamp's metadata when the run starts.
  return cloudSettings(cloudName, armEndpointInput(read, cloudName), env.AZURE_AUTHORITY_HOST?.trim() || undefined);
}

function authSettings(read: InputReader, cloud: CloudSettings): AuthSettings {
  const clientId = optional(read, "client-id");
  const tenantId = optional(read, "tenant-id");
  if (clientId === undefined && tenantId === undefined) return { kind: "default" };
  if (clientId === undefined || tenantId === undefined) {
    const missing = clientId === undefined ? "client-id" : "tenant-id";
    throw new GateError(
      `Input '${missing}' is missing: 'client-id' and 'tenant-id' go together for the OIDC sign-in.`,
      "Set both, or neither to use the credential of azure/login.",
    );
  }
  return { kind: "oidc", clientId, tenantId, audience: optional(read, "audience") ?? cloud.oidcAudience };
}

function selectorSettings(read: InputReader, mode: Mode): ClusterSelector {
  const selector: ClusterSelector = {
    subscriptionId: optional(read, "subscription"),
    resourceGroup: optional(read, "resource-group"),
    clusterName: optional(read, "cluster-name"),
  };
  if (mode === "capture") {
    const missing = (
      [
        ["subscription", selector.subscriptionId],
        ["resource-group", selector.resourceGroup],
        ["cluster-name", selector.clusterName],
      ] as const
    )
      .filter(([, value]) => value === undefined)
      .map(([input]) => `'${input}'`);
    if (missing.length > 0) {
      throw new GateError(`Input ${missing.join(", ")} is required with 'mode: capture'.`);
    }
  }
  return selector;
}

function integer(read: InputReader, name: string, fallback: number, min: number, max: number): number {
  const value = read(name).trim();
  if (value === "") return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new GateError(`Input '${name}' has the value '${value}'; expected a whole number from ${min} to ${max}.`);
  }
  return number;
}

function shardInput(read: InputReader): Shard {
  const value = read("shard").trim();
  if (value === "") return { index: 1, count: 1 };
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new GateError(
      `Input 'shard' has the value '${value}'; expected 'INDEX/COUNT' with 1 <= INDEX <= COUNT, e.g. '2/8' (matrix: '\${{ matrix.shard }}/8').`,
    );
  }
  return { index, count };
}

function timeoutMs(read: InputReader): number {
  const value = read("timeout-minutes").trim();
  if (value === "") return 15 * 60_000;
  const minutes = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || minutes <= 0 || minutes > 360) {
    throw new GateError(
      `Input 'timeout-minutes' has the value '${value}'; expected a number of minutes above 0, at most 360.`,
    );
  }
  return minutes * 60_000;
}

const TRUE_VALUES = ["true", "True", "TRUE"];
const FALSE_VALUES = ["false", "False", "FALSE"];

/** A boolean input as the YAML 1.2 core schema spells it (as core.getBooleanInput); anything else is refused. */
function booleanInput(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name).trim();
  if (value === "") return fallback;
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  throw new GateError(`Input '${name}' has the value '${value}', which is not allowed. Allowed values: true, false.`);
}

/** GitHub's limit for a label name. */
const LABEL_LIMIT = 50;

function labelsInput(read: InputReader): string[] {
  const value = read("issue-labels");
  const labels = [
    ...new Set(
      value
        .split(/[,\n]/)
        .map((label) => label.trim())
        .filter((label) => label !== ""),
    ),
  ];
  const long = labels.find((label) => label.length > LABEL_LIMIT);
  if (long !== undefined) {
    throw new GateError(
      `Input 'issue-labels' holds the label '${long}', longer than GitHub's ${LABEL_LIMIT} characters.`,
    );
  }
  return labels.length > 0 ? labels : ["aks-network-drift"];
}

function ownerInput(read: InputReader): OwnerHandle[] {
  const value = read("owner").trim();
  if (value === "") return [];
  const handles = parseHandles(value);
  if (handles === undefined) {
    throw new GateError(
      `Input 'owner' has the value '${value}', which is not a GitHub user or team. Expected '@user' or '@org/team', several separated by spaces or commas.`,
    );
  }
  return handles;
}

function issueSettings(read: InputReader, env: NodeJS.ProcessEnv): IssueSettings {
  const onError = oneOf<IssueOnError>(read, "issue-on-error", ["auto", "true", "false"], "auto");
  return {
    enabled: booleanInput(read, "create-issue", true),
    token: read("github-token").trim() || undefined,
    labels: labelsInput(read),
    owner: ownerInput(read),
    ownerTag: read("owner-tag").trim() || "owner",
    maxIssues: integer(read, "max-issues", 10, 0, 1000),
    onError: onError === "auto" ? env.GITHUB_EVENT_NAME === "schedule" : onError === "true",
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    serverUrl: (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
  };
}

/** GitHub keeps artifacts 1 to 90 days in public repositories, up to 400 in private ones. */
const MAX_RETENTION_DAYS = 400;

function artifactSettings(read: InputReader): ArtifactSettings {
  const retention = read("retention-days").trim();
  return {
    upload: booleanInput(read, "upload-evidence", true),
    retentionDays: retention === "" ? undefined : integer(read, "retention-days", 0, 1, MAX_RETENTION_DAYS),
  };
}

function runContext(env: NodeJS.ProcessEnv): RunContext {
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repository = env.GITHUB_REPOSITORY || undefined;
  const runId = env.GITHUB_RUN_ID || undefined;
  return {
    repository,
    commit: env.GITHUB_SHA || undefined,
    runUrl: repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined,
    workflow: env.GITHUB_WORKFLOW || undefined,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
  };
}

/** Reads and checks every input once; nothing else reads an input. */
export function readSettings(read: InputReader, env: NodeJS.ProcessEnv): Settings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const mode = oneOf(read, "mode", MODES, "check");
  const baselineFile = read("baseline").trim() || ".github/aks-network-baseline.yml";
  const cloud = cloudInputs(read, env);
  return {
    mode,
    baselinePath: insideWorkspace(workspace, "baseline", baselineFile),
    baselineFile,
    selector: selectorSettings(read, mode),
    cloud,
    auth: authSettings(read, cloud),
    failOn: oneOf(read, "fail-on", FAIL_ON, "error"),
    evidenceDir: insideWorkspace(workspace, "evidence-dir", read("evidence-dir").trim() || "aks-network-evidence"),
    concurrency: integer(read, "concurrency", 8, 1, 64),
    shard: shardInput(read),
    timeoutMs: timeoutMs(read),
    workspace,
    run: runContext(env),
    issues: issueSettings(read, env),
    artifacts: artifactSettings(read),
  };
}
