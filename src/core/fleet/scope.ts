/**
 * The fleet a run covers: the `scope` lines, written the way Azure writes
 * scopes in role and policy assignments, and the `scope-tags` lines a cluster
 * must all carry. A scope line may also name one managed cluster, so a list of
 * clusters is a scope too.
 */
import { GateError } from "../errors.js";
import { idKey, managedClusterId } from "../arm-ids.js";

/** `line`: where the input holds it, numbered as the workflow shows the value (blank lines counted). */
export type FleetScope = (
  | { kind: "managementGroup"; name: string; text: string }
  | { kind: "subscription"; subscriptionId: string; text: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string; text: string }
  | { kind: "cluster"; subscriptionId: string; resourceGroup: string; name: string; id: string; text: string }
) & { line?: number };

/** A scope line that names one managed cluster. */
export type ClusterScope = Extract<FleetScope, { kind: "cluster" }>;

/** `key=value`: a tag every cluster of the fleet carries (keys as Azure compares them, case-insensitively). */
export interface ScopeTag {
  key: string;
  value: string;
}

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/**
 * Azure's rules for the names in a scope (Microsoft Learn, "Naming rules and restrictions for Azure
 * resources"): a resource group, 1-90 of `._-()` and Unicode letters and decimal digits, not ending in
 * `.`; a management group, 1-90 of ASCII letters, digits and `._-()`; a cluster, 1-63 of letters, digits, `_-`.
 */
const RESOURCE_GROUP_CHAR = "[\\p{L}\\p{Nd}_()-]";
const NAME = {
  resourceGroup: `(?:${RESOURCE_GROUP_CHAR}|\\.){0,89}${RESOURCE_GROUP_CHAR}`,
  managementGroup: "[\\w.()-]{1,90}",
  cluster: "[A-Za-z0-9][\\w-]{0,62}",
};

const PATTERNS: [FleetScope["kind"], RegExp][] = [
  [
    "managementGroup",
    new RegExp(`^/providers/Microsoft\\.Management/managementGroups/(${NAME.managementGroup})$`, "iu"),
  ],
  ["subscription", new RegExp(`^/subscriptions/(${GUID})$`, "iu")],
  ["resourceGroup", new RegExp(`^/subscriptions/(${GUID})/resourceGroups/(${NAME.resourceGroup})$`, "iu")],
  [
    "cluster",
    new RegExp(
      `^/subscriptions/(${GUID})/resourceGroups/(${NAME.resourceGroup})/providers/Microsoft\\.ContainerService/managedClusters/(${NAME.cluster})$`,
      "iu",
    ),
  ],
];

export const SCOPE_EXAMPLES =
  "'/subscriptions/<id>', '/subscriptions/<id>/resourceGroups/<name>', '/providers/Microsoft.Management/managementGroups/<name>' or a managed cluster's resource ID";

/** One `scope` line as a scope; `where` names it in errors ("input 'scope', line 2"). */
export function parseScope(line: string, where: string): FleetScope {
  const scope = scopeOf(line);
  if (scope === undefined) {
    throw new GateError(
      `${where}: '${line.trim()}' is not an ARM scope.`,
      `Write one scope per line: ${SCOPE_EXAMPLES}.`,
    );
  }
  return scope;
}

/** A scope line as an error names it: "Input 'scope', line 2", or without the number where none is known. */
export function scopeLineName(scope: FleetScope): string {
  return scope.line === undefined ? "Input 'scope'" : `Input 'scope', line ${scope.line}`;
}

/**
 * For a gone cluster whose entry leaves the baseline: the `scope` line that
 * names it, which must go too, or the next run stops on a line that names no
 * cluster the baseline lists (app/fleet.ts refuseAbsentClusterLines). Empty
 * when no line names it.
 */
export function namedLineNote(scopes: readonly FleetScope[], clusterId: string): string {
  const line = scopes.find((scope) => scope.kind === "cluster" && idKey(scope.id) === idKey(clusterId));
  return line === undefined
    ? ""
    : ` ${scopeLineName(line)} names it: take that line out of 'scope', or the next run stops on it.`;
}

/** One `scope` line as a scope; undefined when it is not one. */
export function scopeOf(line: string): FleetScope | undefined {
  const text = line.trim().replace(/\/+$/, "");
  for (const [kind, pattern] of PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const [, first = "", second = "", third = ""] = match;
    switch (kind) {
      case "managementGroup":
        return { kind, name: first, text };
      case "subscription":
        return { kind, subscriptionId: first, text };
      case "resourceGroup":
        return { kind, subscriptionId: first, resourceGroup: second, text };
      case "cluster":
        return {
          kind,
          subscriptionId: first,
          resourceGroup: second,
          name: third,
          id: managedClusterId(first, second, third),
          text,
        };
    }
  }
  return undefined;
}

/** One `scope-tags` line, `key=value`; undefined when it is not one. */
export function scopeTagOf(line: string): ScopeTag | undefined {
  const at = line.indexOf("=");
  const key = at < 0 ? "" : line.slice(0, at).trim();
  return key === "" ? undefined : { key, value: line.slice(at + 1).trim() };
}

/** One `scope-tags` line, `key=value`. */
export function parseScopeTag(line: string, where: string): ScopeTag {
  const tag = scopeTagOf(line);
  if (tag === undefined) {
    throw new GateError(
      `${where}: '${line.trim()}' is not a tag: write 'key=value', one per line.`,
      "Every cluster of the fleet must carry all the tags listed.",
    );
  }
  return tag;
}

/** Whether a cluster's resource ID lies inside a scope; a management group holds every ID (Resource Graph resolves it). */
export function withinScope(scope: FleetScope, clusterId: string): boolean {
  const id = idKey(clusterId);
  switch (scope.kind) {
    case "managementGroup":
      return true;
    case "cluster":
      return id === idKey(scope.id);
    default:
      return id.startsWith(`${idKey(scope.text)}/`);
  }
}

/** The subscriptions the scopes lie in, when every scope names its own (a management group's are known only to Resource Graph). */
export function namedSubscriptions(scopes: readonly FleetScope[]): string[] | undefined {
  const named = scopes.map((scope) =>
    scope.kind === "managementGroup" ? undefined : scope.subscriptionId.toLowerCase(),
  );
  return named.every((subscription) => subscription !== undefined) ? [...new Set(named)] : undefined;
}

/** A `scope-tags` pair as the input writes it: `key=value`. */
export function tagText(tag: ScopeTag): string {
  return `${tag.key}=${tag.value}`;
}

/** Whether a cluster's tags carry every `scope-tags` pair: keys compared ignoring case, as Azure does, values exactly. */
export function carriesTags(tags: Record<string, string>, wanted: readonly ScopeTag[]): boolean {
  const byKey = new Map(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value]));
  return wanted.every((tag) => byKey.get(tag.key.toLowerCase()) === tag.value);
}
