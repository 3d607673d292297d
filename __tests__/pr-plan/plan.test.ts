/**
 * The plan of a baseline change over live clusters: the network the new entry
 * plans, the drift it expects until applied, accepts or leaves, the rules of
 * the new plan told new or already broken, and the verdict under fail-on.
 */
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import { NETWORK_RULES } from "../../src/core/check/rules/index.js";
import type { Baseline, BaselineCluster, ClusterResult, ClusterSnapshot } from "../../src/core/model.js";
import { LIVE_STATE_RULES, planOf } from "../../src/core/pr-plan/plan.js";
import { plannedNetwork } from "../../src/core/pr-plan/projection.js";
import type { FailOn } from "../../src/core/verdict.js";
import { CLUSTER_ID, kubenetSnapshot, ROUTE_TABLE_ID, SUBNET_ID, VNET_ID } from "../fixtures/snapshots.js";

const live = kubenetSnapshot(3);
const captured = (): BaselineCluster => baselineFromSnapshot(live);
const baseline = (...clusters: BaselineCluster[]): Baseline => ({ version: 1, clusters, exclusions: [] });

function edited(edit: (entry: BaselineCluster) => void, from = captured()): BaselineCluster {
  const copy = structuredClone(from);
  edit(copy);
  return copy;
}

function read(entry: BaselineCluster, snapshot: ClusterSnapshot = live): ClusterResult {
  return { kind: "checked", clusterId: entry.id, snapshot, expected: entry, findings: compareCluster(entry, snapshot) };
}

function plan(base: BaselineCluster | undefined, head: BaselineCluster, failOn: FailOn = "error", snapshot = live) {
  return planOf({
    base: base ? baseline(base) : undefined,
    head: baseline(head),
    results: [read(head, snapshot)],
    policy: { failOn, issueOnError: false },
  });
}

const widenAndAddPool = (entry: BaselineCluster) => {
  entry.networkProfile.podCidrs = ["10.244.0.0/15"];
  entry.nodePools?.push({ name: "userpool", mode: "User", count: 4, enableAutoScaling: false, maxPods: 110 });
};

describe("the network a baseline entry plans", () => {
  it("puts the entry's values over the live ones and adds the pools, subnets and tables Azure does not have yet", () => {
    const entry = edited((copy) => {
      widenAndAddPool(copy);
      copy.subnets?.push({
        id: `${VNET_ID}/subnets/snet-new`,
        addressPrefixes: ["10.225.0.0/24"],
        routeTableId: ROUTE_TABLE_ID,
      });
    });
    const planned = plannedNetwork(live, entry);
    expect(planned.networkProfile.podCidrs).toEqual(["10.244.0.0/15"]);
    expect(planned.networkProfile.serviceCidrs).toEqual(live.networkProfile.serviceCidrs);
    expect(planned.nodePools.map((pool) => [pool.name, pool.count, pool.maxPods, pool.enableAutoScaling])).toEqual([
      ["nodepool1", 3, 110, true],
      ["userpool", 4, 110, false],
    ]);
    expect(planned.subnets.map((subnet) => subnet.id.split("/").at(-1))).toEqual(["aks-subnet", "snet-new"]);
    expect(planned.routeTables[0]?.subnetIds).toEqual([SUBNET_ID, `${VNET_ID}/subnets/snet-new`]);
    expect(planned.nodes).toBe(live.nodes);
    expect(
      plannedNetwork(
        live,
        edited((copy) => copy.nodePools?.splice(0, 1)),
      ).nodePools,
    ).toEqual([]);
  });

  it("replaces a table's routes with the pinned ones under exact, and keeps the managed ones under perNode", () => {
    const custom = {
      name: "fw",
      addressPrefix: "0.0.0.0/0",
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.0.0.4",
    };
    const pin = (managedRoutes: "exact" | "perNode") =>
      plannedNetwork(
        live,
        edited((copy) => (copy.routeTables = [{ id: ROUTE_TABLE_ID, managedRoutes, routes: [custom] }])),
      );
    expect(pin("exact").routeTables[0]?.routes).toEqual([custom]);
    expect(pin("perNode").routeTables[0]?.routes).toEqual([...(live.routeTables[0]?.routes ?? []), custom]);
  });
});

