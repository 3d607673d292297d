/**
 * The documentation as pages: every relative link reaches a file and every #anchor a heading,
 * the README stays a one-screen start (the manual lives in docs/), the pasted sample output
 * adds no heading to any outline, and every YAML example passes this action only the inputs
 * action.yml declares.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import {
  anchors,
  documentationPages,
  headings,
  linkTargets,
  proseLines,
  readPage,
  ROOT,
  yamlBlocks,
} from "./helpers/markdown-pages.js";

const PAGES = documentationPages();
const THIS_ACTION = /^contoso\/aks-network-gate@.+$/u;
const action = parse(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, unknown> };

/** What is wrong with one link of a page, or undefined when it resolves. */
function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z][a-z+.-]*:/iu.test(target)) return undefined;
  const [file = "", anchor] = target.split("#");
  const resolved = file === "" ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), file);
  if (!existsSync(resolved)) return `${target}: no file ${path.relative(ROOT, resolved)}`;
  if (anchor === undefined || anchor === "") return undefined;
  if (statSync(resolved).isDirectory() || !resolved.endsWith(".md")) return `${target}: an anchor on a non-page`;
  return anchors(readFileSync(resolved, "utf8")).has(anchor) ? undefined : `${target}: no heading for #${anchor}`;
}

/** Every step in a parsed YAML document that uses this action. */
function gateSteps(node: unknown): { uses: string; with?: Record<string, unknown> }[] {
  if (Array.isArray(node)) return node.flatMap(gateSteps);
  if (node === null || typeof node !== "object") return [];
  const record = node as Record<string, unknown>;
  const own = typeof record.uses === "string" && THIS_ACTION.test(record.uses) ? [record as { uses: string }] : [];
  return [...own, ...Object.values(record).flatMap(gateSteps)];
}

describe("the documentation pages", () => {
  it("are the README, CONTRIBUTING.md, SECURITY.md and the pages of docs/", () => {
    expect(PAGES).toEqual(
      expect.arrayContaining(["docs/rules.md", "docs/troubleshooting.md", "docs/sample-output.md", "docs/cli.md"]),
    );
  });

  it.each(PAGES)("%s: every relative link reaches a file, and every #anchor a heading", (page) => {
    const broken = linkTargets(readPage(page)).flatMap((target) => brokenLink(page, target) ?? []);
    expect(broken).toEqual([]);
  });

  it.each(PAGES)("%s: every example that uses this action passes only inputs action.yml declares", (page) => {
    for (const block of yamlBlocks(readPage(page))) {
      for (const step of gateSteps(parse(block))) {
        for (const input of Object.keys(step.with ?? {}))
          expect([input, input in action.inputs]).toEqual([input, true]);
        if (step.with?.mode === "capture")
          expect(Object.keys(step.with)).toEqual(
            expect.arrayContaining(["subscription", "resource-group", "cluster-name"]),
          );
      }
    }
  });

  it("keep the gate's own output out of every outline: a pasted summary or issue sits in a code block", () => {
    const pasted = PAGES.flatMap((page) =>
      headings(readPage(page)).filter((text) => /^(AKS Network Gate:|AKS network drift:)/u.test(text)),
    );
    expect(pasted).toEqual([]);
    expect(readPage("docs/sample-output.md")).toContain("## AKS Network Gate: ❌ drift");
  });
});

describe("the README", () => {
  const readme = readPage("README.md");

  it("stays a one-screen start of at most 15 KB, the manual in docs/", () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
  });

  it("starts with what the gate does, then the quick start, and ends with the inputs and outputs", () => {
    expect(headings(readme)).toEqual(expect.arrayContaining(["AKS Network Gate", "Quick start", "Inputs", "Outputs"]));
    expect(headings(readme).slice(0, 2)).toEqual(["AKS Network Gate", "Quick start"]);
    expect(headings(readme).slice(-2)).toEqual(["Inputs", "Outputs"]);
  });

  it("shows a workflow to paste that signs in with OIDC and has the permissions the gate needs", () => {
    const workflow = yamlBlocks(readme)
      .map((block) => parse(block) as { permissions?: Record<string, string> })
      .find((document) => document.permissions !== undefined);
    expect(workflow?.permissions).toEqual({ "id-token": "write", contents: "read", issues: "write" });
    expect(gateSteps(workflow)).toHaveLength(1);
  });

  it("links every page of docs/", () => {
    const linked = new Set(linkTargets(readme).map((target) => target.split("#")[0]));
    const docs = PAGES.filter((page) => page.startsWith("docs/"));
    expect(docs.filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe("the outline and anchors of a page", () => {
  it("leave out headings inside fenced code blocks, and name anchors as GitHub does", () => {
    const page =
      "# Title\n\n~~~~markdown\n## Pasted\n```sh\n# comment\n```\n~~~~\n\n## 2. Permissions, and `why`\n## Title\n";
    expect(headings(page)).toEqual(["Title", "2. Permissions, and why", "Title"]);
    expect([...anchors(page)]).toEqual(["title", "2-permissions-and-why", "title-1"]);
    expect(proseLines(page)).not.toContain("## Pasted");
  });

  it("find the links outside code, and report a missing file or heading", () => {
    expect(linkTargets("[a](docs/rules.md#the-rules) `[b](nowhere.md)` ![c](x.png)")).toEqual([
      "docs/rules.md#the-rules",
      "x.png",
    ]);
    expect(brokenLink("README.md", "docs/rules.md#the-rules")).toBeUndefined();
    expect(brokenLink("README.md", "docs/nowhere.md")).toMatch(/no file docs\/nowhere\.md/u);
    expect(brokenLink("README.md", "docs/rules.md#nowhere")).toMatch(/no heading for #nowhere/u);
    expect(brokenLink("docs/cli.md", "https://example.com/x.md")).toBeUndefined();
  });
});
