/**
 * The release of a version bump merged to main (.github/workflows/release.yml):
 * package.json's version is the source; CHANGELOG.md (Keep a Changelog) has its
 * notes. This script decides; the workflow pushes and drafts.
 *
 *   node --import tsx tools/release.ts plan [--since REV] [--notes FILE] [--repo DIR]
 *     What the release of HEAD would be: the tag vX.Y.Z to create, the major
 *     tag vX to move (not for a pre-release), and the notes of the version.
 *     With --since, a version equal to the one at REV is no release (exit 0,
 *     `release: false`). Refuses (exit 1) a version that is not X.Y.Z[-pre], a
 *     tag that exists, a version below the latest release, and a CHANGELOG.md
 *     without a section for the version. Writes the notes to FILE, and the
 *     plan to $GITHUB_OUTPUT when set.
 *   node --import tsx tools/release.ts tag [--dry-run] [--repo DIR]
 *     Plans again, then creates vX.Y.Z at HEAD and moves vX to it (local
 *     tags only); --dry-run prints the git commands instead.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export class ReleaseError extends Error {}

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string | undefined;
}

export interface ReleasePlan {
  release: true;
  version: string;
  tag: string;
  /** The major tag to move to this commit; undefined for a pre-release. */
  majorTag: string | undefined;
  prerelease: boolean;
  commit: string;
  notes: string;
}

export type Plan = ReleasePlan | { release: false; version: string; reason: string };

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/u;

export function parseVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  const [, major, minor, patch, prerelease] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), prerelease };
}

/** Semantic version order, enough for release tags: numbers first, then a pre-release below its release. */
export function compareVersions(a: Version, b: Version): number {
  const numbers = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (numbers !== 0) return numbers;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease.localeCompare(b.prerelease, "en", { numeric: true });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

/** The notes of one version in a Keep a Changelog file: its `## [X.Y.Z] - YYYY-MM-DD` section, without the heading. */
export function changelogNotes(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/u);
  const heading = new RegExp(`^## \\[${escapeRegExp(version)}\\] - \\d{4}-\\d{2}-\\d{2}\\s*$`, "u");
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) {
    throw new ReleaseError(
      `CHANGELOG.md has no section '## [${version}] - YYYY-MM-DD': add the notes of ${version} (Keep a Changelog) before releasing it.`,
    );
  }
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^## /u.test(line) || /^\[[^\]]+\]:\s/u.test(line));
  const notes = (end < 0 ? rest : rest.slice(0, end)).join("\n").trim();
  if (notes === "") throw new ReleaseError(`CHANGELOG.md's section for ${version} is empty: say what changed.`);
  return notes;
}

/** The tags a version makes: vX.Y.Z, and vX moved to it unless it is a pre-release. */
export function releaseTags(version: Version): { tag: string; majorTag: string | undefined } {
  const base = `v${version.major}.${version.minor}.${version.patch}`;
  return {
    tag: version.prerelease === undefined ? base : `${base}-${version.prerelease}`,
    majorTag: version.prerelease === undefined ? `v${version.major}` : undefined,
  };
}

function git(repo: string, args: string[]): string {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function tryGit(repo: string, args: string[]): string | undefined {
  try {
    return git(repo, args);
  } catch {
    return undefined;
  }
}

function versionAt(repo: string, rev: string | undefined): string {
  const text =
    rev === undefined
      ? readFileSync(path.join(repo, "package.json"), "utf8")
      : git(repo, ["show", `${rev}:package.json`]);
  const { version } = JSON.parse(text) as { version?: unknown };
  if (typeof version !== "string") throw new ReleaseError(`package.json${rev ? ` at ${rev}` : ""} has no version.`);
  return version;
}

/** Whether REV names a commit of this clone (an all-zero `before` of a new branch does not). */
function knownCommit(repo: string, rev: string): boolean {
  return !/^0+$/u.test(rev) && tryGit(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]) !== undefined;
}

