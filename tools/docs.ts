/**
 * `npm run docs`: regenerates the generated sections of the documentation,
 * formatted as Prettier would: action.yml's inputs and the README's inputs
 * table from the options table (src/app/options.ts), the README's outputs
 * table from action.yml, and docs/rules.md's rule tables from the rule
 * declarations.
 * `npm run docs -- --check` changes nothing and exits 1 when a file differs
 * from what it would write (CI).
 */
import { readFile, writeFile } from "node:fs/promises";
import { format, resolveConfig } from "prettier";
import { parse } from "yaml";
import { type ActionMetadata, withActionInputs, withActionTables } from "./docs/action-tables.js";
import { withRulesSection } from "./docs/rules-readme.js";

const ROOT = new URL("../", import.meta.url);
/** action.yml as it is on disk; the README's outputs table comes from it (its inputs are generated first). */
async function action(): Promise<ActionMetadata> {
  return parse(await readFile(new URL("action.yml", ROOT), "utf8")) as ActionMetadata;
}

interface Target {
  file: string;
  sources: string;
  parser: "markdown" | "yaml";
  generate: (text: string) => string | Promise<string>;
}

/** Each file with generated sections, and what regenerates them, in the order they are regenerated. */
const TARGETS: Target[] = [
  { file: "action.yml", sources: "src/app/options.ts", parser: "yaml", generate: withActionInputs },
  {
    file: "README.md",
    sources: "src/app/options.ts and action.yml",
    parser: "markdown",
    generate: async (text) => withActionTables(text, await action()),
  },
  { file: "docs/rules.md", sources: "the rule declarations", parser: "markdown", generate: withRulesSection },
];

async function regenerated(file: URL, text: string, target: Target): Promise<string> {
  const options = { ...(await resolveConfig(file.pathname)), parser: target.parser };
  try {
    return await format(await target.generate(text), options);
  } catch (error) {
    throw new Error(`${file.pathname}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

const check = process.argv.includes("--check");
for (const target of TARGETS) {
  const file = new URL(target.file, ROOT);
  const text = await readFile(file, "utf8");
  const generated = await regenerated(file, text, target);
  if (generated === text) {
    console.log(`${target.file}'s generated sections are current.`);
  } else if (check) {
    console.error(
      `${target.file}'s generated sections differ from ${target.sources}: run 'npm run docs' and commit ${target.file}.`,
    );
    process.exitCode = 1;
  } else {
    await writeFile(file, generated);
    console.log(`${target.file} regenerated.`);
  }
}
