/**
 * The run's findings as a SARIF 2.1.0 log (findings.sarif), for GitHub code
 * scanning: one result per finding at the baseline line it concerns (an
 * inventory finding at its cluster's entry, or at `clusters` when the baseline
 * lacks the cluster), the rule
 * catalog as the tool's rules, silenced findings as suppressions, unreadable
 * clusters as tool execution notifications. Pure.
 *
 * Sources: the OASIS SARIF 2.1.0 standard, and GitHub's "SARIF support for code
 * scanning" (github/docs, content/code-security/reference/code-scanning/
 * sarif-files/sarif-support-for-code-scanning.md): the properties it reads, that
 * it identifies a result by `partialFingerprints.primaryLocationLineHash` only,
 * how it reads `security-severity`, and its limit of 25,000 results per run
 * (data/reusables/code-scanning/sarif-limits.md).
 */
import { createHash } from "node:crypto";
import { DRIFT_RULES } from "../core/check/drift-rules.js";
import { INVENTORY_RULES } from "../core/fleet/inventory.js";
import { NETWORK_RULES } from "../core/check/rules/index.js";
import type { RuleDoc } from "../core/check/rules/rule.js";
import type { ClusterResult, Finding } from "../core/model.js";
import { GATE_HOME, GATE_VERSION } from "../core/version.js";
import { lastSegment } from "../core/arm-ids.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** GitHub rejects a run with more results than this. */
export const MAX_SARIF_RESULTS = 25_000;
/** The name of the gate's own, stable fingerprint of a finding beside GitHub's key. */
export const FINGERPRINT_KEY = "aksNetworkGateFinding/v1";

/** Every rule a finding can name: the drift rules, then the network rules, as docs/rules.md lists them. */
export const RULE_CATALOG: readonly RuleDoc[] = [...DRIFT_RULES, ...NETWORK_RULES, ...INVENTORY_RULES];

/**
 * The rules whose findings are security results (GitHub's Security tab, ranked
 * by `security-severity`): drift that moves traffic or its filtering away from
 * the reviewed network, a change that bypassed review: the network profile
 * (plugin, policy, outbound type), a subnet's NSG or route table, a route
 * table's attachment and a route's next hop. 7.0 is GitHub's lowest "high".
 * Every other rule (capacity, address plan, lifecycle, route health, node
 * pools, VNet address space) is about reliability: its findings keep their
 * level and carry no security severity.
 */
export const SECURITY_SEVERITY: Readonly<Record<string, string>> = {
  "drift.networkProfile": "7.0",
  "drift.subnet": "7.0",
  "drift.routeTable": "7.0",
  "drift.route": "7.0",
};

/** Where the findings of a run sit in the baseline file. */
export interface SarifLocator {
  /** The line of the cluster's entry. */
  cluster(clusterId: string): number;
  /** The line of the field a finding is about, or of its nearest parent in the baseline. */
  finding(result: CheckedResult, finding: Finding): number;
  /** The line of the `suppress` entry that silences a finding, when there is one. */
  suppression(result: CheckedResult, finding: Finding): number | undefined;
  /** The line of an inventory finding: a removed cluster's entry, or the `clusters` key for one the baseline lacks. */
  inventory(result: InventoryResult, finding: Finding): number;
}

export type CheckedResult = Extract<ClusterResult, { kind: "checked" }>;
export type InventoryResult = Extract<ClusterResult, { kind: "inventory" }>;
/** A result whose findings go into the log. */
type FindingResult = CheckedResult | InventoryResult;

export interface SarifInput {
  results: readonly ClusterResult[];
  /** The baseline file, relative to the repository root, with `/`. */
  baselineUri: string;
  locate: SarifLocator;
  /** The repository and commit the baseline was read at, when the run knows them. */
  provenance?: { repositoryUri: string; revisionId: string } | undefined;
  version?: string;
}

type Json = Record<string, unknown>;

function friendlyName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/u)
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join("");
}

function silenceText(rule: RuleDoc): string {
  const suppress = `list \`{ rule: ${rule.id}, reason: … }\` under the cluster's \`suppress\` in the baseline`;
  return rule.silence ? `${suppress}; or ${rule.silence}` : suppress;
}

function ruleHelp(rule: RuleDoc): Json {
  const severity = rule.severityNote ? `${rule.severity} (${rule.severityNote})` : rule.severity;
  const text = [
    rule.title,
    `Why it matters: ${rule.why}`,
    `What to do: ${rule.fix}`,
    `To silence it for one cluster: ${silenceText(rule)}.`,
    `Severity: ${severity}.`,
  ].join("\n\n");
  const markdown = [
    rule.title,
    `**Why it matters**: ${rule.why}`,
    `**What to do**: ${rule.fix}`,
    `**To silence it for one cluster**: ${silenceText(rule)}.`,
    `**Severity**: ${severity}.`,
  ].join("\n\n");
  return { text, markdown };
}

