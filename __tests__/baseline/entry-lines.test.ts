/**
 * The indentation walk of entry-lines.ts must give, for every entry and path,
 * either the line the yaml Document walk gives (parse.ts's locate) or
 * undefined; and for entries the gate writes it must answer.
 */
import fc from "fast-check";
import { LineCounter, parseDocument } from "yaml";
import { positionOf, type PathSegment } from "../../src/core/baseline/document.js";
import { upsertClusters } from "../../src/core/baseline/edit.js";
import { entryLine } from "../../src/core/baseline/entry-lines.js";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { parseBaseline, parseBaselineInFull } from "../../src/core/baseline/parse.js";
import { EntryIndex } from "../../src/core/baseline/quick.js";
import { toFileEntry } from "../../src/core/baseline/render.js";
import type { BaselineCluster, ClusterSnapshot, ManagedRoutesMode } from "../../src/core/model.js";
import { azureCniSnapshot, dualStackKubenet, kubenetSnapshot, ROUTE_TABLE_ID } from "../fixtures/snapshots.js";
import { AKS1, FILE } from "./fixtures.js";

const ITEM_KEYS = ["name", "id", "rule", "addressPrefix"];

/**
 * Every path into a value (file spelling), each list item also named by its
 * name, ID, rule or prefix (in upper case: the walk compares ignoring case),
 * and each path once more with a segment that goes off its end.
 */
function paths(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const here = [prefix, [...prefix, "missing"], [...prefix, 7]];
  if (value === null || typeof value !== "object") return here;
  if (!Array.isArray(value)) {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  }
  return [
    ...here,
    ...value.flatMap((item: unknown, index) => {
      const named = ITEM_KEYS.map((key) => (item as Record<string, unknown> | null)?.[key]).find(
        (field) => typeof field === "string",
      );
      const byName = typeof named === "string" ? paths(item, [...prefix, named.toUpperCase()]) : [];
      return [...paths(item, [...prefix, index]), ...byName];
    }),
  ];
}

/** The line (index in `lines`, the entry's key first) that the yaml Document walk gives. */
function documentLine(lines: readonly string[], clusterId: string, path: readonly PathSegment[]): number {
  const counter = new LineCounter();
  const doc = parseDocument(["clusters:", ...lines].join("\n"), { lineCounter: counter, uniqueKeys: true });
  return positionOf({ doc, lines: counter }, ["clusters", clusterId, ...path]).line - 2;
}

const CUSTOM_ROUTE = {
  name: "to-fw",
  addressPrefix: "0.0.0.0/0",
  nextHopType: "VirtualAppliance",
  nextHopIpAddress: "10.0.1.4",
};

const snapshots: fc.Arbitrary<ClusterSnapshot> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.boolean())
    .map(([nodes, custom]) => kubenetSnapshot(nodes, custom ? [CUSTOM_ROUTE] : [])),
  fc.boolean().map((overlay) => azureCniSnapshot({ overlay })),
  fc.integer({ min: 1, max: 3 }).map((nodes) => dualStackKubenet(nodes)),
);

/** Pieces of hand-written text that YAML writes in its harder forms: quoted, escaped, block scalars. */
const ODD_PIECES = [
  "a",
  "b",
  " ",
  "  ",
  "\n",
  "\t",
  "#",
  ": ",
  "'",
  '"',
  "- ",
  "|",
  ">",
  "[",
  "}",
  "\\",
  "é",
  "\u2028",
];

/** Hand-written text: printable ASCII (one line) for entries the walk must answer, or text with YAML's hard cases. */
function handText(odd: boolean): fc.Arbitrary<string> {
  const unit = odd ? fc.constantFrom(...ODD_PIECES) : "grapheme-ascii";
  return fc.string({ unit, minLength: 1, maxLength: 24 }).filter((text) => /\S/u.test(text));
}

