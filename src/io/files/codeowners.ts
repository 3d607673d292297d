import { readFile } from "node:fs/promises";
import path from "node:path";
import { CODEOWNERS_LOCATIONS, type CodeownersRule, parseCodeowners } from "../../core/issues/owner.js";

/** The CODEOWNERS file GitHub would use for the workspace's repository, if there is one. */
export async function readCodeowners(
  workspace: string,
): Promise<{ file: string; rules: CodeownersRule[] } | undefined> {
  for (const file of CODEOWNERS_LOCATIONS) {
    const text = await readFile(path.join(workspace, file), "utf8").catch(() => undefined);
    if (text !== undefined) return { file, rules: parseCodeowners(text) };
  }
  return undefined;
}
