import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { Deadline } from "../../core/deadline.js";

/**
 * ARM's subscription reads: a bucket of 250 tokens refilled at 25 a second
 * (Microsoft Learn, "Understand how Azure Resource Manager throttles
 * requests"), so one read every 40 ms is what a drained bucket sustains.
 */

/**
 * What to do when Resource Manager's throttling does not fit in the run's
 * time budget: its reads are counted per subscription and principal
 * (sandbox/throttle.ts names the source), so jobs or shards signed in as the
 * same identity share them.
 */
const ARM_THROTTLE_BUDGET =
  "Raise 'timeout-minutes', or run fewer jobs at once signed in as this identity: Resource Manager counts reads per subscription and identity, so 'shard' does not make them come sooner.";
export const REFILL_INTERVAL_MS = 40;
/**
 * Paced once fewer reads than this would be left after the ones in flight
 * land: one second of refill kept for the principal's other clients, as
 * ARM's own Retry-After on a 429 can be many seconds.
 */
export const LOW_WATER = 25;

export type Sleep = (ms: number) => Promise<void>;

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function subscriptionOf(url: string): string {
  return /\/subscriptions\/([^/?]+)/i.exec(url)?.[1]?.toLowerCase() ?? "";
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface Bucket {
  remaining: number | undefined;
  /** Requests sent and not yet answered: each takes a token the last `remaining` may not show. */
  inFlight: number;
  nextSlot: number;
}

/**
 * Keeps the gate under ARM's read limits before it is throttled: every
 * response reports the subscription's remaining reads
 * (`x-ms-ratelimit-remaining-subscription-reads`); when they, less the
 * requests still in flight, run low, the subscription's requests are spaced at
 * the refill rate, and a 429 holds them all back for its `Retry-After`. One
 * pacer serves every client of a run.
 */
export class ReadPacer {
  private readonly buckets = new Map<string, Bucket>();
  /** How many requests were held back, for tests and the benchmark. */
  paced = 0;

  /**
   * With a deadline, a wait the run's budget cannot afford (pacing, or a 429's
   * Retry-After) fails the read at once, and a wait in progress ends with it.
   */
  constructor(
    private readonly sleep: Sleep = defaultSleep,
    private readonly now: () => number = Date.now,
    private readonly deadline?: Deadline,
  ) {}

  private bucket(subscription: string): Bucket {
    let bucket = this.buckets.get(subscription);
    if (!bucket) {
      bucket = { remaining: undefined, inFlight: 0, nextSlot: 0 };
      this.buckets.set(subscription, bucket);
    }
    return bucket;
  }

  /** Waits until the subscription may be read again, and counts the read in flight until `settled`. */
  async beforeRequest(url: string): Promise<void> {
    await this.admit(this.bucket(subscriptionOf(url)), url);
  }

  /** The read of `url` was answered, or failed without an answer. */
  settled(url: string): void {
    const bucket = this.bucket(subscriptionOf(url));
    bucket.inFlight = Math.max(0, bucket.inFlight - 1);
  }

  /** Counts the read in flight as soon as it may go: at once, in the same turn, or after its wait. */
  private async admit(bucket: Bucket, url: string): Promise<void> {
    const now = this.now();
    const low = bucket.remaining !== undefined && bucket.remaining - bucket.inFlight < LOW_WATER;
    if (!low && bucket.nextSlot <= now) {
      bucket.inFlight += 1;
      return;
    }
    const slot = Math.max(now, bucket.nextSlot);
    bucket.nextSlot = slot + (low ? REFILL_INTERVAL_MS : 0);
    if (slot > now) {
      this.paced += 1;
      const what = `waiting ${Math.ceil((slot - now) / 1000)} s before reading ${url.split("?")[0]} (Azure throttles this subscription)`;
      this.deadline?.afford(slot - now, what, ARM_THROTTLE_BUDGET);
      await (this.deadline
        ? this.deadline.race(this.sleep(slot - now), what, ARM_THROTTLE_BUDGET)
        : this.sleep(slot - now));
    }
    bucket.inFlight += 1;
  }

  afterResponse(url: string, status: number, headers: { get(name: string): string | undefined }): void {
    const bucket = this.bucket(subscriptionOf(url));
    const remaining = Number(headers.get("x-ms-ratelimit-remaining-subscription-reads"));
    if (Number.isFinite(remaining) && headers.get("x-ms-ratelimit-remaining-subscription-reads") !== undefined) {
      bucket.remaining = remaining;
    }
    if (status === 429) {
      const wait = retryAfterMs(headers.get("retry-after"), this.now()) ?? 1000;
      bucket.nextSlot = Math.max(bucket.nextSlot, this.now() + wait);
      this.deadline?.afford(
        wait,
        `the wait Azure asked for before reading ${url.split("?")[0]} again (429, Retry-After ${Math.ceil(wait / 1000)} s)`,
        ARM_THROTTLE_BUDGET,
      );
    }
    const unavailableFor = status === 503 ? retryAfterMs(headers.get("retry-after"), this.now()) : undefined;
    if (unavailableFor !== undefined) {
      this.deadline?.afford(
        unavailableFor,
        `the wait Azure asked for before reading ${url.split("?")[0]} again (503, Retry-After ${Math.ceil(unavailableFor / 1000)} s)`,
      );
    }
  }

  /** The policy every ARM client of the run gets, after its retry policy. */
  policy(): PipelinePolicy {
    return {
      name: "aksNetworkGateReadPacing",
      sendRequest: async (request, next) => {
        await this.beforeRequest(request.url);
        try {
          const response = await next(request);
          this.afterResponse(request.url, response.status, response.headers);
          return response;
        } finally {
          this.settled(request.url);
        }
      },
    };
  }
}
