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