function latestRelease(repo: string): { tag: string; version: Version } | undefined {
  const tags = git(repo, ["tag", "--list", "v*"]).split("\n").filter(Boolean);
  const releases = tags.flatMap((tag) => {
    const version = parseVersion(tag.slice(1));
    return version ? [{ tag, version }] : [];
  });
  return releases.sort((a, b) => compareVersions(b.version, a.version))[0];
}

function refuseOlder(repo: string, text: string, version: Version): void {
  const latest = latestRelease(repo);
  if (latest && compareVersions(version, latest.version) < 0) {
    throw new ReleaseError(`Version ${text} is below the latest release ${latest.tag}: bump package.json past it.`);
  }
}

/** The release of HEAD in `repo`, or why there is none. */
export function planRelease(repo: string, options: { since?: string | undefined } = {}): Plan {
  const text = versionAt(repo, undefined);
  const { since } = options;
  if (
    since !== undefined &&
    knownCommit(repo, since) &&
    tryGit(repo, ["cat-file", "-e", `${since}:package.json`]) !== undefined
  ) {
    if (versionAt(repo, since) === text)
      return { release: false, version: text, reason: `version ${text} unchanged since ${since}` };
  }
  const version = parseVersion(text);
  if (!version) throw new ReleaseError(`package.json's version '${text}' is not a semantic version X.Y.Z[-pre].`);
  const { tag, majorTag } = releaseTags(version);
  const existing = tryGit(repo, ["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`]);
  if (existing !== undefined) {
    throw new ReleaseError(
      `Tag ${tag} already exists (at ${existing.slice(0, 12)}): bump the version in package.json to release again.`,
    );
  }
  refuseOlder(repo, text, version);
  const notes = changelogNotes(readFileSync(path.join(repo, "CHANGELOG.md"), "utf8"), text);
  const commit = git(repo, ["rev-parse", "HEAD"]);
  return { release: true, version: text, tag, majorTag, prerelease: version.prerelease !== undefined, commit, notes };
}

/** The git commands that create the version tag and move the major tag. */
export function tagCommands(plan: ReleasePlan): string[][] {
  const commands = [["tag", plan.tag, plan.commit]];
  if (plan.majorTag !== undefined) commands.push(["tag", "--force", plan.majorTag, plan.commit]);
  return commands;
}

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

function writeOutputs(plan: Plan, notesFile: string | undefined): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  const lines = plan.release
    ? [
        "release=true",
        `version=${plan.version}`,
        `tag=${plan.tag}`,
        `major-tag=${plan.majorTag ?? ""}`,
        `prerelease=${plan.prerelease}`,
        `notes-file=${notesFile ?? ""}`,
      ]
    : ["release=false", `version=${plan.version}`];
  appendFileSync(file, `${lines.join("\n")}\n`);
}

function main(argv: string[]): void {
  const [command] = argv;
  const repo = path.resolve(option(argv, "--repo") ?? process.cwd());
  if (command !== "plan" && command !== "tag") {
    throw new ReleaseError(
      "Usage: release.ts plan [--since REV] [--notes FILE] [--repo DIR] | tag [--dry-run] [--repo DIR]",
    );
  }
  const plan = planRelease(repo, { since: option(argv, "--since") });
  if (command === "plan") {
    const notesFile = option(argv, "--notes");
    if (plan.release && notesFile !== undefined) writeFileSync(notesFile, `${plan.notes}\n`);
    writeOutputs(plan, notesFile);
    console.log(JSON.stringify(plan, null, 2));
    return;
  }
  if (!plan.release) return;
  for (const args of tagCommands(plan)) {
    if (argv.includes("--dry-run")) console.log(`git ${args.join(" ")}`);
    else git(repo, args);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof ReleaseError ? `release: ${error.message}` : error);
    process.exitCode = 1;
  }
}
