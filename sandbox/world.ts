/**
 * The sandbox's in-memory ARM: resource bodies keyed by ID (case-insensitive),
 * plus the builders that make whole clusters from the real example payloads.
 */
import { collectionKeysOf, idKey, parentResource, resourceGroupKey, type ArmResource } from "./resource-id.js";

export type { ArmResource } from "./resource-id.js";
export { kubenetCluster, azureCniCluster } from "./builders/clusters.js";
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
  private readonly resources = new Map<string, ArmResource>();

  constructor(...bodies: ArmResource[]) {
    this.put(...bodies);
  }

  /** Adds or replaces resources, each keyed by its `id`. */
  put(...bodies: ArmResource[]): this {
    for (const body of bodies) this.resources.set(idKey(body.id), body);
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
    return this.resources.delete(idKey(id));
  }

  clear(): this {
    this.resources.clear();
    return this;
  }

  /** Changes a stored body in place. */
  patch(id: string, change: (body: ArmResource) => void): this {
    change(this.require(id));
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
    return this.withEmbedded().filter((body) => collectionKeysOf(body.id).includes(key));
  }

  /** True when any resource lives in the resource group of this ID. */
  hasResourceGroup(id: string): boolean {
    const group = resourceGroupKey(id);
    return group !== null && this.all().some((body) => resourceGroupKey(body.id) === group);
  }

  private withEmbedded(): ArmResource[] {
    return this.all().flatMap((body) => [body, ...embeddedChildren(body)]);
  }
}
