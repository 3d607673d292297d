/**
 * ARM resource IDs as the sandbox reads them: case-insensitive, split into
 * segments, and the collection paths under which ARM lists a resource.
 */

/** A resource body exactly as ARM returns it (fields nested under `properties`). */
export interface ArmResource {
  id: string;
  name: string;
  type?: string;
  properties?: Record<string, unknown>;
  [field: string]: unknown;
}

export function idKey(id: string): string {
  return trimSlashes(id).toLowerCase();
}

export function trimSlashes(path: string): string {
  return "/" + path.split("/").filter(Boolean).join("/");
}

export function segmentsOf(path: string): string[] {
  return path.split("/").filter(Boolean);
}

/** The subscription and resource group an ID lives in, if it names them. */
export function scopeOf(id: string): { subscriptionId: string | null; resourceGroup: string | null } {
  const segments = segmentsOf(id);
  const subscriptionId = segments[0]?.toLowerCase() === "subscriptions" ? (segments[1] ?? null) : null;
  const resourceGroup = segments[2]?.toLowerCase() === "resourcegroups" ? (segments[3] ?? null) : null;
  return { subscriptionId, resourceGroup };
}

/** The resource-group path of an ID (`/subscriptions/S/resourceGroups/R`), lower-cased. */
export function resourceGroupKey(id: string): string | null {
  const { subscriptionId, resourceGroup } = scopeOf(id);
  if (!subscriptionId || !resourceGroup) return null;
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}`.toLowerCase();
}

/** The ID without its last name segment: the collection ARM lists it under. */
export function parentCollection(id: string): string {
  const segments = segmentsOf(id);
  return "/" + segments.slice(0, -1).join("/");
}

/** The ID without its last type and name segments: the resource that holds it. */
export function parentResource(id: string): string {
  const segments = segmentsOf(id);
  return "/" + segments.slice(0, -2).join("/");
}

const SCALE_SET_INSTANCE = /^(.*\/virtualmachinescalesets\/[^/]+)\/virtualmachines\/[^/]+\/(networkinterfaces)\/[^/]+$/;
const TOP_LEVEL = /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/([^/]+\/[^/]+)\/[^/]+$/;

/**
 * Every collection path (lower-cased) whose list contains the resource: its parent
 * collection; the subscription-wide list for a top-level resource; and, as ARM
 * models it, the scale set's `networkInterfaces` list for an instance's NIC.
 */
export function collectionKeysOf(id: string): string[] {
  const key = idKey(id);
  const keys = [parentCollection(key)];
  const instanceNic = SCALE_SET_INSTANCE.exec(key);
  if (instanceNic) keys.push(`${instanceNic[1]}/${instanceNic[2]}`);
  const topLevel = TOP_LEVEL.exec(key);
  if (topLevel) keys.push(`/subscriptions/${topLevel[1]}/providers/${topLevel[2]}`);
  return keys;
}

/** `Microsoft.Network/virtualNetworks/v1/subnets/s1` for a resource ID, as ARM's errors name it. */
export function qualifiedName(id: string): string {
  const segments = segmentsOf(id);
  const providers = segments.findIndex((segment) => segment.toLowerCase() === "providers");
  return providers < 0 ? segments.join("/") : segments.slice(providers + 1).join("/");
}
