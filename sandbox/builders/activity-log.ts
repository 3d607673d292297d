/**
 * Activity Log events for the sandbox, each a deep clone of the one event of
 * the specification's example (GetActivityLogsFiltered.json: a person's
 * write, with every claim ARM records) with only the fields a case needs
 * changed: the resource, the operation, its status and time, and who called.
 *
 * The claims of an application's own token are the access token's (Microsoft
 * Learn, "Access token claims reference"): `appid`, `oid`, `idtyp: app`, no
 * `upn` or name; a managed identity's carries `xms_mirid`, its resource ID.
 * For an application the sandbox puts its object ID in `caller`; the gate
 * does not rely on which ID `caller` holds for applications, only on claims.
 */
import { createHash } from "node:crypto";
import { exampleItem } from "./examples.js";

/** A client a person signs in with, by its application ID (FIRST_PARTY_CLIENTS in src/core/changes/caller.ts). */
export const CLIENT_APP_IDS = {
  portal: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
  cli: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
  powershell: "1950a258-227b-4e31-a9cf-717495945fc2",
} as const;

export type EventCaller =
  | { kind: "person"; upn: string; objectId?: string; client?: keyof typeof CLIENT_APP_IDS }
  | { kind: "application"; appId: string; objectId: string; managedIdentity?: string };

export interface EventOptions {
  resourceId: string;
  /** `Microsoft.Network/routeTables/routes/delete` */
  operation: string;
  at: Date;
  caller: EventCaller;
  /** Default Succeeded. */
  status?: "Succeeded" | "Failed" | "Started" | "Accepted";
  /** Default OK (Created for a write that succeeded, Conflict for one that failed). */
  subStatus?: string;
  correlationId?: string;
}

type Json = Record<string, unknown>;

/** The claims of the example that only a person's token carries. */
const PERSON_CLAIMS = [
  "http://schemas.microsoft.com/claims/authnmethodsreferences",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
  "puid",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
  "name",
  "groups",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
  "http://schemas.microsoft.com/identity/claims/scope",
];

const OID = "http://schemas.microsoft.com/identity/claims/objectidentifier";

/** A GUID made from a text, so that the same case always gives the same IDs. */
export function stableGuid(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function callerFields(caller: EventCaller, claims: Json): string {
  if (caller.kind === "person") {
    claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = caller.upn;
    claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"] = caller.upn;
    claims["name"] = caller.upn.split("@")[0];
    claims[OID] = caller.objectId ?? stableGuid(caller.upn);
    claims["appid"] = CLIENT_APP_IDS[caller.client ?? "portal"];
    return caller.upn;
  }
  for (const name of PERSON_CLAIMS) delete claims[name];
  claims[OID] = caller.objectId;
  claims["appid"] = caller.appId;
  claims["idtyp"] = "app";
  if (caller.managedIdentity) claims["xms_mirid"] = caller.managedIdentity;
  return caller.objectId;
}

function statusOf(options: EventOptions): { status: string; subStatus: string } {
  const status = options.status ?? "Succeeded";
  const write = /\/write$/i.test(options.operation);
  const fallback = status === "Failed" ? "Conflict" : status === "Succeeded" && write ? "Created" : "OK";
  return { status, subStatus: options.subStatus ?? fallback };
}

function localizable(value: string): Json {
  return { value, localizedValue: value };
}

/** One event on a resource, as the Activity Log returns it. */
export function activityEvent(options: EventOptions): Json {
  const event = exampleItem("GetActivityLogsFiltered", (body) => body["value"] as unknown[]);
  const claims = event["claims"] as Json;
  const [, subscriptionId = "", , resourceGroup = "", , namespace = ""] = options.resourceId.split("/").slice(1);
  const eventDataId = stableGuid(
    `${options.resourceId}|${options.operation}|${options.at.toISOString()}|${options.status ?? ""}`,
  );
  const correlationId = options.correlationId ?? stableGuid(`correlation|${eventDataId}`);
  const { status, subStatus } = statusOf(options);
  const ticks = BigInt(options.at.getTime()) * 10_000n + 621_355_968_000_000_000n;
  Object.assign(event, {
    authorization: { action: options.operation, scope: options.resourceId },
    caller: callerFields(options.caller, claims),
    correlationId,
    eventDataId,
    id: `${options.resourceId}/events/${eventDataId}/ticks/${ticks}`,
    resourceGroupName: resourceGroup,
    resourceProviderName: localizable(namespace),
    resourceId: options.resourceId,
    operationId: correlationId,
    operationName: localizable(options.operation),
    properties: { statusCode: subStatus },
    status: localizable(status),
    subStatus: localizable(subStatus),
    eventTimestamp: options.at.toISOString(),
    submissionTimestamp: new Date(options.at.getTime() + 13_000).toISOString(),
    subscriptionId,
  });
  event["httpRequest"] = {
    ...(event["httpRequest"] as Json),
    clientRequestId: stableGuid(`client|${eventDataId}`),
    method: /\/delete$/i.test(options.operation) ? "DELETE" : "PUT",
  };
  return event;
}

/** A template deployment's own write in a resource group, which the writes it makes share their correlation ID with. */
export function deploymentEvent(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  options: Omit<EventOptions, "resourceId" | "operation">,
): Json {
  return activityEvent({
    ...options,
    resourceId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Resources/deployments/${name}`,
    operation: "Microsoft.Resources/deployments/write",
  });
}
