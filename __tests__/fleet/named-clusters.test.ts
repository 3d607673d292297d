/**
 * The `scope` lines that are cluster IDs: read from Resource Manager, a 404 is
 * kept for the baseline to judge, any other failure is the line's error of the
 * same kind; a line that names nothing the baseline knows ends the run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { discoverFleet, refuseAbsentClusterLines } from "../../src/app/fleet.js";
import { readSettings } from "../../src/app/settings.js";
import { parseBaseline } from "../../src/core/baseline/parse.js";
import { GateError } from "../../src/core/errors.js";
import { explainArmFailure, GateDefect, TransientError } from "../../src/io/azure/failures.js";
import type { ArmReader, ManagedClusterFacts } from "../../src/io/azure/reader.js";

const SUB = "11111111-1111-4111-8111-111111111111";
const FILE = ".github/aks-network-baseline.yml";
const now = () => new Date("2026-11-23T10:00:00Z");

function clusterId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/rg-${name}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

/** Settings whose `scope` is these lines, as the workflow gives them. */
function settingsOf(...lines: string[]) {
  const workspace = mkdtempSync(path.join(tmpdir(), "gate-named-"));
  const inputs: Record<string, string> = { scope: lines.join("\n") };
  return readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
}

/** An SDK RestError as ARM answers it. */
function restError(statusCode: number, code: string): Error {
  return Object.assign(new Error(`${code} said Azure`), { name: "RestError", statusCode, code });
}

/** A reader of managed clusters only: the named ones exist, the others fail as `failures` says (a 404 by default). */
function readerOf(existing: string[], failures: Record<string, unknown> = {}): ArmReader {
  const getManagedCluster = async (_subscription: string, _group: string, name: string) => {
    const id = clusterId(name);
    if (existing.includes(name)) {
      return { id, name, location: "westeurope", networkProfile: { networkPlugin: "kubenet" }, tags: {} };
    }
    throw explainArmFailure(id, failures[name] ?? restError(404, "ResourceNotFound"));
  };
  return { getManagedCluster } as unknown as ArmReader;
}

async function failureOf(promise: Promise<unknown>): Promise<GateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GateError) return error;
    throw error;
  }
  throw new Error("expected a GateError");
}

