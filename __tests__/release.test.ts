/**
 * The release (tools/release.ts, run by .github/workflows/release.yml), dry-run on a
 * throwaway git repository: the tags a version bump creates (vX.Y.Z, and vX moved to it),
 * the notes it takes from CHANGELOG.md, and the bumps it refuses. Also: the repository's
 * own CHANGELOG.md has the notes of package.json's version, and the workflow runs the script.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";
import { changelogNotes, compareVersions, parseVersion, releaseTags } from "../tools/release.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const CHANGELOG = (versions: [string, string][]) =>
  [
    "# Changelog",
    "",
    "## [Unreleased]",
    "",
    "- Something not released yet.",
    "",
    ...versions.flatMap(([version, notes]) => [`## [${version}] - 2026-12-01`, "", notes, ""]),
    "[unreleased]: https://github.com/contoso/aks-network-gate/compare/v1.0.0...HEAD",
    "",
  ].join("\n");

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    encoding: "utf8",
  }).trim();
}

/** A commit of package.json at `version` and CHANGELOG.md; returns its SHA. */
async function commitVersion(repo: string, version: string, changelog: string): Promise<string> {
  await writeFile(path.join(repo, "package.json"), `${JSON.stringify({ name: "aks-network-gate", version })}\n`);
  await writeFile(path.join(repo, "CHANGELOG.md"), changelog);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", `Release ${version}`);
  return git(repo, "rev-parse", "HEAD");
}

async function newRepo(): Promise<string> {
  const repo = await mkdtemp(path.join(tmpdir(), "release-"));
  git(repo, "init", "-q", "-b", "main");
  return repo;
}

