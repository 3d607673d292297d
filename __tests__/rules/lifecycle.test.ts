import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import { verdictOf } from "../../src/core/verdict.js";
import type { BaselineCluster, ClusterSnapshot, PlannedMigration } from "../../src/core/model.js";
import { azureCniSnapshot, kubenetSnapshot } from "../fixtures/snapshots.js";
import { check, edited } from "./helpers.js";

const kubenet = kubenetSnapshot(3);
const TO_OVERLAY: PlannedMigration = {
  networkPlugin: "azure",
  networkPluginMode: "overlay",
  reason: "kubenet retirement, CHG-2001",
  by: "2027-06-30",
};

/** The cluster after `az aks update --network-plugin azure --network-plugin-mode overlay`: node routes gone. */
function migrated(podCidrs = ["10.244.0.0/16"]): ClusterSnapshot {
  return edited(kubenet, (copy) => {
    Object.assign(copy.networkProfile, { networkPlugin: "azure", networkPluginMode: "overlay", podCidrs });
    copy.routeTables[0]!.routes = [];
  });
}

function planned(plan: PlannedMigration = TO_OVERLAY): BaselineCluster {
  return { ...baselineFromSnapshot(kubenet), plannedMigration: plan };
}

function capturedOn(day: string, snapshot = kubenet): ClusterSnapshot {
  return edited(snapshot, (copy) => (copy.capturedAt = `${day}T08:00:00.000Z`));
}

describe("lifecycle.kubenetRetirement", () => {
  test("a kubenet cluster gets a warning with the date and the migration target", () => {
    const [item, ...rest] = check("lifecycle.kubenetRetirement", kubenet);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      severity: "warning",
      path: "networkProfile.networkPlugin",
      actual: "kubenet",
      resourceId: kubenet.id,
    });
    expect(item!.message).toBe(
      "Kubenet on AKS is retired on 31 March 2028: cluster clustername1 uses kubenet. Migrate to Azure CNI Overlay (az aks update --network-plugin azure --network-plugin-mode overlay --pod-cidr <pod CIDR>) and record it as plannedMigration in the baseline until it is done.",
    );
  });

  test.each<[string, ClusterSnapshot]>([
    ["Azure CNI", azureCniSnapshot()],
    ["Azure CNI Overlay", azureCniSnapshot({ overlay: true })],
    ["bring your own CNI (none)", edited(kubenet, (copy) => (copy.networkProfile.networkPlugin = "none"))],
  ])("%s: no warning", (_name, live) => {
    expect(check("lifecycle.kubenetRetirement", live)).toEqual([]);
  });

  test("the plugin name compares case-insensitively", () => {
    const upper = edited(kubenet, (copy) => (copy.networkProfile.networkPlugin = "Kubenet"));
    expect(check("lifecycle.kubenetRetirement", upper)).toHaveLength(1);
  });

  test("names the planned migration, and says when its date is after the retirement", () => {
    const [onTime] = check("lifecycle.kubenetRetirement", kubenet, { plannedMigration: TO_OVERLAY });
    expect(onTime!.message).toContain(
      "Planned: networkPlugin azure, networkPluginMode overlay by 2027-06-30 (kubenet retirement, CHG-2001).",
    );
    expect(onTime!.message).toContain("Carry out the planned migration");
    expect(onTime!.message).not.toContain("after the retirement");
    const [late] = check("lifecycle.kubenetRetirement", kubenet, {
      plannedMigration: { ...TO_OVERLAY, by: "2028-06-30" },
    });
    expect(late!.message).toContain("That is after the retirement.");
  });

  test("after the day it says the plugin was retired", () => {
    expect(check("lifecycle.kubenetRetirement", capturedOn("2028-04-01"))[0]!.message).toMatch(
      /^Kubenet on AKS was retired/,
    );
    expect(check("lifecycle.kubenetRetirement", capturedOn("2028-03-31"))[0]!.message).toMatch(
      /^Kubenet on AKS is retired/,
    );
  });
});

