/**
 * One cause, one finding. A changed pod CIDR, service CIDR or VNet address
 * space makes everything that followed the old value look wrong (on kubenet,
 * every node route lies outside a moved pod CIDR): a finding per route buries
 * the cause under hundreds of rows and annotations. A rule that answers a
 * cause with more than one finding has them folded into the cause's finding,
 * whose message then says how many there are with a few examples, and whose
 * `consequences.all` keeps every one for the evidence's findings.json. A rule
 * that answers with one finding keeps its own row and fix.
 *
 * Folding never hides a level: only consequences as severe as the cause or
 * less, and silenced exactly when the cause is, are folded.
 */
import type { Finding, Severity } from "../model.js";

/** How many consequences the cause's message shows by name. */
export const CONSEQUENCE_EXAMPLES = 3;

/** From how many findings of one rule under one cause they are folded into it. */
export const FOLD_FROM = 2;

interface Cause {
  rule: string;
  path: RegExp;
  /** The rules whose findings follow from this change. */
  consequences: readonly string[];
}

const CAUSES: readonly Cause[] = [
  {
    rule: "drift.networkProfile",
    path: /^networkProfile\.podCidrs$/,
    consequences: [
      "routes.outsidePodCidr",
      "routes.prefixLength",
      "addressPlan.podCidrOverlapsVnet",
      "addressPlan.serviceCidrOverlapsPodCidr",
    ],
  },
  {
    rule: "drift.networkProfile",
    path: /^networkProfile\.serviceCidrs$/,
    consequences: ["addressPlan.serviceCidrOverlapsVnet", "addressPlan.serviceCidrOverlapsPodCidr"],
  },
  {
    rule: "drift.virtualNetwork",
    path: /^virtualNetworks\[[^\]]+\]\.addressSpace$/,
    consequences: ["addressPlan.podCidrOverlapsVnet", "addressPlan.serviceCidrOverlapsVnet"],
  },
];

const RANK: Record<Severity, number> = { warning: 0, error: 1 };

function causeOf(item: Finding): Cause | undefined {
  return CAUSES.find((cause) => cause.rule === item.rule && cause.path.test(item.path));
}

/** The findings of `cause` that may fold into `head`: listed, no more severe, silenced alike. */
function foldable(head: Finding, cause: Cause, findings: Finding[], taken: Set<Finding>): Finding[][] {
  return cause.consequences
    .map((rule) =>
      findings.filter(
        (item) =>
          item.rule === rule &&
          !taken.has(item) &&
          RANK[item.severity] <= RANK[head.severity] &&
          (item.suppressed === undefined) === (head.suppressed === undefined),
      ),
    )
    .filter((group) => group.length >= FOLD_FROM);
}

/** The cause's finding with its consequences folded in: counted, a few named, all kept. */
function folded(head: Finding, groups: Finding[][]): Finding {
  const all = groups.flat();
  const examples = all.slice(0, CONSEQUENCE_EXAMPLES).map((item) => `${item.rule} ${item.actual}`);
  const told = groups.map((group) => {
    const named = group.slice(0, CONSEQUENCE_EXAMPLES).map((item) => item.actual);
    return `${group.length} × ${group[0]?.rule ?? ""} (e.g. ${named.join(", ")})`;
  });
  const message = `${head.message} It causes ${all.length} more findings, folded into this one: ${told.join("; ")}; the evidence's findings.json lists every one.`;
  return { ...head, message, consequences: { count: all.length, examples, all } };
}

/** A cluster's findings with each cause's consequences folded into the cause (the first cause that lists them). */
export function foldConsequences(findings: Finding[]): Finding[] {
  const taken = new Set<Finding>();
  const heads = new Map<Finding, Finding>();
  for (const head of findings) {
    const cause = causeOf(head);
    if (!cause) continue;
    const groups = foldable(head, cause, findings, taken);
    if (groups.length === 0) continue;
    for (const item of groups.flat()) taken.add(item);
    heads.set(head, folded(head, groups));
  }
  return findings.filter((item) => !taken.has(item)).map((item) => heads.get(item) ?? item);
}

/** The findings with every consequence folded into them, each cause first: what they are about, resource by resource. */
export function unfolded(findings: readonly Finding[]): Finding[] {
  return findings.flatMap((item) => [item, ...(item.consequences?.all ?? [])]);
}
