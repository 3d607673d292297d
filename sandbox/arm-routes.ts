/**
 * How the sandbox answers an ARM GET from its World: a resource, a paged
 * collection, a resource group, or ARM's 404 errors.
 */
import { armErrorBody } from "./faults.js";
import { parentCollection, qualifiedName, scopeOf, segmentsOf, trimSlashes } from "./resource-id.js";
import type { World } from "./world.js";

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Sent as it is instead of `body` as JSON: a replayed answer that was not JSON. */
  text?: string;
}

export interface ListingContext {
  /** `https://127.0.0.1:PORT`: nextLinks point back here. */
  baseUrl: string;
  pageSize: number;
}

type PathKind = "subscription" | "resourceGroups" | "resourceGroup" | "resource" | "collection" | "unknown";

function pathKind(segments: string[]): PathKind {
  const lower = segments.map((segment) => segment.toLowerCase());
  if (lower[0] !== "subscriptions" || segments.length < 2) return "unknown";
  if (segments.length === 2) return "subscription";
  if (lower[2] === "providers") return segments.length === 5 ? "collection" : "unknown";
  if (lower[2] !== "resourcegroups") return "unknown";
  if (segments.length === 3) return "resourceGroups";
  if (segments.length === 4) return "resourceGroup";
  if (lower[4] !== "providers" || segments.length < 7) return "unknown";
  return (segments.length - 6) % 2 === 0 ? "resource" : "collection";
}

function resourceGroupNotFound(path: string): Reply {
  const group = scopeOf(path).resourceGroup ?? "";
  return { status: 404, body: armErrorBody("ResourceGroupNotFound", `Resource group '${group}' could not be found.`) };
}

function resourceNotFound(id: string): Reply {
  const group = scopeOf(id).resourceGroup ?? "";
  const message =
    `The Resource '${qualifiedName(id)}' under resource group '${group}' was not found. ` +
    "For more details please go to https://aka.ms/ARMResourceNotFoundFix";
  return { status: 404, body: armErrorBody("ResourceNotFound", message) };
}

function noRoute(path: string): Reply {
  return {
    status: 404,
    body: armErrorBody("NotFound", `No HTTP resource was found that matches the request URI '${path}'.`),
  };
}

/** The location of the resource group a path lies in, as the world's resources there say; `eastus` when none does. */
export function locationOf(world: World, path: string): string {
  return world.locationOfGroup(path) ?? "eastus";
}

function resourceGroupBody(world: World, path: string): unknown {
  const { subscriptionId, resourceGroup } = scopeOf(path);
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`,
    name: resourceGroup,
    type: "Microsoft.Resources/resourceGroups",
    location: locationOf(world, path),
    properties: { provisioningState: "Succeeded" },
  };
}

function resourceGroupsOf(world: World, subscriptionPath: string): unknown[] {
  const subscriptionId = scopeOf(subscriptionPath).subscriptionId?.toLowerCase();
  const groups = new Map<string, string>();
  for (const body of world.all()) {
    const scope = scopeOf(body.id);
    if (scope.subscriptionId?.toLowerCase() !== subscriptionId || !scope.resourceGroup) continue;
    groups.set(scope.resourceGroup.toLowerCase(), `${subscriptionPath}/resourceGroups/${scope.resourceGroup}`);
  }
  return [...groups.values()].map((group) => resourceGroupBody(world, group));
}

/** One page of a list, with an absolute nextLink (`$skipToken=N`) while more remain. */
export function page(items: unknown[], url: URL, context: ListingContext): Reply {
  const skip = Math.max(0, Number(url.searchParams.get("$skipToken") ?? 0) || 0);
  const end = skip + context.pageSize;
  const body: { value: unknown[]; nextLink?: string } = { value: items.slice(skip, end) };
  if (end < items.length) {
    const next = new URL(url.pathname, context.baseUrl);
    for (const [key, value] of url.searchParams) if (key !== "$skipToken") next.searchParams.append(key, value);
    next.searchParams.set("$skipToken", String(end));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

function collectionReply(world: World, path: string, url: URL, context: ListingContext): Reply {
  const segments = segmentsOf(path);
  const inResourceGroup = segments[2]?.toLowerCase() === "resourcegroups";
  if (inResourceGroup && !world.hasResourceGroup(path)) return resourceGroupNotFound(path);
  if (inResourceGroup && segments.length > 7) {
    const parent = parentCollection(path);
    if (!world.resolve(parent)) return resourceNotFound(parent);
  }
  return page(world.list(path), url, context);
}

/** ARM's answer to `GET <url>` from the world. */
export function armGet(world: World, url: URL, context: ListingContext): Reply {
  const path = trimSlashes(decodeURIComponent(url.pathname));
  const segments = segmentsOf(path);
  switch (pathKind(segments)) {
    case "resource": {
      const body = world.resolve(path);
      if (body) return { status: 200, body };
      return world.hasResourceGroup(path) ? resourceNotFound(path) : resourceGroupNotFound(path);
    }
    case "collection":
      return collectionReply(world, path, url, context);
    case "resourceGroup":
      return world.hasResourceGroup(path)
        ? { status: 200, body: resourceGroupBody(world, path) }
        : resourceGroupNotFound(path);
    case "resourceGroups":
      return page(resourceGroupsOf(world, path.replace(/\/resourceGroups$/i, "")), url, context);
    case "subscription":
      return {
        status: 200,
        body: { id: path, subscriptionId: segments[1], displayName: "Sandbox subscription", state: "Enabled" },
      };
    case "unknown":
      return noRoute(path);
  }
}
