/** Writing a fleet in one change: upsertClusters, removeClusters and managedRoutesByCluster. */
import fc from "fast-check";
import {
  existingManagedRoutes,
  managedRoutesByCluster,
  removeClusters,
  upsertCluster,
  upsertClusters,
  upsertEach,
} from "../../src/core/baseline/edit.js";
import { parseBaseline } from "../../src/core/baseline/parse.js";
import { GateError } from "../../src/core/errors.js";
import type { BaselineCluster } from "../../src/core/model.js";
import {
  AKS1,
  AKS1_ENTRY,
  AKS2,
  AKS2_ENTRY,
  AKS3,
  capturedAks1,
  FILE,
  FULL,
  ROUTE_TABLE,
  withLines,
} from "./fixtures.js";

const clusterId = (name: string) => AKS3.replace("aks3", name);

/** A small entry for a cluster that is not in the file. */
function fresh(name: string, plugin = "azure"): BaselineCluster {
  return {
    id: clusterId(name),
    networkProfile: { networkPlugin: plugin, podCidrs: ["10.244.0.0/16"] },
    suppressions: [],
  };
}

const EXCLUDE = `exclude: # in scope, not gated\n  - id: ${clusterId("sandbox")}\n    reason: rebuilt weekly\n`;

/** FULL with comments around and inside the entries, and an exclude section. */
const COMMENTED =
  withLines({
    1: "# yaml-language-server: $schema=https://example.test/schema.json\n# Owned by the platform team.",
    3: "clusters: # keyed by resource ID",
    5: '    owner: "@contoso/platform" # hand-written\n    # the profile below is captured',
    16: "      ipFamilies: [IPv4]   # single stack",
    46: "        reason: migration planned in Q3, CHG-1234 # see the ticket\n  # the second cluster is dual stack",
    52: "      ipFamilies: [IPv4, IPv6] # dual\n    # last line of aks2",
  }) +
  "# end of clusters\n" +
  EXCLUDE;

const ids = (text: string) => parseBaseline(text, FILE).baseline.clusters.map((cluster) => cluster.id);
const entryOf = (text: string, id: string) =>
  parseBaseline(text, FILE).baseline.clusters.find((cluster) => cluster.id.toLowerCase() === id.toLowerCase());

/** The text of one entry: from its key line to the next line at its indentation or less. */
function entryText(text: string, id: string): string {
  const start = text.indexOf(`  ${id}:\n`);
  const rest = text.slice(start + 1);
  const next = rest.search(/\n {0,2}\S/u);
  return text.slice(start, next === -1 ? undefined : start + 1 + next + 1).replace(/\n+$/u, "\n");
}

