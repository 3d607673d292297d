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

  it("stops a list of ever new links at the page limit", () => {
    const guard = new PageGuard("/list");
    for (let page = 1; page < MAX_PAGES; page++) guard.page(0, `https://arm/list?page=${page}`);
    expect(() => guard.page(0, "https://arm/list?page=last")).toThrow(`the list runs past ${MAX_PAGES} pages`);
  });

  it("stops a list past the item limit", () => {
    const guard = new PageGuard("/list");
    expect(() => guard.page(MAX_ITEMS + 1, undefined)).toThrow(`the list runs past ${MAX_ITEMS} items`);
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