const RULES = ["kubenet.retirement", "network.podCidrOverlap", "Routes.stale-route", "x"];

function handWritten(odd: boolean) {
  return fc.record(
    {
      owner: handText(odd),
      suppressions: fc.uniqueArray(fc.record({ rule: fc.constantFrom(...RULES), reason: handText(odd) }), {
        selector: (item) => item.rule,
        maxLength: 3,
      }),
      plannedMigration: fc.record({
        networkPlugin: fc.constant("azure"),
        reason: handText(odd),
        by: fc.constant("2027-06-30"),
      }),
      alsoRoutedHere: fc.constant<string[]>(["10.50.0.0/16", "fd00:50::/64"]),
    },
    { requiredKeys: ["suppressions"] },
  );
}

const entries = fc
  .array(
    fc.record({
      snapshot: snapshots,
      exact: fc.boolean(),
      odd: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((specs) => fc.tuple(...specs.map((spec) => handWritten(spec.odd).map((hand) => ({ ...spec, hand })))))
  .map((specs) =>
    specs.map(({ snapshot, exact, odd, hand }, index) => {
      const modes = new Map<string, ManagedRoutesMode>([[ROUTE_TABLE_ID.toLowerCase(), exact ? "exact" : "perNode"]]);
      const captured = { ...snapshot, id: snapshot.id.replace("clustername1", `aks-${index}`) };
      const entry: BaselineCluster = { ...baselineFromSnapshot(captured, modes), ...hand };
      const changed = {
        ...captured,
        networkProfile: { ...captured.networkProfile, networkPolicy: "calico" },
        nodePools: captured.nodePools.map((pool) => ({ ...pool, count: (pool.count ?? 0) + 1 })),
      };
      return { entry, odd, recaptured: baselineFromSnapshot(changed, modes) };
    }),
  );

/** Checks every path of every entry of a file the gate wrote; returns how many the walk answered. */
function checkFile(text: string, written: readonly { entry: BaselineCluster; odd: boolean }[]): number {
  const index = EntryIndex.of(
    text,
    written.map(({ entry }) => entry.id),
  );
  expect(index).toBeDefined();
  const full = parseBaselineInFull(text, FILE);
  let answered = 0;
  for (const { entry, odd } of written) {
    const at = index?.entry(entry.id);
    const lines = at?.lines ?? [];
    for (const path of paths(toFileEntry(entry))) {
      const quick = entryLine(lines, path);
      if (!odd) expect([path, quick]).not.toEqual([path, undefined]);
      if (quick === undefined) continue;
      answered += 1;
      expect([path, (at?.firstLine ?? 0) + quick]).toEqual([path, full.locate(entry.id, path)?.line]);
    }
  }
  return answered;
}

describe("the indentation walk of a cluster entry", () => {
  // Each run writes a new file of the entries, then re-captures two of them in place (edit.ts's section edits).
  it("gives the yaml Document's line for every path of entries the gate writes, and answers for regular ones", () => {
    let answered = 0;
    fc.assert(
      fc.property(entries, (written) => {
        const text = upsertClusters(
          null,
          FILE,
          written.map(({ entry }) => entry),
        );
        answered += checkFile(text, written);
        const edited = upsertClusters(
          text,
          FILE,
          written.slice(0, 2).map(({ recaptured }) => recaptured),
        );
        const rewritten = parseBaseline(edited, FILE).baseline.clusters.map((entry) => ({
          entry,
          odd: written.find((item) => item.entry.id === entry.id)?.odd ?? true,
        }));
        answered += checkFile(edited, rewritten);
      }),
      { numRuns: 40 },
    );
    expect(answered).toBeGreaterThan(1000);
  });

  it("is what parseBaseline's locate answers with for a file the gate wrote, suppressions mapped to suppress", () => {
    const snapshot = kubenetSnapshot(2, [CUSTOM_ROUTE]);
    const entry = {
      ...baselineFromSnapshot(snapshot),
      suppressions: [
        { rule: "kubenet.retirement", reason: "planned" },
        { rule: "network.podCidrOverlap", reason: "known" },
      ],
    };
    const text = upsertClusters(null, FILE, [entry]);
    const lines = text.split("\n");
    const parsed = parseBaseline(text, FILE);
    const ruleLine = lines.indexOf("      - rule: network.podCidrOverlap") + 1;
    expect(parsed.locate(entry.id, ["suppressions", 1])?.line).toBe(ruleLine);
    expect(parsed.locate(entry.id, ["suppressions", 1, "reason"])?.line).toBe(ruleLine + 1);
    expect(parsed.locate(entry.id, ["suppress", 1])?.line).toBe(ruleLine);
    const at = EntryIndex.of(text, [entry.id])?.entry(entry.id);
    expect(at).toBeDefined();
    expect(entryLine(at?.lines ?? [], ["suppress", 1])).toBe(ruleLine - (at?.firstLine ?? 0));
    const routeLine = lines.indexOf("          - name: to-fw") + 1;
    expect(parsed.locate(entry.id, ["routeTables", 0, "routes", "0.0.0.0/0", "nextHopIpAddress"])?.line).toBe(
      routeLine + 3,
    );
  });
});

/** An entry of AKS1 written by hand; line i of the array is index i. */
function entryOf(...body: string[]): string[] {
  return [`  ${AKS1}:`, ...body];
}

describe("hand-written entries", () => {
  const commented = entryOf(
    "    # captured below",
    "    networkProfile:",
    "      networkPlugin: kubenet # the plugin",
    "",
    "# a comment at the margin does not end the map",
    "      # nor one in it",
    "      podCidrs: [10.244.0.0/16, fd00::/64] # dual",
    "    owner: platform",
  );

  it.each<[string, readonly PathSegment[], number]>([
    ["the entry", [], 0],
    ["a map", ["networkProfile"], 2],
    ["a key after a comment", ["networkProfile", "networkPlugin"], 3],
    ["a key after comments at other indentations", ["networkProfile", "podCidrs"], 7],
    ["an item of a flow sequence: its line", ["networkProfile", "podCidrs", 1], 7],
    ["an item past a flow sequence's end: the key's line", ["networkProfile", "podCidrs", 5], 7],
    ["a key after a nested map", ["owner"], 8],
    ["a missing key: the parent's line", ["networkProfile", "nope", "deeper"], 2],
    ["past a scalar: the scalar's line", ["owner", "deeper"], 8],
    ["an index into a map: the map's line", ["networkProfile", 0], 2],
  ])("finds %s between comments", (_what, path, line) => {
    expect(entryLine(commented, path)).toBe(line);
    expect(documentLine(commented, AKS1, path)).toBe(line);
  });

  const pools = entryOf(
    "    nodePools:",
    "      - name: system",
    "        count: 3",
    "      - name: 'User1'",
    "        count: 2",
    "        mode:",
    "      -   name: spot",
    "          count: 1",
    "      - plain item",
    "    suppress:",
    "      - rule: kubenet.retirement",
    "        reason: migration in Q3",
    "      - rule: routes.stale",
    "        reason: |",
    "          owner: not a key",
    "          # not a comment",
    "",
    "          - not an item",
    "      - rule: last.one",
    "        reason: >-",
    "          folded",
  );

  it.each<[string, readonly PathSegment[], number]>([
    ["an item of a sequence of maps", ["nodePools", 1], 4],
    ["a key of an item", ["nodePools", 1, "count"], 5],
    ["an item named by a single-quoted name, ignoring case", ["nodePools", "user1", "count"], 5],
    ["a key whose value is null: its line", ["nodePools", "USER1", "mode", "x"], 6],
    ["an item written with more spaces after its dash", ["nodePools", "spot", "count"], 8],
    ["a scalar item", ["nodePools", 3], 9],
    ["no such item: the list's line", ["nodePools", "nope"], 1],
    ["no such index: the list's line", ["nodePools", 4], 1],
    ["an item of the suppress list", ["suppress", 1], 13],
    ["a suppression's reason", ["suppress", 0, "reason"], 12],
    ["a block scalar: its key's line", ["suppress", 1, "reason"], 14],
    ["into a block scalar: its key's line", ["suppress", 1, "reason", 0], 14],
    ["the item after a block scalar whose lines look like keys, items and comments", ["suppress", 2], 19],
    ["an item named by its rule", ["suppress", "LAST.ONE", "reason"], 20],
  ])("finds %s", (_what, path, line) => {
    expect(entryLine(pools, path)).toBe(line);
    expect(documentLine(pools, AKS1, path)).toBe(line);
  });

  it.each<[string, string[], readonly PathSegment[]]>([
    [
      "a flow sequence over two lines",
      ["    networkProfile:", "      podCidrs: [10.244.0.0/16,", "        fd00::/64]"],
      ["networkProfile", "podCidrs", 1],
    ],
    [
      "a flow map over two lines",
      ["    networkProfile: {networkPlugin: kubenet,", "      podCidrs: []}"],
      ["networkProfile"],
    ],
    ["a flow sequence with a quoted item", ["    alsoRoutedHere: ['10.0.0.0/8']", "    owner: x"], ["owner"]],
    ["a quoted key", ["    networkProfile:", '      "podCidrs": [10.244.0.0/16]'], ["networkProfile", "podCidrs"]],
    ["a complex key", ["    ? networkProfile", "    : {}"], ["networkProfile"]],
    ["a tab", ["    networkProfile:", "      podCidrs:\t[10.244.0.0/16]"], ["networkProfile", "podCidrs"]],
    ["a list at its key's indentation", ["    nodePools:", "    - name: a", "    owner: x"], ["owner"]],
    [
      "a plain scalar over two lines",
      ["    owner: platform", "      team", "    networkProfile: {}"],
      ["networkProfile"],
    ],
    [
      "a double-quoted scalar over two lines",
      ['    owner: "platform', '      team"', "    networkProfile: {}"],
      ["networkProfile"],
    ],
    [
      "a block scalar with an indentation indicator",
      ["    owner: |2", "        x", "    networkProfile: {}"],
      ["networkProfile"],
    ],
    ["an anchor", ["    networkProfile: &p", "      podCidrs: []"], ["networkProfile"]],
    ["an alias", ["    networkProfile: *p"], ["networkProfile"]],
    [
      "an item named by an escaped string",
      ["    nodePools:", '      - name: "np\\u0031"', "        count: 1"],
      ["nodePools", "np1"],
    ],
    ["an item that is a flow map", ["    nodePools:", "      - {name: np1, count: 1}"], ["nodePools", "np1"]],
    ["an empty item", ["    nodePools:", "      -", "        name: np1"], ["nodePools", 0]],
    ["a key that is not a string", ["    networkProfile:", "      true: 1"], ["networkProfile", "x"]],
    [
      "a line deeper than its map",
      ["    owner: x", "    networkProfile:", "        a: 1", "      b: 2"],
      ["networkProfile", "b"],
    ],
  ])("is not sure of %s", (_what, body, path) => {
    expect(entryLine(entryOf(...body), path)).toBeUndefined();
  });

  it("reads an entry key line with a comment and quoted scalars that close on their line", () => {
    const lines = [
      `  ${AKS1}: # the first cluster`,
      '    owner: "a: b # c" # owner',
      "    plannedMigration:",
      "      reason: 'it''s planned'",
      "      by: 2027-06-30",
    ];
    expect(entryLine(lines, ["plannedMigration", "by"])).toBe(4);
    expect(documentLine(lines, AKS1, ["plannedMigration", "by"])).toBe(4);
  });
});
