/** Activity events and findings for the unit tests of src/core/changes/, as the reader hands them on. */
import type { ActivityEvent } from "../../src/core/changes/events.js";
import type { AksIdentity } from "../../src/core/changes/caller.js";
import type { Finding } from "../../src/core/model.js";

export const SUB = "00000000-0000-0000-0000-000000000000";
export const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ContainerService/managedClusters/aks-payments-prod`;
export const NODE_RG = "MC_rg-payments_aks-payments-prod_westeurope";
export const ROUTE_TABLE = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Network/routeTables/aks-agentpool-12345678-routetable`;
export const VNET = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Network/virtualNetworks/aks-vnet-12345678`;
export const SUBNET = `${VNET}/subnets/aks-subnet`;

export const AKS: AksIdentity = {
  clusterId: CLUSTER,
  nodeResourceGroup: NODE_RG,
  principalIds: ["11111111-1111-1111-1111-111111111111"],
  clientIds: ["22222222-2222-2222-2222-222222222222"],
  identityResourceIds: [],
};

let made = 0;

export function event(overrides: Partial<ActivityEvent> = {}): ActivityEvent {
  made += 1;
  return {
    eventDataId: `event-${made}`,
    correlationId: "c-1",
    eventTimestamp: "2026-11-20T09:00:00.000Z",
    operationName: "Microsoft.Network/routeTables/routes/delete",
    status: "Succeeded",
    subStatus: "OK",
    httpMethod: "DELETE",
    clientRequestId: null,
    resourceId: `${ROUTE_TABLE}/routes/aks-nodepool1-12345678-vmss000001`,
    resourceGroupName: NODE_RG,
    caller: "alice@contoso.com",
    claims: {
      upn: "alice@contoso.com",
      appid: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
      oid: "a11ce000-0000-0000-0000-000000000001",
    },
    ...overrides,
  };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: "drift.route",
    severity: "error",
    clusterId: CLUSTER,
    resourceId: ROUTE_TABLE,
    path: "routeTables[aks-agentpool-12345678-routetable].routes[10.244.1.0/24]",
    expected: "present",
    actual: "missing",
    message: "a route is missing",
    ...overrides,
  };
}
