/**
 * Who wrote a change (src/core/changes/caller.ts): a person by UPN, a
 * service principal by its application ID, a managed identity by the name in
 * its resource ID, and AKS by the cluster's own identities; and the client,
 * where the event carries it.
 */
import { callerClaims } from "../../src/core/changes/events.js";
import { classifyCaller, clientTypeOf } from "../../src/core/changes/caller.js";
import { AKS, CLUSTER, event, NODE_RG, ROUTE_TABLE, SUB } from "./fixtures.js";

const APP = "3c0ffee0-0000-4000-8000-00000000beef";
const SP_OBJECT = "5e7a1c00-0000-4000-8000-000000000042";

describe("the caller of a write", () => {
  it("is a person when the token carries a UPN, named by it", () => {
    expect(classifyCaller(event(), AKS)).toEqual({
      kind: "person",
      name: "alice@contoso.com",
      objectId: "a11ce000-0000-0000-0000-000000000001",
    });
  });

  it("is a service principal for an application's own token, named by its application ID only", () => {
    const write = event({ caller: SP_OBJECT, claims: { appid: APP, oid: SP_OBJECT, idtyp: "app" } });
    expect(classifyCaller(write, AKS)).toEqual({
      kind: "servicePrincipal",
      name: APP,
      applicationId: APP,
      objectId: SP_OBJECT,
    });
  });

  it("is a managed identity when the token names one (xms_mirid), named by the identity's resource name", () => {
    const identity = `/subscriptions/${SUB}/resourcegroups/rg-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deployer`;
    const write = event({
      caller: SP_OBJECT,
      claims: { appid: APP, oid: SP_OBJECT, idtyp: "app", xms_mirid: identity },
    });
    expect(classifyCaller(write, AKS)).toMatchObject({
      kind: "managedIdentity",
      name: "id-deployer",
      applicationId: APP,
    });
  });

  it.each([
    ["its service principal's client ID", { appid: "22222222-2222-2222-2222-222222222222", idtyp: "app" }],
    ["its control plane's principal ID", { appid: APP, oid: "11111111-1111-1111-1111-111111111111", idtyp: "app" }],
    [
      "its system-assigned identity (xms_mirid is the cluster)",
      { appid: APP, idtyp: "app", xms_mirid: CLUSTER.toLowerCase() },
    ],
    [
      "the kubelet identity AKS made in the node resource group",
      {
        appid: APP,
        idtyp: "app",
        xms_mirid: `/subscriptions/${SUB}/resourcegroups/${NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-payments-prod-agentpool`,
      },
    ],
  ])("is AKS reconciling when the token is %s", (_case, claims) => {
    const write = event({ operationName: "Microsoft.Network/routeTables/routes/write", caller: null, claims });
    expect(classifyCaller(write, AKS).kind).toBe("aks");
  });

  it("is not AKS for a managed identity elsewhere, nor for a person in the node resource group", () => {
    const elsewhere = `/subscriptions/${SUB}/resourcegroups/rg-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-payments-prod-agentpool`;
    expect(classifyCaller(event({ claims: { appid: APP, idtyp: "app", xms_mirid: elsewhere } }), AKS).kind).toBe(
      "managedIdentity",
    );
    expect(classifyCaller(event({ resourceId: ROUTE_TABLE }), AKS).kind).toBe("person");
  });

  it("reads the claims by the long names the Activity Log uses and keeps no other claim", () => {
    const claims = callerClaims({
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": "bob@contoso.com",
      "http://schemas.microsoft.com/identity/claims/objectidentifier": "b0b00000-0000-0000-0000-000000000002",
      appid: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
      groups: "g1,g2",
      ipaddr: "203.0.113.9",
      name: "Bob",
    });
    expect(claims).toEqual({
      upn: "bob@contoso.com",
      oid: "b0b00000-0000-0000-0000-000000000002",
      appid: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    });
  });

  it("falls back to the caller field, and to 'unknown' when nothing names the caller", () => {
    expect(classifyCaller(event({ claims: {}, caller: "carol@contoso.com" }), AKS)).toEqual({
      kind: "person",
      name: "carol@contoso.com",
    });
    expect(classifyCaller(event({ claims: {}, caller: null }), AKS).kind).toBe("unknown");
  });
});

describe("the client of a write", () => {
  it("names Microsoft's first-party clients a person signs in with", () => {
    const portal = event();
    expect(clientTypeOf(portal, classifyCaller(portal, AKS), [portal])).toBe("Azure portal");
    const cli = event({ claims: { upn: "bob@contoso.com", appid: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" } });
    expect(clientTypeOf(cli, classifyCaller(cli, AKS), [cli])).toBe("Azure CLI");
  });

  it("is the template deployment whose correlation ID the write shares", () => {
    const write = event({
      operationName: "Microsoft.ContainerService/managedClusters/write",
      resourceId: CLUSTER,
      correlationId: "DEPLOY-1",
      claims: { appid: APP, oid: SP_OBJECT, idtyp: "app" },
    });
    const deployment = event({
      operationName: "Microsoft.Resources/deployments/write",
      resourceId: `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.Resources/deployments/aks-network-42`,
      correlationId: "deploy-1",
      claims: write.claims,
    });
    expect(clientTypeOf(write, classifyCaller(write, AKS), [write, deployment])).toBe(
      "ARM template deployment 'aks-network-42'",
    );
  });

  it("is not guessed for an application's own call outside a deployment", () => {
    const write = event({ claims: { appid: APP, idtyp: "app" } });
    expect(clientTypeOf(write, classifyCaller(write, AKS), [write])).toBeNull();
  });
});