describe("the drift of the plan", () => {
  it("expects the change's own drift until it is applied, and passes", () => {
    const result = plan(captured(), edited(widenAndAddPool));
    const [cluster] = result.clusters;
    expect(cluster?.untilApplied.map((item) => [item.path, item.expected, item.actual])).toEqual([
      ["networkProfile.podCidrs", "10.244.0.0/15", "10.244.0.0/16"],
      ["nodePools[userpool]", "userpool", "(none)"],
    ]);
    expect([cluster?.accepted, cluster?.stillDrifting]).toEqual([[], []]);
    expect(result.verdict).toMatchObject({ result: "pass", fails: false, exitCode: 0, failure: undefined });
    expect(result.verdict.headline.text).toBe(
      "the new plan breaks no network rule (1 warning that does not count under fail-on: error); 1 cluster will drift until the change is applied, as the change expects",
    );
  });

  it("tells drift the change accepts from drift it leaves as it was", () => {
    const drifted = structuredClone(live);
    drifted.networkProfile.outboundType = "userDefinedRouting";
    drifted.networkProfile.dnsServiceIP = "10.0.0.11";
    const head = edited((copy) => (copy.networkProfile.outboundType = "userDefinedRouting"));
    const [cluster] = plan(captured(), head, "error", drifted).clusters;
    expect(cluster?.accepted.map((item) => item.path)).toEqual(["networkProfile.outboundType"]);
    expect(cluster?.stillDrifting.map((item) => item.path)).toEqual(["networkProfile.dnsServiceIP"]);
    expect(cluster?.untilApplied).toEqual([]);
  });

  it("reads a cluster new to the baseline as drifting by all its differences", () => {
    const [cluster] = plan(undefined, edited(widenAndAddPool)).clusters;
    expect(cluster?.untilApplied.map((item) => item.path)).toEqual(["networkProfile.podCidrs", "nodePools[userpool]"]);
  });
});

describe("the rules of the new plan", () => {
  it("tells a rule the change breaks (new) from one the base plan breaks too, and fails under fail-on", () => {
    const overlapping = edited((copy) => (copy.networkProfile.podCidrs = ["10.230.0.0/16"]));
    const result = plan(captured(), overlapping);
    const rules = result.clusters[0]?.rules.map((rule) => [rule.finding.rule, rule.since]);
    expect(rules).toEqual([
      ["addressPlan.podCidrOverlapsVnet", "new"],
      ["lifecycle.kubenetRetirement", "before"],
    ]);
    expect(result.verdict).toMatchObject({ result: "drift", fails: true, exitCode: 1 });
    expect(result.verdict.failing.map((item) => item.rule)).toEqual(["addressPlan.podCidrOverlapsVnet"]);
    expect(result.verdict.failure).toMatch(
      /^The baseline of this pull request plans a network that breaks 1 network rule finding \(fail-on: error\):\n- clustername1: addressPlan\.podCidrOverlapsVnet/u,
    );
    expect(plan(captured(), overlapping, "never").verdict).toMatchObject({
      result: "drift",
      fails: false,
      exitCode: 0,
    });
    expect(plan(captured(), overlapping, "warning").verdict.failing).toHaveLength(2);
  });

  it("says which findings of the base plan the change fixes", () => {
    const broken = edited((copy) => (copy.networkProfile.podCidrs = ["10.230.0.0/16"]));
    const [cluster] = plan(broken, captured(), "error", live).clusters;
    expect(cluster?.fixed.map((item) => item.rule)).toEqual(["addressPlan.podCidrOverlapsVnet"]);
    expect(cluster?.rules.map((rule) => rule.since)).toEqual(["before"]);
  });

  it("judges a new pool at full scale: capacity of the pod CIDR", () => {
    const huge = edited((copy) => copy.nodePools?.push({ name: "batch", count: 300, enableAutoScaling: false }));
    const result = plan(captured(), huge);
    expect(result.clusters[0]?.rules.filter((rule) => rule.since === "new").map((rule) => rule.finding.rule)).toContain(
      "capacity.podCidr",
    );
    expect(result.verdict.fails).toBe(true);
  });

  it("leaves out the rules of the live routes and a migration's progress, which a pool without nodes yet would trip", () => {
    const ids = NETWORK_RULES.map((rule) => rule.id);
    for (const id of LIVE_STATE_RULES) expect(ids).toContain(id);
    const rules = plan(captured(), edited(widenAndAddPool)).clusters[0]?.rules.map((rule) => rule.finding.rule);
    expect(rules).toEqual(["lifecycle.kubenetRetirement"]);
  });

  it("silences what the new entry suppresses", () => {
    const head = edited((copy) => {
      widenAndAddPool(copy);
      copy.suppressions = [{ rule: "lifecycle.kubenetRetirement", reason: "CHG-1234" }];
    });
    const [cluster] = plan(captured(), head).clusters;
    expect(cluster?.rules).toEqual([]);
    expect(cluster?.silenced.map((item) => [item.rule, item.suppressed])).toEqual([
      ["lifecycle.kubenetRetirement", "CHG-1234"],
    ]);
  });
});

describe("a cluster that could not be read", () => {
  it("ends the plan as error, which fails the job whatever fail-on says", () => {
    const head = edited(widenAndAddPool);
    const result = planOf({
      base: baseline(captured()),
      head: baseline(head),
      results: [{ kind: "error", clusterId: CLUSTER_ID, message: "AuthorizationFailed on the managed cluster." }],
      policy: { failOn: "never", issueOnError: false },
    });
    expect(result.verdict).toMatchObject({ result: "error", fails: true, exitCode: 2 });
    expect(result.verdict.failure).toContain(`${CLUSTER_ID}: AuthorizationFailed on the managed cluster.`);
    expect(result.clusters[0]?.planned).toBeUndefined();
  });
});
