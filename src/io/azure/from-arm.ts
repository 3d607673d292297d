/**
 * From raw ARM JSON (`properties` nested, as the REST API returns it) to the
 * gate's facts, for the network and compute reads. Only network fields are
 * kept; a field the gate depends on that is missing, or any field it reads
 * that is not of the type or format the API defines, makes the response
 * malformed (see fields.ts).
 *
 * Types and formats, from the @azure/arm-network 39 models (which mirror
 * Azure/azure-rest-api-specs, Microsoft.Network): a route's `addressPrefix` is
 * "the destination CIDR to which the route applies" or a service tag ("By
 * specifying the service tag name in the address prefix of a route", Microsoft
 * Learn, https://learn.microsoft.com/azure/virtual-network/service-tags-overview),
 * `nextHopIpAddress` an IP address; a subnet's `addressPrefix` and
 * `addressPrefixes`, a VNet's `addressSpace.addressPrefixes` are CIDRs;
 * `disableBgpRoutePropagation` and a NIC's `primary` are booleans; references
 * (`routeTable`, `networkSecurityGroup`, `virtualMachine`) are `{ id }` with an
 * ARM resource ID.
 */
import { FORMATS } from "../../core/baseline/formats.js";
import type { Route, RouteTable, Subnet } from "../../core/model.js";
import { ARM_ID, Fields, type Format } from "./fields.js";
import { malformed } from "./failures.js";
import type { NetworkInterfaceFacts, ScaleSetFacts, ScaleSetInstanceFacts, VirtualNetworkFacts } from "./reader.js";

/** The body of a resource, its errors naming its own ID when it has a well-formed one. */
function resource(scope: string, body: unknown, what: string, idFormat: Format): { fields: Fields; id: string | null } {
  const fields = Fields.of(scope, body, what);
  const id = fields.formatted("id", idFormat);
  return { fields: id ? fields.about(id) : fields, id };
}

function propertiesOf(fields: Fields, what: string): Fields {
  const properties = fields.object("properties");
  if (!properties) throw malformed(fields.resourceId, `the ${what} has no properties`);
  return properties;
}

/** A `{ id }` reference, or null when absent. */
function referenceId(fields: Fields | null, key: string, format: Format): string | null {
  return fields?.object(key)?.formatted("id", format) ?? null;
}

function toSubnet(subnet: Fields): Subnet {
  const id = subnet.formatted("id", FORMATS.subnetId);
  if (!id) throw subnet.missing("id");
  const properties = subnet.object("properties");
  const prefixes = properties?.strings("addressPrefixes", FORMATS.cidr) ?? [];
  const single = properties?.formatted("addressPrefix", FORMATS.cidr) ?? null;
  return {
    id,
    addressPrefixes: properties?.has("addressPrefixes") ? prefixes : single ? [single] : [],
    routeTableId: referenceId(properties, "routeTable", FORMATS.routeTableId),
    networkSecurityGroupId: referenceId(properties, "networkSecurityGroup", FORMATS.networkSecurityGroupId),
  };
}

export function toVirtualNetwork(scope: string, body: unknown): VirtualNetworkFacts {
  const { fields, id } = resource(scope, body, "the virtual network", FORMATS.virtualNetworkId);
  const properties = propertiesOf(fields, "virtual network");
  const addressSpace = properties.object("addressSpace");
  if (!addressSpace) throw malformed(fields.resourceId, "the virtual network has no addressSpace");
  return {
    network: { id: id ?? scope, addressSpace: addressSpace.strings("addressPrefixes", FORMATS.cidr) },
    subnets: properties.objects("subnets").map(toSubnet),
  };
}

function toRoute(route: Fields): Route {
  const properties = route.object("properties");
  const addressPrefix = properties?.formatted("addressPrefix", FORMATS.routePrefix) ?? null;
  const nextHopType = properties?.text("nextHopType") ?? null;
  const name = route.text("name");
  if (!addressPrefix || !nextHopType) {
    throw malformed(route.resourceId, `route '${name ?? "?"}' (${route.path}) has no addressPrefix or nextHopType`);
  }
  return {
    name: name ?? "",
    addressPrefix,
    nextHopType,
    nextHopIpAddress: properties?.formatted("nextHopIpAddress", FORMATS.ip) ?? null,
  };
}

export function toRouteTable(scope: string, body: unknown): RouteTable {
  const { fields, id } = resource(scope, body, "the route table", FORMATS.routeTableId);
  const properties = propertiesOf(fields, "route table");
  if (!properties.has("routes")) throw malformed(fields.resourceId, "the route table has no 'routes' list");
  return {
    id: id ?? scope,
    disableBgpRoutePropagation: properties.boolean("disableBgpRoutePropagation") === true,
    routes: properties.objects("routes").map(toRoute),
    subnetIds: properties.objects("subnets").map((subnet) => {
      const subnetId = subnet.formatted("id", FORMATS.subnetId);
      if (!subnetId) throw subnet.missing("id");
      return subnetId;
    }),
  };
}

/**
 * The node IPs of a NIC: the primary IP configuration and, on dual-stack, the
 * first IPv6 one. Classic Azure CNI keeps pod IPs as further secondary
 * configurations on the same NIC; those are not the node's.
 */
export function toNetworkInterface(scope: string, body: unknown): NetworkInterfaceFacts {
  const { fields } = resource(scope, body, "the network interface", ARM_ID);
  const properties = propertiesOf(fields, "network interface");
  const configs = properties.objects("ipConfigurations").map((config) => {
    const own = config.object("properties");
    return {
      primary: own?.boolean("primary") === true,
      ipv6: own?.text("privateIPAddressVersion")?.toLowerCase() === "ipv6",
      ip: own?.formatted("privateIPAddress", FORMATS.ip) ?? null,
    };
  });
  const primary = configs.find((config) => config.primary) ?? configs[0];
  const ipv6 = configs.find((config) => config !== primary && config.ipv6);
  return {
    virtualMachineId: referenceId(properties, "virtualMachine", ARM_ID),
    primary: properties.boolean("primary") !== false,
    privateIps: [primary, ipv6].map((config) => config?.ip ?? null).filter((ip): ip is string => ip !== null),
  };
}

export function toScaleSet(scope: string, item: unknown): ScaleSetFacts {
  const { fields, id } = resource(scope, item, "a scale set", ARM_ID);
  const name = fields.text("name");
  if (!id || !name) throw malformed(fields.resourceId, "a scale set has no id or name");
  return { id, name, pool: fields.stringMap("tags")["aks-managed-poolName"] || null };
}

export function toInstance(scope: string, item: unknown): ScaleSetInstanceFacts {
  const { fields, id } = resource(scope, item, "a scale set instance", ARM_ID);
  const computerName = fields.object("properties")?.object("osProfile")?.text("computerName") ?? null;
  if (!id || !computerName)
    throw malformed(fields.resourceId, "a scale set instance has no id or osProfile.computerName");
  return { id, computerName };
}
