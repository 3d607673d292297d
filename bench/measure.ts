/** What the benchmark's parts share: a row of its table, the clock, a chain of requests, what a child used. */
import { readdirSync, readFileSync } from "node:fs";
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

/** What a child used: its peak resident set, and the CPU time of its threads. */
export interface ChildUse {
  peakRssMb: number;
  /** CPU seconds of all its threads (V8's helpers included). */
  cpuS: number;
  /** CPU seconds of its busiest thread: for the action, the gate's own. */
  busiestThreadCpuS: number;
}

/** The CPU clock ticks (user + system) in one /proc/<pid>/task/<tid>/stat line; its name may hold spaces and parentheses. */
export function statTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3 of proc(5), utime and stime fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** Linux's USER_HZ, the unit of proc(5)'s CPU times (`getconf CLK_TCK`): 100 on x86 and Arm. */
const TICKS_PER_SECOND = 100;

/**
 * Samples a child from when it is spawned until `stop`: its peak resident set
 * (VmHWM) every 5 ms, and each thread's CPU time every 25 ms, so that the
 * CPU times fall short by what the last 25 ms before the exit took.
 */
export function childSampler(): { onSpawn: (child: { pid?: number }) => void; stop: () => ChildUse } {
  let peakKb = 0;
  const ticks = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  const sample = (read: () => void) => () => {
    try {
      read();
    } catch {
      return;
    }
  };
  return {
    onSpawn: (child) => {
      const memory = sample(() => {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      });
      const cpu = sample(() => {
        for (const thread of readdirSync(`/proc/${child.pid}/task`)) {
          ticks.set(thread, statTicks(readFileSync(`/proc/${child.pid}/task/${thread}/stat`, "utf8")));
        }
      });
      timers.push(setInterval(memory, 5), setInterval(cpu, 25));
    },
    stop: () => {
      for (const timer of timers) clearInterval(timer);
      const each = [...ticks.values()];
      return {
        peakRssMb: peakKb / 1024,
        cpuS: each.reduce((sum, value) => sum + value, 0) / TICKS_PER_SECOND,
        busiestThreadCpuS: Math.max(0, ...each) / TICKS_PER_SECOND,
      };
    },
  };
}
