/**
 * Who wrote a change, from the event's claims: a person (a UPN), a service
 * principal (an application's own token: `idtyp` app, an `appid`, no UPN),
 * a managed identity (a token with `xms_mirid`, the identity's resource ID,
 * whose last segment is the identity's name), or AKS itself: the cluster's
 * own identity (its control-plane or kubelet identity, or the service
 * principal of an older cluster) reconciling what it manages, such as the
 * routes of a kubenet cluster's route table. Names come only from what the
 * event carries; an application's ID is never looked up elsewhere.
 *
 * The client is named where the event says it: a person's token carries the
 * application it was issued to (Microsoft's first-party IDs, listed in
 * Microsoft Learn, "Verify first-party Microsoft applications in sign-in
 * reports"), and a write made by a template deployment shares its
 * correlation ID with the deployment's own write (the specification:
 * "The correlation Id is shared among the events that belong to the same
 * uber operation").
 */
import { lastSegment, sameId } from "../arm-ids.js";
import { type ActivityEvent, isDeployment } from "./events.js";

export type CallerKind = "person" | "servicePrincipal" | "managedIdentity" | "aks" | "unknown";

export interface Caller {
  kind: CallerKind;
  /** What the gate shows: the UPN, the managed identity's name, or the application ID. */
  name: string;
  /** The application (client) ID, for service principals and managed identities. */
  applicationId?: string;
  /** The principal's object ID, when the event carries it. */
  objectId?: string;
}

/** The identities that are the cluster itself, from its managed cluster resource; none of it is written anywhere. */
export interface AksIdentity {
  clusterId: string;
  /** The node resource group's name (`MC_...`). */
  nodeResourceGroup: string | null;
  /** Object (principal) IDs of the cluster's identities. */
  principalIds: string[];
  /** Client (application) IDs of the cluster's identities and of its service principal. */
  clientIds: string[];
  /** Resource IDs of its user-assigned identities (control plane and kubelet). */
  identityResourceIds: string[];
}

/** Microsoft's first-party clients a person signs in with (Microsoft Learn, "Verify first-party Microsoft applications in sign-in reports"). */
export const FIRST_PARTY_CLIENTS: Readonly<Record<string, string>> = {
  "c44b4083-3bb0-49c1-b47d-974e53cbdf3c": "Azure portal",
  "04b07795-8ddb-461a-bbee-02f9e1bf7b46": "Azure CLI",
  "1950a258-227b-4e31-a9cf-717495945fc2": "Azure PowerShell",
};

const KIND_TEXT: Record<CallerKind, string> = {
  person: "person",
  servicePrincipal: "service principal",
  managedIdentity: "managed identity",
  aks: "AKS, the cluster's own identity",
  unknown: "caller of unknown kind",
};

export function callerKindText(kind: CallerKind): string {
  return KIND_TEXT[kind];
}

function includesId(list: readonly string[], id: string | undefined): boolean {
  return id !== undefined && list.some((entry) => sameId(entry, id));
}

/** A user-assigned identity AKS made in the node resource group (the kubelet identity `<cluster>-agentpool`). */
function inNodeResourceGroup(identityId: string, nodeResourceGroup: string | null): boolean {
  if (nodeResourceGroup === null) return false;
  const [, group, type] =
    /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(identityId) ?? [];
  return sameId(group, nodeResourceGroup) && sameId(type, "Microsoft.ManagedIdentity/userAssignedIdentities");
}

function isAks(event: ActivityEvent, aks: AksIdentity): boolean {
  const { oid, appid, xms_mirid: identity } = event.claims;
  if (includesId(aks.principalIds, oid) || includesId(aks.clientIds, appid)) return true;
  if (identity === undefined) return false;
  return (
    sameId(identity, aks.clusterId) ||
    includesId(aks.identityResourceIds, identity) ||
    inNodeResourceGroup(identity, aks.nodeResourceGroup)
  );
}

function ids(event: ActivityEvent): Pick<Caller, "applicationId" | "objectId"> {
  const { appid, oid } = event.claims;
  return { ...(appid ? { applicationId: appid } : {}), ...(oid ? { objectId: oid } : {}) };
}

/** The kind and name of an event's caller. */
export function classifyCaller(event: ActivityEvent, aks: AksIdentity): Caller {
  const { upn, appid, idtyp, xms_mirid: identity, oid } = event.claims;
  const caller = event.caller ?? undefined;
  if (isAks(event, aks)) {
    const name = identity ? lastSegment(identity) : (appid ?? oid ?? caller ?? "the cluster's identity");
    return { kind: "aks", name, ...ids(event) };
  }
  if (upn !== undefined || idtyp?.toLowerCase() === "user") {
    return { kind: "person", name: upn ?? caller ?? oid ?? "a person", ...(oid ? { objectId: oid } : {}) };
  }
  if (identity !== undefined) return { kind: "managedIdentity", name: lastSegment(identity), ...ids(event) };
  if (appid !== undefined) return { kind: "servicePrincipal", name: appid, ...ids(event) };
  if (caller?.includes("@")) return { kind: "person", name: caller };
  return { kind: "unknown", name: caller ?? oid ?? "an unnamed caller" };
}

/** The deployment (by name) whose correlation ID an event shares, among the events read with it. */
function deploymentOf(event: ActivityEvent, all: readonly ActivityEvent[]): string | undefined {
  if (!event.correlationId || isDeployment(event)) return undefined;
  const deployment = all.find(
    (other) => isDeployment(other) && other.correlationId !== null && sameId(other.correlationId, event.correlationId),
  );
  return deployment ? lastSegment(deployment.resourceId) : undefined;
}

/** The client the change was made with, where the event says it: a template deployment, or a person's client app. */
export function clientTypeOf(event: ActivityEvent, caller: Caller, all: readonly ActivityEvent[]): string | null {
  const deployment = deploymentOf(event, all);
  if (deployment !== undefined) return `ARM template deployment '${deployment}'`;
  const appid = event.claims.appid?.toLowerCase();
  if (caller.kind !== "person" || appid === undefined) return null;
  return FIRST_PARTY_CLIENTS[appid] ?? `application ${appid}`;
}
