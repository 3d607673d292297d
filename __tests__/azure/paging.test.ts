import { BudgetSpent, Deadline } from "../../src/core/deadline.js";
import { collectPages, MAX_ITEMS, MAX_PAGES, PageGuard } from "../../src/io/azure/paging.js";

function pageOf(items: number[], continuationToken?: string): number[] & { continuationToken?: string } {
  return Object.assign([...items], continuationToken === undefined ? {} : { continuationToken });
}

describe("PageGuard", () => {
  it("reads a list to its last page", async () => {
    async function* pages() {
      yield pageOf([1, 2], "https://arm/list?page=2");
      yield pageOf([3]);
    }
    await expect(collectPages(pages(), "/list")).resolves.toEqual([1, 2, 3]);
  });

  it("stops before asking for a page whose link was already read", async () => {
    let asked = 0;
    async function* pages() {
      for (;;) {
        asked += 1;
        yield pageOf([asked], "https://arm/list?page=loop");
      }
    }
    await expect(collectPages(pages(), "/subscriptions/s/list")).rejects.toThrow(
      "Azure returned a malformed response for /subscriptions/s/list: its nextLink loops back to a page already read.",
    );
    expect(asked).toBe(2);
  });

  /** A list past a limit is as long when read again: never "retry", and whose it is, with where to report it. */
  const NOT_A_RETRY =
    "Retrying reads the same list up to the same limit and cannot help. A cluster's lists are far shorter (AKS allows at " +
    "most 5,000 nodes and 100 node pools a cluster), so this is a runaway answer of Azure's, or a limit of the gate's too " +
    "low for your estate (Resource Graph's lists span whole subscriptions): report it at https://github.com/contoso/aks-network-gate/issues with this message.";

  it("stops a list of ever new links at the page limit", () => {
    expect(MAX_PAGES).toBe(1_000);
    const guard = new PageGuard("/list");
    for (let page = 1; page < MAX_PAGES; page++) guard.page(0, `https://arm/list?page=${page}`);
    expect(() => guard.page(0, "https://arm/list?page=last")).toThrow(
      expect.objectContaining({
        message: "Azure's list /list runs past the gate's limit of 1,000 pages.",
        hint: NOT_A_RETRY,
      }),
    );
  });

  it("stops a list past the item limit", () => {
    expect(MAX_ITEMS).toBe(50_000);
    const guard = new PageGuard("/list");
    guard.page(MAX_ITEMS - 1, "https://arm/list?page=2");
    expect(() => guard.page(2, undefined)).toThrow(
      expect.objectContaining({
        message: "Azure's list /list runs past the gate's limit of 50,000 items (over 2 pages).",
        hint: NOT_A_RETRY,
      }),
    );
  });
});

describe("Deadline", () => {
  it("refuses at once a wait longer than the time left, naming it", () => {
    let now = 1_000;
    const deadline = new Deadline(7_000, () => now);
    expect(() => deadline.afford(40_000, "the wait for X")).toThrow(BudgetSpent);
    expect(() => deadline.afford(40_000, "the wait for X")).toThrow(
      "The run's time budget ('timeout-minutes') does not allow the wait for X: it asks for 40 s, 6 s are left.",
    );
    expect(() => deadline.afford(40_000, "the wait for X")).toThrow(
      expect.objectContaining({ hint: "Raise 'timeout-minutes'; if a service never answers, check its status." }),
    );
    expect(() => deadline.afford(40_000, "the wait for X", "Do Y.")).toThrow(
      expect.objectContaining({ hint: "Do Y." }),
    );
    expect(() => deadline.afford(5_000, "the wait for X")).not.toThrow();
    now = 8_000;
    expect(() => deadline.afford(1, "anything")).toThrow(BudgetSpent);
    deadline.dispose();
  });

  it("ends a wait in progress when the budget runs out", async () => {
    const deadline = Deadline.after(20);
    const never = new Promise<void>(() => {});
    await expect(deadline.race(never, "an answer that never comes")).rejects.toThrow(
      "does not allow an answer that never comes: it ran out while waiting",
    );
    expect(deadline.signal.aborted).toBe(true);
  });
});
