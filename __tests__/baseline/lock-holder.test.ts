/**
 * The baseline lock records its holder; a holder that is gone on this host is
 * taken over at once, a live one and one on another host are waited for.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { withFileLock } from "../../src/io/files/lock.js";

async function baselineFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), "gate-lock-holder-")), "baseline.yml");
}

function record(pid: number, host = hostname()): string {
  return `${JSON.stringify({ pid, host, startedAt: "2026-11-23T10:00:00.000Z" })}\n`;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** The PID of a process that has run and exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await exited(child);
  return child.pid ?? 0;
}

function liveProcess(): ChildProcess {
  return spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
}

/** A log that resolves `seen(pattern)` once a line matching it is written. */
function watchedLog() {
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const log = (line: string) => {
    lines.push(line);
    for (const entry of waiting.filter((candidate) => candidate.pattern.test(line))) entry.resolve();
  };
  const seen = (pattern: RegExp) =>
    lines.some((line) => pattern.test(line))
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.push({ pattern, resolve }));
  return { lines, log, seen };
}

describe("the lock records its holder", () => {
  it("writes PID, host and start time while it is held, and removes the lock after", async () => {
    const file = await baselineFile();
    const holder = await withFileLock(file, async () => JSON.parse(await readFile(`${file}.lock`, "utf8")) as unknown);
    expect(holder).toEqual({ pid: process.pid, host: hostname(), startedAt: expect.stringMatching(/^\d{4}-/) });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe("a lock whose holder is gone on this host", () => {
  it("is taken over at once, with the temporary files the dead run left", async () => {
    const file = await baselineFile();
    const dead = await deadPid();
    await writeFile(`${file}.lock`, record(dead));
    await writeFile(path.join(path.dirname(file), `.baseline.yml.${dead}.cut.tmp`), "half a baseline");
    await writeFile(path.join(path.dirname(file), `.baseline.yml.${process.pid}.mine.tmp`), "not the dead run's");
    const { lines, log } = watchedLog();
    await expect(withFileLock(file, async () => "updated", { log })).resolves.toBe("updated");
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^Took over the stale lock .* of PID ${dead} on this host`)),
    ]);
    expect((await readdir(path.dirname(file))).sort()).toEqual([`.baseline.yml.${process.pid}.mine.tmp`]);
  });

  it("is taken over by one waiter at a time when two find it", async () => {
    const file = await baselineFile();
    await writeFile(`${file}.lock`, record(await deadPid()));
    const order: string[] = [];
    const update = (name: string) =>
      withFileLock(file, async () => {
        order.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push(`${name} end`);
      });
    await Promise.all([update("a"), update("b")]);
    expect(order).toHaveLength(4);
    expect(order[1]).toBe(`${order[0]?.split(" ")[0]} end`);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe("a lock that is not taken over", () => {
  it("waits for a live holder on this host, and takes the lock once that holder is gone", async () => {
    const file = await baselineFile();
    const live = liveProcess();
    const stillHeld = record(live.pid ?? 0);
    await writeFile(`${file}.lock`, stillHeld);
    const { lines, log, seen } = watchedLog();
    const update = withFileLock(file, async () => "after the holder died", { log });
    await seen(/^Waiting for the lock/);
    expect(await readFile(`${file}.lock`, "utf8")).toBe(stillHeld);
    live.kill("SIGKILL");
    await exited(live);
    await expect(update).resolves.toBe("after the holder died");
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^Waiting for the lock .*, held by PID ${live.pid} on this host`)),
      expect.stringMatching(/^Took over the stale lock/),
    ]);
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    [
      "a holder on another host, even with a PID that is gone here",
      async () => record(await deadPid(), "runner-on-another-host"),
      /held by PID \d+ on host runner-on-another-host/,
    ],
    ["a record that cannot be read", async () => "4242 2026-11-23T10:00:00Z\n", /held by a holder whose record/],
  ])("waits for %s until the lock is released", async (_, holder, described) => {
    const file = await baselineFile();
    const text = await holder();
    await writeFile(`${file}.lock`, text);
    const { lines, log, seen } = watchedLog();
    const update = withFileLock(file, async () => "after the release", { log });
    await seen(/^Waiting for the lock/);
    expect(await readFile(`${file}.lock`, "utf8")).toBe(text);
    await rm(`${file}.lock`);
    await expect(update).resolves.toBe("after the release");
    expect(lines).toEqual([expect.stringMatching(described)]);
  });
});
