/**
 * `npm run sandbox -- --replay DIR`: the sandbox answers ARM GETs from a folder
 * that `aks-network-gate capture|check --record DIR` wrote (src/io/azure/recorder.ts)
 * instead of from its World, so that a user's report of a wrong result is
 * reproduced offline. A request matches a recording by method, path (any case)
 * and query (the api-version, and a page's $skipToken); the same request asked
 * again gets the next recording of it, the last one once they run out (a run
 * that read a cluster again after a 429). A request that the folder does not
 * hold is answered with an ARM-style 404 naming it. nextLinks point to the
 * host the run read, and are pointed at the sandbox on the way out.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { RECORDED_BASELINE, type RecordedResponse, RECORDING_FILE } from "../src/io/azure/recorder.js";
import type { Reply } from "./arm-routes.js";
import { armErrorBody } from "./faults.js";

function trimmed(requestPath: string): string {
  return requestPath.replace(/\/+$/, "").toLowerCase();
}

function queryKey(query: Iterable<[string, string]>): string {
  return [...query]
    .map(([name, value]) => `${name.toLowerCase()}=${value}`)
    .sort()
    .join("&");
}

function keyOf(method: string, requestPath: string, query: Iterable<[string, string]>): string {
  return `${method.toUpperCase()} ${trimmed(requestPath)}?${queryKey(query)}`;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === "string")
  );
}

/** The file's recording, or an error naming the file and what is wrong with it. */
export function parseRecording(file: string, text: string): RecordedResponse {
  let value: Partial<RecordedResponse>;
  try {
    value = JSON.parse(text) as Partial<RecordedResponse>;
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}); was it edited by hand?`, { cause: error });
  }
  const wrong = [
    typeof value.method !== "string" && "method",
    (typeof value.path !== "string" || !value.path.startsWith("/")) && "path",
    !isStringRecord(value.query) && "query",
    (typeof value.status !== "number" || !Number.isInteger(value.status)) && "status",
    !isStringRecord(value.headers) && "headers",
    value.bodyText !== undefined && typeof value.bodyText !== "string" && "bodyText",
  ].filter((field) => field !== false);
  if (wrong.length > 0) {
    throw new Error(`${file} is not a recording of 'aks-network-gate --record': ${wrong.join(", ")} missing or wrong.`);
  }
  return value as RecordedResponse;
}

/** The recorded headers, named as the sandbox names its own, so that a recorded one replaces the sandbox's. */
function headersOf(recording: RecordedResponse): Record<string, string> {
  return Object.fromEntries(
    Object.entries(recording.headers).map(([name, value]) => [
      name.toLowerCase() === "content-type" ? "Content-Type" : name.toLowerCase(),
      value,
    ]),
  );
}

/** The body with its nextLink on the sandbox's host. */
function bodyOn(body: unknown, baseUrl: string): unknown {
  if (typeof body !== "object" || body === null || !("nextLink" in body)) return body;
  const { nextLink } = body as { nextLink: unknown };
  if (typeof nextLink !== "string" || !URL.canParse(nextLink)) return body;
  const moved = new URL(nextLink);
  const base = new URL(baseUrl);
  moved.protocol = base.protocol;
  moved.host = base.host;
  return { ...body, nextLink: moved.toString() };
}

export class Replay {
  private readonly served = new Map<string, number>();
  private readonly paths = new Map<string, Set<string>>();

  private constructor(
    readonly dir: string,
    private readonly recordings: Map<string, RecordedResponse[]>,
    /** The baseline the recorded run read (its text), when the folder holds it. */
    readonly baseline: string | undefined,
    private readonly onMiss: (request: string) => void,
  ) {
    for (const recording of [...recordings.values()].flat()) {
      const known = this.paths.get(trimmed(recording.path)) ?? new Set();
      known.add(queryKey(Object.entries(recording.query)) || "(no query)");
      this.paths.set(trimmed(recording.path), known);
    }
  }

  /** Reads every recording of the folder, in the order the run got them; a folder with none is refused. */
  static async load(dir: string, onMiss: (request: string) => void = () => undefined): Promise<Replay> {
    const files = (await readdir(dir))
      .map((name) => ({ name, order: RECORDING_FILE.exec(name)?.[1] }))
      .filter((file): file is { name: string; order: string } => file.order !== undefined)
      .sort((left, right) => Number(left.order) - Number(right.order));
    if (files.length === 0) {
      throw new Error(`${dir} holds no recordings (0001-GET-….json files that 'aks-network-gate --record' writes).`);
    }
    const recordings = new Map<string, RecordedResponse[]>();
    for (const { name } of files) {
      const recording = parseRecording(path.join(dir, name), await readFile(path.join(dir, name), "utf8"));
      const key = keyOf(recording.method, recording.path, Object.entries(recording.query));
      recordings.set(key, [...(recordings.get(key) ?? []), recording]);
    }
    const baseline = path.join(dir, RECORDED_BASELINE);
    const text = existsSync(baseline) ? await readFile(baseline, "utf8") : undefined;
    return new Replay(dir, recordings, text, onMiss);
  }

  /** How many responses the folder holds. */
  get size(): number {
    return [...this.recordings.values()].reduce((total, list) => total + list.length, 0);
  }

  /** The recorded answer to `method url`, or ARM's 404 naming what is not recorded. */
  answer(method: string, url: URL, baseUrl: string): Reply {
    const requestPath = decodeURIComponent(url.pathname);
    const key = keyOf(method, requestPath, url.searchParams);
    const list = this.recordings.get(key);
    if (!list) return this.notRecorded(method, requestPath, url);
    const index = this.served.get(key) ?? 0;
    this.served.set(key, index + 1);
    const recording = list[Math.min(index, list.length - 1)] as RecordedResponse;
    const reply: Reply = { status: recording.status, headers: headersOf(recording), body: null };
    if (recording.bodyText !== undefined) return { ...reply, text: recording.bodyText };
    return recording.body === undefined ? { ...reply, text: "" } : { ...reply, body: bodyOn(recording.body, baseUrl) };
  }

  private notRecorded(method: string, requestPath: string, url: URL): Reply {
    const request = `${method} ${requestPath}${url.search}`;
    this.onMiss(request);
    const known = this.paths.get(trimmed(requestPath));
    const near = known ? ` It holds this path with: ${[...known].join("; ")}.` : "";
    const message =
      `The replay of '${this.dir}' holds no recording of ${request}.${near} ` +
      "The gate read something the recorded run did not: another baseline, other options or another gate version.";
    return { status: 404, body: armErrorBody("RecordingNotFound", message) };
  }
}
