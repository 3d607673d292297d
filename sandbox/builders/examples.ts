/**
 * The real ARM example payloads (copied verbatim from azure-rest-api-specs into
 * sandbox/azure-examples): every builder starts from a deep clone of one of them.
 */
import { readFileSync } from "node:fs";
import type { ArmResource } from "../resource-id.js";

export type ExampleName =
  | "ManagedClustersGet"
  | "AgentPoolsGet"
  | "AgentPoolsList"
  | "RouteTableGet"
  | "RouteTableRouteList"
  | "SubnetGet"
  | "VirtualNetworkGet"
  | "GetActivityLogsFiltered";

interface ExampleFile {
  responses: { "200": { body: unknown } };
}

const loaded = new Map<ExampleName, unknown>();

function responseBody(name: ExampleName): unknown {
  if (!loaded.has(name)) {
    const url = new URL(`../azure-examples/${name}.json`, import.meta.url);
    const file = JSON.parse(readFileSync(url, "utf8")) as ExampleFile;
    loaded.set(name, file.responses["200"].body);
  }
  return loaded.get(name);
}

/** A deep clone of the 200 response body of an example, safe to change. */
export function exampleBody(name: ExampleName): ArmResource {
  return structuredClone(responseBody(name)) as ArmResource;
}

/** A deep clone of the first item of an example's embedded array (a route, a subnet, a pool profile). */
export function exampleItem(name: ExampleName, pick: (body: ArmResource) => unknown[]): Record<string, unknown> {
  const [first] = pick(exampleBody(name));
  if (!first) throw new Error(`example ${name} has no item to copy`);
  return first as Record<string, unknown>;
}
