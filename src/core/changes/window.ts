/**
 * The time window and the request of an Activity Log lookup. The window runs
 * from the last time the gate confirmed the cluster (a passing check or a
 * capture, as the evidence folder records it) to the run, and never further
 * back than the Activity Log keeps: ARM refuses an older start with `400
 * BadRequest` "The start time cannot be more than 90 days in the past."
 * (Azure/azure-cli, monitor tests, recordings/test_activity_log_list_scenario.yaml).
 *
 * The `$filter` is one of the patterns the specification allows and no other
 * ("List events for a resource group": `eventTimestamp ge '...' and
 * eventTimestamp le '...' and resourceGroupName eq '...'`, activityLogs_API.json,
 * 2015-04-01): a resource group, because a resource's writes include those
 * of its children (a route table's routes, a VNet's subnets, a cluster's
 * pools), which `resourceUri eq` would leave out.
 */

/** How long the Activity Log keeps events, and how far back ARM lets a query start. */
export const RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
/** Kept off the 90-day edge, so that the request's start is still inside it when ARM checks it. */
const EDGE_MARGIN_MS = 60 * 60_000;

/** The EventData fields the gate uses (`$select`); `caller` as Azure PowerShell selects it (Az.Monitor, PSEventDataNoDetails). */
export const ACTIVITY_LOG_SELECT = [
  "caller",
  "claims",
  "correlationId",
  "eventDataId",
  "eventTimestamp",
  "httpRequest",
  "operationName",
  "resourceGroupName",
  "resourceId",
  "status",
  "subStatus",
].join(",");

export interface LookupWindow {
  from: Date;
  to: Date;
  /** Where the start comes from, in words: "the passing check of 2026-11-20T08:00:00.000Z". */
  basis: string;
}

/** Where the cluster was last confirmed: a passing check or a capture, and when. */
export interface Confirmation {
  at: Date;
  what: "passing check" | "capture";
}

/** From the last confirmation (or as far back as the log keeps) to now. */
export function lookupWindow(confirmed: Confirmation | undefined, now: Date): LookupWindow {
  const earliest = new Date(now.getTime() - RETENTION_DAYS * DAY_MS + EDGE_MARGIN_MS);
  if (confirmed === undefined) {
    return {
      from: earliest,
      to: now,
      basis: `the last ${RETENTION_DAYS} days (no earlier passing check or capture recorded)`,
    };
  }
  if (confirmed.at.getTime() < earliest.getTime()) {
    return {
      from: earliest,
      to: now,
      basis: `the last ${RETENTION_DAYS} days, as far as the Activity Log keeps (the ${confirmed.what} of ${confirmed.at.toISOString()} is older)`,
    };
  }
  return { from: confirmed.at, to: now, basis: `the ${confirmed.what} of ${confirmed.at.toISOString()}` };
}

/** An OData string literal: a quote inside doubles. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The `$filter` for a resource group's events in a window. */
export function resourceGroupFilter(from: Date, to: Date, resourceGroup: string): string {
  return [
    `eventTimestamp ge ${literal(from.toISOString())}`,
    `eventTimestamp le ${literal(to.toISOString())}`,
    `resourceGroupName eq ${literal(resourceGroup)}`,
  ].join(" and ");
}