describe("discovery of a cluster-ID scope line", () => {
  it("lists the cluster Resource Manager has, and keeps a 404 with its line and Azure's answer", async () => {
    const settings = settingsOf(clusterId("aks-a"), clusterId("aks-gone"));
    const discovery = await discoverFleet(settings, { reader: readerOf(["aks-a"]), now });
    expect(discovery.clusters.map((cluster) => cluster.name)).toEqual(["aks-a"]);
    expect(discovery.absent?.map(({ scope, answer }) => [scope.line, scope.id, answer])).toEqual([
      [2, clusterId("aks-gone"), expect.stringContaining("(404 ResourceNotFound: ResourceNotFound said Azure)")],
    ]);
  });

  it.each<[string, Error]>([
    ["403 AuthorizationFailed", restError(403, "AuthorizationFailed")],
    ["404 SubscriptionNotFound", restError(404, "SubscriptionNotFound")],
  ])("ends in the line's error, the identity's to fix, on %s", async (answer, failure) => {
    const settings = settingsOf(clusterId("aks-a"), "", clusterId("aks-b"));
    const error = await failureOf(discoverFleet(settings, { reader: readerOf(["aks-a"], { "aks-b": failure }), now }));
    expect(error.constructor).toBe(GateError);
    expect(error.message).toMatch(
      new RegExp(`^Input 'scope', line 3 is a cluster the signed-in identity cannot read: .*\\(${answer}: `),
    );
    expect(error.hint).toBe(
      `Check the subscription ID and resource group in that line; if they are right, grant the signed-in identity the 'Reader' role on /subscriptions/${SUB}/resourceGroups/rg-aks-b.`,
    );
  });

  it("keeps a transient failure transient, with its hint and wait, naming the line", async () => {
    const settings = settingsOf(clusterId("aks-a"));
    const reader = readerOf([], { "aks-a": restError(503, "ServiceUnavailable") });
    const error = await failureOf(discoverFleet(settings, { reader, now }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(
      /^Input 'scope', line 1: Azure failed to answer a read of .*\(503 ServiceUnavailable/,
    );
    expect(error.hint).toBe("Retry the run; if it persists, check the Azure status page for Resource Manager.");
    expect((error as TransientError).retryAfterMs).toBeGreaterThan(0);
  });

  it("keeps a defect of the gate a defect, and any other refusal a GateError with its hint, naming the line", async () => {
    const settings = settingsOf(clusterId("aks-a"));
    const defect = await failureOf(
      discoverFleet(settings, { reader: readerOf([], { "aks-a": restError(400, "InvalidApiVersionParameter") }), now }),
    );
    expect(defect).toBeInstanceOf(GateDefect);
    expect(defect.message).toMatch(/^Input 'scope', line 1: Azure Resource Manager refused the gate's own request/);
    const refused = await failureOf(
      discoverFleet(settings, { reader: readerOf([], { "aks-a": restError(409, "Conflict") }), now }),
    );
    expect(refused.message).toMatch(/^Input 'scope', line 1: Azure refused a read of /);
    expect(refused.hint).toMatch(/^The same request cannot succeed when sent again/);
  });

  it("names the first failing line of several, whichever failed first", async () => {
    const settings = settingsOf(clusterId("aks-a"), clusterId("aks-b"));
    const failures = { "aks-a": restError(403, "AuthorizationFailed"), "aks-b": restError(403, "AuthorizationFailed") };
    const inner = readerOf([], failures);
    const reader = {
      getManagedCluster: async (subscription: string, group: string, name: string): Promise<ManagedClusterFacts> => {
        if (name === "aks-a") await new Promise((resolve) => setTimeout(resolve, 20));
        return inner.getManagedCluster(subscription, group, name);
      },
    } as unknown as ArmReader;
    const error = await failureOf(discoverFleet(settings, { reader, now }));
    expect(error.message).toMatch(/^Input 'scope', line 1 /);
  });
});

describe("a cluster-ID scope line Resource Manager does not have", () => {
  const baseline = parseBaseline(
    `version: 1\nclusters:\n  ${clusterId("aks-listed")}:\n    networkProfile: {}\n` +
      `exclude:\n  - id: ${clusterId("aks-excluded")}\n    reason: a sandbox\n`,
    FILE,
  );

  async function refusal(names: string[], selected: (id: string) => boolean = () => true) {
    const settings = settingsOf(...names.map(clusterId));
    const discovery = await discoverFleet(settings, { reader: readerOf([]), now });
    try {
      refuseAbsentClusterLines(settings, baseline, discovery, selected);
    } catch (error) {
      return error as GateError;
    }
    return undefined;
  }

  it("is no error when the baseline lists it (gone: removed) or excludes it", async () => {
    expect(await refusal(["aks-listed", "aks-excluded"])).toBeUndefined();
  });

  it("is no error of a job that does not take it (selector, shard)", async () => {
    expect(await refusal(["aks-typo"], (id) => id !== clusterId("aks-typo"))).toBeUndefined();
  });

  it("ends the run naming each such line, the baseline and Azure's answer", async () => {
    const error = await refusal(["aks-listed", "aks-typo", "aks-other"]);
    expect(error?.message).toBe(
      [2, 3]
        .map(
          (line) =>
            `Input 'scope', line ${line} names no cluster Resource Manager has, and the baseline '${FILE}' does not list it: ` +
            `Azure has no resource ${clusterId(line === 2 ? "aks-typo" : "aks-other")} (404 ResourceNotFound: ResourceNotFound said Azure).`,
        )
        .join(" "),
    );
    expect(error?.hint).toBe(
      "If the cluster was deleted, take those lines out of 'scope'; otherwise check the subscription ID, resource group and cluster name in them.",
    );
  });
});
