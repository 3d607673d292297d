import { lastSegment } from "../core/arm-ids.js";
import { prefixKey } from "../core/check/values.js";
import type { BaselineCluster } from "../core/model.js";

type Segment = string | number;

const SEGMENT = /([^.[\]]+)|\[([^\]]+)\]/g;

/** The key by which a finding path names an element of a baseline list. */
function keyOf(element: unknown): string | undefined {
  if (typeof element !== "object" || element === null) return undefined;
  const item = element as { name?: unknown; id?: unknown; addressPrefix?: unknown };
  if (typeof item.addressPrefix === "string") return prefixKey(item.addressPrefix);
  if (typeof item.id === "string") return lastSegment(item.id).toLowerCase();
  if (typeof item.name === "string") return item.name.toLowerCase();
  return undefined;
}

/**
 * Turns a finding's readable path (`nodePools[nodepool1].maxPods`) into the
 * path of the same field in the baseline entry (`nodePools`, 0, `maxPods`),
 * stopping where the baseline has no such element.
 */
export function baselinePath(entry: BaselineCluster, path: string): Segment[] {
  const segments: Segment[] = [];
  let node: unknown = { ...entry, suppress: entry.suppressions };
  for (const match of path.matchAll(SEGMENT)) {
    const [, field, key] = match;
    if (field !== undefined) {
      if (typeof node !== "object" || node === null || !(field in node)) break;
      segments.push(field);
      node = (node as Record<string, unknown>)[field];
      continue;
    }
    if (!Array.isArray(node) || key === undefined) break;
    const wanted = /\//.test(key) ? prefixKey(key) : key.toLowerCase();
    const index = node.findIndex((element) => keyOf(element) === wanted);
    if (index < 0) break;
    segments.push(index);
    node = node[index];
  }
  return segments;
}