describe("lifecycle.migrationOverdue and lifecycle.migrationDone", () => {
  test.each<[string, ClusterSnapshot, PlannedMigration | undefined, string[]]>([
    ["no plan", kubenet, undefined, []],
    ["planned, not due yet", capturedOn("2027-06-30"), TO_OVERLAY, []],
    ["planned, overdue", capturedOn("2027-07-01"), TO_OVERLAY, ["lifecycle.migrationOverdue plannedMigration.by"]],
    [
      "done before the date",
      capturedOn("2027-01-10", migrated()),
      TO_OVERLAY,
      ["lifecycle.migrationDone plannedMigration"],
    ],
    [
      "done after the date",
      capturedOn("2027-09-01", migrated()),
      TO_OVERLAY,
      ["lifecycle.migrationDone plannedMigration"],
    ],
    [
      "half done after the date (overlay without the planned pod CIDR)",
      capturedOn("2027-09-01", migrated()),
      { ...TO_OVERLAY, podCidrs: ["192.168.0.0/16"] },
      ["lifecycle.migrationOverdue plannedMigration.by"],
    ],
  ])("%s", (_name, live, plan, expected) => {
    const entry = plan ? { plannedMigration: plan } : {};
    const findings = [
      ...check("lifecycle.migrationOverdue", live, entry),
      ...check("lifecycle.migrationDone", live, entry),
    ];
    expect(findings.map((item) => `${item.rule} ${item.path}`)).toEqual(expected);
    expect(findings.every((item) => item.severity === "warning")).toBe(true);
  });
});

function driftOf(entry: BaselineCluster, live: ClusterSnapshot): string[] {
  return compareCluster(entry, live)
    .filter((item) => item.rule === "drift.networkProfile")
    .map((item) => `${item.path}${item.suppressed ? " (planned)" : ""}`);
}

describe("a planned migration is not drift", () => {
  test("before the migration: nothing changed, nothing planned to report", () => {
    expect(driftOf(planned(), kubenet)).toEqual([]);
  });

  test("the planned plugin change is marked with the plan, not failing; the gate passes with the done warning", () => {
    const findings = compareCluster(planned(), migrated());
    const profile = findings.filter((item) => item.rule === "drift.networkProfile");
    expect(profile).toEqual([
      expect.objectContaining({
        path: "networkProfile.networkPlugin",
        expected: "kubenet",
        actual: "azure",
        suppressed:
          "planned migration to networkPlugin azure, networkPluginMode overlay by 2027-06-30: kubenet retirement, CHG-2001",
      }),
      expect.objectContaining({ path: "networkProfile.networkPluginMode", actual: "overlay" }),
    ]);
    expect(profile.every((item) => item.suppressed)).toBe(true);
    const active = findings.filter((item) => !item.suppressed);
    expect(active.map((item) => `${item.severity} ${item.rule}`)).toEqual(["warning lifecycle.migrationDone"]);
    const expected = planned();
    const results = [{ kind: "checked" as const, clusterId: kubenet.id, snapshot: migrated(), expected, findings }];
    expect(verdictOf(results, { failOn: "error", issueOnError: false }).result).toBe("pass");
  });

  test("a planned new pod CIDR is part of the target", () => {
    const plan = { ...TO_OVERLAY, podCidrs: ["192.168.0.0/16"] };
    expect(driftOf(planned(plan), migrated(["192.168.0.0/16"]))).toEqual([
      "networkProfile.networkPlugin (planned)",
      "networkProfile.networkPluginMode (planned)",
      "networkProfile.podCidrs (planned)",
    ]);
  });

  test.each<[string, PlannedMigration, ClusterSnapshot, string[]]>([
    [
      "a pod CIDR the plan does not name is still drift",
      TO_OVERLAY,
      migrated(["192.168.0.0/16"]),
      [
        "networkProfile.networkPlugin (planned)",
        "networkProfile.networkPluginMode (planned)",
        "networkProfile.podCidrs",
      ],
    ],
    [
      "another pod CIDR than planned: the target is not reached, all of it is drift",
      { ...TO_OVERLAY, podCidrs: ["192.168.0.0/16"] },
      migrated(["172.16.0.0/16"]),
      ["networkProfile.networkPlugin", "networkProfile.networkPluginMode", "networkProfile.podCidrs"],
    ],
    [
      "classic Azure CNI instead of Overlay: half a target is drift",
      TO_OVERLAY,
      edited(migrated(), (copy) => (copy.networkProfile.networkPluginMode = null)),
      ["networkProfile.networkPlugin"],
    ],
    [
      "other fields changing alongside are drift",
      TO_OVERLAY,
      edited(migrated(), (copy) => (copy.networkProfile.outboundType = "userDefinedRouting")),
      [
        "networkProfile.networkPlugin (planned)",
        "networkProfile.networkPluginMode (planned)",
        "networkProfile.outboundType",
      ],
    ],
    [
      "values compare as the baseline does: case and CIDR spelling",
      { ...TO_OVERLAY, networkPlugin: "Azure", networkPluginMode: "Overlay", podCidrs: ["192.168.7.0/16"] },
      migrated(["192.168.0.0/16"]),
      [
        "networkProfile.networkPlugin (planned)",
        "networkProfile.networkPluginMode (planned)",
        "networkProfile.podCidrs (planned)",
      ],
    ],
  ])("%s", (_name, plan, live, expected) => {
    expect(driftOf(planned(plan), live)).toEqual(expected);
  });
});
