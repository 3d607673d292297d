/**
 * Resource Manager's throttling of reads, as the sandbox models it: a token
 * bucket per subscription, one token per read.
 *
 * Source: Microsoft Learn, "Understand how Azure Resource Manager throttles
 * requests" (MicrosoftDocs/azure-docs,
 * articles/azure-resource-manager/management/request-limits-and-throttling.md,
 * "Regional throttling and token bucket algorithm"): subscription reads have a
 * bucket of 250 tokens refilled at 25 per second; a request without a
 * subscription ID is a tenant request, outside the subscription's bucket; an
 * empty bucket answers 429 Too Many Requests with `Retry-After` in seconds; and
 * read responses carry `x-ms-ratelimit-remaining-subscription-reads`.
 * The limits apply per subscription and per principal; the sandbox serves one
 * principal at a time, so its buckets are per subscription.
 *
 * The 429 body is ARM's own, as a real ARO-HCP CI run received it (quoted in
 * roivaz/ARO-HCP-CIHealth, pkg/failurepatterns/extractor/extract_regression_test.go):
 * `{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'read'
 * requests for subscription '…' actor '…' exceeded. Please try again after '10'
 * seconds after additional tokens are available. Refer to
 * https://aka.ms/arm-throttling for additional information."}}`.
 */
import type { Reply } from "./arm-routes.js";
import { armErrorBody } from "./faults.js";

export interface ThrottleOptions {
  /** Tokens a full bucket holds; ARM's subscription reads: 250. */
  capacity?: number;
  /** Tokens added per second; ARM's subscription reads: 25. */
  refillPerSecond?: number;
  /** Milliseconds, for tests; default `performance.now()`. */
  now?: () => number;
}

/** What one read got from its subscription's bucket. */
export type ReadAdmission = { admitted: true; remaining: number } | { admitted: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** ARM's read limits per subscription (see the file's comment for the source). */
export class ReadBuckets {
  readonly capacity: number;
  readonly refillPerSecond: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: ThrottleOptions = {}) {
    this.capacity = options.capacity ?? 250;
    this.refillPerSecond = options.refillPerSecond ?? 25;
    this.now = options.now ?? (() => performance.now());
  }

  /** The bucket brought up to now. */
  private bucket(subscription: string): Bucket {
    const key = subscription.toLowerCase();
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Takes a token for one read of the subscription, or says how long until one is back. */
  take(subscription: string): ReadAdmission {
    const bucket = this.bucket(subscription);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { admitted: true, remaining: Math.floor(bucket.tokens) };
    }
    const seconds = Math.ceil((1 - bucket.tokens) / this.refillPerSecond);
    return { admitted: false, retryAfterSeconds: Math.max(1, seconds) };
  }

  /** Whole tokens left in the subscription's bucket now. */
  remaining(subscription: string): number {
    return Math.floor(this.bucket(subscription).tokens);
  }
}

/** The subscription ID of an ARM path (`/subscriptions/{id}/...`), if it has one. */
export function subscriptionOfPath(path: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
}

/** ARM's answer to a read of a subscription whose bucket is empty. */
export function subscriptionReadsThrottled(subscription: string, actor: string, retryAfterSeconds: number): Reply {
  const message =
    `Number of 'read' requests for subscription '${subscription}' actor '${actor}' exceeded. ` +
    `Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. ` +
    "Refer to https://aka.ms/arm-throttling for additional information.";
  return {
    status: 429,
    headers: { "Retry-After": String(retryAfterSeconds) },
    body: armErrorBody("SubscriptionRequestsThrottled", message),
  };
}
