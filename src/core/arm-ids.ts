/** ARM resource IDs: built, taken apart and compared case-insensitively, as ARM does. */

export interface ResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** The last segment: the resource's own name. */
  name: string;
}

const ID_PATTERN = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/.+\/([^/]+)$/i;

export function parseResourceId(id: string): ResourceId | null {
  const match = ID_PATTERN.exec(id);
  if (!match) return null;
  const [, subscriptionId, resourceGroup, name] = match as unknown as [string, string, string, string];
  return { subscriptionId, resourceGroup, name };
}

export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return a == b;
  return a.toLowerCase() === b.toLowerCase();
}

/** The key under which an ID is stored in maps: ARM IDs are case-insensitive. */
export function idKey(id: string): string {
  return id.toLowerCase();
}

/** The last segment of an ID, the resource's own name ("aks1"); the whole text when it has none. */
export function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1) || id;
}

/** The resource an ID is nested in: a subnet's VNet, a route's table. */
export function parentId(id: string): string {
  return id.split("/").slice(0, -2).join("/");
}

export function managedClusterId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}
