/**
 * `npm run docs`: regenerates the README's generated sections, the inputs and
 * outputs tables from action.yml and the rule tables from the rule
 * declarations, formatted as Prettier would. `npm run docs -- --check` changes
 * nothing and exits 1 when README.md differs from what it would write (CI).
 */
import { readFile, writeFile } from "node:fs/promises";
import { format, resolveConfig } from "prettier";
import { parse } from "yaml";
import { type ActionMetadata, withActionTables } from "./docs/action-tables.js";
import { withRulesSection } from "./docs/rules-readme.js";

const README = new URL("../README.md", import.meta.url);
const ACTION = new URL("../action.yml", import.meta.url);

async function generatedReadme(readme: string): Promise<string> {
  const action = parse(await readFile(ACTION, "utf8")) as ActionMetadata;
  const options = { ...(await resolveConfig(README.pathname)), parser: "markdown" };
  return format(withActionTables(withRulesSection(readme), action), options);
}

const readme = await readFile(README, "utf8");
const generated = await generatedReadme(readme);
if (!process.argv.includes("--check")) {
  await writeFile(README, generated);
  console.log(generated === readme ? "README.md is current." : "README.md regenerated.");
} else if (generated !== readme) {
  console.error(
    "README.md's generated sections (inputs, outputs, rules) differ from action.yml and the rule declarations: run 'npm run docs' and commit README.md.",
  );
  process.exitCode = 1;
} else {
  console.log("README.md's generated sections are current.");
}
