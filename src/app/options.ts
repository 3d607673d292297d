/**
 * Every option of the gate, once: its name, kind, default, allowed values and
 * description, and which front ends offer it. The action reads it as the input
 * of that name, the CLI as the flag `--name`. From this table come the
 * settings parser (option-values.ts, settings.ts), the CLI's flags and help
 * (src/entry/cli/), and action.yml's inputs with the README's inputs table
 * (tools/docs/, `npm run docs`).
 */
import { DEFAULT_BASELINE_FILE } from "../core/baseline/spec.js";
import { CLOUD_NAMES } from "../io/azure/clouds.js";

/** How an option's text is read; option-values.ts has one parser per kind. */
export type OptionKind =
  /** One of `allowed`, case-insensitively. */
  | "enum"
  /** `true` or `false` as YAML 1.2 spells them, as core.getBooleanInput reads them. */
  | "boolean"
  /** A whole number from `min` to `max`. */
  | "integer"
  /** A number of minutes above 0, at most `max`. */
  | "minutes"
  /** Free text, trimmed. */
  | "text"
  /** Free text that is a credential: registered as a secret, never printed. */
  | "secret"
  /** A path inside the workspace (the action's GITHUB_WORKSPACE, the CLI's current directory). */
  | "path"
  /** An https URL. */
  | "url"
  /** `INDEX/COUNT`. */
  | "shard"
  /** GitHub label names, separated by commas or lines. */
  | "labels"
  /** GitHub users (`@user`) and teams (`@org/team`), separated by spaces or commas. */
  | "owners"
  /** One item per line (the CLI: one per flag, the flag given as often as needed); blank lines are skipped. */
  | "lines";

/** The CLI's flag for an option: `--NAME VALUE`, listed in `--help`. */
export interface CliFlag {
  /** The value's placeholder in `--help`: `PATH`, `N`. */
  readonly value: string;
  /** One line of `--help`, plain text; the default and the allowed values are added from the table. */
  readonly help: string;
}

export interface OptionSpec {
  /** The action's input, and the CLI's flag without its `--`. */
  readonly name: string;
  readonly kind: OptionKind;
  /** Markdown: action.yml's description and the README's inputs table. */
  readonly description: string;
  /** What an unset option means, as action.yml declares it and the parser applies it. */
  readonly default?: string;
  /** A default only the runner can give (a workflow expression): action.yml declares it, the parser reads unset as unset. */
  readonly runnerDefault?: string;
  /** `enum`: the values taken, in the spelling the settings use. */
  readonly allowed?: readonly string[];
  /** `integer`: the smallest value taken. */
  readonly min?: number;
  /** `integer`, `minutes`: the largest value taken. */
  readonly max?: number;
  /** The mode that cannot run without the option. */
  readonly requiredFor?: Mode;
  /** The CLI's flag; absent where the option belongs to a workflow run alone (issues, artifacts, OIDC). */
  readonly cli?: CliFlag;
}

export const MODES = ["check", "capture"] as const;
export type Mode = (typeof MODES)[number];
export const FAIL_ON = ["error", "warning", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];
export const ISSUE_ON_ERROR = ["auto", "true", "false"] as const;
export type IssueOnError = (typeof ISSUE_ON_ERROR)[number];
export const PR_PLAN = ["auto", "true", "false"] as const;
export type PrPlan = (typeof PR_PLAN)[number];
export const DATA_SOURCES = ["auto", "arm", "resource-graph"] as const;
export type DataSource = (typeof DATA_SOURCES)[number];
export const SEVERITIES = ["error", "warning"] as const;

/** The label the gate finds its own issues by, unless `issue-labels` names others. */
export const DEFAULT_ISSUE_LABEL = "aks-network-drift";
/** GitHub's limit for a label name. */
export const LABEL_LIMIT = 50;

const NARROWS = "Required for `capture` without `scope`; narrows the clusters `check` takes.";

