/**
 * The quick read of a baseline (src/core/baseline/quick.ts) must read every
 * file it takes exactly as the full read does: the same value, the same
 * baseline, the same line for every field it is asked to locate; and leave
 * every file it is unsure of to the full read.
 */
import { parse } from "yaml";
import { upsertClusters } from "../../src/core/baseline/edit.js";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import {
  type ParsedBaseline,
  parseBaseline,
  parseBaselineInFull,
  parseBaselineInSteps,
} from "../../src/core/baseline/parse.js";
import { EntryIndex, quickValue } from "../../src/core/baseline/quick.js";
import type { PathSegment } from "../../src/core/baseline/document.js";
import { kubenetSnapshot } from "../fixtures/snapshots.js";
import { AKS1, AKS2, FILE, FULL } from "./fixtures.js";

/** Every scalar form of YAML 1.2's core schema, and some that look like one. */
const SCALARS = [
  "010",
  "0o17",
  "0x1F",
  "1e3",
  "1E+3",
  ".inf",
  "-.Inf",
  "+.INF",
  ".NaN",
  "~",
  "null",
  "Null",
  "NULL",
  "",
  "true",
  "True",
  "TRUE",
  "false",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "2026-01-01",
  "12:30",
  "1_000",
  "0b11",
  "+5",
  "-0",
  "1.",
  ".5",
  "-.5",
  "0.",
  "0777",
  "-012",
  "+0x1",
  "Infinity",
  "nan",
  "'q'",
  '"\\u00e9"',
  '"a\\tb"',
  "'it''s'",
  "10.244.0.0/16",
  "fd00::/64",
  "a b",
  '"#x"',
];

function fieldPaths(value: unknown, prefix: PathSegment[] = [], depth = 0): PathSegment[][] {
  if (depth > 5 || value === null || typeof value !== "object") return [prefix];
  const entries: [PathSegment, unknown][] = Array.isArray(value)
    ? value.map((item, index): [PathSegment, unknown] => [index, item])
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => fieldPaths(item, [...prefix, key], depth + 1))];
}

function sameReading(quick: ParsedBaseline, full: ParsedBaseline, ids: readonly string[]): void {
  expect(quick.baseline).toEqual(full.baseline);
  for (const cluster of full.baseline.clusters) {
    const { id, suppressions, ...entry } = cluster;
    for (const path of [...fieldPaths(entry), ...suppressions.map((_, index) => ["suppressions", index])]) {
      expect([id, path, quick.locate(id, path)]).toEqual([id, path, full.locate(id, path)]);
    }
  }
  for (const id of ids) expect(quick.locate(id, [])).toEqual(full.locate(id, []));
  expect(quick.locateClusters()).toEqual(full.locateClusters());
}

function fleetFile(count: number): string {
  const entries = Array.from({ length: count }, (_, index) => {
    const snapshot = kubenetSnapshot(2 + (index % 3));
    const id = snapshot.id.replace("clustername1", `aks-${index}`);
    return baselineFromSnapshot({ ...snapshot, id });
  });
  return upsertClusters(null, FILE, entries);
}

describe("the quick read of a baseline", () => {
  it("reads every scalar form of the core schema as the full read does", () => {
    for (const scalar of SCALARS) {
      const text = `k: ${scalar}\n`;
      const quick = quickValue(text);
      expect([scalar, quick === undefined ? undefined : structuredClone(quick)]).toEqual([
        scalar,
        parse(text, { strict: true, uniqueKeys: true }),
      ]);
    }
  });

  it("reads the hand-written fixture, comments and all, as the full read does, line for line", () => {
    expect(quickValue(FULL)).toBeDefined();
    sameReading(parseBaseline(FULL, FILE), parseBaselineInFull(FULL, FILE), [AKS1, AKS2, `${AKS1}-gone`]);
  });

  it("reads a file the gate wrote for a fleet as the full read does, and locates by entry", () => {
    const text = fleetFile(12);
    const ids = parseBaselineInFull(text, FILE).baseline.clusters.map((cluster) => cluster.id);
    expect(EntryIndex.of(text, ids)?.has(ids[5] ?? "")).toBe(true);
    sameReading(parseBaseline(text, FILE), parseBaselineInFull(text, FILE), [...ids, `${ids[0]}-gone`]);
  });

  it("locates in the full document a file not written as the gate writes it", () => {
    const flow = `version: 1\nclusters: {${JSON.stringify(AKS1)}: {networkProfile: {networkPlugin: kubenet}}}\n`;
    expect(EntryIndex.of(flow, [AKS1])).toBeUndefined();
    sameReading(parseBaseline(flow, FILE), parseBaselineInFull(flow, FILE), [AKS1]);
    const quoted = FULL.replace(`  ${AKS1}:`, `  "${AKS1}":`);
    expect(EntryIndex.of(quoted, [AKS1, AKS2])).toBeUndefined();
    sameReading(parseBaseline(quoted, FILE), parseBaselineInFull(quoted, FILE), [AKS1, AKS2]);
  });

  it.each([
    ["an anchor and an alias", "x: &a 1\ny: *a\n"],
    ["a tag", "x: !!str 1\n"],
    ["a merge key", "x:\n  <<: {a: 1}\n"],
    ["a directive", "%YAML 1.2\n---\nx: 1\n"],
  ])("leaves a file with %s to the full read", (_what, text) => {
    expect(quickValue(text)).toBeUndefined();
  });

  it("leaves a file it cannot read to the full read, which names the problem and its line", () => {
    const broken = FULL.replace("      podCidrs: [10.244.0.0/16]", "      podCidrs: [10.244.0.0/16");
    expect(quickValue(broken)).toBeUndefined();
    expect(() => parseBaseline(broken, FILE)).toThrow(/aks-network-baseline\.yml:\d+/u);
    const invalid = FULL.replace("networkPlugin: kubenet", "networkPlugin: 7");
    expect(quickValue(invalid)).toBeDefined();
    expect(() => parseBaseline(invalid, FILE)).toThrow(`${FILE}:7:`);
  });
});

describe("the baseline read in steps (a fleet check reads it while discovery is out)", () => {
  it("pauses twice and reads a valid file as parseBaseline does, lines included", async () => {
    let pauses = 0;
    const stepped = await parseBaselineInSteps(FULL, FILE, async () => {
      pauses += 1;
    });
    const whole = parseBaseline(FULL, FILE);
    expect(pauses).toBe(2);
    expect(stepped.baseline).toEqual(whole.baseline);
    for (const id of whole.baseline.clusters.map((cluster) => cluster.id)) {
      expect(stepped.locate(id, ["networkProfile", "podCidrs"])).toEqual(
        whole.locate(id, ["networkProfile", "podCidrs"]),
      );
    }
  });

  it("refuses a broken file with the same located error as parseBaseline", async () => {
    const broken = FULL.replace("version: 1", "version: 2");
    let expected = "";
    try {
      parseBaseline(broken, FILE);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).toContain(`${FILE}:2:`);
    await expect(parseBaselineInSteps(broken, FILE, async () => undefined)).rejects.toThrow(expected);
  });
});
