/**
 * The README's rule tables, generated from the rule declarations so that the
 * documentation cannot drift from the rules. A test fails when README.md
 * differs; regenerate with:
 *   npx tsx --eval 'import { readFileSync, writeFileSync } from "node:fs";
 *     import { withRulesSection } from "./src/rules/readme.ts";
 *     writeFileSync("README.md", withRulesSection(readFileSync("README.md", "utf8")))' \
 *     && npx prettier --write README.md
 */
import { DRIFT_RULES } from "../compare/drift-rules.js";
import { NETWORK_RULES } from "./index.js";
import type { RuleDoc, RuleFamily } from "./rule.js";

const START_TAG = "<!-- rules:start";
export const RULES_START = `${START_TAG}: generated from the rule declarations (src/rules/, src/compare/drift-rules.ts); regenerate as src/rules/readme.ts says -->`;
export const RULES_END = "<!-- rules:end -->";

const HEADINGS: Record<RuleFamily, string> = {
  drift: "Drift from the baseline",
  "address plan": "Address plan",
  capacity: "Capacity",
  "route table": "Route table health",
  lifecycle: "Lifecycle",
};

export const ALL_RULES: readonly RuleDoc[] = [...DRIFT_RULES, ...NETWORK_RULES];

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

/** The generated part of the README: one table per rule family. */
export function rulesSection(): string {
  const families = Object.keys(HEADINGS) as RuleFamily[];
  return [RULES_START, "", ...families.flatMap(familyTable), RULES_END].join("\n");
}

/** The README with its generated rule tables replaced by the current ones. */
export function withRulesSection(readme: string): string {
  const start = readme.indexOf(START_TAG);
  const end = readme.indexOf(RULES_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no "${RULES_START}" … "${RULES_END}" section to regenerate.`);
  }
  return readme.slice(0, start) + rulesSection() + readme.slice(end + RULES_END.length);
}
