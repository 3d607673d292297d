import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BaselineError, parseBaseline } from "../../src/core/baseline/parse.js";
import { BASELINE_SCHEMA_URL } from "../../src/core/baseline/spec.js";
import { existingManagedRoutes, upsertCluster } from "../../src/core/baseline/edit.js";
import { writeFileAtomic } from "../../src/io/files/atomic-write.js";
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
  FULL_LINES,
  ROUTE_TABLE,
  SUBNET,
  withLines,
} from "./fixtures.js";

function clusterIn(text: string, id: string): BaselineCluster | undefined {
  return parseBaseline(text, FILE).baseline.clusters.find((c) => c.id.toLowerCase() === id.toLowerCase());
}

/** FULL with comments everywhere a person might put them. */
const COMMENTED = withLines({
  1: "# yaml-language-server: $schema=https://example.test/schema.json\n# Owned by the platform team.\n",
  3: "clusters: # keyed by resource ID",
  5: '    owner: "@contoso/platform" # hand-written\n    # the profile below is captured',
  16: "      ipFamilies: [IPv4]   # single stack",
  44: "    # silenced until the migration\n    suppress:",
  46: "        reason: migration planned in Q3, CHG-1234 # see the ticket\n  # the second cluster is dual stack",
  52: "      ipFamilies: [IPv4, IPv6]\n# end of file",
});

describe("upsertCluster: a new file", () => {
  test("header, schema comment, version and the entry", () => {
    const text = upsertCluster(null, FILE, AKS2_ENTRY);
    expect(text.split("\n").slice(0, 4)).toEqual([
      "# AKS Network Gate baseline. Reviewed in pull requests; refresh with mode: capture.",
      `# yaml-language-server: $schema=${BASELINE_SCHEMA_URL}`,
      "version: 1",
      "clusters:",
    ]);
    expect(text).toContain("      podCidrs: [192.168.0.0/16, fd00:10::/64]\n");
    expect(text.endsWith("\n")).toBe(true);
    expect(parseBaseline(text, FILE).baseline).toEqual({ version: 1, clusters: [AKS2_ENTRY], exclusions: [] });
  });

  test("the schema reference can be given", () => {
    const text = upsertCluster(null, FILE, AKS2_ENTRY, { schemaUrl: "../schema.json" });
    expect(text.split("\n")[1]).toBe("# yaml-language-server: $schema=../schema.json");
  });

  const tricky: BaselineCluster = {
    id: AKS3,
    owner: "@contoso/platform",
    networkProfile: {
      networkPlugin: "none",
      networkPolicy: "null",
      networkDataplane: "yes",
      outboundType: "10",
      podCidrs: [],
      serviceCidrs: ["::/0", "FD00::/108"],
      dnsServiceIP: "fd00::a",
      ipFamilies: ["IPv6"],
    },
    nodePools: [{ name: "true", count: 0, maxPods: null, mode: "# not a comment" }],
    routeTables: [
      {
        id: ROUTE_TABLE,
        managedRoutes: "exact",
        routes: [
          { name: "", addressPrefix: "AzureCloud", nextHopType: "Internet", nextHopIpAddress: null },
          { name: "a: b", addressPrefix: "10.0.0.0/24", nextHopType: "VirtualAppliance", nextHopIpAddress: null },
          {
            name: "node-1",
            addressPrefix: "10.244.1.0/24",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.224.0.5",
          },
        ],
      },
    ],
    suppressions: [{ rule: "drift.networkProfile", reason: "multi\nline: reason # with hash" }],
  };

  test.each([
    ["the full kubenet entry", AKS1_ENTRY],
    ["a dual-stack overlay entry", AKS2_ENTRY],
    ["a captured entry with unnamed service-tag routes", capturedAks1()],
    ["values that look like other YAML types", tricky],
  ])("round trip: %s", (_name, entry) => {
    const text = upsertCluster(null, FILE, entry);
    expect(clusterIn(text, entry.id)).toEqual(entry);
    expect(upsertCluster(text, FILE, entry)).toBe(text);
  });

  test("an entry that would not validate is refused, not written", () => {
    const bad = { ...AKS2_ENTRY, networkProfile: { podCidrs: ["10.0.0.0/99"] } };
    expect(() => upsertCluster(null, FILE, bad)).toThrow(/would make it invalid.*10\.0\.0\.0\/99/su);
    expect(() => upsertCluster(FULL, FILE, { ...bad, id: AKS3 })).toThrow(GateError);
  });
});