/** Runs the script as the workflow does; `code` 0 or 1, with what it printed. */
async function release(repo: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? "", HOME: tmpdir() };
  const command = [process.execPath, ["--import", "tsx", "tools/release.ts", ...args, "--repo", repo]] as const;
  try {
    const { stdout, stderr } = await promisify(execFile)(...command, { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const NOTES_1_0_0 = "### Added\n\n- The gate.\n- Its evidence.";

describe("a version bump, dry run", () => {
  it("plans v1.0.0 and the major tag v1 at HEAD, with the version's notes and nothing else", async () => {
    const repo = await newRepo();
    const head = await commitVersion(repo, "1.0.0", CHANGELOG([["1.0.0", NOTES_1_0_0]]));
    const notesFile = path.join(repo, "..", `${path.basename(repo)}-notes.md`);
    const run = await release(repo, "plan", "--notes", notesFile);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      release: true,
      version: "1.0.0",
      tag: "v1.0.0",
      majorTag: "v1",
      prerelease: false,
      commit: head,
      notes: NOTES_1_0_0,
    });
    expect(await readFile(notesFile, "utf8")).toBe(`${NOTES_1_0_0}\n`);

    const dry = await release(repo, "tag", "--dry-run");
    expect(dry.stdout.trim().split("\n")).toEqual([`git tag v1.0.0 ${head}`, `git tag --force v1 ${head}`]);
    expect(git(repo, "tag", "--list")).toBe("");
  });

  it("moves v1 from 1.0.0 to 1.1.0, and refuses to release a tag twice", async () => {
    const repo = await newRepo();
    const first = await commitVersion(repo, "1.0.0", CHANGELOG([["1.0.0", NOTES_1_0_0]]));
    expect((await release(repo, "tag")).code).toBe(0);
    expect([git(repo, "rev-parse", "v1.0.0"), git(repo, "rev-parse", "v1")]).toEqual([first, first]);

    const again = await release(repo, "plan");
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toContain("release: Tag v1.0.0 already exists");

    const notes = "### Added\n\n- Findings as SARIF.";
    const second = await commitVersion(
      repo,
      "1.1.0",
      CHANGELOG([
        ["1.1.0", notes],
        ["1.0.0", NOTES_1_0_0],
      ]),
    );
    const plan = await release(repo, "plan");
    expect(JSON.parse(plan.stdout)).toMatchObject({ tag: "v1.1.0", majorTag: "v1", commit: second, notes });
    expect((await release(repo, "tag")).code).toBe(0);
    expect([git(repo, "rev-parse", "v1.0.0"), git(repo, "rev-parse", "v1.1.0"), git(repo, "rev-parse", "v1")]).toEqual([
      first,
      second,
      second,
    ]);
  });

  it("tags a pre-release without moving the major tag", async () => {
    const repo = await newRepo();
    await commitVersion(repo, "2.0.0-rc.1", CHANGELOG([["2.0.0-rc.1", "### Changed\n\n- A breaking change."]]));
    const plan = JSON.parse((await release(repo, "plan")).stdout) as { tag: string; majorTag?: string };
    expect(plan).toMatchObject({ tag: "v2.0.0-rc.1", prerelease: true });
    expect(plan.majorTag).toBeUndefined();
  });

  it("is no release when the version did not change since the commit before the push", async () => {
    const repo = await newRepo();
    const before = await commitVersion(repo, "1.0.0", CHANGELOG([["1.0.0", NOTES_1_0_0]]));
    await commitVersion(repo, "1.0.0", `${CHANGELOG([["1.0.0", NOTES_1_0_0]])}\n`);
    const run = await release(repo, "plan", "--since", before);
    expect(JSON.parse(run.stdout)).toEqual({
      release: false,
      version: "1.0.0",
      reason: `version 1.0.0 unchanged since ${before}`,
    });
    expect(JSON.parse((await release(repo, "plan", "--since", "0".repeat(40))).stdout)).toMatchObject({
      release: true,
      tag: "v1.0.0",
    });
  });

  it.each<[string, string, string]>([
    ["a CHANGELOG without the version's section", "1.0.0", "CHANGELOG.md has no section '## [1.0.0] - YYYY-MM-DD'"],
    ["a version that is not X.Y.Z", "1.0", "'1.0' is not a semantic version"],
  ])("refuses %s", async (_, version, message) => {
    const repo = await newRepo();
    await commitVersion(repo, version, CHANGELOG([["0.9.0", "- Old."]]));
    const run = await release(repo, "plan");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it("refuses a version below the latest release", async () => {
    const repo = await newRepo();
    await commitVersion(repo, "1.2.0", CHANGELOG([["1.2.0", "- Newer."]]));
    git(repo, "tag", "v1.2.0");
    await commitVersion(repo, "1.1.9", CHANGELOG([["1.1.9", "- Older."]]));
    const run = await release(repo, "plan");
    expect(run.stderr).toContain("Version 1.1.9 is below the latest release v1.2.0");
  });
});

describe("the pieces", () => {
  it("reads the notes of one version up to the next version or the link references", () => {
    const changelog = CHANGELOG([
      ["1.1.0", "- Two."],
      ["1.0.0", "- One."],
    ]);
    expect(changelogNotes(changelog, "1.1.0")).toBe("- Two.");
    expect(changelogNotes(changelog, "1.0.0")).toBe("- One.");
    expect(() => changelogNotes(CHANGELOG([["1.0.0", ""]]), "1.0.0")).toThrow(/is empty/u);
    expect(() => changelogNotes(changelog, "1.0")).toThrow(/no section/u);
  });

  it("orders versions as semantic versions, a pre-release below its release", () => {
    const sorted = ["1.10.0", "1.2.0", "1.2.0-rc.2", "1.2.0-rc.10", "2.0.0"]
      .map((text) => parseVersion(text)!)
      .sort(compareVersions)
      .map((version) => releaseTags(version).tag);
    expect(sorted).toEqual(["v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0", "v1.10.0", "v2.0.0"]);
  });
});

describe("this repository", () => {
  it("has CHANGELOG.md notes for package.json's version, and a LICENSE", async () => {
    const { version, license } = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
      version: string;
      license: string;
    };
    expect(changelogNotes(await readFile(path.join(ROOT, "CHANGELOG.md"), "utf8"), version)).toMatch(/^\S/u);
    expect(await readFile(path.join(ROOT, "CHANGELOG.md"), "utf8")).toContain("## [Unreleased]");
    expect(license).toBe("MIT");
    expect(await readFile(path.join(ROOT, "LICENSE"), "utf8")).toContain(
      "MIT License\n\nCopyright (c) 2026 AKS Network Gate contributors",
    );
  });

  it("releases from the workflow: on package.json pushed to main, dist/ checked, then plan, tag, push, draft", async () => {
    const workflow = parse(await readFile(path.join(ROOT, ".github/workflows/release.yml"), "utf8")) as {
      on: { push: { branches: string[]; paths: string[] } };
      jobs: { release: { permissions: Record<string, string>; steps: { run?: string }[] } };
    };
    expect(workflow.on.push).toEqual({ branches: ["main"], paths: ["package.json"] });
    expect(workflow.jobs.release.permissions).toEqual({ contents: "write" });
    const runs = workflow.jobs.release.steps.map((step) => step.run ?? "").join("\n");
    const order = [
      "npm ci",
      "tools/release.ts plan",
      "npm run build",
      "git diff --exit-code",
      "tools/release.ts tag",
      'git push origin "refs/tags/$TAG"',
      "gh release create",
    ].map((command) => runs.indexOf(command));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs).toContain("--draft");
  });
});
