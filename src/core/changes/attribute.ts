/**
 * The writes behind a cluster's findings: its findings grouped by the
 * resource they are about, and for each resource the writes (succeeded or
 * failed) on it and on its children in the lookup window, newest first, each
 * with its caller and client. Beside the suggested owner, the issue names
 * "who to ask": the newest caller that is a person or a pipeline (a service
 * principal or a managed identity), never AKS reconciling.
 */
import { idKey, parentId, sameId } from "../arm-ids.js";
import type { Finding } from "../model.js";
import { type AksIdentity, type Caller, classifyCaller, clientTypeOf } from "./caller.js";
import { type ActivityEvent, isDeployment, isFinalWrite } from "./events.js";
import type { LookupWindow } from "./window.js";
import { unfolded } from "../check/consequences.js";

/** The newest writes kept per resource; older ones are counted, not kept. */
export const MAX_CHANGES_PER_GROUP = 200;

export interface Change {
  event: ActivityEvent;
  caller: Caller;
  /** The client, where the event says it: "Azure portal", "ARM template deployment 'net-42'". */
  client: string | null;
}

/** The findings of one resource, and the writes behind them. */
export interface ChangeGroup {
  resourceId: string;
  rules: string[];
  paths: string[];
  changes: Change[];
  /** Writes in the window beyond MAX_CHANGES_PER_GROUP, not kept. */
  omitted: number;
}

export interface ClusterChanges {
  clusterId: string;
  /** Whether the Activity Log was read for this cluster (wholly or partly). */
  read: boolean;
  window: LookupWindow | null;
  groups: ChangeGroup[];
  /** Why no write is shown, in one line: the lookup failed, or the window holds none. */
  note: string | null;
  /** The newest person or pipeline among the changes. */
  whoToAsk: Change | null;
  /** The events behind the groups (and the deployments that name their client), for changes.json. */
  events: ActivityEvent[];
}

/** The findings grouped by the resource they are about, in the order they come. */
export function findingGroups(findings: readonly Finding[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const finding of unfolded(findings)) {
    if (finding.resourceId === "") continue;
    const key = idKey(finding.resourceId);
    const group = groups.get(key) ?? { resourceId: finding.resourceId, rules: [], paths: [], changes: [], omitted: 0 };
    if (!group.rules.includes(finding.rule)) group.rules.push(finding.rule);
    if (!group.paths.includes(finding.path)) group.paths.push(finding.path);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const SUBNET = /\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** A write on the resource, on a child of it, or (for a subnet) on its VNet, whose PUT carries its subnets. */
export function touches(eventResourceId: string, resourceId: string): boolean {
  const event = idKey(eventResourceId);
  const resource = idKey(resourceId);
  if (event === resource || event.startsWith(`${resource}/`)) return true;
  return SUBNET.test(resourceId) && sameId(eventResourceId, parentId(resourceId));
}

function inWindow(event: ActivityEvent, window: LookupWindow): boolean {
  const at = Date.parse(event.eventTimestamp);
  return at >= window.from.getTime() && at <= window.to.getTime();
}

function newestFirst(a: Change, b: Change): number {
  return Date.parse(b.event.eventTimestamp) - Date.parse(a.event.eventTimestamp);
}

function pipelineOrPerson(change: Change): boolean {
  return ["person", "servicePrincipal", "managedIdentity"].includes(change.caller.kind);
}

/** One event per write: the same event read twice (two resource groups' lists never overlap, but pages may) counts once. */
function distinct(events: readonly ActivityEvent[]): ActivityEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = event.eventDataId ?? `${event.eventTimestamp}|${event.operationName}|${event.resourceId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fillGroup(
  group: ChangeGroup,
  writes: readonly ActivityEvent[],
  all: readonly ActivityEvent[],
  aks: AksIdentity,
) {
  const changes = writes
    .filter((event) => touches(event.resourceId, group.resourceId))
    .map((event): Change => {
      const caller = classifyCaller(event, aks);
      return { event, caller, client: clientTypeOf(event, caller, all) };
    })
    .sort(newestFirst);
  group.changes = changes.slice(0, MAX_CHANGES_PER_GROUP);
  group.omitted = changes.length - group.changes.length;
}

/** The events changes.json keeps: the writes shown and the deployments that name their client. */
function usedEvents(groups: readonly ChangeGroup[], all: readonly ActivityEvent[]): ActivityEvent[] {
  const writes = distinct(groups.flatMap((group) => group.changes.map((change) => change.event)));
  const correlations = new Set(writes.map((event) => event.correlationId?.toLowerCase()).filter(Boolean));
  const deployments = all.filter(
    (event) => isDeployment(event) && correlations.has(event.correlationId?.toLowerCase()),
  );
  return [...writes, ...distinct(deployments)];
}

/** The writes behind a cluster's findings, from the events read for its resource groups. */
export function attributeChanges(
  clusterId: string,
  findings: readonly Finding[],
  events: readonly ActivityEvent[],
  window: LookupWindow,
  aks: AksIdentity,
): ClusterChanges {
  const all = distinct(events).filter((event) => inWindow(event, window));
  const writes = all.filter(isFinalWrite);
  const groups = findingGroups(findings);
  for (const group of groups) fillGroup(group, writes, all, aks);
  const shown = groups.flatMap((group) => group.changes);
  const whoToAsk = shown.filter(pipelineOrPerson).sort(newestFirst)[0] ?? null;
  const note =
    shown.length === 0
      ? `The Activity Log holds no write to these resources from ${window.from.toISOString()} to ${window.to.toISOString()} (since ${window.basis}).`
      : null;
  return { clusterId, read: true, window, groups, note, whoToAsk, events: usedEvents(groups, all) };
}

/** A cluster whose writes were not looked up, and why, in one line. */
export function unavailableChanges(
  clusterId: string,
  findings: readonly Finding[],
  note: string,
  window: LookupWindow | null,
): ClusterChanges {
  return { clusterId, read: false, window, groups: findingGroups(findings), note, whoToAsk: null, events: [] };
}
