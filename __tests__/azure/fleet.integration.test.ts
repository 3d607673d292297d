/**
 * Fleet behaviour against the HTTPS ARM sandbox, in process: ARM's read
 * limits, throttled clusters, shared resources read once, shards.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { captureCluster } from "../../src/app/capture-cluster.js";
import { LOW_WATER } from "../../src/io/azure/pacing.js";
import { SdkArmReader } from "../../src/io/azure/sdk-reader.js";
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { upsertCluster } from "../../src/core/baseline/edit.js";
import { check, type GateDeps } from "../../src/app/gate.js";
import { discoverFleet, GRAPH_FROM_CLUSTERS } from "../../src/app/fleet.js";
import { GateDefect } from "../../src/io/azure/failures.js";
import type { Logger } from "../../src/core/logger.js";
import type { FleetDiscovery } from "../../src/core/fleet/discovery.js";
import { parseBaseline } from "../../src/core/baseline/parse.js";
import { readSettings } from "../../src/app/settings.js";
import { armInProcess } from "../helpers/arm-in-process.js";
import { throttledFault } from "../../sandbox/arm.js";
import { azureCniCluster, type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const now = () => new Date("2026-11-23T10:00:00Z");
const silent: Logger = { info: () => {}, debug: () => {}, warning: () => {}, error: () => {}, mask: () => {} };

const arm = armInProcess();

function reader(): SdkArmReader {
  return arm.reader();
}

function fleet(size: number): BuiltCluster[] {
  return Array.from({ length: size }, (_, index) =>
    kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: `rg-${index}`,
      name: `aks-${index}`,
      pools: [{ name: "nodepool1", count: 2 }],
    }),
  );
}

/** A workspace whose baseline holds the clusters as they are now. */
async function baselineOf(clusters: BuiltCluster[]): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-fleet-"));
  await mkdir(path.join(workspace, ".github"));
  let text: string | null = null;
  for (const cluster of clusters) {
    const [, , , resourceGroup = "", , , , name = ""] = cluster.clusterId.split("/").slice(1);
    const snapshot = await captureCluster(reader(), { subscriptionId: SUBSCRIPTION, resourceGroup, name }, now);
    text = upsertCluster(text, ".github/aks-network-baseline.yml", baselineFromSnapshot(snapshot));
  }
  await writeFile(path.join(workspace, ".github", "aks-network-baseline.yml"), text ?? "");
  return workspace;
}

function deps(overrides: Partial<GateDeps> = {}): GateDeps {
  return {
    reader: reader(),
    logger: silent,
    now,
    signal: new AbortController().signal,
    sleep: async () => {},
    ...overrides,
  };
}

describe("ARM's read limits", () => {
  it("paces its reads once ARM reports few remaining reads", async () => {
    arm.sandbox.world = new World(...fleet(1).flatMap((cluster) => cluster.resources));
    arm.sandbox.rateLimitRemaining = LOW_WATER - 5;
    const paced = reader();
    await captureCluster(paced, { subscriptionId: SUBSCRIPTION, resourceGroup: "rg-0", name: "aks-0" }, now);
    expect(paced.pacer.paced).toBeGreaterThan(0);
  });

  it("waits out a 429 whose Retry-After is an HTTP date", async () => {
    arm.sandbox.world = new World(...fleet(1).flatMap((cluster) => cluster.resources));
    const fault = arm.sandbox.faults.add({
      ...throttledFault({ path: "/managedClusters/aks-0", times: 1 }),
      headers: { "Retry-After": new Date(Date.now() + 1000).toUTCString() },
    });
    const snapshot = await captureCluster(
      reader(),
      { subscriptionId: SUBSCRIPTION, resourceGroup: "rg-0", name: "aks-0" },
      now,
    );
    expect(fault.fired).toBe(1);
    expect(snapshot.name).toBe("aks-0");
  });

  it("retries a cluster that stays throttled beyond the SDK's retries, instead of failing it", async () => {
    const clusters = fleet(2);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    const fault = arm.sandbox.faults.add(throttledFault({ path: /managedClusters\/aks-1$/i, times: 6, retryAfter: 0 }));
    const waits: number[] = [];
    const settings = readSettings(() => "", { GITHUB_WORKSPACE: workspace });
    const outcome = await check(settings, deps({ sleep: async (ms) => void waits.push(ms) }));
    expect(fault.fired).toBe(6);
    expect(waits).toHaveLength(1);
    expect(outcome.verdict.result).toBe("pass");
  });

  it("ends a cluster still throttled after every attempt as an error, never a pass", async () => {
    const clusters = fleet(1);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    arm.sandbox.faults.add(throttledFault({ path: "/managedClusters/aks-0", retryAfter: 0 }));
    const outcome = await check(
      readSettings(() => "", { GITHUB_WORKSPACE: workspace }),
      deps(),
    );
    expect(outcome.verdict.result).toBe("error");
    expect(outcome.verdict.failure).toMatch(/kept throttling reads of .*aks-0 after the retries/);
  });

  it("does not start clusters once the run's time budget has run out", async () => {
    const clusters = fleet(1);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    arm.sandbox.requests.length = 0;
    const outcome = await check(
      readSettings(() => "", { GITHUB_WORKSPACE: workspace }),
      deps({ signal: AbortSignal.abort() }),
    );
    expect(outcome.verdict.result).toBe("error");
    expect(outcome.verdict.failure).toContain("time budget");
    expect(arm.sandbox.requests).toHaveLength(0);
  });
});

