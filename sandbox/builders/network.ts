/**
 * Virtual networks, subnets, route tables and network security groups, from
 * VirtualNetworkGet.json, SubnetGet.json and RouteTableGet.json. Subnets and
 * routes are embedded in their parent's body, the way ARM returns them.
 */
import type { ArmResource } from "../resource-id.js";
import { exampleBody, exampleItem } from "./examples.js";

export interface SubnetSpec {
  id: string;
  prefixes: string[];
  /** The route table reference as the subnet echoes it (any letter case). */
  routeTableRef: string | null;
  networkSecurityGroupRef: string | null;
  /** IDs of the NIC IP configurations in the subnet. */
  ipConfigurationIds: string[];
}

export interface RouteSpec {
  name: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string;
}

type Fields = Record<string, unknown>;

function lastSegment(id: string): string {
  return id.split("/").filter(Boolean).at(-1) ?? id;
}

function prefixFields(prefixes: string[]): Fields {
  return prefixes.length === 1 ? { addressPrefix: prefixes[0] } : { addressPrefixes: prefixes };
}

export function subnetBody(spec: SubnetSpec): ArmResource {
  const body = exampleBody("SubnetGet");
  const properties: Fields = { ...body.properties };
  delete properties["addressPrefix"];
  Object.assign(properties, prefixFields(spec.prefixes));
  if (spec.routeTableRef) properties["routeTable"] = { id: spec.routeTableRef };
  if (spec.networkSecurityGroupRef) properties["networkSecurityGroup"] = { id: spec.networkSecurityGroupRef };
  properties["ipConfigurations"] = spec.ipConfigurationIds.map((id) => ({ id }));
  properties["delegations"] = [];
  properties["privateEndpointNetworkPolicies"] = "Disabled";
  properties["privateLinkServiceNetworkPolicies"] = "Enabled";
  return {
    ...body,
    id: spec.id,
    name: lastSegment(spec.id),
    properties,
    type: "Microsoft.Network/virtualNetworks/subnets",
  };
}

export function virtualNetworkBody(spec: {
  id: string;
  location: string;
  addressSpace: string[];
  subnets: ArmResource[];
  tags?: Record<string, string>;
}): ArmResource {
  const body = exampleBody("VirtualNetworkGet");
  const properties = body.properties as Fields;
  delete properties["defaultPublicNatGateway"];
  properties["addressSpace"] = { addressPrefixes: spec.addressSpace };
  properties["subnets"] = spec.subnets;
  Object.assign(body, { id: spec.id, name: lastSegment(spec.id), location: spec.location });
  if (spec.tags) body["tags"] = spec.tags;
  return body;
}

function routeBody(tableId: string, route: RouteSpec): ArmResource {
  const body = exampleItem("RouteTableGet", (table) => table.properties?.["routes"] as unknown[]) as ArmResource;
  const properties: Fields = { ...body.properties, addressPrefix: route.addressPrefix, nextHopType: route.nextHopType };
  if (route.nextHopIpAddress) properties["nextHopIpAddress"] = route.nextHopIpAddress;
  return {
    ...body,
    id: `${tableId}/routes/${route.name}`,
    name: route.name,
    type: "Microsoft.Network/routeTables/routes",
    properties,
  };
}

export function routeTableBody(spec: {
  id: string;
  location: string;
  routes: RouteSpec[];
  subnetRefs: string[];
  disableBgpRoutePropagation?: boolean;
}): ArmResource {
  const body = exampleBody("RouteTableGet");
  Object.assign(body, { id: spec.id, name: lastSegment(spec.id), location: spec.location });
  body.properties = {
    ...body.properties,
    disableBgpRoutePropagation: spec.disableBgpRoutePropagation ?? false,
    routes: spec.routes.map((route) => routeBody(spec.id, route)),
    subnets: spec.subnetRefs.map((id) => ({ id })),
  };
  return body;
}

export function networkSecurityGroupBody(spec: {
  id: string;
  location: string;
  subnetRefs: string[];
  networkInterfaceRefs: string[];
}): ArmResource {
  return {
    name: lastSegment(spec.id),
    id: spec.id,
    type: "Microsoft.Network/networkSecurityGroups",
    location: spec.location,
    properties: {
      provisioningState: "Succeeded",
      securityRules: [],
      subnets: spec.subnetRefs.map((id) => ({ id })),
      networkInterfaces: spec.networkInterfaceRefs.map((id) => ({ id })),
    },
  };
}