export function sarifRule(rule: RuleDoc): Json {
  const security = SECURITY_SEVERITY[rule.id];
  const tags = ["aks", "network", rule.family.replace(/\s+/gu, "-"), ...(security ? ["security"] : [])];
  return {
    id: rule.id,
    name: friendlyName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title} ${rule.why}`.slice(0, 1024) },
    defaultConfiguration: { level: rule.severity },
    help: ruleHelp(rule),
    properties: {
      tags,
      precision: rule.family === "drift" ? "very-high" : "high",
      "problem.severity": rule.severity,
      ...(security ? { "security-severity": security } : {}),
    },
  };
}

/**
 * The stable identity of a finding: its rule, cluster and field path, never
 * its message or line, so an unchanged finding stays one alert from run to run
 * and two findings on one line stay two. Case-insensitive, as Azure's IDs are.
 */
export function findingFingerprint(item: Pick<Finding, "rule" | "clusterId" | "path">): string {
  const key = [item.rule, item.clusterId, item.path].map((part) => part.toLowerCase()).join("\u0000");
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function location(uri: string, line: number): Json {
  return {
    physicalLocation: {
      artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
      region: { startLine: Math.max(1, line) },
    },
  };
}

function lineOf(locate: SarifLocator, result: FindingResult, item: Finding): number {
  return result.kind === "checked" ? locate.finding(result, item) : locate.inventory(result, item);
}

/** The line of the baseline entry that silences a finding; an inventory finding is silenced by the run, not the file. */
function suppressionLine(locate: SarifLocator, result: FindingResult, item: Finding): number | undefined {
  return item.suppressed === undefined || result.kind !== "checked" ? undefined : locate.suppression(result, item);
}

function sarifResult(input: SarifInput, result: FindingResult, item: Finding): Json {
  const ruleIndex = RULE_CATALOG.findIndex((rule) => rule.id === item.rule);
  const fingerprint = findingFingerprint(item);
  const suppressedAt = suppressionLine(input.locate, result, item);
  return {
    ruleId: item.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: item.severity,
    message: { text: `${lastSegment(item.clusterId)}: ${item.message}` },
    locations: [
      {
        ...location(input.baselineUri, lineOf(input.locate, result, item)),
        logicalLocations: [{ fullyQualifiedName: item.resourceId, kind: "resource" }],
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${fingerprint.slice(0, 16)}:1`, [FINGERPRINT_KEY]: fingerprint },
    ...(item.suppressed === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: "inSource",
              status: "accepted",
              justification: item.suppressed,
              ...(suppressedAt === undefined ? {} : { location: location(input.baselineUri, suppressedAt) }),
            },
          ],
        }),
    properties: {
      clusterId: item.clusterId,
      resourceId: item.resourceId,
      path: item.path,
      expected: item.expected,
      actual: item.actual,
    },
  };
}

/** Active findings first, errors before warnings, so a cut at GitHub's limit drops the least. */
function ranked(input: SarifInput): [FindingResult, Finding][] {
  const all = input.results.flatMap((result) =>
    result.kind === "error" ? [] : result.findings.map((item): [FindingResult, Finding] => [result, item]),
  );
  const rank = ([, item]: [FindingResult, Finding]) =>
    (item.suppressed === undefined ? 0 : 2) + (item.severity === "error" ? 0 : 1);
  return all
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

function notifications(input: SarifInput, cut: number): Json[] {
  const unreadable = input.results.flatMap((result) =>
    result.kind === "error"
      ? [
          {
            level: "error",
            message: { text: `${result.clusterId}: ${result.message}` },
            locations: [location(input.baselineUri, input.locate.cluster(result.clusterId))],
          },
        ]
      : [],
  );
  const limit =
    cut > 0
      ? [
          {
            level: "warning",
            message: {
              text: `${cut} findings are left out of this log: GitHub takes at most ${MAX_SARIF_RESULTS.toLocaleString("en-US")} results per run. findings.json in the evidence folder has every finding.`,
            },
          },
        ]
      : [];
  return [...unreadable, ...limit];
}

/** The SARIF log of a run: a plain object, for the evidence writer to serialise. */
export function renderSarif(input: SarifInput): Json {
  const version = input.version ?? GATE_VERSION;
  const all = ranked(input);
  const kept = all.slice(0, MAX_SARIF_RESULTS);
  const notes = notifications(input, all.length - kept.length);
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "AKS Network Gate",
            version,
            semanticVersion: version,
            informationUri: GATE_HOME,
            rules: RULE_CATALOG.map(sarifRule),
          },
        },
        invocations: [
          {
            executionSuccessful: input.results.every((result) => result.kind !== "error"),
            ...(notes.length > 0 ? { toolExecutionNotifications: notes } : {}),
          },
        ],
        ...(input.provenance
          ? { versionControlProvenance: [{ ...input.provenance, mappedTo: { uriBaseId: "%SRCROOT%" } }] }
          : {}),
        results: kept.map(([result, item]) => sarifResult(input, result, item)),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
