/**
 * The known name a mistyped one most likely meant, for "did you mean"
 * messages. Hand-written: neither node:util nor the project's libraries offer
 * one, and the edit distance is a dozen lines.
 */

/** Edits (insert, delete, replace) from one word to the other. */
export function editDistance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let row = 1; row <= from.length; row++) {
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const replace = (previous[column - 1] ?? 0) + (from[row - 1] === to[column - 1] ? 0 : 1);
      current.push(Math.min(replace, (previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[to.length] ?? 0;
}

/**
 * The first known name that the given one abbreviates, extends by a suffix
 * (`subscription-id` for `subscription`), or misses by at most two edits.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  if (name.length < 3) return undefined;
  return (
    known.find((each) => each.startsWith(name) || name.startsWith(`${each}-`) || name.startsWith(`${each}_`)) ??
    known.find((each) => editDistance(name, each) <= 2)
  );
}
