/**
 * The lock that serializes the read-modify-write of one baseline file
 * (`<file>.lock`). The lock file records its holder (PID, host, start time):
 *
 * - a lock whose holder ran on this host and is gone (no process has its PID)
 *   was left by a killed run, and is taken over at once, with the temporary
 *   files that run left next to the baseline;
 * - a lock from another host, or one whose record cannot be read, is waited
 *   for and then refused: the folder may be shared with a run there that is
 *   still alive, and this host cannot see its processes;
 * - any lock older than STALE_LOCK_MS is broken (the update it guards takes
 *   well under a second; older means its holder died or its PID was reused).
 *
 * While the lock is held, SIGINT (the runner's cancel) and SIGTERM remove it
 * before the process ends as the signal says, so a cancelled run leaves none.
 * The baseline itself is written atomically (write.ts): it is the old file or
 * the new one, whenever the run is stopped.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { GateError } from "../../core/errors.js";
import { temporaryPrefix } from "./atomic-write.js";

/** A lock older than this was left by a run that died; it is broken. */
export const STALE_LOCK_MS = 120_000;
const WAIT_MS = 50;
const GIVE_UP_MS = 60_000;

/** Who holds a lock, as its file records it. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface LockOptions {
  /** Told when the lock is waited for or taken over. */
  log?: (message: string) => void;
}

/** What a waiter found in the lock file. */
interface Found {
  record: string;
  holder: LockHolder | null;
  /** `gone`: its holder died on this host; `stale`: older than STALE_LOCK_MS; `held`: wait. */
  verdict: "gone" | "stale" | "held";
}

function parseHolder(record: string): LockHolder | null {
  try {
    const { pid, host, startedAt } = JSON.parse(record) as Partial<LockHolder>;
    if (!Number.isSafeInteger(pid) || (pid ?? 0) <= 0) return null;
    if (typeof host !== "string" || typeof startedAt !== "string") return null;
    return { pid: pid as number, host, startedAt };
  } catch {
    return null;
  }
}

/** True when the holder ran on this host and no process has its PID (EPERM: it lives, as another user). */
function isGone(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function describeHolder(found: Found): string {
  const { holder } = found;
  if (!holder) return "a holder whose record cannot be read";
  const where = holder.host === hostname() ? "this host" : `host ${holder.host}`;
  return `PID ${holder.pid} on ${where}, since ${holder.startedAt}`;
}

/** Creates `file` with `text` if it does not exist; false when it does. `taken` when it is created, `written` when it holds the text. */
async function create(file: string, text: string, taken?: () => void, written?: () => void): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  }
  taken?.();
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  written?.();
  return true;
}

async function inspect(lockPath: string): Promise<Found | null> {
  const [record, info] = await Promise.all([
    readFile(lockPath, "utf8").catch(() => null),
    stat(lockPath).catch(() => null),
  ]);
  if (record === null || info === null) return null;
  const holder = parseHolder(record);
  if (holder && isGone(holder)) return { record, holder, verdict: "gone" };
  return { record, holder, verdict: Date.now() - info.mtimeMs > STALE_LOCK_MS ? "stale" : "held" };
}

/**
 * Removes the lock if it still holds `record`. Removers take turns through
 * `<lock>.takeover`, so two waiters that found the same dead holder cannot
 * remove the lock that one of them has just taken; a turn left by a dead
 * remover is cleared the same way.
 */
async function removeIfUnchanged(lockPath: string, record: string): Promise<boolean> {
  const turn = `${lockPath}.takeover`;
  if (!(await create(turn, ownRecord()))) {
    const other = await inspect(turn);
    if (other && other.verdict !== "held") await rm(turn, { force: true });
    return false;
  }
  try {
    if ((await readFile(lockPath, "utf8").catch(() => null)) !== record) return false;
    await rm(lockPath, { force: true });
    return true;
  } finally {
    await rm(turn, { force: true });
  }
}

/** Removes the temporary files that process `pid` left next to the baseline while writing it. */
function removeLeftoversSync(file: string, pid: number): void {
  const folder = path.dirname(file);
  const prefix = temporaryPrefix(file, pid);
  try {
    for (const name of readdirSync(folder)) {
      if (name.startsWith(prefix) && name.endsWith(".tmp")) rmSync(path.join(folder, name), { force: true });
    }
  } catch {
    // A folder that cannot be listed holds nothing this run can clear.
  }
}

