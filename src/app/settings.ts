/**
 * The options, read and checked once into typed settings by the table of
 * options.ts, from either front end: settingsFrom takes the options as the
 * front end was given them (an option it does not offer reads as unset, so
 * it takes the table's default), readSettings is the action's, from its
 * inputs. Nothing else reads an option.
 */
import { GateError } from "../core/errors.js";
import { nearestName } from "../core/nearest.js";
import { type CloudSettings, cloudSettings } from "../io/azure/clouds.js";
import type { AuthSettings } from "../io/azure/credential.js";
import type { RunContext } from "../core/model.js";
import type { Shard } from "../core/shard.js";
import type { OwnerHandle } from "../core/issues/owner.js";
import type { ArtifactSettings } from "../io/github/artifact.js";
import { INPUT_WORDS, type OptionSource, OptionValues } from "./option-values.js";
import { type DataSource, type FailOn, type Mode, OPTIONS, type PrPlan } from "./options.js";
import { type FleetScope, SCOPE_EXAMPLES, scopeOf, scopeTagOf, type ScopeTag } from "../core/fleet/scope.js";
import type { Severity } from "../core/model.js";

export type { DataSource, FailOn, IssueOnError, Mode, PrPlan } from "./options.js";

/** The fleet a run covers (`scope`, `scope-tags`) and how its clusters are read and reported. */
export interface FleetSettings {
  /** Empty: no fleet, the baseline alone says what is checked (and `capture` takes one cluster). */
  scopes: FleetScope[];
  tags: ScopeTag[];
  dataSource: DataSource;
  unbaselined: Severity;
  removed: Severity;
}

/** Reads one action input by name; an unset input reads as "". */
export type InputReader = (name: string) => string;

/** Picks clusters by the same three names `azure/aks-set-context` takes. */
export interface ClusterSelector {
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
  clusterName: string | undefined;
}

export interface Settings {
  /** `check` compares with the baseline; `capture` writes the baseline. */
  mode: Mode;
  /** Absolute path of the baseline file, inside the workspace. */
  baselinePath: string;
  /** The baseline path as the user wrote it, relative to the workspace, for messages. */
  baselineFile: string;
  /** Narrows the clusters; all three are set in capture mode. */
  selector: ClusterSelector;
  /** The cloud as the options name it; the run resolves it (Azure Stack from the stamp's metadata). */
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
  /** `activity-log`: a drifting cluster's findings get the writes behind them from the Activity Log. */
  activityLog: boolean;
  /** The action's GITHUB_WORKSPACE, the CLI's current directory. */
  workspace: string;
  /** Where this run comes from, for links and the evidence manifest. */
  run: RunContext;
  /** The GitHub issue a failing cluster gets. */
  issues: IssueSettings;
  /** `upload-evidence` and `retention-days`: the evidence folder as a workflow artifact. */
  artifacts: ArtifactSettings;
  /** `pr-plan`: on a pull request, the plan of a baseline change instead of a check (app/pr-plan.ts). */
  prPlan: PrPlan;
  fleet: FleetSettings;
}

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

function cloudOptions(options: OptionValues, env: NodeJS.ProcessEnv): CloudSettings {
  const name = options.choice("environment");
  const armEndpoint = options.url("arm-endpoint");
  if (name === "AzureStack" && armEndpoint === undefined) {
    options.fail("arm-endpoint", "", {
      kind: "required",
      when: { option: "environment", value: "AzureStack" },
      others: [],
    });
  }
  // Azure Stack's authority and token audience come from the stamp's metadata when the run starts.
  return cloudSettings(name, armEndpoint, env.AZURE_AUTHORITY_HOST?.trim() || undefined);
}

function authSettings(options: OptionValues, cloud: CloudSettings): AuthSettings {
  const clientId = options.optionalText("client-id");
  const tenantId = options.optionalText("tenant-id");
  if (clientId === undefined && tenantId === undefined) return { kind: "default" };
  if (clientId === undefined) {
    options.fail("client-id", "", { kind: "paired", partner: "tenant-id", purpose: "for the OIDC sign-in" });
  }
  if (tenantId === undefined) {
    options.fail("tenant-id", "", { kind: "paired", partner: "client-id", purpose: "for the OIDC sign-in" });
  }
  return { kind: "oidc", clientId, tenantId, audience: options.optionalText("audience") ?? cloud.oidcAudience };
}

