/**
 * The sandbox's in-memory ARM: resource bodies keyed by ID (case-insensitive),
 * plus the builders that make whole clusters from the real example payloads.
 */
import { collectionKeysOf, idKey, parentResource, resourceGroupKey, type ArmResource } from "./resource-id.js";

export type { ArmResource } from "./resource-id.js";
export { kubenetCluster, azureCniCluster } from "./builders/clusters.js";
export { activityEvent, CLIENT_APP_IDS, deploymentEvent, stableGuid } from "./builders/activity-log.js";
export type { EventCaller, EventOptions } from "./builders/activity-log.js";
export type {
  BuiltCluster,
  BuiltNode,
  ClusterOptions,
  KubenetClusterOptions,
  AzureCniClusterOptions,
  PoolOptions,
} from "./builders/clusters.js";

/** Arrays under `properties` whose items ARM also serves as child resources. */
function embeddedChildren(body: ArmResource): ArmResource[] {
  const prefix = idKey(body.id) + "/";
  const children: ArmResource[] = [];
  for (const value of Object.values(body.properties ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (isResource(item) && idKey(item.id).startsWith(prefix)) children.push(item);
    }
  }
  return children;
}

function isResource(value: unknown): value is ArmResource {
  return typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string";
}

export class World {
  /** The Activity Log's events (sandbox/builders/activity-log.ts), which sandbox/activity-log.ts serves. */
  readonly activityLog: Record<string, unknown>[] = [];
  private readonly resources = new Map<string, ArmResource>();
  /** Stored resource keys by every collection that lists them, so a list does not scan the world. */
  private readonly byCollection = new Map<string, Set<string>>();
  private readonly groups = new Map<string, number>();
  /** The location of a resource of each group, as ARM names a group's location in its errors. */
  private readonly groupLocations = new Map<string, string>();
  private changes = 0;

  /** Counts the world's changes through its methods (put, delete, clear, patch), for views made of it to know when to make them again. */
  get revision(): number {
    return this.changes;
  }

  constructor(...bodies: ArmResource[]) {
    this.put(...bodies);
  }

  /** Adds events to the Activity Log. */
  logEvents(...events: Record<string, unknown>[]): this {
    this.activityLog.push(...events);
    return this;
  }

  /** Adds or replaces resources, each keyed by its `id`. */
  put(...bodies: ArmResource[]): this {
    this.changes += 1;
    for (const body of bodies) {
      const key = idKey(body.id);
      if (!this.resources.has(key)) this.index(key, 1);
      this.resources.set(key, body);
      const group = resourceGroupKey(key);
      if (group !== null && typeof body["location"] === "string" && !this.groupLocations.has(group)) {
        this.groupLocations.set(group, body["location"]);
      }
    }
    return this;
  }

  get(id: string): ArmResource | undefined {
    return this.resources.get(idKey(id));
  }

  /** Like `get`, but fails loudly: for tests that mutate a resource they built. */
  require(id: string): ArmResource {
    const body = this.get(id);
    if (!body) throw new Error(`sandbox world has no resource ${id}`);
    return body;
  }

  delete(id: string): boolean {
    const key = idKey(id);
    if (!this.resources.delete(key)) return false;
    this.changes += 1;
    this.index(key, -1);
    return true;
  }

  clear(): this {
    this.changes += 1;
    this.activityLog.length = 0;
    this.resources.clear();
    this.byCollection.clear();
    this.groups.clear();
    this.groupLocations.clear();
    return this;
  }

  /** Changes a stored body in place. */
  patch(id: string, change: (body: ArmResource) => void): this {
    change(this.require(id));
    this.changes += 1;
    return this;
  }

  all(): ArmResource[] {
    return [...this.resources.values()];
  }

  /** A stored resource, or one embedded in its parent (a subnet in its VNet, a route in its table). */
  resolve(id: string): ArmResource | undefined {
    const stored = this.get(id);
    if (stored) return stored;
    const parent = this.get(parentResource(id));
    if (!parent) return undefined;
    return embeddedChildren(parent).find((child) => idKey(child.id) === idKey(id));
  }

  /** Every resource ARM would list under a collection path, stored and embedded ones. */
  list(collectionPath: string): ArmResource[] {
    const key = idKey(collectionPath);
    const stored = [...(this.byCollection.get(key) ?? [])].map((id) => this.resources.get(id) as ArmResource);
    const holder = this.get(key.split("/").slice(0, -1).join("/"));
    const embedded = holder ? embeddedChildren(holder).filter((child) => collectionKeysOf(child.id).includes(key)) : [];
    return [...stored, ...embedded];
  }

  /** The location of a resource in the resource group of this ID, when the group holds one with a location. */
  locationOfGroup(id: string): string | undefined {
    const group = resourceGroupKey(id);
    return group === null ? undefined : this.groupLocations.get(group);
  }

  /** True when any resource lives in the resource group of this ID. */
  hasResourceGroup(id: string): boolean {
    const group = resourceGroupKey(id);
    return group !== null && (this.groups.get(group) ?? 0) > 0;
  }

  private index(key: string, change: 1 | -1): void {
    for (const collection of collectionKeysOf(key)) {
      const members = this.byCollection.get(collection) ?? new Set<string>();
      if (change > 0) members.add(key);
      else members.delete(key);
      this.byCollection.set(collection, members);
    }
    const group = resourceGroupKey(key);
    if (group !== null) this.groups.set(group, (this.groups.get(group) ?? 0) + change);
    if (group !== null && (this.groups.get(group) ?? 0) <= 0) this.groupLocations.delete(group);
  }
}
