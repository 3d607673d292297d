/**
 * Texts GitHub takes only up to a size: an issue body or a comment (65,536
 * characters) and a step's job summary (1 MiB, counted in bytes). A text is
 * rendered at levels, each cutting one more part in a fixed order, and the
 * first that fits is kept; when none does, the last is cut at a line, with
 * open fences and `<details>` closed and a note that says where the rest is.
 */

/** A limit on a text's size, in the unit GitHub counts it in. */
export interface Budget {
  limit: number;
  unit: "characters" | "bytes";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function sizeOf(text: string, budget: Budget): number {
  return budget.unit === "bytes" ? encoder.encode(text).length : text.length;
}

/** The longest start of the text within `room` units (a character split by a byte cut ends up after the last line). */
function head(text: string, room: number, budget: Budget): string {
  return budget.unit === "bytes" ? decoder.decode(encoder.encode(text).subarray(0, room)) : text.slice(0, room);
}

/** The last resort: a cut at a line, with open fences and details closed, and the note at the end. */
export function cutAtLine(text: string, note: string, budget: Budget): string {
  const ending = `\n\n${note}\n`;
  const room = budget.limit - sizeOf(ending, budget) - 200;
  const start = head(text, room, budget);
  const kept = start.slice(0, Math.max(0, start.lastIndexOf("\n")));
  let fence: string | undefined;
  let open = 0;
  for (const line of kept.split("\n")) {
    const marker = /^(`{3,})/.exec(line)?.[1];
    if (marker && fence === undefined) fence = marker;
    else if (marker && marker === fence && line.trim() === marker) fence = undefined;
    else if (fence === undefined)
      open += (line.match(/<details>/g)?.length ?? 0) - (line.match(/<\/details>/g)?.length ?? 0);
  }
  const closing = `${fence ? `\n${fence}` : ""}${"\n\n</details>".repeat(Math.max(0, open))}`;
  return `${kept}${closing}${ending}`;
}

/** The fullest rendering that fits, trying `levels` levels from 0; else the last one cut at a line. */
export function fitWithin(render: (level: number) => string, levels: number, budget: Budget, note: string): string {
  let text = "";
  for (let level = 0; level < levels; level++) {
    text = render(level);
    if (sizeOf(text, budget) <= budget.limit) return text;
  }
  return cutAtLine(text, note, budget);
}