export const OPTIONS = [
  {
    name: "mode",
    kind: "enum",
    allowed: MODES,
    default: "check",
    description:
      "`check` compares the live state with the baseline; `capture` writes it into the baseline file (one cluster, or every cluster of `scope`).",
    // The CLI takes the mode as its command (`aks-network-gate check`), not as a flag.
  },
  {
    name: "baseline",
    kind: "path",
    default: DEFAULT_BASELINE_FILE,
    description: "Path of the baseline file, inside the workspace.",
    cli: { value: "PATH", help: "the baseline file" },
  },
  {
    name: "subscription",
    kind: "text",
    requiredFor: "capture",
    description: `Subscription ID of the cluster. ${NARROWS}`,
    cli: { value: "ID", help: "subscription ID of the cluster; narrows check" },
  },
  {
    name: "resource-group",
    kind: "text",
    requiredFor: "capture",
    description: `Resource group of the cluster. ${NARROWS}`,
    cli: { value: "RG", help: "resource group of the cluster; narrows check" },
  },
  {
    name: "cluster-name",
    kind: "text",
    requiredFor: "capture",
    description: `Name of the cluster. ${NARROWS}`,
    cli: { value: "NAME", help: "name of the cluster; narrows check" },
  },
  {
    name: "scope",
    kind: "lines",
    description:
      "The fleet: ARM scopes, one per line (subscription, resource group, management group or cluster ID), discovered with Azure Resource Graph ([docs/fleets.md](docs/fleets.md)).",
    cli: { value: "SCOPE", help: "an ARM scope of the fleet (repeat the flag for several)" },
  },
  {
    name: "scope-tags",
    kind: "lines",
    description: "With `scope`: `key=value` lines, tags a cluster must all carry.",
    cli: { value: "KEY=VALUE", help: "a tag the fleet's clusters carry (repeat the flag for several)" },
  },
  {
    name: "data-source",
    kind: "enum",
    allowed: DATA_SOURCES,
    default: "auto",
    description:
      "`arm` (live), `resource-graph` (with `scope`; batched, seconds to minutes behind; nodes and failing clusters from ARM) or `auto`: Resource Graph for 25+ clusters a job takes in `scope`. A capture reads ARM.",
    cli: { value: "SOURCE", help: "where the network is read: arm, resource-graph or auto" },
  },
  {
    name: "unbaselined-severity",
    kind: "enum",
    allowed: SEVERITIES,
    default: "warning",
    description: "Severity of `inventory.unbaselined`: a cluster in `scope` the baseline neither lists nor excludes.",
    cli: { value: "LEVEL", help: "severity of a cluster in scope that the baseline does not list" },
  },
  {
    name: "removed-severity",
    kind: "enum",
    allowed: SEVERITIES,
    default: "error",
    description: "Severity of `inventory.removed`: a baseline cluster in `scope` that no longer exists.",
    cli: { value: "LEVEL", help: "severity of a baseline cluster that no longer exists" },
  },
  {
    name: "environment",
    kind: "enum",
    allowed: CLOUD_NAMES,
    default: "AzureCloud",
    description:
      "Azure cloud: `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud` or `AzureStack`. The ARM endpoint, token scope and Entra authority follow it.",
    cli: { value: "CLOUD", help: "the Azure cloud" },
  },
  {
    name: "arm-endpoint",
    kind: "url",
    description:
      "ARM base URL (https). Required with `AzureStack` (the stamp's `/metadata/endpoints` names its login endpoint and audience); overrides the cloud's endpoint otherwise.",
    cli: { value: "URL", help: "ARM base URL (https); required with AzureStack" },
  },
  {
    name: "client-id",
    kind: "text",
    description:
      "Client ID of an Entra app or managed identity with a federated credential for this repository. With `tenant-id`, the action signs in itself with GitHub OIDC.",
  },
  {
    name: "tenant-id",
    kind: "text",
    description: "Tenant ID for the OIDC sign-in. With `client-id`, the action signs in itself with GitHub OIDC.",
  },
  {
    name: "audience",
    kind: "text",
    description:
      "Audience of the GitHub OIDC token. Default per cloud (`api://AzureADTokenExchange`, `api://AzureADTokenExchangeUSGov`, `api://AzureADTokenExchangeChina`).",
  },
  {
    name: "fail-on",
    kind: "enum",
    allowed: FAIL_ON,
    default: "error",
    description:
      "Which findings fail the job: `error`, `warning` (errors and warnings) or `never` (reported only). An unreadable cluster fails the job whatever this says; a cluster whose findings count keeps an open drift issue, also under `never`.",
    cli: { value: "LEVEL", help: "the findings that fail the gate" },
  },
  {
    name: "evidence-dir",
    kind: "path",
    default: "aks-network-evidence",
    description: "Folder, inside the workspace, where the evidence package of each run is written.",
    cli: { value: "PATH", help: "folder for the evidence packages" },
  },
  {
    name: "concurrency",
    kind: "integer",
    min: 1,
    max: 64,
    default: "8",
    description:
      "How many clusters are read at once (1 to 64). Within a cluster, independent reads always run at once.",
    cli: { value: "N", help: "clusters read at once" },
  },
  {
    name: "shard",
    kind: "shard",
    description:
      "`INDEX/COUNT`, e.g. `2/8`: check a stable slice of the baseline's clusters, so that a matrix of COUNT jobs covers the fleet exactly once.",
    cli: { value: "I/N", help: "check slice I of N of the baseline's clusters, e.g. 2/8" },
  },
  {
    name: "timeout-minutes",
    kind: "minutes",
    max: 360,
    default: "15",
    description: "The run's time budget. Clusters not read by then end the run as `error`, never as a pass.",
    cli: { value: "N", help: "the run's time budget in minutes" },
  },
  {
    name: "activity-log",
    kind: "boolean",
    default: "true",
    description:
      "`true`: on drift, who changed each resource with a finding, from the Azure Activity Log; never changes the result. `false`: no lookup.",
    cli: { value: "BOOL", help: "look up who changed each drifting resource in the Activity Log" },
  },
  {
    name: "create-issue",
    kind: "boolean",
    default: "true",
    description:
      "`true` opens one GitHub issue per failing cluster, keeps it current and closes it when the cluster passes; `false` writes no issue.",
  },
  {
    name: "github-token",
    kind: "secret",
    runnerDefault: "${{ github.token }}",
    description:
      "Token for the issues (`issues: write`) and the pull request plan (`pull-requests: write`). Without one the gate still runs and says why no issue was written.",
  },
  {
    name: "issue-labels",
    kind: "labels",
    default: DEFAULT_ISSUE_LABEL,
    description:
      "Labels of the gate's issues, separated by commas. The first is the label the gate finds its own issues by.",
  },
  {
    name: "owner",
    kind: "owners",
    description:
      "Owner suggested when the baseline's `owner`, the owner tag and CODEOWNERS name none: `@user` (assigned) or `@org/team` (mentioned), several separated by spaces.",
  },
  {
    name: "owner-tag",
    kind: "text",
    default: "owner",
    description: "Name of the Azure tag on the cluster that names its owner.",
  },
  {
    name: "max-issues",
    kind: "integer",
    min: 0,
    max: 1000,
    default: "10",
    description:
      "No new issue opens while this many gate issues are open (0 to 1000); updates and closes always happen.",
  },
  {
    name: "issue-on-error",
    kind: "enum",
    allowed: ISSUE_ON_ERROR,
    default: "auto",
    description:
      "A run that ends in `error` opens an issue of its own per unreadable cluster: `auto` (on `schedule` events only), `true` or `false`.",
  },
  {
    name: "pr-plan",
    kind: "enum",
    allowed: PR_PLAN,
    default: "auto",
    description:
      "`auto`: on a pull request that changes the baseline, comment its plan and fail only on its rule findings; `true`: on every pull request; `false`: check as usual.",
  },
  {
    name: "upload-evidence",
    kind: "boolean",
    default: "true",
    description:
      "`true` uploads the evidence folder as a workflow artifact, which the summary and the issue link to; where artifacts are not available (GitHub Enterprise Server, a local run) the run says so and carries on.",
  },
  {
    name: "retention-days",
    kind: "integer",
    // GitHub keeps artifacts 1 to 90 days in public repositories, up to 400 in private ones.
    min: 1,
    max: 400,
    description:
      "Days GitHub keeps the evidence artifact (1 to 400; GitHub caps it at the repository's setting). Empty keeps the repository's default.",
  },
] as const satisfies readonly OptionSpec[];

export type OptionName = (typeof OPTIONS)[number]["name"];
/** The options the CLI takes as flags (`--NAME`). */
export type CliOptionName = Extract<(typeof OPTIONS)[number], { cli: CliFlag }>["name"];

/** The option of that name; every name the code uses is one of the table's, so this always finds one. */
export function optionSpec(name: OptionName): OptionSpec {
  const spec: OptionSpec | undefined = OPTIONS.find((option) => option.name === name);
  if (spec === undefined) throw new Error(`The options table has no '${name}'.`);
  return spec;
}

/** The options the CLI takes as flags, in the table's order. */
export function cliOptions(): (OptionSpec & { name: CliOptionName; cli: CliFlag })[] {
  return OPTIONS.filter((option) => "cli" in option);
}
