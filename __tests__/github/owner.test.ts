import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  assignees,
  codeownersFor,
  codeownersRegex,
  normalizeRepoPath,
  type OwnerInputs,
  parseCodeowners,
  parseHandle,
  parseHandles,
  suggestOwner,
} from "../../src/core/issues/owner.js";
import { readCodeowners } from "../../src/io/files/codeowners.js";

describe("owner handles", () => {
  it.each([
    ["@octocat", { kind: "user", login: "octocat" }],
    ["octocat", { kind: "user", login: "octocat" }],
    ["@contoso/payments-platform", { kind: "team", org: "contoso", slug: "payments-platform" }],
    ["contoso/net_team.v2", { kind: "team", org: "contoso", slug: "net_team.v2" }],
    ["@-octocat", undefined],
    ["@octo--cat", undefined],
    ["@everyone [click](https://evil)", undefined],
    ["ops@contoso.com", undefined],
    ["@a/b/c", undefined],
    ["", undefined],
  ])("%s", (text, handle) => {
    expect(parseHandle(text)).toEqual(handle);
  });

  it("takes a list only when every part is a handle", () => {
    expect(parseHandles("@octocat, @contoso/net @octocat")).toEqual([
      { kind: "user", login: "octocat" },
      { kind: "team", org: "contoso", slug: "net" },
    ]);
    expect(parseHandles("@octocat **now**")).toBeUndefined();
    expect(parseHandles("   ")).toBeUndefined();
  });

  it("assigns users only, at most ten", () => {
    const handles =
      parseHandles(Array.from({ length: 12 }, (_, index) => `@user${index}`).join(" ") + " @org/team") ?? [];
    expect(assignees({ handles, source: "input", detail: "" })).toHaveLength(10);
    expect(assignees({ handles: [{ kind: "team", org: "o", slug: "t" }], source: "input", detail: "" })).toEqual([]);
  });
});

describe("CODEOWNERS patterns, as GitHub matches them", () => {
  it.each<[string, string[], string[]]>([
    ["*", ["a.yml", ".github/aks-network-baseline.yml"], []],
    ["*.yml", [".github/aks-network-baseline.yml", "x.yml"], [".github/baseline.yaml"]],
    ["/.github/", [".github/aks-network-baseline.yml", ".github/deep/x"], ["docs/.github/x.yml"]],
    [".github/", [".github/x.yml", "sub/.github/x.yml"], ["github/x.yml"]],
    ["/.github/*.yml", [".github/aks-network-baseline.yml"], [".github/deep/x.yml"]],
    ["docs/*", ["docs/getting-started.md"], ["docs/build-app/troubleshooting.md"]],
    ["apps/", ["apps/a.js", "x/apps/b/c.js"], ["apps.js"]],
    ["/apps/github", ["apps/github", "apps/github/deep/file"], ["apps/githubber", "x/apps/github"]],
    ["**/logs", ["logs/a", "build/logs/a", "deeply/nested/logs/x"], ["logsx/a"]],
    ["/build/logs/", ["build/logs/a.log"], ["x/build/logs/a.log"]],
    ["a/**/b", ["a/b", "a/x/b", "a/x/y/b/c"], ["ab", "x/a/b"]],
    [".github/aks-network-?aseline.yml", [".github/aks-network-baseline.yml"], [".github/aks-network-/aseline.yml"]],
    ["/", [], ["anything"]],
  ])("%s", (pattern, matching, other) => {
    const regex = codeownersRegex(pattern);
    for (const file of matching) expect([file, regex.test(file)]).toEqual([file, true]);
    for (const file of other) expect([file, regex.test(file)]).toEqual([file, false]);
  });

  it("parses comments, escaped spaces, inline comments and rules without owners", () => {
    const rules = parseCodeowners(
      "# comment\n\n*   @contoso/everyone  # inline\nmy\\ dir/ @y\n/.github/aks-network-baseline.yml\n",
    );
    expect(rules).toEqual([
      { pattern: "*", owners: ["@contoso/everyone"], line: 3 },
      { pattern: "my\\ dir/", owners: ["@y"], line: 4 },
      { pattern: "/.github/aks-network-baseline.yml", owners: [], line: 5 },
    ]);
    expect(codeownersRegex("my\\ dir/").test("my dir/file")).toBe(true);
  });

  it("lets the last matching pattern win, as GitHub does", () => {
    const rules = parseCodeowners(
      [
        "/.github/aks-network-baseline.yml @contoso/network",
        "*  @contoso/everyone",
        "*.yml @contoso/yaml",
        "/docs/ @contoso/docs",
      ].join("\n"),
    );
    expect(codeownersFor(rules, ".github/aks-network-baseline.yml")?.owners).toEqual(["@contoso/yaml"]);
    expect(codeownersFor(rules, "./.github/../.github/aks-network-baseline.yml")?.line).toBe(3);
    expect(codeownersFor(parseCodeowners("/other/ @x"), ".github/a.yml")).toBeUndefined();
  });

  it("normalises the path the way GitHub names files", () => {
    expect(normalizeRepoPath("./.github//x/../aks.yml")).toBe(".github/aks.yml");
    expect(normalizeRepoPath(".github\\aks.yml")).toBe(".github/aks.yml");
  });

  it("reads the first CODEOWNERS GitHub would use: .github/, then the root, then docs/", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "codeowners-"));
    expect(await readCodeowners(root)).toBeUndefined();
    mkdirSync(path.join(root, "docs"));
    writeFileSync(path.join(root, "docs", "CODEOWNERS"), "* @docs");
    expect((await readCodeowners(root))?.file).toBe("docs/CODEOWNERS");
    writeFileSync(path.join(root, "CODEOWNERS"), "* @root");
    expect((await readCodeowners(root))?.file).toBe("CODEOWNERS");
    mkdirSync(path.join(root, ".github"));
    writeFileSync(path.join(root, ".github", "CODEOWNERS"), "* @github");
    expect(await readCodeowners(root)).toEqual({
      file: ".github/CODEOWNERS",
      rules: [{ pattern: "*", owners: ["@github"], line: 1 }],
    });
  });
});

