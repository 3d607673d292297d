import { inShard } from "../src/core/shard.js";

const ids = Array.from(
  { length: 240 },
  (_, index) =>
    `/subscriptions/00000000-0000-0000-0000-00000000000${index % 7}/resourceGroups/rg-${index}/providers/Microsoft.ContainerService/managedClusters/aks-${index}`,
);

function shardsOf(list: string[], count: number): string[][] {
  return Array.from({ length: count }, (_, index) => list.filter((id) => inShard(id, { index: index + 1, count })));
}

describe("inShard", () => {
  it.each([1, 2, 3, 8, 16])("covers every cluster exactly once across %i shards", (count) => {
    const shards = shardsOf(ids, count);
    const all = shards.flat();
    expect(all).toHaveLength(ids.length);
    expect(new Set(all).size).toBe(ids.length);
  });

  it("spreads the fleet over the shards", () => {
    for (const shard of shardsOf(ids, 8)) expect(shard.length).toBeGreaterThan(10);
  });

  it("keeps a cluster in its shard when the baseline is reordered or the ID's case changes", () => {
    const reversed = [...ids].reverse();
    const before = shardsOf(ids, 8).map((shard) => new Set(shard));
    const after = shardsOf(reversed, 8);
    after.forEach((shard, index) => expect(new Set(shard)).toEqual(before[index]));
    expect(inShard(ids[5]!.toUpperCase(), { index: 1, count: 8 })).toBe(inShard(ids[5]!, { index: 1, count: 8 }));
  });
});
