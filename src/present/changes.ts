/**
 * "Changed by" lines: the writes behind a finding, from the Activity Log, as
 * the job summary and the issue show them: who (a person, a pipeline's
 * service principal or managed identity, or AKS reconciling), what operation,
 * on which resource, when, with what status, and the correlation ID that
 * finds the whole operation in the Activity Log. Every value comes from
 * Azure and goes through the one escaper; no caller is ever mentioned.
 */
import { idKey, lastSegment } from "../core/arm-ids.js";
import type { Change, ChangeGroup, ClusterChanges } from "../core/changes/attribute.js";
import { type Caller, callerKindText } from "../core/changes/caller.js";
import { code, escapeMarkdown } from "./markdown-text.js";

/** Writes shown per finding group; the rest are in changes.json. */
export const CHANGES_SHOWN = 5;

function who(caller: Caller, client: string | null): string {
  const name =
    caller.kind === "servicePrincipal" ? `application ${caller.name}` : caller.kind === "aks" ? "AKS" : caller.name;
  const details = [
    caller.kind === "aks"
      ? `the cluster's own identity ${code(caller.name)}, reconciling, not a person`
      : callerKindText(caller.kind),
    caller.kind === "managedIdentity" && caller.applicationId
      ? `application ID ${code(caller.applicationId)}`
      : undefined,
    caller.kind === "servicePrincipal" && caller.objectId ? `object ID ${code(caller.objectId)}` : undefined,
    client ? escapeMarkdown(client) : undefined,
  ].filter(Boolean);
  return `**${escapeMarkdown(name)}** (${details.join(", ")})`;
}

/** The written resource as seen from the finding's: itself by name, a child by its path below it. */
function target(eventResourceId: string, resourceId: string): string {
  const event = idKey(eventResourceId);
  const resource = idKey(resourceId);
  if (event.startsWith(`${resource}/`)) return eventResourceId.slice(resourceId.length + 1);
  return lastSegment(eventResourceId);
}

/** One write: who, what, on what, when, status, correlation ID. */
export function changeLine(change: Change, resourceId: string): string {
  const { event } = change;
  const status = event.status ? `${event.status}${event.subStatus ? ` (${event.subStatus})` : ""}` : "status unknown";
  const correlation = event.correlationId ? `correlation ${code(event.correlationId)}` : "no correlation ID";
  return (
    `- Changed by ${who(change.caller, change.client)}: ${code(event.operationName)} on ` +
    `${code(target(event.resourceId, resourceId))} at ${escapeMarkdown(event.eventTimestamp)}, ` +
    `${escapeMarkdown(status)}, ${correlation}`
  );
}

/** The group of a finding resource in a cluster's changes. */
export function changeGroupOf(changes: ClusterChanges | undefined, resourceId: string): ChangeGroup | undefined {
  return changes?.groups.find((group) => idKey(group.resourceId) === idKey(resourceId));
}

/** The "Changed by" lines of one finding group, newest first, at most `limit`; empty when the cluster was not looked up. */
export function changedByLines(changes: ClusterChanges | undefined, resourceId: string, limit: number): string[] {
  const group = changeGroupOf(changes, resourceId);
  if (!changes || !group) return [];
  if (group.changes.length === 0) {
    return changes.note ? [] : ["- Changed by: no write to this resource in the Activity Log window."];
  }
  const shown = group.changes.slice(0, limit).map((change) => changeLine(change, group.resourceId));
  const more = group.changes.length - shown.length + group.omitted;
  return more > 0 ? [...shown, `- and ${more} earlier write(s) in ${code("changes.json")}`] : shown;
}

/** The one line that says why no write is shown, or that the lookup was partial. */
export function changesNote(changes: ClusterChanges | undefined): string[] {
  return changes?.note ? [`Changed by: ${escapeMarkdown(changes.note)}`] : [];
}

/** Where the window starts, in one line. */
export function windowLine(changes: ClusterChanges): string[] {
  if (!changes.window || !changes.read) return [];
  const { from, to, basis } = changes.window;
  return [
    `Writes from the Azure Activity Log, ${escapeMarkdown(from.toISOString())} to ${escapeMarkdown(to.toISOString())} (since ${escapeMarkdown(basis)}).`,
  ];
}

/** "Who to ask" beside the suggested owner: the newest person or pipeline that wrote to a resource with a finding. */
export function whoToAskLines(changes: ClusterChanges | undefined): string[] {
  const change = changes?.whoToAsk;
  if (!change) return [];
  return [
    `Who to ask: ${who(change.caller, change.client)}, the last person or pipeline to write to a resource with a finding (${code(change.event.operationName)} at ${escapeMarkdown(change.event.eventTimestamp)}).`,
  ];
}

/** The job summary's "Changed by" part of a cluster: the window, then each finding group's writes. */
export function reportChanges(changes: ClusterChanges | undefined): string[] {
  if (!changes) return [];
  const lines = ["**Changed by**", "", ...windowLine(changes), ...changesNote(changes)];
  for (const group of changes.groups) {
    const writes = changedByLines(changes, group.resourceId, CHANGES_SHOWN);
    if (writes.length === 0) continue;
    lines.push("", `On ${code(lastSegment(group.resourceId))} (${group.rules.map(code).join(", ")}):`, "", ...writes);
  }
  return [...lines, ...whoToAskLines(changes).flatMap((line) => ["", line]), ""];
}
