/**
 * The sandbox's model of Resource Manager's read throttling (sandbox/throttle.ts):
 * a bucket of 250 tokens per subscription refilled at 25 a second, ARM's 429
 * when it is empty, and the remaining-reads header on every answer; and the
 * gate's read pacer against it.
 */
import { captureCluster } from "../../src/app/capture-cluster.js";
import { mapLimit } from "../../src/core/concurrency.js";
import { resolveCloud } from "../../src/io/azure/clouds.js";
import { ReadPacer } from "../../src/io/azure/pacing.js";
import { SdkArmReader } from "../../src/io/azure/sdk-reader.js";
import { type ArmSandbox, entraAccessToken, startArmSandbox } from "../../sandbox/arm.js";
import { ReadBuckets, subscriptionOfPath } from "../../sandbox/throttle.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { kubenetCluster, World } from "../../sandbox/world.js";
import { rawRequest, SUBSCRIPTION, twoClusters } from "./fixtures.js";

const OTHER_SUBSCRIPTION = "11111111-0000-0000-0000-000000000000";
const ARM_BEARER = `Bearer ${entraAccessToken("https://management.azure.com/")}`;
const REMAINING = "x-ms-ratelimit-remaining-subscription-reads";

/** A clock the test moves by hand, in milliseconds. */
function manualClock() {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return clock;
}

describe("ReadBuckets", () => {
  it("admits 250 reads at once, refuses the 251st until a token is back, and refills at 25 a second", () => {
    const clock = manualClock();
    const buckets = new ReadBuckets({ now: clock.now });
    const admitted = Array.from({ length: 250 }, () => buckets.take(SUBSCRIPTION));
    expect(admitted.every((admission) => admission.admitted)).toBe(true);
    expect(admitted.at(-1)).toEqual({ admitted: true, remaining: 0 });
    expect(buckets.take(SUBSCRIPTION)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    clock.ms += 40;
    expect(buckets.take(SUBSCRIPTION)).toEqual({ admitted: true, remaining: 0 });
    expect(buckets.take(SUBSCRIPTION).admitted).toBe(false);
    clock.ms += 2000;
    expect(buckets.remaining(SUBSCRIPTION)).toBe(50);
    clock.ms += 60_000;
    expect(buckets.remaining(SUBSCRIPTION)).toBe(250);
  });

  it("keeps one bucket per subscription, whatever the case of its ID", () => {
    const buckets = new ReadBuckets({ now: manualClock().now, capacity: 2 });
    buckets.take(SUBSCRIPTION);
    buckets.take(SUBSCRIPTION.toUpperCase());
    expect(buckets.take(SUBSCRIPTION).admitted).toBe(false);
    expect(buckets.take(OTHER_SUBSCRIPTION)).toEqual({ admitted: true, remaining: 1 });
  });

  it("asks for at least a second, and for as many whole seconds as a slow refill needs", () => {
    const buckets = new ReadBuckets({ now: manualClock().now, capacity: 1, refillPerSecond: 0.25 });
    buckets.take(SUBSCRIPTION);
    expect(buckets.take(SUBSCRIPTION)).toEqual({ admitted: false, retryAfterSeconds: 4 });
  });

  it("finds the subscription of an ARM path, and none in a tenant or provider path", () => {
    expect(subscriptionOfPath(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg`)).toBe(SUBSCRIPTION);
    expect(subscriptionOfPath("/providers/Microsoft.ResourceGraph/resources")).toBeUndefined();
    expect(subscriptionOfPath("/tenants")).toBeUndefined();
  });
});

describe("the ARM sandbox with throttle", () => {
  const clock = manualClock();
  const clusters = twoClusters();
  let sandbox: ArmSandbox;

  beforeAll(async () => {
    sandbox = await startArmSandbox(clusters.world, { throttle: { now: clock.now } });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  const read = (subscription = SUBSCRIPTION) =>
    rawRequest(sandbox, "GET", `/subscriptions/${subscription}/resourceGroups/rg-aks?api-version=2021-04-01`, {
      Authorization: ARM_BEARER,
    });

  it("answers ARM's 429 SubscriptionRequestsThrottled with Retry-After once a subscription's bucket is empty", async () => {
    const answers = [];
    for (let index = 0; index < 250; index++) answers.push(await read());
    expect(answers.map((answer) => answer.status).every((status) => status === 200)).toBe(true);
    expect(answers[0]?.headers[REMAINING]).toBe("249");
    expect(answers[249]?.headers[REMAINING]).toBe("0");
    const throttled = await read();
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.headers[REMAINING]).toBe("0");
    const body = JSON.parse(throttled.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("SubscriptionRequestsThrottled");
    expect(body.error.message).toMatch(
      new RegExp(
        `^Number of 'read' requests for subscription '${SUBSCRIPTION}' actor '[^']+' exceeded\\. Please try again after '1' seconds`,
      ),
    );
  });

  it("serves another subscription from its own full bucket, and the first again once a token is back", async () => {
    const other = await read(OTHER_SUBSCRIPTION);
    expect(other.status).toBe(404);
    expect(other.headers[REMAINING]).toBe("249");
    clock.ms += 40;
    const refilled = await read();
    expect(refilled.status).toBe(200);
    expect(refilled.headers[REMAINING]).toBe("0");
  });

  it("counts no request without a subscription, and stamps none with the subscription header", async () => {
    const metadata = await rawRequest(sandbox, "GET", "/tenants?api-version=2022-12-01", { Authorization: ARM_BEARER });
    expect(metadata.headers[REMAINING]).toBeUndefined();
    expect((await read()).status).toBe(429);
  });
});

describe("the gate's read pacer against the bucket", () => {
  /** Virtual time shared by the sandbox's bucket and the pacer: a pacer's wait moves it instead of sleeping. */
  const clock = manualClock();
  const fleet = Array.from({ length: 86 }, (_, index) =>
    kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: `rg-${index}`,
      name: `aks-${index}`,
      pools: [{ name: "nodepool1", count: 3 }],
    }),
  );
  let sandbox: ArmSandbox;
  let untrust = () => {};

  beforeAll(async () => {
    sandbox = await startArmSandbox(new World(...fleet.flatMap((cluster) => cluster.resources)), {
      throttle: { now: clock.now },
    });
    untrust = trustCertificateInProcess(sandbox.ca);
  });

  afterAll(async () => {
    untrust();
    await sandbox.close();
  });

  it("captures 86 clusters (7 reads each) of one subscription, 8 at a time, without a single 429", async () => {
    const pacer = new ReadPacer(async (ms) => {
      clock.ms = Math.max(clock.ms, clock.now() + ms);
    }, clock.now);
    const reader = new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", sandbox.url, undefined), {
      pacer,
    });
    const snapshots = await mapLimit(fleet, 8, (cluster) => {
      const [, , , resourceGroup = "", , , , name = ""] = cluster.clusterId.split("/").slice(1);
      return captureCluster(reader, { subscriptionId: SUBSCRIPTION, resourceGroup, name }, () => new Date());
    });
    expect(snapshots).toHaveLength(86);
    const reads = sandbox.requests.filter((request) => request.path.startsWith("/subscriptions/"));
    expect(reads.length).toBeGreaterThanOrEqual(600);
    expect(reads.filter((request) => request.status === 429)).toEqual([]);
    expect(pacer.paced).toBeGreaterThan(0);
  });
});