function ownRecord(): string {
  return `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() })}\n`;
}

/** Removes a dead or stale holder's lock; false when another waiter is at it. */
async function takeOver(file: string, lockPath: string, found: Found, log: (message: string) => void) {
  if (!(await removeIfUnchanged(lockPath, found.record))) return false;
  if (found.verdict === "gone" && found.holder) {
    removeLeftoversSync(file, found.holder.pid);
    log(`Took over the stale lock '${lockPath}' of ${describeHolder(found)}: that process is gone.`);
  } else {
    log(`Broke the lock '${lockPath}' of ${describeHolder(found)}: it is older than ${STALE_LOCK_MS / 1000} s.`);
  }
  return true;
}

function gaveUp(lockPath: string, found: Found | null): GateError {
  const holder = found ? `: ${describeHolder(found)}` : "";
  return new GateError(
    `Another run has held '${lockPath}' for over ${GIVE_UP_MS / 1000} s${holder}.`,
    "If no other capture is running, delete the lock file and run again. A lock from another host is never taken over: the folder may be shared with a run there that is still alive.",
  );
}

/** Takes the lock, waiting for a live holder and taking over a dead one. */
async function acquire(file: string, lockPath: string, own: OwnLock, log: (m: string) => void) {
  const started = Date.now();
  let told = false;
  while (
    !(await create(
      lockPath,
      own.record,
      () => hold(lockPath, own),
      () => (own.written = true),
    ))
  ) {
    const found = await inspect(lockPath);
    if (found && found.verdict !== "held" && (await takeOver(file, lockPath, found, log))) continue;
    if (found && !told) {
      told = true;
      log(`Waiting for the lock '${lockPath}', held by ${describeHolder(found)}.`);
    }
    if (Date.now() - started > GIVE_UP_MS) throw gaveUp(lockPath, found);
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS + Math.random() * WAIT_MS));
  }
}

/** This run's lock: its record, and whether the file holds all of it yet. */
interface OwnLock {
  record: string;
  written: boolean;
}

/**
 * Removes the lock when it is this run's: its record, or, while the record is
 * still being written (a signal then), a part of it. Once written, an empty
 * or cut file is another run's, created after this run's lock was broken as
 * stale, and stays.
 */
function removeOwnSync(lockPath: string, own: OwnLock): void {
  try {
    const text = readFileSync(lockPath, "utf8");
    if (own.written ? text === own.record : own.record.startsWith(text)) rmSync(lockPath, { force: true });
  } catch {
    // Already gone: nothing to release.
  }
}

/** The locks this process may hold (taken, or being taken), by lock path. */
const held = new Map<string, OwnLock>();

/** On a signal or an exit while a lock is held: no lock and no half-written temporary file stays behind. */
function releaseAllSync(): void {
  for (const [lockPath, own] of held) {
    removeLeftoversSync(lockPath.slice(0, -".lock".length), process.pid);
    removeOwnSync(lockPath, own);
  }
}

/**
 * SIGINT and SIGTERM while a lock is held: the locks are removed and the
 * signal is raised again, so the run ends as the signal says (the runner sees
 * 130 or 143). When other listeners handle the signal, they end the run: the
 * `exit` hook and the `finally` of withFileLock then release the locks.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAllSync();
  watchSignals(false);
  process.kill(process.pid, signal);
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

function watchSignals(on: boolean): void {
  for (const signal of SIGNALS) process[on ? "on" : "off"](signal, onSignal);
  process[on ? "on" : "off"]("exit", releaseAllSync);
}

function hold(lockPath: string, own: OwnLock): void {
  if (held.size === 0) watchSignals(true);
  held.set(lockPath, own);
}

function release(lockPath: string, own: OwnLock): void {
  held.delete(lockPath);
  removeOwnSync(lockPath, own);
  if (held.size === 0) watchSignals(false);
}

/**
 * Runs `update` while holding `<file>.lock`, so two runs that refresh the
 * same baseline at once each read the other's result instead of overwriting
 * it: both clusters land in the file.
 */
export async function withFileLock<T>(file: string, update: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${file}.lock`;
  const log = options.log ?? (() => undefined);
  await mkdir(path.dirname(file), { recursive: true });
  const own: OwnLock = { record: ownRecord(), written: false };
  try {
    await acquire(file, lockPath, own, log);
    return await update();
  } finally {
    if (held.get(lockPath) === own) release(lockPath, own);
  }
}
