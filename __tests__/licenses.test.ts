/**
 * licenses/THIRD_PARTY.md (npm run licenses): every runtime dependency that the
 * bundle holds is listed with a license and its text; `--check` in CI keeps it current.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const listing = readFileSync(path.join(ROOT, "licenses", "THIRD_PARTY.md"), "utf8");
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function rows(): Map<string, string> {
  return new Map(
    [...listing.matchAll(/^\| (\S+) \| (\S+) \| (.+) \|$/gmu)]
      .filter((match) => match[1] !== "package" && match[1] !== "---")
      .map((match) => [`${match[1]}@${match[2]}`, match[3] ?? ""]),
  );
}

it("lists every runtime dependency, each with a license and a section of its own", () => {
  const listed = rows();
  const names = [...listed.keys()].map((key) => key.slice(0, key.lastIndexOf("@")));
  for (const dependency of Object.keys(manifest.dependencies)) expect(names).toContain(dependency);
  for (const [key, license] of listed) {
    expect([key, license]).not.toEqual([key, "(none named)"]);
    expect(listing).toContain(`## ${key.slice(0, key.lastIndexOf("@"))} ${key.slice(key.lastIndexOf("@") + 1)}\n`);
  }
});

it("lists no tool that only builds or tests", () => {
  const names = [...rows().keys()].map((key) => key.slice(0, key.lastIndexOf("@")));
  for (const tool of ["esbuild", "jest", "typescript", "prettier", "@github/local-action"]) {
    expect(Object.keys(manifest.devDependencies)).toContain(tool);
    expect(names).not.toContain(tool);
  }
});
