import { mkdir, open, rm, stat } from "node:fs/promises";
import path from "node:path";
import { GateError } from "../errors.js";

/** A lock older than this was left by a run that died; it is broken. */
export const STALE_LOCK_MS = 120_000;
const WAIT_MS = 50;
const GIVE_UP_MS = 60_000;

async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, "wx");
    await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  }
}

async function breakIfStale(lockPath: string, now: number): Promise<void> {
  const info = await stat(lockPath).catch(() => undefined);
  if (info && now - info.mtimeMs > STALE_LOCK_MS) await rm(lockPath, { force: true });
}

/**
 * Runs `update` while holding `<file>.lock`, so two runs that refresh the
 * same baseline at once each read the other's result instead of overwriting
 * it: both clusters land in the file.
 */
export async function withFileLock<T>(file: string, update: () => Promise<T>): Promise<T> {
  const lockPath = `${file}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  const started = Date.now();
  while (!(await tryLock(lockPath))) {
    if (Date.now() - started > GIVE_UP_MS) {
      throw new GateError(
        `Another run has held '${lockPath}' for over ${GIVE_UP_MS / 1000} s.`,
        "If no other capture is running, delete the lock file and run again.",
      );
    }
    await breakIfStale(lockPath, Date.now());
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS + Math.random() * WAIT_MS));
  }
  try {
    return await update();
  } finally {
    await rm(lockPath, { force: true });
  }
}
