/**
 * From @azure/arm-monitor's `EventData` model (8.x, models/activityLogsApi:
 * `eventDataDeserializer` turns `eventTimestamp` into a Date and copies the
 * rest as it comes) to the gate's ActivityEvent: the fields it shows and the
 * claims that name the caller and the client, nothing else. An event without
 * a resource, an operation or a valid time cannot be attributed and is left out:
 * attribution never decides the gate's result.
 */
import type { EventData } from "@azure/arm-monitor/models/activityLogsApi";
import { type ActivityEvent, callerClaims } from "../../core/changes/events.js";

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function toActivityEvent(item: EventData): ActivityEvent[] {
  const resourceId = text(item.resourceId);
  const operationName = text(item.operationName?.value);
  const at = item.eventTimestamp;
  if (resourceId === null || operationName === null || !(at instanceof Date) || Number.isNaN(at.getTime())) return [];
  return [
    {
      eventDataId: text(item.eventDataId),
      correlationId: text(item.correlationId),
      eventTimestamp: at.toISOString(),
      operationName,
      status: text(item.status?.value),
      subStatus: text(item.subStatus?.value),
      httpMethod: text(item.httpRequest?.method),
      clientRequestId: text(item.httpRequest?.clientRequestId),
      resourceId,
      resourceGroupName: text(item.resourceGroupName),
      caller: text(item.caller),
      claims: callerClaims(item.claims),
    },
  ];
}
