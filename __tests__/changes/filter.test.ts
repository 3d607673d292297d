/**
 * The window and the request of an Activity Log lookup (src/core/changes/window.ts,
 * plan.ts): from the last confirmation, never past the 90 days ARM allows; one
 * `$filter` of the specification's resource-group pattern per resource group.
 */
import { planScopes } from "../../src/core/changes/plan.js";
import { ACTIVITY_LOG_SELECT, lookupWindow, resourceGroupFilter } from "../../src/core/changes/window.js";
import { CLUSTER, finding, NODE_RG, ROUTE_TABLE, SUB } from "./fixtures.js";

const NOW = new Date("2026-11-23T10:00:00.000Z");
const DAY = 86_400_000;

describe("the lookup window", () => {
  it("starts at the last passing check or capture", () => {
    const at = new Date("2026-11-20T08:00:00.000Z");
    expect(lookupWindow({ at, what: "passing check" }, NOW)).toEqual({
      from: at,
      to: NOW,
      basis: "the passing check of 2026-11-20T08:00:00.000Z",
    });
  });

  it("goes back at most 90 days, an hour inside ARM's limit, with or without an older confirmation", () => {
    const earliest = NOW.getTime() - 90 * DAY + 3_600_000;
    expect(lookupWindow(undefined, NOW).from.getTime()).toBe(earliest);
    expect(lookupWindow(undefined, NOW).basis).toMatch(/last 90 days \(no earlier passing check or capture recorded\)/);
    const old = lookupWindow({ at: new Date(NOW.getTime() - 200 * DAY), what: "capture" }, NOW);
    expect(old.from.getTime()).toBe(earliest);
    expect(old.basis).toMatch(/as far as the Activity Log keeps \(the capture of .* is older\)/);
  });
});

describe("the $filter and $select", () => {
  it("is the specification's resource-group pattern, ge and le quoted, joined by 'and'", () => {
    const filter = resourceGroupFilter(new Date("2026-11-20T08:00:00Z"), NOW, NODE_RG);
    expect(filter).toBe(
      "eventTimestamp ge '2026-11-20T08:00:00.000Z' and eventTimestamp le '2026-11-23T10:00:00.000Z' and resourceGroupName eq 'MC_rg-payments_aks-payments-prod_westeurope'",
    );
  });

  it("doubles a quote inside a literal, as OData does", () => {
    expect(resourceGroupFilter(NOW, NOW, "rg'x")).toMatch(/resourceGroupName eq 'rg''x'$/);
  });

  it("selects only the fields the gate reads", () => {
    expect(ACTIVITY_LOG_SELECT.split(",")).toEqual([
      "caller",
      "claims",
      "correlationId",
      "eventDataId",
      "eventTimestamp",
      "httpRequest",
      "operationName",
      "resourceGroupName",
      "resourceId",
      "status",
      "subStatus",
    ]);
  });
});

describe("the reads of a run", () => {
  const window = (days: number) => ({ from: new Date(NOW.getTime() - days * DAY), to: NOW, basis: "test" });

  it("reads each resource group with a finding once: the cluster's and the node resource group", () => {
    const scopes = planScopes([
      {
        clusterId: CLUSTER,
        window: window(3),
        findings: [
          finding({ rule: "drift.networkProfile", resourceId: CLUSTER, path: "networkProfile.podCidrs" }),
          finding(),
          finding({ path: "routeTables[x].routes[10.244.2.0/24]" }),
        ],
      },
    ]);
    expect(scopes.map((scope) => [scope.resourceGroup, scope.clusterIds.length])).toEqual([
      ["rg-payments", 1],
      [NODE_RG, 1],
    ]);
  });

  it("shares a resource group between clusters over the widest of their windows", () => {
    const other = CLUSTER.replace("aks-payments-prod", "aks-payments-dr");
    const scopes = planScopes([
      { clusterId: CLUSTER, window: window(3), findings: [finding({ resourceId: CLUSTER })] },
      { clusterId: other, window: window(10), findings: [finding({ clusterId: other, resourceId: other })] },
    ]);
    expect(scopes).toHaveLength(1);
    expect(scopes[0]?.from).toEqual(window(10).from);
    expect(scopes[0]?.clusterIds).toEqual([CLUSTER, other]);
    expect(scopes[0]?.filter).toContain(`eventTimestamp ge '${window(10).from.toISOString()}'`);
  });

  it("reads nothing for findings that name no resource, and nothing at all for no cluster", () => {
    expect(planScopes([{ clusterId: CLUSTER, window: window(1), findings: [finding({ resourceId: "" })] }])).toEqual(
      [],
    );
    expect(planScopes([])).toEqual([]);
  });

  it("costs one read per resource group for a fleet: 10 drifting clusters with their own groups are 20 reads", () => {
    const clusters = Array.from({ length: 10 }, (_, index) => {
      const id = CLUSTER.replace("rg-payments", `rg-${index}`).replace("aks-payments-prod", `aks-${index}`);
      const table = ROUTE_TABLE.replace(NODE_RG, `MC_rg-${index}_aks-${index}_westeurope`);
      return {
        clusterId: id,
        window: window(1),
        findings: [finding({ clusterId: id, resourceId: id }), finding({ clusterId: id, resourceId: table })],
      };
    });
    const scopes = planScopes(clusters);
    expect(scopes).toHaveLength(20);
    expect(new Set(scopes.map((scope) => scope.subscriptionId))).toEqual(new Set([SUB]));
  });
});
