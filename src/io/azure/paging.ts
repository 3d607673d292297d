import { GateError } from "../../core/errors.js";
import { DEFECT_REPORT_URL, malformed } from "./failures.js";

/**
 * The most pages and items one list may hold before the gate stops reading it.
 * AKS allows at most 5,000 nodes and 100 node pools per cluster (Microsoft
 * Learn, "Quotas, virtual machine size restrictions, and region availability
 * in AKS"); no list the gate reads can honestly be longer than a few times
 * that, so a longer one is a runaway, read with a bounded number of requests.
 */
export const MAX_PAGES = 1_000;
export const MAX_ITEMS = 50_000;

/**
 * A list past those limits. Read again, it is as long and stops at the same
 * limit, so this is never transient: an answer of Azure's that runs away, or
 * a limit of the gate's set too low for the estate (Resource Graph's lists
 * span whole subscriptions), which only a report can tell apart.
 */
function pastLimit(list: string, limit: string): GateError {
  return new GateError(
    `Azure's list ${list} runs past the gate's limit of ${limit}.`,
    "Retrying reads the same list up to the same limit and cannot help. A cluster's lists are far shorter (AKS allows at " +
      "most 5,000 nodes and 100 node pools a cluster), so this is a runaway answer of Azure's, or a limit of the gate's too " +
      `low for your estate (Resource Graph's lists span whole subscriptions): report it at ${DEFECT_REPORT_URL} with this message.`,
  );
}

/** One guard per list read: a repeated nextLink (malformed), or a list past the limits, ends it as an error naming it. */
export class PageGuard {
  private readonly links = new Set<string>();
  private pages = 0;
  private items = 0;

  constructor(private readonly list: string) {}

  /** Called with each page as it arrives, before the next one is asked for. */
  page(itemCount: number, nextLink: string | undefined): void {
    this.pages += 1;
    this.items += itemCount;
    if (this.items > MAX_ITEMS) {
      throw pastLimit(this.list, `${MAX_ITEMS.toLocaleString("en-US")} items (over ${this.pages} pages)`);
    }
    if (nextLink === undefined || nextLink === "") return;
    if (this.pages >= MAX_PAGES) throw pastLimit(this.list, `${MAX_PAGES.toLocaleString("en-US")} pages`);
    if (this.links.has(nextLink)) throw malformed(this.list, "its nextLink loops back to a page already read");
    this.links.add(nextLink);
  }
}

/** Every item of an SDK pager's pages, each page checked by a guard before the next is read. */
export async function collectPages<T>(
  pages: AsyncIterable<T[] & { continuationToken?: string }>,
  list: string,
): Promise<T[]> {
  const guard = new PageGuard(list);
  const items: T[] = [];
  for await (const page of pages) {
    guard.page(page.length, page.continuationToken);
    items.push(...page);
  }
  return items;
}
