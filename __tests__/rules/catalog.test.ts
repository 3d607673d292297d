import { readFile } from "node:fs/promises";
import { format, resolveConfig } from "prettier";
import { FORMATS } from "../../src/core/baseline/formats.js";
import { NETWORK_RULES } from "../../src/core/check/rules/index.js";
import { ALL_RULES, rulesSection, RULES_END, RULES_START, withRulesSection } from "../../tools/docs/rules-readme.js";

const RULES_PAGE = new URL("../../docs/rules.md", import.meta.url);

describe("the rule declarations", () => {
  test("every id is unique, a valid suppress rule id, and named after its family", () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    const prefixes = {
      drift: "drift.",
      "address plan": "addressPlan.",
      capacity: "capacity.",
      "route table": "routes.",
      lifecycle: "lifecycle.",
      inventory: "inventory.",
    };
    for (const rule of ALL_RULES) {
      expect(FORMATS.ruleId.test(rule.id)).toBe(true);
      expect(rule.id.startsWith(prefixes[rule.family])).toBe(true);
    }
  });

  test("every rule says what it checks, why, and what to do, as sentences", () => {
    for (const rule of ALL_RULES) {
      for (const text of [rule.title, rule.why, rule.fix]) {
        expect(text).toMatch(/^[A-Za-z`].*\.$/su);
      }
    }
  });

  test("the route rules that existed keep their ids", () => {
    const ids = NETWORK_RULES.map((rule) => rule.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "routes.missing",
        "routes.stale",
        "routes.outsidePodCidr",
        "routes.prefixLength",
        "routes.nextHopOutsideSubnet",
        "routes.duplicate",
        "routes.tableDetached",
        "routes.count",
      ]),
    );
  });
});

describe("the rule tables of docs/rules.md", () => {
  test("list every rule with its severity, what it checks, why and how to silence it", () => {
    const section = rulesSection();
    for (const rule of ALL_RULES) {
      const row = section.split("\n").find((line) => line.startsWith(`| \`${rule.id}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(` | ${rule.severity}`);
      expect(row).toContain("`suppress`");
    }
  });

  test("are the ones generated from the declarations (regenerate: see tools/docs/rules-readme.ts)", async () => {
    const page = await readFile(RULES_PAGE, "utf8");
    expect(page).toContain(RULES_START);
    expect(page).toContain(RULES_END);
    const options = { ...(await resolveConfig(RULES_PAGE.pathname)), parser: "markdown" };
    expect(page).toBe(await format(withRulesSection(page), options));
  });

  test("a page without the markers cannot be regenerated", () => {
    expect(() => withRulesSection("# nothing here\n")).toThrow(/no "<!-- rules:start/u);
  });
});
