/**
 * `--record DIR` of the CLI: every ARM response a run reads, one JSON file per
 * request (method, path, query with its api-version, status, a few headers,
 * body), so that a user can hand over what Azure told the gate and the run can
 * be replayed offline (`npm run sandbox -- --replay DIR`, sandbox/replay.ts).
 *
 * The policy sits in the pipeline's perCall position, in front of the SDK's
 * retry policy (core-rest-pipeline runs perCall policies before the Retry
 * phase, perRetry ones after Sign): it sees each call once, with the response
 * the retries ended on, which is the response the gate used. A 429 or 503 that
 * a retry got past is not recorded; one that outlasted the retries is. A
 * request that ended without a response (reset, timeout) leaves no file.
 *
 * No request header is written, so neither is the Authorization header; the
 * bearer token the pipeline sent (read from the request once it is answered)
 * and anything shaped like a JWT are also cut from every file. Each file is
 * written to a temporary name and renamed, so a run that fails leaves whole
 * files. With `scrub`, the subscription and tenant GUIDs become fake ones,
 * the same GUID the same fake in every file, file name and path. The Activity
 * Log's answers are not recorded (sdk-reader.ts): its events name people, and
 * no finding depends on them; a replayed drift looks them up in vain.
 */
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  isRestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { describeError, GateError } from "../../core/errors.js";
import { redact } from "../../core/secrets.js";

/** What one recording file holds. */
export interface RecordedResponse {
  method: string;
  /** The request's path, decoded, as sent. */
  path: string;
  /** Every query parameter sent: the api-version, and a page's $skipToken. */
  query: Record<string, string>;
  status: number;
  /** content-type, retry-after and x-ms-ratelimit-remaining-* only. */
  headers: Record<string, string>;
  /** The body parsed as JSON. */
  body?: unknown;
  /** The body as sent when it is not JSON (a proxy's error page). */
  bodyText?: string;
}

/** `0001-GET-<path>.json`: the order in which the run got the responses, the method, the path. */
export const RECORDING_FILE = /^(\d+)-([A-Z]+)-[^/]*\.json$/;
/** The baseline the run read, written beside the responses. */
export const RECORDED_BASELINE = "baseline.yml";

const KEPT_HEADERS = /^(?:content-type|retry-after|x-ms-ratelimit-remaining-.+)$/i;
/** base64url('{"') starts every JWT; the sandbox's tokens and Entra's are JWTs. */
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const TOKEN_REMOVED = "[token removed]";
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A subscription in a resource ID or path, and the `tenantId`/`tenantID`/`homeTenantId`/`subscriptionId` fields. */
const SECRET_GUIDS = [
  new RegExp(`/subscriptions/(${GUID})(?![0-9a-f])`, "gi"),
  new RegExp(`"(?:\\w*tenant_?id|subscription_?id)"\\s*:\\s*"(${GUID})"`, "gi"),
];
const ANY_GUID = new RegExp(`(?<![0-9a-f])${GUID}(?![0-9a-f])`, "gi");

function fakeGuid(index: number): string {
  return `00000000-0000-0000-0000-${String(index).padStart(12, "0")}`;
}

/**
 * Subscription and tenant GUIDs to fake ones, numbered in the order they are
 * first seen; every other GUID (principal and client IDs) stays.
 */
export class GuidScrubber {
  private readonly fakes = new Map<string, string>();
  private readonly issued = new Set<string>();

  /** Learns the subscription and tenant GUIDs in a text; the new ones, in lower case. */
  learn(text: string): string[] {
    const learnt: string[] = [];
    for (const pattern of SECRET_GUIDS) {
      for (const match of text.matchAll(pattern)) {
        const guid = (match[1] ?? "").toLowerCase();
        if (this.fakes.has(guid) || this.issued.has(guid)) continue;
        const fake = fakeGuid(this.fakes.size + 1);
        this.fakes.set(guid, fake);
        this.issued.add(fake);
        learnt.push(guid);
      }
    }
    return learnt;
  }

  /** The text with every learnt GUID, in any case, replaced by its fake. */
  apply(text: string): string {
    if (this.fakes.size === 0) return text;
    return text.replace(ANY_GUID, (guid) => this.fakes.get(guid.toLowerCase()) ?? guid);
  }
}

function keptHeaders(response: PipelineResponse): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of response.headers) if (KEPT_HEADERS.test(name)) kept[name.toLowerCase()] = value;
  return kept;
}

function bodyOf(text: string | null | undefined): Pick<RecordedResponse, "body" | "bodyText"> {
  if (text === undefined || text === null || text === "") return {};
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { bodyText: text };
  }
}

/**
 * A path as part of a file name: safe characters only, and no longer than 200
 * (a name may have 255 bytes); a longer path keeps its last whole segments,
 * the resource type and name.
 */