describe("upsertClusters: a new file", () => {
  test("every entry, sorted by ID whatever the capture order, one header", () => {
    const entries = [fresh("zeta"), fresh("Alpha"), fresh("beta")];
    const text = upsertClusters(null, FILE, entries);
    expect(ids(text)).toEqual([clusterId("Alpha"), clusterId("beta"), clusterId("zeta")]);
    expect(upsertClusters(null, FILE, [...entries].reverse())).toBe(text);
    expect(text.match(/^# AKS Network Gate baseline/gmu)).toHaveLength(1);
    expect(parseBaseline(text, FILE).baseline.exclusions).toEqual([]);
  });

  test("no entry: a GateError, not an empty baseline", () => {
    expect(() => upsertClusters(null, FILE, [])).toThrow(GateError);
  });
});

describe("upsertClusters: an existing file", () => {
  test("updates entries in place, appends new ones sorted, and keeps comments, exclude and other entries byte for byte", () => {
    const text = upsertClusters(COMMENTED, FILE, [fresh("omega"), capturedAks1(), fresh("delta")]);
    expect(ids(text)).toEqual([AKS1, AKS2, clusterId("delta"), clusterId("omega")]);
    expect(text.startsWith(COMMENTED.slice(0, COMMENTED.indexOf("    networkProfile:")))).toBe(true);
    expect(text).toContain("    # the profile below is captured\n");
    expect(text).toContain(entryText(COMMENTED, AKS2));
    expect(text).toContain("  # the second cluster is dual stack\n");
    expect(text.endsWith(`# end of clusters\n${EXCLUDE}`)).toBe(true);
    expect(entryOf(text, AKS1)).toEqual({
      ...capturedAks1(),
      owner: AKS1_ENTRY.owner,
      suppressions: AKS1_ENTRY.suppressions,
    });
    expect(parseBaseline(text, FILE).baseline.exclusions).toEqual([
      { id: clusterId("sandbox"), reason: "rebuilt weekly" },
    ]);
  });

  test("is the same as upserting one entry after another (new ones in ID order)", () => {
    const entries = [fresh("omega"), capturedAks1(), fresh("delta"), { ...AKS2_ENTRY, owner: "@team-b" }];
    const sequential = [capturedAks1(), { ...AKS2_ENTRY, owner: "@team-b" }, fresh("delta"), fresh("omega")].reduce(
      (text, entry) => upsertCluster(text, FILE, entry),
      COMMENTED,
    );
    expect(upsertClusters(COMMENTED, FILE, entries)).toBe(sequential);
  });

  test("entries that did not change leave the file as it was; so does an empty list", () => {
    expect(upsertClusters(COMMENTED, FILE, [AKS1_ENTRY, AKS2_ENTRY])).toBe(COMMENTED);
    expect(upsertClusters(COMMENTED, FILE, [])).toBe(COMMENTED);
  });

  test("an excluded cluster is refused with the line of its exclusion; the text is not changed", () => {
    const sandbox = fresh("SANDBOX");
    const line = COMMENTED.split("\n").findIndex((text) => text.includes(clusterId("sandbox"))) + 1;
    expect(() => upsertClusters(COMMENTED, FILE, [fresh("delta"), sandbox])).toThrow(
      `${FILE}:${line}: ${sandbox.id} is excluded (rebuilt weekly)`,
    );
  });

  test("two entries for one cluster (IDs compare ignoring case) are refused", () => {
    expect(() => upsertClusters(FULL, FILE, [capturedAks1(), { ...capturedAks1(), id: AKS1.toUpperCase() }])).toThrow(
      /Two captured entries are for/u,
    );
  });

  test("a flow-style entry is refused only when it is one of those written", () => {
    const flow = `version: 1\nclusters:\n  ${AKS1}: {networkProfile: {networkPlugin: azure}}\n  ${AKS2}:\n    networkProfile: {}\n`;
    expect(ids(upsertClusters(flow, FILE, [AKS2_ENTRY, fresh("delta")]))).toEqual([AKS1, AKS2, clusterId("delta")]);
    expect(() => upsertClusters(flow, FILE, [capturedAks1()])).toThrow(/not written as a block map/u);
  });

  test("CRLF files stay CRLF", () => {
    const crlf = COMMENTED.replaceAll("\n", "\r\n");
    const text = upsertClusters(crlf, FILE, [capturedAks1(), fresh("delta")]);
    expect(text.replaceAll("\r\n", "")).not.toContain("\n");
    expect(ids(text)).toEqual([AKS1, AKS2, clusterId("delta")]);
  });
});

describe("upsertEach: a fleet's write, an entry at a time where it must", () => {
  const flow = `version: 1\nclusters:\n  ${AKS1}: {networkProfile: {networkPlugin: azure}}\n  ${AKS2}:\n    networkProfile: {}\n`;

  test("writes the others when one entry's layout is refused, and returns that one with why", () => {
    const { text, written, refused } = upsertEach(flow, FILE, [capturedAks1(), AKS2_ENTRY, fresh("delta")]);
    expect(ids(text ?? "")).toEqual([AKS1, AKS2, clusterId("delta")]);
    expect(text).toContain(`  ${AKS1}: {networkProfile: {networkPlugin: azure}}\n`);
    expect(entryOf(text ?? "", AKS2)).toEqual(AKS2_ENTRY);
    expect(written.map((entry) => entry.id)).toEqual([AKS2, clusterId("delta")]);
    expect(refused.map((error) => [error.clusterId, error.message])).toEqual([
      [AKS1, `${FILE}: the entry of ${AKS1} is not written as a block map, so the gate cannot update it in place.`],
    ]);
  });

  test("refuses an excluded cluster's entry alone, with the line of its exclusion", () => {
    const { text, refused } = upsertEach(COMMENTED, FILE, [fresh("delta"), fresh("SANDBOX")]);
    expect(ids(text ?? "")).toEqual([AKS1, AKS2, clusterId("delta")]);
    expect(refused.map((error) => error.clusterId)).toEqual([clusterId("SANDBOX")]);
    expect(refused[0]?.message).toMatch(/is excluded \(rebuilt weekly\)/u);
  });

  test("is upsertClusters when nothing is refused", () => {
    const entries = [fresh("omega"), capturedAks1(), fresh("delta")];
    expect(upsertEach(COMMENTED, FILE, entries)).toEqual({
      text: upsertClusters(COMMENTED, FILE, entries),
      written: entries,
      refused: [],
    });
  });

  test("no file and no entry: no text to write, and no file made", () => {
    expect(upsertEach(null, FILE, [])).toEqual({ text: null, written: [], refused: [] });
  });

  test("throws what concerns the file as a whole", () => {
    expect(() => upsertEach("version: 1\nclusters: [\n", FILE, [fresh("delta")])).toThrow(GateError);
    expect(() => upsertEach(FULL, FILE, [capturedAks1(), { ...capturedAks1(), id: AKS1.toUpperCase() }])).toThrow(
      /Two captured entries are for/u,
    );
  });
});

describe("a file with exclusions only (clusters: {})", () => {
  const ONLY = `# before the first fleet capture\nversion: 1\nclusters: {} # none yet\n${EXCLUDE}`;

  test("upsertClusters writes the entries under clusters, sorted, and keeps every other byte", () => {
    const text = upsertClusters(ONLY, FILE, [fresh("zeta"), fresh("alpha")]);
    expect(ids(text)).toEqual([clusterId("alpha"), clusterId("zeta")]);
    expect(text.startsWith("# before the first fleet capture\nversion: 1\nclusters: # none yet\n")).toBe(true);
    expect(text.endsWith(EXCLUDE)).toBe(true);
    expect(text).toContain(`\n  ${clusterId("alpha")}:\n    networkProfile:\n      networkPlugin: azure\n`);
    expect(parseBaseline(text, FILE).baseline.exclusions).toEqual([
      { id: clusterId("sandbox"), reason: "rebuilt weekly" },
    ]);
  });

  test("removing what was written gives the file back, byte for byte; CRLF stays CRLF", () => {
    for (const base of [ONLY, ONLY.replaceAll("\n", "\r\n")]) {
      const text = upsertClusters(base, FILE, [fresh("zeta"), fresh("alpha")]);
      expect(removeClusters(text, FILE, [clusterId("alpha"), clusterId("zeta")])).toBe(base);
    }
  });

  test("no entry leaves the file as it was; an excluded cluster is still refused", () => {
    expect(upsertClusters(ONLY, FILE, [])).toBe(ONLY);
    expect(() => upsertClusters(ONLY, FILE, [fresh("sandbox")])).toThrow(/is excluded \(rebuilt weekly\)/u);
  });

  test("clusters: {} at the end of a file without a final newline, after exclude", () => {
    const last = `version: 1\n${EXCLUDE}clusters: {}`;
    const text = upsertClusters(last, FILE, [fresh("alpha")]);
    expect(text).toBe(
      `version: 1\n${EXCLUDE}clusters:\n  ${clusterId("alpha")}:\n    networkProfile:\n      networkPlugin: azure\n      podCidrs: [10.244.0.0/16]\n`,
    );
  });
});

describe("removeClusters", () => {
  test("removes an entry with its inner comments; the rest stays byte for byte", () => {
    const text = removeClusters(COMMENTED, FILE, [AKS1.toUpperCase()]);
    const entryStart = COMMENTED.indexOf(`  ${AKS1}:`);
    const secondComment = COMMENTED.indexOf("  # the second cluster is dual stack");
    expect(text).toBe(COMMENTED.slice(0, entryStart) + COMMENTED.slice(secondComment));
    expect(ids(text)).toEqual([AKS2]);
  });

  test("the comment lines directly above a removed entry go with it; a comment below the clusters stays", () => {
    const text = removeClusters(COMMENTED, FILE, [AKS2]);
    expect(text).not.toContain("dual stack");
    expect(text).not.toContain("last line of aks2");
    expect(text).toContain(
      `        reason: migration planned in Q3, CHG-1234 # see the ticket\n# end of clusters\n${EXCLUDE}`,
    );
    expect(ids(text)).toEqual([AKS1]);
  });

  test("an ID the file does not list is ignored", () => {
    expect(removeClusters(COMMENTED, FILE, [clusterId("gone")])).toBe(COMMENTED);
    expect(removeClusters(COMMENTED, FILE, [])).toBe(COMMENTED);
  });

  test("removing every entry is refused when the file excludes no cluster", () => {
    expect(() => removeClusters(FULL, FILE, [AKS1, AKS2])).toThrow(/would leave .* with no cluster and no exclusion/u);
  });

  test("removing every entry of a file with exclusions leaves clusters: {}, comments and exclude as they were", () => {
    const text = removeClusters(COMMENTED, FILE, [AKS2, AKS1]);
    expect(text).toBe(
      COMMENTED.slice(0, COMMENTED.indexOf("clusters:")) +
        "clusters: {} # keyed by resource ID\n# end of clusters\n" +
        EXCLUDE,
    );
    expect(parseBaseline(text, FILE).baseline).toEqual({
      version: 1,
      clusters: [],
      exclusions: [{ id: clusterId("sandbox"), reason: "rebuilt weekly" }],
    });
  });

  const SPACED = [
    "version: 1",
    "clusters:",
    "  # production",
    "",
    ...["a", "b", "c", "d"].flatMap((name, index) => [
      ...(index === 0 ? [] : [""]),
      `  # about ${name}`,
      `  ${clusterId(name)}:`,
      "    networkProfile:",
      `      networkPlugin: azure # ${name}`,
      ...(name === "b" ? ["", "    # still b"] : []),
    ]),
    "",
  ].join("\n");

  test.each([
    ["one in the middle", ["b"], ["a", "c", "d"]],
    ["two apart", ["a", "c"], ["b", "d"]],
    ["two in a row", ["b", "c"], ["a", "d"]],
    ["the last two", ["c", "d"], ["a", "b"]],
  ])("blank lines between entries: %s leaves one blank line between the rest and none at the end", (_n, gone, left) => {
    const text = removeClusters(SPACED, FILE, gone.map(clusterId));
    expect(ids(text)).toEqual(left.map(clusterId));
    expect(text).not.toMatch(/\n\n\n/u);
    expect(text).toMatch(/[^\n]\n$/u);
    expect(text.startsWith("version: 1\nclusters:\n  # production\n\n")).toBe(true);
    for (const name of gone) expect(text).not.toContain(`about ${name}`);
    expect(text.includes("still b")).toBe(left.includes("b"));
    for (const name of left) expect(text).toContain(entryText(SPACED, clusterId(name)));
  });

  test("CRLF files stay CRLF", () => {
    const text = removeClusters(COMMENTED.replaceAll("\n", "\r\n"), FILE, [AKS1]);
    expect(text).toBe(removeClusters(COMMENTED, FILE, [AKS1]).replaceAll("\n", "\r\n"));
  });
});

describe("managedRoutesByCluster", () => {
  test("the modes of every cluster from one parse, the same as asking for each", () => {
    const exact = withLines({ 38: "        managedRoutes: exact" });
    const all = managedRoutesByCluster(exact, FILE);
    expect([...all.keys()]).toEqual([AKS1.toLowerCase(), AKS2.toLowerCase()]);
    expect(all.get(AKS1.toLowerCase())).toEqual(new Map([[ROUTE_TABLE.toLowerCase(), "exact"]]));
    expect(all.get(AKS2.toLowerCase())).toEqual(new Map());
    for (const id of [AKS1, AKS2, AKS3]) {
      expect(all.get(id.toLowerCase()) ?? new Map()).toEqual(existingManagedRoutes(exact, id, FILE));
    }
    expect(managedRoutesByCluster(null)).toEqual(new Map());
  });
});

describe("a fleet's writes, property-based", () => {
  const names = fc.uniqueArray(fc.constantFrom("n1", "N2", "n3", "x-4", "y5", "Z6", "a7"), {
    minLength: 1,
    maxLength: 7,
    comparator: (a, b) => a.toLowerCase() === b.toLowerCase(),
  });
  const plugin = fc.constantFrom("azure", "kubenet", "none");

  test("upsertClusters does not depend on the order of its entries, and removing the new ones gives the file back", () => {
    fc.assert(
      fc.property(names, plugin, fc.boolean(), fc.boolean(), (newNames, networkPlugin, withAks1, crlf) => {
        const base = crlf ? COMMENTED.replaceAll("\n", "\r\n") : COMMENTED;
        const entries = [...newNames.map((name) => fresh(name, networkPlugin)), ...(withAks1 ? [capturedAks1()] : [])];
        const text = upsertClusters(base, FILE, entries);
        expect(upsertClusters(base, FILE, [...entries].reverse())).toBe(text);
        expect(upsertClusters(text, FILE, entries)).toBe(text);
        const added = newNames.map(clusterId);
        expect(ids(text)).toEqual([
          AKS1,
          AKS2,
          ...[...added].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
        ]);
        const restored = removeClusters(text, FILE, added);
        expect(restored).toBe(withAks1 ? upsertClusters(base, FILE, [capturedAks1()]) : base);
      }),
      { numRuns: 40 },
    );
  });
});
