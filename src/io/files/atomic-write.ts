/**
 * The baseline written to disk: atomically, so that a reader sees the old
 * file or the new one, never a torn mix.
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, rename, rm, stat, chmod } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GateError } from "../../core/errors.js";

/** The step of an atomic write that tests replace to make it fail at the last moment. */
export interface AtomicWriteIo {
  rename(from: string, to: string): Promise<void>;
}

/** How the temporary files of process `pid` next to `path` begin; a run killed mid-write leaves one. */
export function temporaryPrefix(path: string, pid: number): string {
  return `.${basename(path)}.${pid}.`;
}

/**
 * Writes a file so that it is either the old file or the new one, never a
 * torn mix: a temporary file in the same directory, flushed, then renamed
 * over the target. On failure the temporary file is removed and the target
 * is left as it was. Parent directories are created.
 */
export async function writeFileAtomic(path: string, text: string, io: AtomicWriteIo = { rename }): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `${temporaryPrefix(path, process.pid)}${randomUUID()}.tmp`);
  try {
    await mkdir(directory, { recursive: true });
    await writeAndFlush(temporary, text, await existingMode(path));
    await io.rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new GateError(`Cannot write ${path}: ${reason}`, "Check that the path is a writable file in the workspace.");
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mode & 0o777 : undefined;
  } catch {
    return undefined;
  }
}

async function writeAndFlush(path: string, text: string, mode: number | undefined): Promise<void> {
  const handle = await open(path, "wx", 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (mode !== undefined) await chmod(path, mode);
}