function fileNamePart(requestPath: string): string {
  const segments = requestPath
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => segment.replace(/[^\w.-]+/g, "_"));
  const kept: string[] = [];
  for (const segment of [...segments].reverse()) {
    if ([segment, ...kept].join("_").length > 200) break;
    kept.unshift(segment);
  }
  return kept.length > 0 ? kept.join("_") : (segments.at(-1) ?? "").slice(-200);
}

async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, file);
}

interface Entry {
  /** As recorded, before the token and GUIDs are cut; kept in memory only. */
  text: string;
  /** The file's name, given the scrubber's text replacement. */
  fileName(scrub: (text: string) => string): string;
}

export class ArmRecorder {
  private readonly entries: Entry[] = [];
  private readonly tokens = new Set<string>();
  private readonly scrubber: GuidScrubber | undefined;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Tokens learnt since the last write. */
  private freshTokens: string[] = [];
  private count = 0;
  private isOpen = false;

  constructor(
    readonly dir: string,
    readonly options: { scrub: boolean },
  ) {
    this.scrubber = options.scrub ? new GuidScrubber() : undefined;
  }

  /** Makes the folder; one that already holds files is refused, so that a recording is one run. */
  async open(): Promise<void> {
    const hint = "Give --record a new or empty folder: a recording holds one run.";
    try {
      await mkdir(this.dir, { recursive: true });
      if ((await readdir(this.dir)).length > 0) {
        throw new GateError(`The --record folder '${this.dir}' already holds files.`, hint);
      }
    } catch (error) {
      if (error instanceof GateError) throw error;
      throw new GateError(`Cannot make the --record folder '${this.dir}': ${describeError(error)}`, hint);
    }
    this.isOpen = true;
  }

  /** Whether the folder was made: there is a recording to tell the user about. */
  get opened(): boolean {
    return this.isOpen;
  }

  /** Responses recorded so far. */
  get responses(): number {
    return this.count;
  }

  /** A file beside the responses (the baseline the run read), cut and scrubbed as they are. */
  attach(name: string, text: string): Promise<void> {
    return this.enqueue({ text, fileName: () => name });
  }

  policy(): PipelinePolicy {
    return {
      name: "aksNetworkGateRecorder",
      sendRequest: async (request, next) => {
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          if (isRestError(error) && error.response) await this.record(request, error.response);
          throw error;
        }
        await this.record(request, response);
        return response;
      },
    };
  }

  /** Waits for every write; an incomplete recording is an error, never taken for a whole one. */
  async close(): Promise<void> {
    await this.queue;
    if (this.failure !== undefined) {
      throw new GateError(
        `The recording in '${this.dir}' is incomplete: ${describeError(this.failure)}`,
        "Check that the folder is writable and has space, and run again.",
      );
    }
  }

  private record(request: PipelineRequest, response: PipelineResponse): Promise<void> {
    const token = /^\S+\s+(\S{8,})$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (token !== undefined && !this.tokens.has(token)) {
      this.tokens.add(token);
      this.freshTokens.push(token);
    }
    const url = new URL(request.url);
    const recorded: RecordedResponse = {
      method: request.method,
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      status: response.status,
      headers: keptHeaders(response),
      ...bodyOf(response.bodyAsText),
    };
    const prefix = `${String(++this.count).padStart(4, "0")}-${request.method}-`;
    return this.enqueue({
      text: `${JSON.stringify(recorded, null, 2)}\n`,
      fileName: (scrub) => `${prefix}${fileNamePart(scrub(recorded.path))}.json`,
    });
  }

  private enqueue(entry: Entry): Promise<void> {
    this.queue = this.queue
      .then(() => this.write(entry))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    return this.queue;
  }

  /** Writes the entry, and again every file written before that holds a token or GUID learnt since. */
  private async write(entry: Entry): Promise<void> {
    this.entries.push(entry);
    const fresh = [...this.freshTokens.splice(0), ...(this.scrubber?.learn(entry.text) ?? [])].map((secret) =>
      secret.toLowerCase(),
    );
    const holds = (each: Entry) => fresh.some((secret) => each.text.toLowerCase().includes(secret));
    for (const each of fresh.length === 0 ? [entry] : this.entries.filter((each) => each === entry || holds(each))) {
      await writeWhole(
        path.join(
          this.dir,
          each.fileName((text) => this.hide(text)),
        ),
        this.hide(each.text),
      );
    }
  }

  /** No token the pipeline sent, no JWT and no secret of the run's registry (client secrets included) is written. */
  private hide(text: string): string {
    let result = text.replace(JWT, TOKEN_REMOVED);
    for (const token of this.tokens) result = result.split(token).join(TOKEN_REMOVED);
    result = redact(result);
    return this.scrubber ? this.scrubber.apply(result) : result;
  }
}
