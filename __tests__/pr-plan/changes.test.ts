/**
 * The baseline change in words: clusters added and removed, and in a changed
 * entry each field, pool, subnet, route table, route, suppression and planned
 * migration, compared as the check compares values.
 */
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import type { Baseline, BaselineCluster } from "../../src/core/model.js";
import { baselineChanges, entryEdits } from "../../src/core/pr-plan/changes.js";
import { CLUSTER_ID, kubenetSnapshot, ROUTE_TABLE_ID } from "../fixtures/snapshots.js";

function entry(): BaselineCluster {
  return baselineFromSnapshot(kubenetSnapshot(3));
}

function changed(edit: (entry: BaselineCluster) => void): BaselineCluster {
  const copy = structuredClone(entry());
  edit(copy);
  return copy;
}

const baseline = (...clusters: BaselineCluster[]): Baseline => ({ version: 1, clusters, exclusions: [] });

describe("the edits of one cluster's entry", () => {
  it("finds none when the same network is written another way (ID case, CIDR order)", () => {
    const same = changed((copy) => {
      copy.subnets = copy.subnets?.map((subnet) => ({ ...subnet, id: subnet.id.toUpperCase() }));
      copy.networkProfile.ipFamilies = ["ipv4"];
    });
    expect(entryEdits(entry(), same)).toEqual([]);
  });

  it("says a widened pod CIDR and an added node pool", () => {
    const now = changed((copy) => {
      copy.networkProfile.podCidrs = ["10.244.0.0/15"];
      copy.nodePools?.push({ name: "userpool", mode: "User", count: 4, enableAutoScaling: false, maxPods: 110 });
    });
    expect(entryEdits(entry(), now)).toEqual([
      {
        path: "networkProfile.podCidrs",
        subject: "field",
        change: "changed",
        before: "10.244.0.0/16",
        after: "10.244.0.0/15",
      },
      {
        path: "nodePools[userpool]",
        subject: "item",
        change: "added",
        before: "",
        after: "mode User, count 4, enableAutoScaling false, maxPods 110",
      },
    ]);
  });

  it("says a pool removed, a pool's field changed, a field no longer pinned, and a subnet's prefix", () => {
    const now = changed((copy) => {
      delete copy.networkProfile.outboundType;
      const pool = copy.nodePools?.[0];
      if (pool) pool.maxCount = 20;
      copy.nodePools?.push({ name: "spot", count: 2 });
      copy.subnets = copy.subnets?.map((subnet) => ({ ...subnet, addressPrefixes: ["10.224.0.0/15"] }));
    });
    const without = changed((copy) => copy.nodePools?.splice(0, 1));
    expect(entryEdits(entry(), now).map((edit) => [edit.path, edit.change, edit.before, edit.after])).toEqual([
      ["networkProfile.outboundType", "removed", "loadBalancer", ""],
      ["nodePools[nodepool1].maxCount", "changed", "10", "20"],
      ["nodePools[spot]", "added", "", "count 2"],
      ["subnets[aks-subnet].addressPrefixes", "changed", "10.224.0.0/16", "10.224.0.0/15"],
    ]);
    expect(entryEdits(entry(), without)).toEqual([
      expect.objectContaining({ path: "nodePools[nodepool1]", subject: "item", change: "removed" }),
    ]);
  });

  it("says routes pinned, removed and sent elsewhere, keyed by their prefix as networks", () => {
    const route = {
      name: "to-firewall",
      addressPrefix: "0.0.0.0/0",
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.0.0.4",
    };
    const was = changed((copy) => {
      copy.routeTables = [
        {
          id: ROUTE_TABLE_ID,
          managedRoutes: "perNode",
          routes: [route, { ...route, name: "onprem", addressPrefix: "192.168.0.0/16" }],
        },
      ];
    });
    const now = changed((copy) => {
      copy.routeTables = [
        {
          id: ROUTE_TABLE_ID.toLowerCase(),
          managedRoutes: "exact",
          routes: [
            { ...route, nextHopIpAddress: "10.0.0.5" },
            { ...route, name: "", addressPrefix: "172.16.0.0/12", nextHopType: "VnetLocal", nextHopIpAddress: null },
          ],
        },
      ];
    });
    const table = "routeTables[aks-agentpool-12345678-routetable]";
    expect(entryEdits(was, now).map((edit) => [edit.path, edit.change, edit.before, edit.after])).toEqual([
      [`${table}.managedRoutes`, "changed", "perNode", "exact"],
      [`${table}.routes[0.0.0.0/0].nextHop`, "changed", "VirtualAppliance 10.0.0.4", "VirtualAppliance 10.0.0.5"],
      [`${table}.routes[172.16.0.0/12]`, "added", "", "→ VnetLocal"],
      [`${table}.routes[192.168.0.0/16]`, "removed", "→ VirtualAppliance 10.0.0.4 (onprem)", ""],
    ]);
  });

  it("says the hand-written fields: owner, alsoRoutedHere, plannedMigration and suppressions", () => {
    const now = changed((copy) => {
      copy.owner = "@contoso/platform";
      copy.alsoRoutedHere = ["192.168.0.0/16"];
      copy.plannedMigration = {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        reason: "CHG-1234",
        by: "2027-06-30",
      };
      copy.suppressions = [{ rule: "lifecycle.kubenetRetirement", reason: "migration CHG-1234" }];
    });
    expect(entryEdits(entry(), now).map((edit) => [edit.path, edit.change, edit.after])).toEqual([
      ["owner", "added", "@contoso/platform"],
      ["alsoRoutedHere", "added", "192.168.0.0/16"],
      ["plannedMigration", "added", "networkPlugin azure, networkPluginMode overlay, by 2027-06-30, reason CHG-1234"],
      ["suppress[lifecycle.kubenetRetirement]", "added", "migration CHG-1234"],
    ]);
  });
});

describe("the clusters a baseline change touches", () => {
  const other = { ...entry(), id: CLUSTER_ID.replace(/clustername1$/u, "aks-other") };

  it("lists added, changed and removed entries; an unchanged one not at all", () => {
    const widened = changed((copy) => (copy.networkProfile.podCidrs = ["10.244.0.0/15"]));
    const added = { ...entry(), id: CLUSTER_ID.replace(/clustername1$/u, "aks-new") };
    const changes = baselineChanges(baseline(entry(), other), baseline(widened, added));
    expect(changes.map((change) => [change.clusterId.split("/").at(-1), change.change, change.edits.length])).toEqual([
      ["clustername1", "changed", 1],
      ["aks-new", "added", 0],
      ["aks-other", "removed", 0],
    ]);
    expect(changes[1]?.summary).toBe("networkPlugin kubenet, podCidrs 10.244.0.0/16, 1 node pools");
  });

  it("reads every entry as added when the base branch has no baseline", () => {
    expect(baselineChanges(undefined, baseline(entry())).map((change) => change.change)).toEqual(["added"]);
    expect(baselineChanges(baseline(entry()), baseline(entry()))).toEqual([]);
  });

  it("keys clusters case-insensitively, as ARM IDs are", () => {
    const upper = { ...entry(), id: CLUSTER_ID.toUpperCase() };
    expect(baselineChanges(baseline(entry()), baseline(upper))).toEqual([]);
  });
});
