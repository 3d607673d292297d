/**
 * The hidden marker that makes an issue the gate's own: the first line of the
 * body, an HTML comment with the fingerprint of the cluster's resource ID, the
 * kind of issue, the cluster's resource ID and the findings it was written
 * for. The gate finds its issue by this marker, never by the title, which
 * people edit. The state travels base64url-encoded, so that no value from
 * Azure can end the comment.
 */
import { createHash } from "node:crypto";
import type { Finding } from "../model.js";

export type IssueKind = "drift" | "error";

/** One finding as the marker remembers it: enough to say what changed. */
export interface FindingKey {
  rule: string;
  path: string;
  /** Short hash of severity, resource, expected and actual value. */
  hash: string;
}

export interface IssueState {
  /** Fingerprint of the cluster's resource ID (case-insensitive, as ARM). */
  fingerprint: string;
  /**
   * The cluster's resource ID (shown in the body too: not secret). A marker
   * written before it was kept, or whose ID does not match the fingerprint,
   * takes the ID the body names that does; absent when none does.
   */
  clusterId?: string;
  kind: IssueKind;
  /** Hash of everything the issue was written for: equal digests mean nothing to update. */
  digest: string;
  items: FindingKey[];
  /** Set on an issue closed as a duplicate of another: it no longer tracks the cluster. */
  duplicateOf?: number;
}

/** The marker keeps at most this many findings; beyond it the digest alone says "changed". */
export const MAX_MARKED_FINDINGS = 60;

const MARKER = /^<!-- aks-network-gate:v1 fp=([0-9a-f]{16}) kind=(drift|error) state=([A-Za-z0-9_-]*) -->/;

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function fingerprint(clusterId: string): string {
  return sha256(clusterId.toLowerCase()).slice(0, 16);
}

export function findingKey(item: Finding): FindingKey {
  const values = [item.severity, item.resourceId.toLowerCase(), item.expected, item.actual].join("\u0000");
  return { rule: item.rule, path: item.path, hash: sha256(values).slice(0, 10) };
}

function digestOf(kind: IssueKind, parts: string[]): string {
  return sha256([kind, ...[...parts].sort()].join("\n")).slice(0, 16);
}

/** The state of a drift issue: its active findings. */
export function driftState(clusterId: string, findings: Finding[]): IssueState {
  const keys = findings.map(findingKey);
  return {
    fingerprint: fingerprint(clusterId),
    clusterId,
    kind: "drift",
    digest: digestOf(
      "drift",
      keys.map((key) => `${key.rule}\u0000${key.path}\u0000${key.hash}`),
    ),
    items: keys.slice(0, MAX_MARKED_FINDINGS),
  };
}

/**
 * An error message without what changes on every attempt (request and
 * correlation IDs, timestamps), so that the same failure is the same state.
 */
export function stableErrorText(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?/g, "<time>");
}

/** The state of an error issue: the failure, without its volatile parts. */
export function errorState(clusterId: string, message: string): IssueState {
  return {
    fingerprint: fingerprint(clusterId),
    clusterId,
    kind: "error",
    digest: digestOf("error", [stableErrorText(message)]),
    items: [],
  };
}

/** The marker line for a body. */
export function renderMarker(state: IssueState): string {
  const payload = {
    d: state.digest,
    i: state.items.map((key) => [key.rule, key.path, key.hash]),
    u: state.duplicateOf,
    c: state.clusterId,
  };
  const encoded = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `<!-- aks-network-gate:v1 fp=${state.fingerprint} kind=${state.kind} state=${encoded} -->`;
}

function decodeItems(value: unknown): FindingKey[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const keys = value.map((entry: unknown) =>
    Array.isArray(entry) && entry.length === 3 && entry.every((part) => typeof part === "string")
      ? { rule: entry[0] as string, path: entry[1] as string, hash: entry[2] as string }
      : undefined,
  );
  return keys.every((key) => key !== undefined) ? (keys as FindingKey[]) : undefined;
}

/** A managed cluster's resource ID in an issue's text, up to the first character no ARM name holds. */
const CLUSTER_ID_IN_TEXT =
  /\/subscriptions\/[^/\s`]+\/resourceGroups\/[^/\s`]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/\s`]+/gi;

/**
 * The cluster an issue names in its text, for a marker written before the ID
 * was kept (1.0.0): every issue names its cluster's ID, and only an ID that
 * hashes to the marker's fingerprint is taken.
 */
function clusterIdInText(body: string, fp: string): string | undefined {
  for (const [candidate] of body.matchAll(CLUSTER_ID_IN_TEXT)) if (fingerprint(candidate) === fp) return candidate;
  return undefined;
}

/** The state a body's marker holds; undefined when the body is not a gate issue's. */
export function parseMarker(body: string | null | undefined): IssueState | undefined {
  const match = MARKER.exec(body ?? "");
  if (!match) return undefined;
  const [, fp = "", kind, encoded = ""] = match;
  try {
    const payload = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Record<string, unknown>;
    const items = decodeItems(payload.i);
    if (typeof payload.d !== "string" || items === undefined) return undefined;
    const state: IssueState = { fingerprint: fp, kind: kind as IssueKind, digest: payload.d, items };
    if (typeof payload.u === "number") state.duplicateOf = payload.u;
    // An ID that does not hash to the fingerprint is not the cluster's.
    if (typeof payload.c === "string" && fingerprint(payload.c) === fp) state.clusterId = payload.c;
    else {
      const named = clusterIdInText(body ?? "", fp);
      if (named !== undefined) state.clusterId = named;
    }
    return state;
  } catch {
    return undefined;
  }
}

/** True when a body starts like a gate issue's, whether or not the rest of the marker parses. */
export function hasMarkerLine(body: string | null | undefined): boolean {
  return (body ?? "").trimStart().startsWith("<!-- aks-network-gate:");
}

/** A body with its marker replaced, e.g. to mark the issue a duplicate. */
export function withMarker(body: string, state: IssueState): string {
  const rest = MARKER.test(body) ? body.replace(MARKER, "") : `\n${body}`;
  return `${renderMarker(state)}${rest}`;
}