describe("a fleet in one run", () => {
  it("reads a VNet and route table that two clusters share once", async () => {
    const shared = {
      resourceGroup: "rg-hub",
      name: "vnet-spoke",
      addressSpace: ["10.240.0.0/16"],
      subnetName: "nodes",
      subnetPrefix: "10.240.0.0/20",
    };
    const firewall = { ip: "10.250.0.4", routeTableName: "rt-spoke" };
    const a = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg-a",
      name: "aks-a",
      vnet: shared,
      firewall,
    });
    const b = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg-b",
      name: "aks-b",
      vnet: shared,
      firewall,
    });
    arm.sandbox.world = new World(...a.resources, ...b.resources);
    const one = reader();
    await Promise.all([
      captureCluster(one, { subscriptionId: SUBSCRIPTION, resourceGroup: "rg-a", name: "aks-a" }, now),
      captureCluster(one, { subscriptionId: SUBSCRIPTION, resourceGroup: "rg-b", name: "aks-b" }, now),
    ]);
    const reads = (segment: string) =>
      arm.sandbox.requests.filter((request) => request.path.toLowerCase().endsWith(segment)).length;
    expect(reads("/virtualnetworks/vnet-spoke")).toBe(1);
    expect(reads("/routetables/rt-spoke")).toBe(1);
  });

  it("checks only its shard, and the shards together check every cluster once", async () => {
    const clusters = fleet(6);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    const checked: string[] = [];
    for (const shard of ["1/3", "2/3", "3/3"]) {
      const settings = readSettings((name) => (name === "shard" ? shard : ""), { GITHUB_WORKSPACE: workspace });
      const outcome = await check(settings, deps());
      expect(outcome.fleetSize).toBe(6);
      checked.push(...outcome.verdict.clusters.map((cluster) => cluster.result.clusterId));
    }
    expect(checked.sort()).toEqual(clusters.map((cluster) => cluster.clusterId).sort());
  });
});

/** What Resource Graph's discovery finds of these clusters, all in SUBSCRIPTION. */
function discoveryOf(clusters: BuiltCluster[]): FleetDiscovery {
  return {
    clusters: clusters.map((cluster) => ({
      id: cluster.clusterId,
      name: cluster.clusterId.split("/").at(-1) ?? "",
      subscriptionId: SUBSCRIPTION,
      resourceGroup: cluster.clusterId.split("/")[4] ?? "",
      location: "eastus",
      networkPlugin: "kubenet",
      tags: {},
    })),
    untagged: [],
    managementGroupSubscriptions: new Set(),
    queriedAt: now().toISOString(),
    queries: 1,
  };
}

describe("a fleet's baseline on a thread of its own", () => {
  it("is given to its parser while the run signs in, and the check compares against what that parser read", async () => {
    const clusters = fleet(2);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    const inputs: Record<string, string> = { scope: `/subscriptions/${SUBSCRIPTION}` };
    const settings = readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
    const order: string[] = [];
    let parserCalled: () => void = () => {};
    const called = new Promise<void>((resolve) => (parserCalled = resolve));
    // Sign-in ends once the parser has the text: a gate that waited for its sign-in first would end it only after 2 s.
    let guard: NodeJS.Timeout | undefined;
    const signIn = async () => {
      await Promise.race([called, new Promise((resolve) => (guard = setTimeout(resolve, 2000)))]);
      clearTimeout(guard);
      order.push("signed in");
    };
    const outcome = await check(
      settings,
      deps({
        reader: Object.assign(reader(), { signIn }),
        fleet: { discover: async () => discoveryOf(clusters) },
        parseBaseline: async (text, file) => {
          order.push(`parse ${file}`);
          parserCalled();
          const parsed = parseBaseline(text, file);
          parsed.baseline.clusters[0]!.networkProfile.podCidrs = ["10.99.0.0/16"];
          return parsed;
        },
      }),
    );
    expect(order).toEqual(["parse .github/aks-network-baseline.yml", "signed in"]);
    expect(
      outcome.verdict.findings.map((finding) => [finding.clusterId, finding.rule, finding.path, finding.expected]),
    ).toContainEqual([clusters[0]!.clusterId, "drift.networkProfile", "networkProfile.podCidrs", "10.99.0.0/16"]);
    expect(outcome.verdict.result).toBe("drift");
  });
});