describe("upsertCluster: an existing file", () => {
  test("replaces the captured sections of the entry and keeps everything else byte for byte", () => {
    const text = upsertCluster(COMMENTED, FILE, capturedAks1());
    const entryStart = COMMENTED.indexOf("    networkProfile:");
    const untilSuppress = COMMENTED.indexOf("    # silenced until the migration");
    expect(text.startsWith(COMMENTED.slice(0, entryStart))).toBe(true);
    expect(text.endsWith(COMMENTED.slice(untilSuppress))).toBe(true);
    expect(text).toContain('    owner: "@contoso/platform" # hand-written\n    # the profile below is captured\n');
    // networkProfile changed, its ipFamilies did not: that line keeps its comment.
    expect(text).toContain("      ipFamilies: [IPv4]   # single stack\n");
    expect(text).toContain("      networkPolicy: calico\n");
    expect(text).toContain("      - name: user1\n");
  });

  const PROFILE = [
    "version: 1",
    "clusters:",
    `  ${AKS1}:`,
    "    networkProfile:",
    "      # why kubenet: see ADR-12",
    "      networkPlugin: kubenet # keep me",
    "      podCidrs: [10.244.0.0/16]",
    "      # reviewed by @contoso/network",
  ].join("\n");
  const widened = (text: string) =>
    upsertCluster(text, FILE, {
      ...(clusterIn(text, AKS1) as BaselineCluster),
      networkProfile: { networkPlugin: "kubenet", podCidrs: ["10.244.0.0/15"] },
    });

  test("keeps the comments among a changed section's unchanged keys, and the comment lines after it", () => {
    const text = widened(`${PROFILE}\n`);
    expect(text).toBe(`${PROFILE}\n`.replace("podCidrs: [10.244.0.0/16]", "podCidrs: [10.244.0.0/15]"));
  });

  test.each([
    ["a comment at the end of the file", "# end of file: reviewed by @contoso/security\n"],
    ["a comment at the clusters' indentation", "\n  # owners: see CODEOWNERS\n"],
    ["the next entry", `  ${AKS2}:\n    networkProfile:\n      networkPlugin: azure\n      podCidrs: [10.10.0.0/16]\n`],
  ])("keeps what follows a section whose last line is a comment: %s", (_, after) => {
    const text = widened(`${PROFILE}\n${after}`);
    expect(text.endsWith(`      # reviewed by @contoso/network\n${after}`)).toBe(true);
    expect(clusterIn(text, AKS1)?.networkProfile.podCidrs).toEqual(["10.244.0.0/15"]);
  });

  test("the result holds the captured entry with the file's owner and suppressions", () => {
    const text = upsertCluster(COMMENTED, FILE, capturedAks1());
    expect(clusterIn(text, AKS1)).toEqual({
      ...capturedAks1(),
      owner: AKS1_ENTRY.owner,
      suppressions: AKS1_ENTRY.suppressions,
    });
    expect(clusterIn(text, AKS2)).toEqual(AKS2_ENTRY);
  });

  test("a captured owner does not replace the hand-written one, but fills a missing one", () => {
    const text = upsertCluster(FULL, FILE, { ...capturedAks1(), owner: "@someone/else" });
    expect(clusterIn(text, AKS1)?.owner).toBe("@contoso/platform");
    const second = upsertCluster(FULL, FILE, { ...AKS2_ENTRY, owner: "@contoso/team-b" });
    expect(clusterIn(second, AKS2)?.owner).toBe("@contoso/team-b");
    expect(second).toContain(`  ${AKS2}:\n    owner: "@contoso/team-b"\n    networkProfile:\n`);
  });

  test("matches the cluster ID ignoring case and keeps the file's spelling", () => {
    const text = upsertCluster(FULL, FILE, { ...capturedAks1(), id: AKS1.toUpperCase() });
    expect(text).toContain(`\n  ${AKS1}:\n`);
    expect(text).not.toContain(AKS1.toUpperCase());
    expect(parseBaseline(text, FILE).baseline.clusters.map((c) => c.id)).toEqual([AKS1, AKS2]);
  });

  test("a route table the file marks exact stays exact", () => {
    const exact = withLines({ 38: "        managedRoutes: exact" });
    expect(existingManagedRoutes(exact, AKS1.toUpperCase())).toEqual(new Map([[ROUTE_TABLE.toLowerCase(), "exact"]]));
    const text = upsertCluster(exact, FILE, capturedAks1());
    expect(clusterIn(text, AKS1)?.routeTables?.[0]?.managedRoutes).toBe("exact");
    expect(text).toContain("        managedRoutes: exact\n");
  });

  test.each([
    ["no file", null, new Map()],
    ["a cluster not in the file", FULL.replace(AKS1, AKS3), new Map()],
    ["perNode by default", withLines({ 38: null }), new Map([[ROUTE_TABLE.toLowerCase(), "perNode"]])],
  ])("existingManagedRoutes: %s", (_name, text, modes) => {
    expect(existingManagedRoutes(text, AKS1)).toEqual(modes);
  });

  test("adds a new cluster at the end of clusters, before a trailing comment", () => {
    const text = upsertCluster(COMMENTED, FILE, { ...AKS2_ENTRY, id: AKS3 });
    const tail = "# end of file\n";
    expect(text.startsWith(COMMENTED.slice(0, -tail.length))).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    expect(text.slice(COMMENTED.length - tail.length)).toMatch(new RegExp(`^  ${AKS3}:\\n    networkProfile:\\n`, "u"));
    expect(parseBaseline(text, FILE).baseline.clusters.map((c) => c.id)).toEqual([AKS1, AKS2, AKS3]);
  });

  test("a file without a final newline", () => {
    const text = upsertCluster(FULL.trimEnd(), FILE, { ...AKS2_ENTRY, id: AKS3 });
    expect(text.startsWith(`${FULL.trimEnd()}\n  ${AKS3}:\n`)).toBe(true);
    expect(clusterIn(text, AKS3)).toEqual({ ...AKS2_ENTRY, id: AKS3 });
  });

  test("inserts sections the file lacks in spec order and removes those the entry lacks", () => {
    const withSubnets: BaselineCluster = {
      ...AKS2_ENTRY,
      subnets: [{ id: SUBNET, addressPrefixes: ["10.224.0.0/16"] }],
      nodePools: [{ name: "np1" }],
    };
    const text = upsertCluster(FULL, FILE, withSubnets);
    const aks2Text = text.slice(text.indexOf(`  ${AKS2}:`));
    expect(aks2Text.indexOf("    networkProfile:")).toBeLessThan(aks2Text.indexOf("    nodePools:"));
    expect(aks2Text.indexOf("    nodePools:")).toBeLessThan(aks2Text.indexOf("    subnets:"));
    expect(clusterIn(text, AKS2)).toEqual(withSubnets);
    const removed = upsertCluster(FULL, FILE, { ...capturedAks1(), virtualNetworks: undefined, nodePools: undefined });
    expect(removed).not.toContain("virtualNetworks:");
    expect(removed).not.toContain("nodepool1");
    expect(clusterIn(removed, AKS1)?.subnets).toEqual(AKS1_ENTRY.subnets);
  });

  test("leaves an entry that did not change as it was", () => {
    expect(upsertCluster(FULL, FILE, AKS1_ENTRY)).toBe(FULL);
    expect(upsertCluster(FULL, FILE, AKS2_ENTRY)).toBe(FULL);
  });

  test("a broken existing file is never overwritten: the parse error is thrown", () => {
    const broken = withLines({ 11: "      podCidrs: [10.244.0.0/33]" });
    expect(() => upsertCluster(broken, FILE, capturedAks1())).toThrow(BaselineError);
    expect(() => upsertCluster(broken, FILE, capturedAks1())).toThrow(`${FILE}:11:`);
    expect(() => existingManagedRoutes(broken, AKS1)).toThrow(BaselineError);
  });

  test("a flow-style entry is refused with a way out", () => {
    const flow = `version: 1\nclusters:\n  ${AKS1}: {networkProfile: {networkPlugin: azure}}\n`;
    expect(() => upsertCluster(flow, FILE, capturedAks1())).toThrow(/not written as a block map/u);
    const flowClusters = `version: 1\nclusters: {${AKS1}: {networkProfile: {}}}\n`;
    expect(() => upsertCluster(flowClusters, FILE, AKS2_ENTRY)).toThrow(GateError);
  });

  test("CRLF files keep working", () => {
    const crlf = FULL.replaceAll("\n", "\r\n");
    const text = upsertCluster(crlf, FILE, capturedAks1());
    expect(clusterIn(text, AKS1)?.networkProfile.podCidrs).toEqual(["10.245.0.0/16"]);
    expect(text.startsWith(FULL_LINES.slice(0, 6).join("\r\n"))).toBe(true);
    expect(text.replaceAll("\r\n", "")).not.toContain("\n");
  });
});

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "baseline-write-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("creates parent directories and writes the text, leaving no temporary file", async () => {
    const target = join(dir, ".github", "nested", "baseline.yml");
    await writeFileAtomic(target, FULL);
    expect(await readFile(target, "utf8")).toBe(FULL);
    expect(await readdir(join(dir, ".github", "nested"))).toEqual(["baseline.yml"]);
  });

  test("replaces an existing file and keeps its permissions", async () => {
    const target = join(dir, "baseline.yml");
    await writeFile(target, "old\n");
    await chmod(target, 0o600);
    await writeFileAtomic(target, FULL);
    expect(await readFile(target, "utf8")).toBe(FULL);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  test("when the final rename fails the old file stays byte for byte and the temporary file is gone", async () => {
    const target = join(dir, "baseline.yml");
    const old = Buffer.from("version: 1\n# \u00e9\u0000 old bytes\n", "utf8");
    await writeFile(target, old);
    const failingRename = async () => {
      throw new Error("EIO: simulated failure");
    };
    await expect(writeFileAtomic(target, FULL, { rename: failingRename })).rejects.toThrow(
      `Cannot write ${target}: EIO: simulated failure`,
    );
    expect(Buffer.compare(await readFile(target), old)).toBe(0);
    expect(await readdir(dir)).toEqual(["baseline.yml"]);
  });

  test("a directory in the way: a GateError, the directory untouched, no temporary file", async () => {
    const target = join(dir, "baseline.yml");
    await mkdir(target);
    await writeFile(join(target, "keep"), "x");
    await expect(writeFileAtomic(target, FULL)).rejects.toThrow(GateError);
    expect(await readdir(target)).toEqual(["keep"]);
    expect(await readdir(dir)).toEqual(["baseline.yml"]);
  });

  test("a file in place of the parent directory: a GateError", async () => {
    await writeFile(join(dir, "parent"), "x");
    await expect(writeFileAtomic(join(dir, "parent", "baseline.yml"), FULL)).rejects.toThrow(GateError);
    expect(await readFile(join(dir, "parent"), "utf8")).toBe("x");
  });
});

