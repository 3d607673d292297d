/**
 * The writes behind a cluster's findings (src/core/changes/attribute.ts):
 * grouped by the finding's resource, its children's writes included, only
 * writes that ended (succeeded or failed) inside the window, newest first,
 * and "who to ask" never AKS.
 */
import { attributeChanges, findingGroups, MAX_CHANGES_PER_GROUP, touches } from "../../src/core/changes/attribute.js";
import { AKS, CLUSTER, event, finding, ROUTE_TABLE, SUB, SUBNET, VNET } from "./fixtures.js";

const WINDOW = { from: new Date("2026-11-20T00:00:00Z"), to: new Date("2026-11-23T10:00:00Z"), basis: "test" };
const PIPELINE = {
  appid: "3c0ffee0-0000-4000-8000-00000000beef",
  oid: "5e7a1c00-0000-4000-8000-000000000042",
  idtyp: "app",
};

describe("which writes belong to a finding's resource", () => {
  it("the resource itself and its children (a route of a route table), case-insensitively", () => {
    expect(touches(ROUTE_TABLE.toUpperCase(), ROUTE_TABLE)).toBe(true);
    expect(touches(`${ROUTE_TABLE}/routes/r1`, ROUTE_TABLE)).toBe(true);
    expect(touches(`${ROUTE_TABLE}-other`, ROUTE_TABLE)).toBe(false);
    expect(touches(CLUSTER, ROUTE_TABLE)).toBe(false);
  });

  it("for a subnet, also its VNet, whose write carries the subnets, but not the VNet's other subnets", () => {
    expect(touches(VNET, SUBNET)).toBe(true);
    expect(touches(`${VNET}/subnets/other`, SUBNET)).toBe(false);
  });

  it("groups the findings by resource, keeping rules and paths, and leaves out findings without one", () => {
    const groups = findingGroups([
      finding(),
      finding({ path: "routeTables[t].routes[10.244.2.0/24]", resourceId: ROUTE_TABLE.toLowerCase() }),
      finding({ rule: "drift.networkProfile", resourceId: CLUSTER, path: "networkProfile.podCidrs" }),
      finding({ rule: "addressPlan.overlap", resourceId: "" }),
    ]);
    expect(groups.map((group) => [group.resourceId, group.rules, group.paths.length])).toEqual([
      [ROUTE_TABLE, ["drift.route"], 2],
      [CLUSTER, ["drift.networkProfile"], 1],
    ]);
  });
});

describe("a cluster's changes", () => {
  it("a route deleted by a person: on the route table's group, child named, the person is who to ask", () => {
    const deleted = event({ eventDataId: "del-1" });
    const result = attributeChanges(CLUSTER, [finding()], [deleted], WINDOW, AKS);
    expect(result.note).toBeNull();
    expect(
      result.groups[0]?.changes.map((change) => [change.caller.kind, change.client, change.event.eventDataId]),
    ).toEqual([["person", "Azure portal", "del-1"]]);
    expect(result.whoToAsk?.caller.name).toBe("alice@contoso.com");
    expect(result.events).toEqual([deleted]);
  });

  it("keeps failed writes, drops starts, reads, actions and writes outside the window", () => {
    const failed = event({
      eventDataId: "f",
      status: "Failed",
      subStatus: "Conflict",
      operationName: "Microsoft.Network/routeTables/routes/write",
    });
    const events = [
      failed,
      event({ eventDataId: "started", status: "Started" }),
      event({ eventDataId: "accepted", status: "Accepted" }),
      event({ eventDataId: "read", operationName: "Microsoft.Network/routeTables/read" }),
      event({ eventDataId: "action", operationName: "Microsoft.Network/routeTables/join/action" }),
      event({ eventDataId: "before", eventTimestamp: "2026-11-19T23:59:59.000Z" }),
    ];
    const result = attributeChanges(CLUSTER, [finding()], events, WINDOW, AKS);
    expect(result.groups[0]?.changes.map((change) => change.event.eventDataId)).toEqual(["f"]);
  });

  it("a route rewritten by the cluster's own identity is AKS, and never who to ask", () => {
    const aks = event({
      eventDataId: "aks",
      operationName: "Microsoft.Network/routeTables/routes/write",
      eventTimestamp: "2026-11-22T00:00:00.000Z",
      caller: null,
      claims: { appid: "22222222-2222-2222-2222-222222222222", idtyp: "app" },
    });
    const person = event({ eventDataId: "person", eventTimestamp: "2026-11-21T00:00:00.000Z" });
    const result = attributeChanges(CLUSTER, [finding()], [person, aks], WINDOW, AKS);
    expect(result.groups[0]?.changes.map((change) => [change.event.eventDataId, change.caller.kind])).toEqual([
      ["aks", "aks"],
      ["person", "person"],
    ]);
    expect(result.whoToAsk?.event.eventDataId).toBe("person");
  });

  it("a pod CIDR change through a pipeline's deployment: the deployment names the client and is kept in the events", () => {
    const rg = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers`;
    const write = event({
      eventDataId: "mc",
      operationName: "Microsoft.ContainerService/managedClusters/write",
      resourceId: CLUSTER,
      correlationId: "corr-42",
      caller: PIPELINE.oid,
      claims: PIPELINE,
    });
    const deployment = event({
      eventDataId: "dep",
      operationName: "Microsoft.Resources/deployments/write",
      resourceId: `${rg}/Microsoft.Resources/deployments/aks-network-42`,
      correlationId: "corr-42",
      claims: PIPELINE,
    });
    const result = attributeChanges(
      CLUSTER,
      [finding({ rule: "drift.networkProfile", resourceId: CLUSTER, path: "networkProfile.podCidrs" })],
      [deployment, write],
      WINDOW,
      AKS,
    );
    const [change] = result.groups[0]?.changes ?? [];
    expect([change?.caller.kind, change?.client]).toEqual([
      "servicePrincipal",
      "ARM template deployment 'aks-network-42'",
    ]);
    expect(result.whoToAsk?.event.eventDataId).toBe("mc");
    expect(result.events.map((item) => item.eventDataId)).toEqual(["mc", "dep"]);
  });

  it("an empty window says so in one line, and shows nothing", () => {
    const result = attributeChanges(CLUSTER, [finding()], [], WINDOW, AKS);
    expect(result.groups[0]?.changes).toEqual([]);
    expect(result.note).toBe(
      "The Activity Log holds no write to these resources from 2026-11-20T00:00:00.000Z to 2026-11-23T10:00:00.000Z (since test).",
    );
    expect(result.whoToAsk).toBeNull();
  });

  it("keeps the newest writes of a busy resource and counts the rest; an event read twice counts once", () => {
    const many = Array.from({ length: MAX_CHANGES_PER_GROUP + 7 }, (_, index) =>
      event({
        eventDataId: `w${index}`,
        eventTimestamp: new Date(WINDOW.from.getTime() + index * 60_000).toISOString(),
      }),
    );
    const result = attributeChanges(CLUSTER, [finding()], [...many, ...many.slice(0, 3)], WINDOW, AKS);
    expect(result.groups[0]?.changes).toHaveLength(MAX_CHANGES_PER_GROUP);
    expect(result.groups[0]?.omitted).toBe(7);
    expect(result.groups[0]?.changes[0]?.event.eventDataId).toBe(`w${MAX_CHANGES_PER_GROUP + 6}`);
  });
});
