import { existsSync } from "node:fs";
import { mkdtemp, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { STALE_LOCK_MS, withFileLock } from "../../src/io/files/lock.js";

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "gate-lock-"));
}

describe("withFileLock", () => {
  it("creates the folder of a baseline that does not exist yet", async () => {
    const file = path.join(await scratch(), ".github", "aks-network-baseline.yml");
    await expect(withFileLock(file, async () => "written")).resolves.toBe("written");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("runs one update at a time", async () => {
    const file = path.join(await scratch(), "baseline.yml");
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
  });

  it("releases the lock when the update fails", async () => {
    const file = path.join(await scratch(), "baseline.yml");
    await expect(withFileLock(file, async () => Promise.reject(new Error("disk full")))).rejects.toThrow("disk full");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("breaks a lock left by a run that died", async () => {
    const file = path.join(await scratch(), "baseline.yml");
    await writeFile(`${file}.lock`, "4242 long ago\n");
    const old = new Date(Date.now() - STALE_LOCK_MS - 60_000);
    await utimes(`${file}.lock`, old, old);
    await expect(withFileLock(file, async () => "after the stale lock")).resolves.toBe("after the stale lock");
  });

  it("leaves another run's lock that is still empty when its own was broken as stale meanwhile", async () => {
    const file = path.join(await scratch(), "baseline.yml");
    const lock = `${file}.lock`;
    await withFileLock(file, async () => {
      await writeFile(lock, "");
    });
    expect(existsSync(lock)).toBe(true);
  });
});
