/**
 * The rule tables of docs/rules.md, generated from the rule declarations so
 * that the documentation cannot drift from the rules. `npm run docs`
 * regenerates them (with the README's inputs and outputs tables), and a test
 * and `npm run docs -- --check` fail when docs/rules.md differs.
 */
import { DRIFT_RULES } from "../../src/core/check/drift-rules.js";
import { INVENTORY_RULES } from "../../src/core/fleet/inventory.js";
import { type GeneratedSection, replaceSection, sectionEnd, sectionStart } from "./section.js";
import { NETWORK_RULES } from "../../src/core/check/rules/index.js";
import type { RuleDoc, RuleFamily } from "../../src/core/check/rules/rule.js";

const RULES_SECTION: GeneratedSection = {
  name: "rules",
  source: "the rule declarations (src/core/check/rules/, src/core/check/drift-rules.ts)",
};
export const RULES_START = sectionStart(RULES_SECTION);
export const RULES_END = sectionEnd(RULES_SECTION);

const HEADINGS: Record<RuleFamily, string> = {
  drift: "Drift from the baseline",
  "address plan": "Address plan",
  capacity: "Capacity",
  "route table": "Route table health",
  lifecycle: "Lifecycle",
  inventory: "Inventory of a fleet (with `scope`)",
};

export const ALL_RULES: readonly RuleDoc[] = [...DRIFT_RULES, ...NETWORK_RULES, ...INVENTORY_RULES];

function cell(text: string): string {
  return text.replace(/[|<>]/gu, (char) => `\\${char}`);
}

function row(rule: RuleDoc): string {
  const severity = rule.severityNote ? `${rule.severity} (${rule.severityNote})` : rule.severity;
  const silence = rule.silence ? `\`suppress\`; ${rule.silence}` : "`suppress`";
  const cells = [`\`${rule.id}\``, severity, rule.title, rule.why, rule.fix, silence];
  return `| ${cells.map(cell).join(" | ")} |`;
}

function familyTable(family: RuleFamily): string[] {
  const rules = ALL_RULES.filter((rule) => rule.family === family);
  return [
    `### ${HEADINGS[family]}`,
    "",
    "| rule | severity | what it checks | why | what to do | how to silence |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rules.map(row),
    "",
  ];
}

function ruleTables(): string {
  const families = Object.keys(HEADINGS) as RuleFamily[];
  return families
    .map((family) => familyTable(family).join("\n"))
    .join("\n")
    .trimEnd();
}

/** The generated part of docs/rules.md: one table per rule family. */
export function rulesSection(): string {
  return [RULES_START, "", ruleTables(), "", RULES_END].join("\n");
}

/** The page with its generated rule tables replaced by the current ones. */
export function withRulesSection(page: string): string {
  return replaceSection(page, RULES_SECTION, ruleTables());
}
