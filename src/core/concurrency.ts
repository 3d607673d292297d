/** Maps over items with at most `limit` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * The items in turns across their groups: the first of each group, then the
 * second of each, and so on, each group in its own order. A fleet read in
 * this order spreads its reads over every subscription's ARM read bucket at
 * once, instead of draining one subscription's bucket while the others sit full.
 */
export function interleaved<T>(items: readonly T[], group: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = group(item);
    const members = groups.get(key) ?? [];
    members.push(item);
    groups.set(key, members);
  }
  const lists = [...groups.values()];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  const order: T[] = [];
  for (let turn = 0; turn < longest; turn++) {
    for (const list of lists) if (turn < list.length) order.push(list[turn] as T);
  }
  return order;
}

/** mapLimit over the items in interleaved order; the results in the items' own order. */
export async function mapInterleaved<T, R>(
  items: readonly T[],
  limit: number,
  group: (item: T) => string,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const indexed = items.map((item, index) => ({ item, index }));
  const results = new Array<R>(items.length);
  await mapLimit(
    interleaved(indexed, ({ item }) => group(item)),
    limit,
    async ({ item, index }) => {
      results[index] = await fn(item);
    },
  );
  return results;
}
