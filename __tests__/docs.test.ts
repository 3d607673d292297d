/**
 * The documentation's parts that come from elsewhere: the README's inputs
 * table (from the options table, src/app/options.ts) and outputs table (from
 * action.yml), and the table of docs/troubleshooting.md,
 * whose messages must be ones the code really prints.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { parse } from "yaml";
import { type ActionMetadata, inputsTable, outputsTable, withActionTables } from "../tools/docs/action-tables.js";
import { OPTIONS } from "../src/app/options.js";
import { everyOptionError } from "./helpers/option-errors.js";
import { replaceSection, tableCell } from "../tools/docs/section.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const README = path.join(ROOT, "README.md");
const readme = readFileSync(README, "utf8");
const troubleshooting = readFileSync(path.join(ROOT, "docs/troubleshooting.md"), "utf8");
const action = parse(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as ActionMetadata;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

function sourceText(folder: string): string {
  return readdirSync(folder)
    .map((name) => path.join(folder, name))
    .map((file) =>
      statSync(file).isDirectory() ? sourceText(file) : file.endsWith(".ts") ? readFileSync(file, "utf8") : "",
    )
    .join("\n");
}

/** The `message` cells of the troubleshooting table, with … for what varies. */
function troubleshootingMessages(): string[] {
  return [...troubleshooting.matchAll(/^\| `(.+?)` +\|/gmu)].map((match) => match[1] ?? "");
}

describe("the inputs and outputs tables", () => {
  it("list every option with its default, and every output", () => {
    const inputs = inputsTable();
    for (const option of OPTIONS) {
      const fallback = "runnerDefault" in option ? option.runnerDefault : "default" in option ? option.default : "";
      const row = inputs.split("\n").find((line) => line.startsWith(`| \`${option.name}\` |`));
      expect(row).toContain(fallback ? `| \`${fallback}\` |` : `| \`${option.name}\` |  |`);
    }
    for (const name of Object.keys(action.outputs)) expect(outputsTable(action)).toContain(`| \`${name}\` |`);
  });

  it("are the ones generated from the options table and action.yml (npm run docs)", async () => {
    const options = { ...(await resolveConfig(README)), parser: "markdown" };
    expect(readme).toBe(await format(withActionTables(readme, action), options));
  });

  it("keep a pipe or a line break in a description inside its cell", () => {
    expect(tableCell("a | b\nc")).toBe("a \\| b c");
  });

  it("cannot be regenerated without their markers", () => {
    expect(() => replaceSection("# nothing\n", { name: "inputs", source: "src/app/options.ts" }, "x")).toThrow(
      /no "<!-- inputs:start: generated from src\/app\/options.ts; regenerate with npm run docs -->"/u,
    );
  });
});

describe("the troubleshooting table", () => {
  const source = sourceText(path.join(ROOT, "src"));
  const messages = troubleshootingMessages();

  it("has the common failures", () => {
    expect(messages.length).toBeGreaterThanOrEqual(15);
  });

  // An option's error is composed from its structure (src/app/option-values.ts): the rows quoting one are
  // checked against the errors every option really gets, the others against the source's literal text.
  const optionErrors = everyOptionError().map((error) => error.message);

  it.each(messages)("quotes a message the code prints: %s", (message) => {
    const fragments = message
      .split("…")
      .map((part) => part.trim())
      .filter((part) => part.length >= 4);
    expect(fragments.length).toBeGreaterThan(0);
    const pattern = new RegExp(message.split("…").map(escapeRegExp).join(".+"), "u");
    if (optionErrors.some((printed) => pattern.test(printed))) return;
    for (const fragment of fragments) expect([fragment, source.includes(fragment)]).toEqual([fragment, true]);
  });
});
