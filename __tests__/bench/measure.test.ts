/**
 * The chains the benchmark's least time is made of: a chain is requests that
 * each start after the previous one ended, and a cluster's depth is the
 * shortest chain any cluster's reads formed, so one cluster that waited does
 * not lengthen the least time; a thread's CPU time is read from its proc(5)
 * stat line.
 */
import { clusterDepth, sequentialDepth, statTicks } from "../../bench/measure.js";
import type { RequestRecord } from "../../sandbox/arm.js";

function request(path: string, startedAt: number, endedAt: number): RequestRecord {
  return { method: "GET", path, query: {}, status: 200, startedAt, endedAt };
}

const SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000";
const clusters = ["a", "b"].map((name) => ({
  clusterId: `${SUBSCRIPTION}/resourceGroups/rg-${name}/providers/Microsoft.ContainerService/managedClusters/aks-${name}`,
  nodeResourceGroup: `MC_rg-${name}_aks-${name}_eastus`,
}));
const scaleSet = (name: string) =>
  `${SUBSCRIPTION}/resourceGroups/mc_rg-${name}_aks-${name}_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/vmss`;

describe("sequentialDepth", () => {
  it("counts requests that wait for each other, not those side by side", () => {
    expect(sequentialDepth([request("/x", 0, 20), request("/y", 0, 20)])).toBe(1);
    expect(sequentialDepth([request("/x", 0, 20), request("/y", 20, 40), request("/z", 45, 60)])).toBe(3);
    expect(sequentialDepth([])).toBe(0);
  });
});

describe("clusterDepth", () => {
  it("is the shortest chain of any cluster, its node resource group's reads included in any case", () => {
    const requests = [
      request(`${scaleSet("a")}/virtualMachines`, 0, 20),
      request(`${scaleSet("a")}/networkInterfaces`, 25, 45),
      request(`${scaleSet("b")}/virtualMachines`, 50, 70),
      request(`${scaleSet("b")}/networkInterfaces`.toUpperCase(), 50, 70),
    ];
    expect(clusterDepth(requests, clusters)).toBe(1);
    expect(clusterDepth(requests.slice(0, 2), clusters)).toBe(2);
  });

  it("counts a cluster's own resource group with its node resource group, and no request of another", () => {
    const requests = [
      request(clusters[0]!.clusterId, 0, 20),
      request(`${scaleSet("a")}/virtualMachines`, 20, 40),
      request(`${SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.Network/routeTables/rt`, 0, 10),
    ];
    expect(clusterDepth(requests, clusters)).toBe(2);
  });
});

describe("statTicks", () => {
  it("adds utime and stime of a proc(5) stat line, past a thread name with spaces and parentheses", () => {
    // Fields 14 and 15 (utime 331, stime 17); the name "(x) y" would shift a plain split.
    const line = "4477 ((x) y) R 4470 4477 4470 0 -1 4194560 5012 0 0 0 331 17 0 0 20 0 11 0 123456 1000000 30000";
    expect(statTicks(line)).toBe(348);
    expect(statTicks("12 (WorkerThread) S 1 12 1 0 -1 0 0 0 0 0 5 2 0 0 20 0 1 0 1 1 1")).toBe(7);
  });
});
