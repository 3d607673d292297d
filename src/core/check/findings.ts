import type { Finding, Severity, Suppression } from "../model.js";
import { display, sameValue, type Value, type ValueKind } from "./values.js";

/** What every finding of one comparison shares. */
export interface FindingScope {
  clusterId: string;
}

export interface FindingInput {
  rule: string;
  severity?: Severity;
  resourceId: string;
  path: string;
  expected: string;
  actual: string;
  message: string;
}

export function finding(scope: FindingScope, input: FindingInput): Finding {
  return { severity: "error", clusterId: scope.clusterId, ...input };
}

export interface FieldCheck {
  rule: string;
  resourceId: string;
  /** Path of the object that holds the field, e.g. `nodePools[nodepool1]`. */
  path: string;
  /** What the object is, for the message: "node pool nodepool1". */
  subject: string;
  severity?: Severity;
}

/**
 * Compares the fields the baseline names (absent ones are not compared) and
 * returns one finding per field that differs. `absentMeans` gives the value a
 * null stands for where the API defines one, on both sides.
 */
export function compareFields<T extends object>(
  scope: FindingScope,
  check: FieldCheck,
  expected: Partial<Record<keyof T, Value | undefined>>,
  actual: T,
  kinds: Partial<Record<keyof T, ValueKind>>,
  absentMeans: Partial<Record<keyof T, string>> = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const [field, kind] of Object.entries(kinds) as [keyof T & string, ValueKind][]) {
    const baseline = expected[field];
    if (baseline === undefined) continue;
    const want = baseline ?? absentMeans[field] ?? null;
    const have = (actual[field] ?? absentMeans[field] ?? null) as Value;
    if (sameValue(kind, want, have)) continue;
    findings.push(
      finding(scope, {
        rule: check.rule,
        severity: check.severity ?? "error",
        resourceId: check.resourceId,
        path: `${check.path}.${field}`,
        expected: display(want),
        actual: display(have),
        message: `${check.subject}: ${field} is ${display(have)}, the baseline expects ${display(want)}.`,
      }),
    );
  }
  return findings;
}

/** The `suppress` entry of a cluster that silences a rule: its exact id, or a `family.*` pattern. */
export function suppressionFor(rule: string, suppressions: Suppression[]): Suppression | undefined {
  return suppressions.find(
    (entry) => entry.rule === rule || (entry.rule.endsWith(".*") && rule.startsWith(entry.rule.slice(0, -1))),
  );
}

/** Marks the findings whose rule the baseline silences for this cluster; they stay in the report. */
export function applySuppressions(findings: Finding[], suppressions: Suppression[]): Finding[] {
  return findings.map((item) => {
    const entry = suppressionFor(item.rule, suppressions);
    return entry ? { ...item, suppressed: entry.reason } : item;
  });
}
