/**
 * The shape of src/: no file imports another in a loop. The layer rules
 * themselves (which folder may import which) are enforced by ESLint's
 * no-restricted-imports in eslint.config.js.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { depthFrom, importCycles, importGraph } from "./helpers/import-graph.js";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src");

describe("the import graph of src/", () => {
  it("has no cycle", () => {
    expect(importCycles(importGraph(SRC))).toEqual([]);
  });

  it("finds a cycle deliberately added to a tree", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "cycle-"));
    await writeFile(path.join(root, "a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
    await writeFile(path.join(root, "b.ts"), 'import { c } from "./c.js";\nexport const b = () => c;\n');
    await writeFile(path.join(root, "c.ts"), 'export const c = async () => (await import("./a.js")).a;\n');
    await writeFile(path.join(root, "d.ts"), 'import { a } from "./a.js";\nexport const d = a;\n');
    expect(importCycles(importGraph(root))).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("measures the chain from an entry", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "depth-"));
    await writeFile(path.join(root, "a.ts"), 'import "./b.js";\n');
    await writeFile(path.join(root, "b.ts"), 'import "./c.js";\n');
    await writeFile(path.join(root, "c.ts"), "export {};\n");
    expect(depthFrom(importGraph(root), "a.ts")).toBe(3);
  });
});