describe("the suggested owner: baseline, then tag, then CODEOWNERS, then the input", () => {
  const codeowners = { file: ".github/CODEOWNERS", rules: parseCodeowners("*.yml @contoso/platform ops@contoso.com") };
  const all: OwnerInputs = {
    baselineOwner: "@contoso/payments",
    tags: { Owner: "@octocat" },
    ownerTag: "owner",
    codeowners,
    baselineFile: ".github/aks-network-baseline.yml",
    fallback: [{ kind: "user", login: "fallback-user" }],
  };
  const source = (inputs: OwnerInputs) => suggestOwner(inputs).owner?.source;

  it("takes the first source that answers", () => {
    expect(source(all)).toBe("baseline");
    expect(source({ ...all, baselineOwner: undefined })).toBe("azure-tag");
    expect(source({ ...all, baselineOwner: undefined, tags: {} })).toBe("codeowners");
    expect(source({ ...all, baselineOwner: undefined, tags: undefined, codeowners: undefined })).toBe("input");
    expect(suggestOwner({ ...all, baselineOwner: undefined, tags: {}, codeowners: undefined, fallback: [] })).toEqual({
      owner: undefined,
      skipped: [],
    });
  });

  it("reads the tag named by owner-tag, in any case", () => {
    const owner = suggestOwner({ ...all, baselineOwner: undefined, tags: { TEAM: "@contoso/sre" }, ownerTag: "team" });
    expect(owner.owner).toEqual({
      handles: [{ kind: "team", org: "contoso", slug: "sre" }],
      source: "azure-tag",
      detail: "the Azure tag 'team' on the cluster",
    });
  });

  it("skips an unusable tag and says so, with the value for the renderer to escape", () => {
    const hostile = "@everyone <b>now</b>";
    const owner = suggestOwner({ ...all, baselineOwner: undefined, tags: { owner: hostile } });
    expect(owner.owner?.source).toBe("codeowners");
    expect(owner.skipped).toEqual([`the Azure tag 'owner' holds '${hostile}', which is not a GitHub user or team`]);
  });

  it("names the CODEOWNERS line and keeps only GitHub handles from it", () => {
    const owner = suggestOwner({ ...all, baselineOwner: undefined, tags: undefined });
    expect(owner.owner).toEqual({
      handles: [{ kind: "team", org: "contoso", slug: "platform" }],
      source: "codeowners",
      detail: ".github/CODEOWNERS line 1 (*.yml), the entry that covers .github/aks-network-baseline.yml",
    });
  });

  it("moves on when the last matching CODEOWNERS rule has no owner", () => {
    const cleared = { file: "CODEOWNERS", rules: parseCodeowners("* @contoso/all\n/.github/") };
    const owner = suggestOwner({ ...all, baselineOwner: undefined, tags: undefined, codeowners: cleared });
    expect(owner.owner?.source).toBe("input");
    expect(owner.skipped).toEqual([
      "CODEOWNERS line 2 (/.github/) names no GitHub user or team for .github/aks-network-baseline.yml",
    ]);
  });
});
