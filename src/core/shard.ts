import { createHash } from "node:crypto";

/** Slice INDEX of COUNT of a fleet (the `shard` input). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Whether a cluster belongs to a shard: by a hash of its lowercased resource
 * ID, so the slice is stable when the baseline file is reordered or edited
 * elsewhere, and COUNT shards cover every cluster exactly once.
 */
export function inShard(clusterId: string, shard: Shard): boolean {
  if (shard.count === 1) return true;
  const hash = createHash("sha256").update(clusterId.toLowerCase()).digest();
  return hash.readUInt32BE(0) % shard.count === shard.index - 1;
}
