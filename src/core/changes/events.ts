/**
 * One Azure Activity Log event, as the gate keeps it: the fields the REST
 * specification defines for `EventData` (Azure/azure-rest-api-specs,
 * specification/monitor/resource-manager/Microsoft.Insights/stable/2015-04-01/activityLogs_API.json)
 * that say what was written, when, with what outcome and by whom. Of the
 * caller's token claims only those that name the caller and its client are
 * kept; the rest (groups, names, IP address, times) never leaves the reader.
 */

/** The claims that name the caller and the client it used, and nothing else of the token. */
export interface CallerClaims {
  /** `http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn` (or `upn`): a person's sign-in name. */
  upn?: string;
  /** `appid`: the application the token was issued to (the client of a person, or the service principal itself). */
  appid?: string;
  /** `http://schemas.microsoft.com/identity/claims/objectidentifier` (or `oid`): the principal's object ID. */
  oid?: string;
  /** `idtyp`: `app` for an application's own token, `user` for a person's. */
  idtyp?: string;
  /** `xms_mirid`: the resource ID of the managed identity the token was issued to. */
  xms_mirid?: string;
}

export interface ActivityEvent {
  eventDataId: string | null;
  correlationId: string | null;
  /** ISO 8601, as the event carries it. */
  eventTimestamp: string;
  /** `operationName.value`: `Microsoft.Network/routeTables/routes/delete`. */
  operationName: string;
  /** `status.value`: Started, Accepted, Succeeded, Failed. */
  status: string | null;
  /** `subStatus.value`: most often the HTTP status of the call (Created, OK, Conflict). */
  subStatus: string | null;
  /** `httpRequest.method`. */
  httpMethod: string | null;
  /** `httpRequest.clientRequestId`. */
  clientRequestId: string | null;
  resourceId: string;
  resourceGroupName: string | null;
  /** The UPN of a person, or the ID the log names an application by. */
  caller: string | null;
  claims: CallerClaims;
}

/** The long claim names the Activity Log uses (the specification's example event), and the short ones of a JWT. */
const CLAIM_NAMES: Record<keyof CallerClaims, readonly string[]> = {
  upn: ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "upn"],
  appid: ["appid", "azp"],
  oid: ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"],
  idtyp: ["idtyp"],
  xms_mirid: ["xms_mirid"],
};

/** The caller's claims out of all of a token's: the first non-empty string of each name. */
export function callerClaims(claims: Record<string, unknown> | undefined): CallerClaims {
  const kept: CallerClaims = {};
  if (!claims) return kept;
  for (const [key, names] of Object.entries(CLAIM_NAMES) as [keyof CallerClaims, readonly string[]][]) {
    const value = names.map((name) => claims[name]).find((item) => typeof item === "string" && item !== "");
    if (typeof value === "string") kept[key] = value;
  }
  return kept;
}

/** Statuses that end an operation: the gate keeps the writes that succeeded and those that failed. */
const FINAL_STATUSES = new Set(["succeeded", "failed"]);

/** A write or delete (`.../write`, `.../delete`), not a read or an action such as listKeys. */
export function isWrite(event: ActivityEvent): boolean {
  return /\/(write|delete)$/i.test(event.operationName);
}

/** A write that ended, succeeded or failed: the one event per operation the gate shows. */
export function isFinalWrite(event: ActivityEvent): boolean {
  return isWrite(event) && FINAL_STATUSES.has((event.status ?? "").toLowerCase());
}

/** A template deployment's own write (`Microsoft.Resources/deployments/write`). */
export function isDeployment(event: ActivityEvent): boolean {
  return /^microsoft\.resources\/deployments\/write$/i.test(event.operationName);
}
