/**
 * A fleet's baseline parsed on a second thread (src/io/files/baseline-thread.ts
 * with the built dist/baseline-thread.js, as the action runs it) reads every
 * file exactly as the gate's own thread does: the same baseline, the same
 * lines, the same problems; and a thread that fails only costs time.
 */
import { Worker } from "node:worker_threads";
import { upsertClusters } from "../../src/core/baseline/edit.js";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { type ParsedBaseline, parseBaseline } from "../../src/core/baseline/parse.js";
import { type BaselineThreadAnswer, offThreadParser } from "../../src/io/files/baseline-thread.js";
import { kubenetSnapshot } from "../fixtures/snapshots.js";
import { FILE, FULL, withLines } from "./fixtures.js";

const BUILT = new URL("../../dist/baseline-thread.js", import.meta.url);
/** A thread Node will not start (no scheme it loads from; nothing is sent), one that cannot load, one that ends without a word. */
const UNSTARTABLE = new URL("ftp://127.0.0.1/baseline-thread.js");
const THROWS = new URL(`data:text/javascript,${encodeURIComponent('throw new Error("no parser here");')}`);
const SILENT = new URL(`data:text/javascript,${encodeURIComponent("process.exit(3);")}`);

function logger() {
  const lines: string[] = [];
  return { lines, info: (message: string) => void lines.push(message) };
}

function fleetFile(count: number): string {
  const entries = Array.from({ length: count }, (_, index) => {
    const snapshot = kubenetSnapshot(2 + (index % 3));
    return baselineFromSnapshot({ ...snapshot, id: snapshot.id.replace("clustername1", `aks-${index}`) });
  });
  return upsertClusters(null, FILE, entries);
}

/** Every key, value and order, an undefined one too, whichever realm made the objects (jest's or the thread's). */
function exactly(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) => (item === undefined ? "(undefined)" : item));
}

function sameRead(offThread: ParsedBaseline, here: ParsedBaseline): void {
  expect(exactly(offThread.baseline)).toBe(exactly(here.baseline));
  for (const cluster of here.baseline.clusters) {
    for (const path of [[], ["networkProfile", "podCidrs"], ["routeTables", 0, "routes"]] as const) {
      expect([cluster.id, path, offThread.locate(cluster.id, path)]).toEqual([
        cluster.id,
        path,
        here.locate(cluster.id, path),
      ]);
    }
  }
  expect(offThread.locateClusters()).toEqual(here.locateClusters());
}

it("reads a fleet's file as this thread does, baseline and lines, and says nothing of itself", async () => {
  const text = fleetFile(40);
  const log = logger();
  sameRead(await offThreadParser(BUILT, log)(text, FILE), parseBaseline(text, FILE));
  expect(log.lines).toEqual([]);
});

it("is sent the text and answers with the baseline itself, or null for a file to read again for its problems", async () => {
  const answer = (text: string) =>
    new Promise<BaselineThreadAnswer>((resolve, reject) => {
      const thread = new Worker(BUILT, { workerData: text });
      thread.once("message", resolve);
      thread.once("error", reject);
    });
  const text = fleetFile(5);
  expect(exactly((await answer(text)).baseline)).toBe(exactly(parseBaseline(text, FILE).baseline));
  expect(await answer(withLines({ 11: "      podCidrs: [10.244.0.0/33]" }))).toEqual({ baseline: null });
});

it("reads a hand-written file, exclusions and all, as this thread does", async () => {
  const text = `${FULL}exclude:\n  - id: /subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/lab\n    reason: a lab\n`;
  const here = parseBaseline(text, FILE);
  expect(here.baseline.exclusions).toHaveLength(1);
  const offThread = await offThreadParser(BUILT, logger())(text, FILE);
  sameRead(offThread, here);
  expect(offThread.locateExclusion(here.baseline.exclusions[0]!.id)).toEqual(
    here.locateExclusion(here.baseline.exclusions[0]!.id),
  );
});

it("rejects a broken file with the problems and lines this thread finds", async () => {
  const text = withLines({ 11: "      podCidrs: [10.244.0.0/33]" });
  const here = (() => {
    try {
      parseBaseline(text, FILE);
    } catch (error) {
      return error;
    }
    throw new Error("the broken file parsed");
  })();
  await expect(offThreadParser(BUILT, logger())(text, FILE)).rejects.toEqual(here);
  await expect(offThreadParser(BUILT, logger())(text, FILE)).rejects.toMatchObject({
    name: "BaselineError",
    problems: (here as { problems: unknown }).problems,
  });
});

it.each([
  [
    "fails",
    THROWS,
    /^The baseline's own thread failed \(no parser here\), a defect of the gate \(please report it\); the baseline is parsed on the gate's thread instead/,
  ],
  [
    "ends without an answer",
    SILENT,
    /^The baseline's own thread ended with code 3 before it answered, a defect of the gate/,
  ],
  [
    "cannot start",
    UNSTARTABLE,
    /^The baseline's own thread could not start \(.*\), a defect of the gate \(please report it\); the baseline is parsed/,
  ],
])("parses on this thread when its own thread %s, and says so in the log", async (_, script, said) => {
  const text = fleetFile(3);
  const log = logger();
  sameRead(await offThreadParser(script, log)(text, FILE), parseBaseline(text, FILE));
  expect(log.lines).toEqual([expect.stringMatching(said)]);
});

it("still rejects a broken file when its own thread fails", async () => {
  const text = withLines({ 11: "      podCidrs: [10.244.0.0/33]" });
  await expect(offThreadParser(THROWS, logger())(text, FILE)).rejects.toMatchObject({ name: "BaselineError" });
});