describe("upsertCluster: alsoRoutedHere and plannedMigration are hand-written", () => {
  const PLANNED = withLines({
    43: [
      "            nextHopIpAddress: 10.0.1.4",
      "    alsoRoutedHere: [10.100.0.0/16] # the on-premises data centre",
      "    plannedMigration:",
      "      networkPlugin: azure",
      "      networkPluginMode: overlay",
      "      reason: kubenet retirement, CHG-2001",
      "      by: 2027-06-30",
    ].join("\n"),
  });

  test("a capture keeps them byte for byte, with their comments, and changes the captured sections", () => {
    const text = upsertCluster(PLANNED, FILE, capturedAks1());
    const kept = PLANNED.slice(PLANNED.indexOf("    alsoRoutedHere:"), PLANNED.indexOf("  /subscriptions/", 200));
    expect(text).toContain(kept);
    expect(clusterIn(text, AKS1)).toEqual({
      ...capturedAks1(),
      owner: AKS1_ENTRY.owner,
      alsoRoutedHere: ["10.100.0.0/16"],
      plannedMigration: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        reason: "kubenet retirement, CHG-2001",
        by: "2027-06-30",
      },
      suppressions: AKS1_ENTRY.suppressions,
    });
  });

  test("a capture does not invent them", () => {
    const text = upsertCluster(FULL, FILE, capturedAks1());
    expect(text).not.toContain("alsoRoutedHere");
    expect(text).not.toContain("plannedMigration");
  });

  test("an entry that has them writes them in spec order, before suppress", () => {
    const entry = {
      ...AKS2_ENTRY,
      id: AKS3,
      alsoRoutedHere: ["fd00:99::/48"],
      plannedMigration: { networkDataplane: "cilium", reason: "eBPF", by: "2027-01-31" },
    };
    const text = upsertCluster(null, FILE, entry);
    expect(text).toContain(
      "    alsoRoutedHere: [fd00:99::/48]\n    plannedMigration:\n      networkDataplane: cilium\n      reason: eBPF\n      by: 2027-01-31\n",
    );
    expect(clusterIn(text, AKS3)).toEqual(entry);
  });
});