describe("Resource Graph's copy of a fleet", () => {
  /** A check of two clusters whose discovery answers only when the test says so, and whose Resource Graph reads are recorded. */
  async function heldDiscovery(dataSource: string) {
    const clusters = fleet(2);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    const inputs: Record<string, string> = { scope: `/subscriptions/${SUBSCRIPTION}`, "data-source": dataSource };
    const settings = readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const asked: { subscriptions: readonly string[]; discovered: boolean }[] = [];
    let discovered = false;
    const checking = check(
      settings,
      deps({
        fleet: {
          discover: async () => {
            await answered;
            discovered = true;
            return discoveryOf(clusters);
          },
        },
        graph: {
          readerFor: async (subscriptions) => {
            asked.push({ subscriptions, discovered });
            return Object.assign(reader(), { sourceOf: () => undefined });
          },
        },
      }),
    );
    return { checking, answer, asked };
  }

  it("is read beside discovery with data-source: resource-graph and scopes that name their subscriptions", async () => {
    const { checking, answer, asked } = await heldDiscovery("resource-graph");
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([{ subscriptions: [SUBSCRIPTION], discovered: false }]);
    answer();
    const outcome = await checking;
    expect(outcome.verdict.clusters.map((cluster) => cluster.result.kind)).toEqual(["checked", "checked"]);
    expect(outcome.fleet?.dataSource).toBe("resource-graph");
  });

  it("waits for discovery's count with data-source: auto, and a fleet of two stays on Resource Manager", async () => {
    const { checking, answer, asked } = await heldDiscovery("auto");
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([]);
    answer();
    const outcome = await checking;
    expect(asked).toEqual([]);
    expect(outcome.fleet?.dataSource).toBe("arm");
  });

  it("with data-source: auto counts the clusters this job takes: one of 26 named by 'cluster-name' is read live", async () => {
    const clusters = fleet(GRAPH_FROM_CLUSTERS + 1);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    const checkWith = async (more: Record<string, string>) => {
      const inputs: Record<string, string> = {
        scope: `/subscriptions/${SUBSCRIPTION}`,
        "data-source": "auto",
        ...more,
      };
      const settings = readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
      const asked: (readonly string[])[] = [];
      const outcome = await check(
        settings,
        deps({
          fleet: { discover: async () => discoveryOf(clusters) },
          graph: {
            readerFor: async (subscriptions) => {
              asked.push(subscriptions);
              return Object.assign(reader(), { sourceOf: () => undefined });
            },
          },
        }),
      );
      return { outcome, asked };
    };
    const whole = await checkWith({});
    expect(whole.outcome.fleet?.dataSource).toBe("resource-graph");
    expect(whole.asked.length).toBeGreaterThan(0);
    const one = await checkWith({ "cluster-name": "aks-7" });
    expect(one.outcome.fleet?.dataSource).toBe("arm");
    expect(one.asked).toEqual([]);
    expect(one.outcome.verdict.clusters.map((cluster) => cluster.result.clusterId.split("/").at(-1))).toEqual([
      "aks-7",
    ]);
  });
});

describe("a fleet run the gate wired without Resource Graph", () => {
  const defect =
    "This is a defect of AKS Network Gate, not of your setup, and retrying cannot help: report it at https://github.com/contoso/aks-network-gate/issues with this message.";

  it("fails discovery of a subscription as the gate's defect, to report, not as the user's scope", async () => {
    const workspace = await mkdtemp(path.join(tmpdir(), "gate-fleet-"));
    const inputs: Record<string, string> = { scope: `/subscriptions/${SUBSCRIPTION}` };
    const settings = readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
    const error = await discoverFleet(settings, { reader: reader(), now }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(GateDefect);
    expect(error).toMatchObject({
      message: "A scope other than a cluster ID needs Azure Resource Graph, which this run has no reader for.",
      hint: defect,
    });
  });

  it("fails a check from Resource Graph without its reader as the gate's defect", async () => {
    const clusters = fleet(1);
    arm.sandbox.world = new World(...clusters.flatMap((cluster) => cluster.resources));
    const workspace = await baselineOf(clusters);
    const inputs: Record<string, string> = { scope: `/subscriptions/${SUBSCRIPTION}`, "data-source": "resource-graph" };
    const settings = readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
    const checking = check(settings, deps({ fleet: { discover: async () => discoveryOf(clusters) } }));
    await expect(checking).rejects.toBeInstanceOf(GateDefect);
    await expect(checking).rejects.toMatchObject({
      message: "'data-source: resource-graph' needs a Resource Graph reader.",
      hint: defect,
    });
  });
});