function selectorSettings(options: OptionValues, mode: Mode, fleet: boolean): ClusterSelector {
  const names = ["subscription", "resource-group", "cluster-name"] as const;
  const given = names.filter((name) => options.given(name) !== "");
  if (fleet && mode === "capture" && given[0] !== undefined) {
    options.fail(given[0], options.given(given[0]), {
      kind: "conflict",
      other: "scope",
      why: "a capture takes either every cluster of the scope or one cluster named by subscription, resource group and cluster name",
    });
  }
  const [first, ...others] = OPTIONS.filter(
    (option) => "requiredFor" in option && option.requiredFor === mode && options.given(option.name) === "",
  ).map((option) => option.name);
  if (first !== undefined && !fleet) {
    options.fail(first, "", {
      kind: "required",
      when: { option: "mode", value: mode },
      others,
      instead: { option: "scope", replacing: names, purpose: "to capture every cluster of a fleet" },
    });
  }
  return {
    subscriptionId: options.optionalText("subscription"),
    resourceGroup: options.optionalText("resource-group"),
    clusterName: options.optionalText("cluster-name"),
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

function issueSettings(options: OptionValues, env: NodeJS.ProcessEnv): IssueSettings {
  const onError = options.choice("issue-on-error");
  return {
    enabled: options.boolean("create-issue"),
    token: options.optionalText("github-token"),
    labels: options.labels("issue-labels"),
    owner: options.owners("owner"),
    ownerTag: options.text("owner-tag"),
    maxIssues: options.integer("max-issues"),
    onError: onError === "auto" ? env.GITHUB_EVENT_NAME === "schedule" : onError === "true",
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    serverUrl: (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, ""),
  };
}

function fleetSettings(options: OptionValues): FleetSettings {
  // Each scope keeps its line, for the errors that reading it from Azure can end in.
  const scopes = options.parsedLines(
    "scope",
    (text, line): FleetScope | undefined => {
      const scope = scopeOf(text);
      return scope && { ...scope, line };
    },
    { not: "an ARM scope", expected: `one scope per line: ${SCOPE_EXAMPLES}` },
  );
  const tags = options.parsedLines("scope-tags", scopeTagOf, { not: "a tag", expected: "'key=value', one per line" });
  if (tags.length > 0 && scopes.length === 0) {
    options.fail("scope-tags", options.given("scope-tags"), {
      kind: "needs",
      other: "scope",
      why: "the tags narrow the clusters of a scope",
    });
  }
  const dataSource = options.choice("data-source");
  if (dataSource === "resource-graph" && scopes.length === 0) {
    options.fail("data-source", options.given("data-source"), {
      kind: "needs",
      other: "scope",
      why: "Resource Graph is read for the clusters of a fleet; a check of the baseline alone reads Resource Manager",
    });
  }
  return {
    scopes,
    tags,
    dataSource,
    unbaselined: options.choice("unbaselined-severity"),
    removed: options.choice("removed-severity"),
  };
}

/** The settings from the options either front end was given. */
export function settingsFrom(source: OptionSource, env: NodeJS.ProcessEnv): Settings {
  const options = new OptionValues(source);
  const mode = options.choice("mode");
  const baseline = options.path("baseline");
  const cloud = cloudOptions(options, env);
  const fleet = fleetSettings(options);
  const shard = options.shard("shard");
  if (mode === "capture" && shard.count > 1) {
    options.fail("shard", options.given("shard"), {
      kind: "conflict",
      other: "mode",
      why: "'mode: capture' writes the whole baseline in one change, and a shard would write only its share of the fleet; shards split a check",
    });
  }
  return {
    mode,
    baselinePath: baseline.resolved,
    baselineFile: baseline.given,
    selector: selectorSettings(options, mode, fleet.scopes.length > 0),
    cloud,
    auth: authSettings(options, cloud),
    failOn: options.choice("fail-on"),
    evidenceDir: options.path("evidence-dir").resolved,
    concurrency: options.integer("concurrency"),
    shard,
    timeoutMs: options.minutes("timeout-minutes") * 60_000,
    activityLog: options.boolean("activity-log"),
    workspace: source.workspace,
    run: runContext(env),
    issues: issueSettings(options, env),
    artifacts: { upload: options.boolean("upload-evidence"), retentionDays: options.optionalInteger("retention-days") },
    prPlan: options.choice("pr-plan"),
    fleet,
  };
}

/** The action's settings, from its inputs, with paths inside GITHUB_WORKSPACE. */
export function readSettings(read: InputReader, env: NodeJS.ProcessEnv): Settings {
  refuseUnknownInputs(env);
  return settingsFrom({ read, words: INPUT_WORDS, workspace: env.GITHUB_WORKSPACE || process.cwd() }, env);
}

/**
 * Every `INPUT_*` variable the runner set must name an input of action.yml. The
 * runner only warns about an unexpected input and carries on, so a typo such as
 * azure/login's `subscription-id` for `subscription` would silently widen the
 * check to every cluster of the baseline: the gate refuses it instead.
 */
export function refuseUnknownInputs(env: NodeJS.ProcessEnv): void {
  const known: readonly string[] = OPTIONS.map((option) => option.name);
  const unknown = Object.keys(env)
    .filter((key) => key.startsWith("INPUT_"))
    .map((key) => key.slice("INPUT_".length).toLowerCase().replaceAll("_", " "))
    .filter((name) => !known.includes(name))
    .sort();
  if (unknown.length === 0) return;
  const described = unknown.map((name) => {
    const near = nearestName(name, known);
    return near === undefined ? `'${name}'` : `'${name}' (did you mean '${near}'?)`;
  });
  throw new GateError(
    `${unknown.length === 1 ? "Input" : "Inputs"} ${described.join(", ")} ${unknown.length === 1 ? "is not an input" : "are not inputs"} of this action: an unknown input is refused, so that a typo cannot widen or weaken the check.`,
    "Rename or remove it in the step's 'with:'; the inputs are listed in action.yml and the README.",
  );
}
