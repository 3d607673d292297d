/**
 * The README's parts that come from elsewhere: the inputs and outputs tables
 * (from action.yml), and the troubleshooting table, whose messages must be ones
 * the code really prints.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { parse } from "yaml";
import { type ActionMetadata, inputsTable, outputsTable, withActionTables } from "../tools/docs/action-tables.js";
import { replaceSection, tableCell } from "../tools/docs/section.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const README = path.join(ROOT, "README.md");
const readme = readFileSync(README, "utf8");
const action = parse(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as ActionMetadata;

function sourceText(folder: string): string {
  return readdirSync(folder)
    .map((name) => path.join(folder, name))
    .map((file) =>
      statSync(file).isDirectory() ? sourceText(file) : file.endsWith(".ts") ? readFileSync(file, "utf8") : "",
    )
    .join("\n");
}

/** The `message` cells of the README's troubleshooting table, with … for what varies. */
function troubleshootingMessages(): string[] {
  const section = readme.slice(
    readme.indexOf("## Troubleshooting"),
    readme.indexOf("\n## ", readme.indexOf("## Troubleshooting") + 5),
  );
  return [...section.matchAll(/^\| `(.+?)` +\|/gmu)].map((match) => match[1] ?? "");
}

describe("the inputs and outputs tables", () => {
  it("list every input with its default, and every output", () => {
    const inputs = inputsTable(action);
    for (const [name, input] of Object.entries(action.inputs)) {
      const row = inputs.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row).toContain(input.default ? `| \`${input.default}\` |` : `| \`${name}\` |  |`);
    }
    for (const name of Object.keys(action.outputs)) expect(outputsTable(action)).toContain(`| \`${name}\` |`);
  });

  it("are the ones generated from action.yml (npm run docs)", async () => {
    const options = { ...(await resolveConfig(README)), parser: "markdown" };
    expect(readme).toBe(await format(withActionTables(readme, action), options));
  });

  it("keep a pipe or a line break in a description inside its cell", () => {
    expect(tableCell("a | b\nc")).toBe("a \\| b c");
  });

  it("cannot be regenerated without their markers", () => {
    expect(() => replaceSection("# nothing\n", { name: "inputs", source: "action.yml" }, "x")).toThrow(
      /no "<!-- inputs:start: generated from action.yml; regenerate with npm run docs -->"/u,
    );
  });
});

describe("the troubleshooting table", () => {
  const source = sourceText(path.join(ROOT, "src"));
  const messages = troubleshootingMessages();

  it("has the common failures", () => {
    expect(messages.length).toBeGreaterThanOrEqual(15);
  });

  it.each(messages)("quotes a message the code prints: %s", (message) => {
    const fragments = message
      .split("…")
      .map((part) => part.trim())
      .filter((part) => part.length >= 4);
    expect(fragments.length).toBeGreaterThan(0);
    for (const fragment of fragments) expect([fragment, source.includes(fragment)]).toEqual([fragment, true]);
  });
});
