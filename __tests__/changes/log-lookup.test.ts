/**
 * What the Activity Log lookup says in the run's log: why a drifting cluster
 * has no writes shown is one warning for the run, so that GitHub, which shows
 * ten warnings per step, still shows the ones said after it.
 */
import { describe, expect, it } from "@jest/globals";
import { logLookup } from "../../src/app/changes.js";
import type { ClusterChanges } from "../../src/core/changes/attribute.js";
import type { Logger } from "../../src/core/logger.js";

function recording() {
  const lines: { level: string; message: string }[] = [];
  const logger: Logger = {
    info: (message) => lines.push({ level: "info", message }),
    debug: () => {},
    warning: (message) => lines.push({ level: "warning", message }),
    error: (message) => lines.push({ level: "error", message }),
    mask: () => {},
  };
  return { logger, lines };
}

function cluster(name: string, note: string | null): ClusterChanges {
  const clusterId = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${name}`;
  return { clusterId, read: note === null, window: null, groups: [], note, whoToAsk: null, events: [] };
}

const denied =
  "Not looked up: Azure denied reading the Activity Log of subscription 00000000-0000-0000-0000-000000000000.";

describe("the lookup in the log", () => {
  it("warns once for one cluster without writes shown, naming it and why", () => {
    const { logger, lines } = recording();
    logLookup(logger, { reads: [], clusters: [cluster("aks-a", denied), cluster("aks-b", null)] });
    expect(lines.filter((line) => line.level === "warning").map((line) => line.message)).toEqual([
      expect.stringMatching(/managedClusters\/aks-a: Not looked up: Azure denied/),
    ]);
  });

  it("warns once for many, with the count and the first; each cluster's reason goes to the log", () => {
    const { logger, lines } = recording();
    const clusters = Array.from({ length: 12 }, (_, index) => cluster(`aks-${index}`, denied));
    logLookup(logger, { reads: [], clusters });
    const warnings = lines.filter((line) => line.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      /^Activity Log: 12 drifting clusters have no writes shown; .* The first: .*aks-0: Not looked up/,
    );
    expect(lines.filter((line) => line.level === "info" && line.message.includes(denied))).toHaveLength(12);
  });

  it("warns of nothing when every drifting cluster's writes are shown", () => {
    const { logger, lines } = recording();
    logLookup(logger, { reads: [], clusters: [cluster("aks-a", null)] });
    expect(lines.filter((line) => line.level === "warning")).toEqual([]);
  });
});
