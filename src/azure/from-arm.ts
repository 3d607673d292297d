/**
 * From raw ARM JSON (`properties` nested, as the REST API returns it) to the
 * gate's facts, for the network and compute reads. Only network fields are
 * kept; a field the gate depends on that is missing makes the response malformed.
 */
import type { Route, RouteTable, Subnet } from "../model.js";
import { malformed } from "./failures.js";
import type { NetworkInterfaceFacts, ScaleSetFacts, ScaleSetInstanceFacts, VirtualNetworkFacts } from "./reader.js";

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function strings(values: unknown, single?: unknown): string[] {
  if (Array.isArray(values)) return values.filter((value): value is string => typeof value === "string");
  const one = text(single);
  return one ? [one] : [];
}

function items(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(object).filter((item): item is Json => item !== undefined) : [];
}

function propertiesOf(resourceId: string, body: unknown, what: string): Json {
  const properties = object(object(body)?.properties);
  if (!properties) throw malformed(resourceId, `the ${what} has no properties`);
  return properties;
}

function referenceId(value: unknown): string | null {
  return text(object(value)?.id);
}

function toSubnet(vnetId: string, subnet: Json): Subnet {
  const id = text(subnet.id);
  if (!id) throw malformed(vnetId, "a subnet has no id");
  const properties = object(subnet.properties) ?? {};
  return {
    id,
    addressPrefixes: strings(properties.addressPrefixes, properties.addressPrefix),
    routeTableId: referenceId(properties.routeTable),
    networkSecurityGroupId: referenceId(properties.networkSecurityGroup),
  };
}

export function toVirtualNetwork(id: string, body: unknown): VirtualNetworkFacts {
  const properties = propertiesOf(id, body, "virtual network");
  const addressSpace = object(properties.addressSpace);
  if (!addressSpace) throw malformed(id, "the virtual network has no addressSpace");
  const vnetId = text(object(body)?.id) ?? id;
  return {
    network: { id: vnetId, addressSpace: strings(addressSpace.addressPrefixes) },
    subnets: items(properties.subnets).map((subnet) => toSubnet(vnetId, subnet)),
  };
}

function toRoute(tableId: string, route: Json): Route {
  const properties = object(route.properties) ?? {};
  const addressPrefix = text(properties.addressPrefix);
  const nextHopType = text(properties.nextHopType);
  if (!addressPrefix || !nextHopType) {
    throw malformed(tableId, `route '${text(route.name) ?? "?"}' has no addressPrefix or nextHopType`);
  }
  return {
    name: text(route.name) ?? "",
    addressPrefix,
    nextHopType,
    nextHopIpAddress: text(properties.nextHopIpAddress),
  };
}

export function toRouteTable(id: string, body: unknown): RouteTable {
  const properties = propertiesOf(id, body, "route table");
  if (!Array.isArray(properties.routes)) throw malformed(id, "the route table has no 'routes' list");
  const tableId = text(object(body)?.id) ?? id;
  return {
    id: tableId,
    disableBgpRoutePropagation: properties.disableBgpRoutePropagation === true,
    routes: items(properties.routes).map((route) => toRoute(tableId, route)),
    subnetIds: items(properties.subnets)
      .map((subnet) => text(subnet.id))
      .filter((value): value is string => value !== null),
  };
}

/**
 * The node IPs of a NIC: the primary IP configuration and, on dual-stack, the
 * first IPv6 one. Classic Azure CNI keeps pod IPs as further secondary
 * configurations on the same NIC; those are not the node's.
 */
export function toNetworkInterface(scope: string, body: unknown): NetworkInterfaceFacts {
  const properties = propertiesOf(scope, body, "network interface");
  const configs = items(properties.ipConfigurations).map((config) => object(config.properties) ?? {});
  const primary = configs.find((config) => config.primary === true) ?? configs[0];
  const ipv6 = configs.find(
    (config) => config !== primary && text(config.privateIPAddressVersion)?.toLowerCase() === "ipv6",
  );
  return {
    virtualMachineId: referenceId(properties.virtualMachine),
    primary: properties.primary !== false,
    privateIps: [primary, ipv6]
      .map((config) => text(config?.privateIPAddress))
      .filter((ip): ip is string => ip !== null),
  };
}

export function toScaleSet(scope: string, item: unknown): ScaleSetFacts {
  const body = object(item);
  const id = text(body?.id);
  const name = text(body?.name);
  if (!id || !name) throw malformed(scope, "a scale set has no id or name");
  return { id, name, pool: text(object(body?.tags)?.["aks-managed-poolName"]) };
}

export function toInstance(scope: string, item: unknown): ScaleSetInstanceFacts {
  const body = object(item);
  const id = text(body?.id);
  const computerName = text(object(object(body?.properties)?.osProfile)?.computerName);
  if (!id || !computerName) throw malformed(scope, "a scale set instance has no id or osProfile.computerName");
  return { id, computerName };
}
