/** What the benchmark's parts share: a row of its table, the clock, a chain of requests, a child's peak memory. */
import { readFileSync } from "node:fs";
import type { RequestRecord } from "../sandbox/arm.js";

export interface Row {
  measure: string;
  value: string;
  target: string;
  met: string;
}

export const clock = (): number => performance.timeOrigin + performance.now();

/** The longest chain of requests where each starts after the previous one ended. */
export function sequentialDepth(requests: RequestRecord[]): number {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  const chain: number[] = [];
  sorted.forEach((request, index) => {
    let longest = 0;
    for (let before = 0; before < index; before++) {
      const previous = sorted[before]!;
      if ((previous.endedAt ?? Infinity) <= request.startedAt) longest = Math.max(longest, chain[before]!);
    }
    chain.push(longest + 1);
  });
  return Math.max(0, ...chain);
}

/**
 * The fewest requests in a chain that any one cluster's reads took: the
 * depth its reads' order forces. Each cluster is named by its resource
 * group and its node resource group. A cluster whose chain is longer waited
 * between reads (a new connection, a busy CPU, a throttled subscription), so
 * one cluster's chain alone can overstate the depth: with the first cluster
 * alone, the Resource Graph run read 1 or 2 from run to run.
 */
export function clusterDepth(
  requests: RequestRecord[],
  clusters: readonly { clusterId: string; nodeResourceGroup: string }[],
): number {
  const clusterOfGroup = new Map<string, number>();
  clusters.forEach((cluster, index) => {
    const [, , , resourceGroup = ""] = cluster.clusterId.split("/").slice(1);
    clusterOfGroup.set(resourceGroup.toLowerCase(), index);
    clusterOfGroup.set(cluster.nodeResourceGroup.toLowerCase(), index);
  });
  const perCluster = new Map<number, RequestRecord[]>();
  for (const request of requests) {
    const group = /\/resourceGroups\/([^/]+)/i.exec(request.path)?.[1]?.toLowerCase();
    const index = group === undefined ? undefined : clusterOfGroup.get(group);
    if (index === undefined) continue;
    perCluster.set(index, [...(perCluster.get(index) ?? []), request]);
  }
  return Math.min(...[...perCluster.values()].map((each) => sequentialDepth(each)));
}

/** Samples a child's peak resident set (VmHWM) from when it is spawned until `stop`, in MB. */
export function rssSampler(): { onSpawn: (child: { pid?: number }) => void; stop: () => number } {
  let peakKb = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    onSpawn: (child) => {
      timer = setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        } catch {
          return;
        }
      }, 5);
    },
    stop: () => {
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}
