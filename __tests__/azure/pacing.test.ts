import { LOW_WATER, ReadPacer, REFILL_INTERVAL_MS, retryAfterMs } from "../../src/io/azure/pacing.js";

const URL_A = "https://management.azure.com/subscriptions/aaaa/resourceGroups/rg/providers/x?api-version=1";
const URL_B = "https://management.azure.com/subscriptions/bbbb/resourceGroups/rg/providers/x?api-version=1";

function headers(values: Record<string, string>) {
  return { get: (name: string) => values[name.toLowerCase()] };
}

function pacerWithClock(start = 1_000_000) {
  const clock = { now: start, slept: [] as number[] };
  const pacer = new ReadPacer(
    async (ms) => {
      clock.slept.push(ms);
    },
    () => clock.now,
  );
  return { pacer, clock };
}

describe("ReadPacer", () => {
  it("lets requests through while the subscription has reads to spare", async () => {
    const { pacer, clock } = pacerWithClock();
    pacer.afterResponse(URL_A, 200, headers({ "x-ms-ratelimit-remaining-subscription-reads": "11999" }));
    await Promise.all([pacer.beforeRequest(URL_A), pacer.beforeRequest(URL_A), pacer.beforeRequest(URL_A)]);
    expect(clock.slept).toEqual([]);
    expect(pacer.paced).toBe(0);
  });

  it("spaces a subscription's requests at the refill rate once its remaining reads run low", async () => {
    const { pacer, clock } = pacerWithClock();
    pacer.afterResponse(URL_A, 200, headers({ "x-ms-ratelimit-remaining-subscription-reads": String(LOW_WATER - 1) }));
    await Promise.all([pacer.beforeRequest(URL_A), pacer.beforeRequest(URL_A), pacer.beforeRequest(URL_A)]);
    expect(clock.slept).toEqual([REFILL_INTERVAL_MS, 2 * REFILL_INTERVAL_MS]);
    await pacer.beforeRequest(URL_B);
    expect(clock.slept).toHaveLength(2);
  });

  it("counts the reads still in flight against the remaining reads, until they are settled", async () => {
    const { pacer, clock } = pacerWithClock();
    pacer.afterResponse(URL_A, 200, headers({ "x-ms-ratelimit-remaining-subscription-reads": String(LOW_WATER + 2) }));
    await Promise.all([pacer.beforeRequest(URL_A), pacer.beforeRequest(URL_A), pacer.beforeRequest(URL_A)]);
    expect(clock.slept).toEqual([]);
    await pacer.beforeRequest(URL_A);
    await pacer.beforeRequest(URL_A);
    expect(clock.slept).toEqual([REFILL_INTERVAL_MS]);
    for (let read = 0; read < 5; read++) pacer.settled(URL_A);
    clock.now += 10 * REFILL_INTERVAL_MS;
    await pacer.beforeRequest(URL_A);
    expect(clock.slept).toHaveLength(1);
  });

  it.each([
    ["seconds", "3", 3000],
    ["an HTTP date", new Date(1_000_000 + 7000).toUTCString(), 7000],
  ])("holds every request of the subscription back for a 429's Retry-After in %s", async (_, value, expected) => {
    const { pacer, clock } = pacerWithClock(1_000_000);
    pacer.afterResponse(URL_A, 429, headers({ "retry-after": value }));
    await pacer.beforeRequest(URL_A);
    expect(clock.slept).toHaveLength(1);
    expect(Math.abs((clock.slept[0] ?? 0) - expected)).toBeLessThan(1000);
  });

  it("reads Retry-After in seconds and as a date, and ignores what is neither", () => {
    expect(retryAfterMs("12")).toBe(12_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:30 GMT"))).toBe(30_000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
