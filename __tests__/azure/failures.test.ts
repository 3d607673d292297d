/**
 * What a failed Resource Manager read tells the user to do: advice that can
 * help in the run it is given for (a capture is never sharded).
 */
import { RestError } from "@azure/core-rest-pipeline";
import { explainArmFailure, TransientError } from "../../src/io/azure/failures.js";

const CLUSTER = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";

describe("a failed Resource Manager read", () => {
  it("sends a read that stays throttled to 'concurrency' and, for a check, 'shard'", () => {
    const error = explainArmFailure(
      CLUSTER,
      new RestError("Too many requests.", { statusCode: 429, code: "TooManyRequests" }),
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe(
      `Azure kept throttling reads of ${CLUSTER} after the retries (429 TooManyRequests: Too many requests.).`,
    );
    expect(error.hint).toBe(
      "Run again later, or lower 'concurrency': Resource Manager counts reads per subscription and identity, so jobs or shards signed in as the same identity share them and 'shard' does not help.",
    );
  });

  it("offers 'shard' for a spent budget as a check's remedy only", () => {
    const aborted = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    const error = explainArmFailure(CLUSTER, aborted, true);
    expect(error.message).toBe(`The run's time budget ran out while reading ${CLUSTER}.`);
    expect(error.hint).toBe(
      "Raise 'timeout-minutes', give each job of a check fewer clusters with 'shard', or check why Azure answers slowly.",
    );
  });
});
