import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GateError } from "../../src/core/errors.js";
import { carriesTags, parseScope, parseScopeTag, withinScope } from "../../src/core/fleet/scope.js";
import { readSettings } from "../../src/app/settings.js";
import { cliSettings, parseCommandLine } from "../../src/entry/cli/args.js";
import { resolveDataSource } from "../../src/app/fleet.js";

const SUB = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.ContainerService/managedClusters/aks-payments`;

function caught(run: () => unknown): GateError {
  try {
    run();
  } catch (error) {
    if (error instanceof GateError) return error;
    throw error;
  }
  throw new Error("expected a GateError");
}

describe("a scope line", () => {
  it("reads each kind Azure writes in role assignments, and a cluster ID", () => {
    expect(parseScope(`/subscriptions/${SUB}`, "w")).toEqual({
      kind: "subscription",
      subscriptionId: SUB,
      text: `/subscriptions/${SUB}`,
    });
    expect(parseScope(` /subscriptions/${SUB}/resourceGroups/rg-payments/ `, "w")).toMatchObject({
      kind: "resourceGroup",
      resourceGroup: "rg-payments",
    });
    expect(parseScope("/providers/Microsoft.Management/managementGroups/platform", "w")).toMatchObject({
      kind: "managementGroup",
      name: "platform",
    });
    expect(parseScope(CLUSTER, "w")).toMatchObject({ kind: "cluster", name: "aks-payments", id: CLUSTER });
  });

  it("takes the Unicode letters and digits Azure allows in a resource group's name", () => {
    expect(parseScope(`/subscriptions/${SUB}/resourceGroups/rg-zürich_(prod)`, "w")).toMatchObject({
      kind: "resourceGroup",
      resourceGroup: "rg-zürich_(prod)",
    });
    expect(parseScope(`/subscriptions/${SUB}/resourceGroups/rg-東京`, "w")).toMatchObject({ resourceGroup: "rg-東京" });
    expect(() => parseScope(`/subscriptions/${SUB}/resourceGroups/rg-zürich.`, "w")).toThrow(/not an ARM scope/);
    expect(() => parseScope(`/subscriptions/${SUB}/resourceGroups/rg-€`, "w")).toThrow(/not an ARM scope/);
  });

  it.each([
    "/subscriptions/not-a-guid",
    "subscriptions/" + SUB,
    `/subscriptions/${SUB}/resourceGroups/rg'x`,
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet`,
    "/providers/Microsoft.Management/managementGroups/",
  ])("refuses %s, naming where it is and what a scope looks like", (line) => {
    const error = caught(() => parseScope(line, "Input 'scope', line 3"));
    expect(error.message).toContain("Input 'scope', line 3");
    expect(error.hint).toContain("/providers/Microsoft.Management/managementGroups/<name>");
  });

  it("holds the clusters under it, ignoring case as ARM does", () => {
    const group = parseScope(`/subscriptions/${SUB.toUpperCase()}/resourcegroups/RG-PAYMENTS`, "w");
    expect(withinScope(group, CLUSTER)).toBe(true);
    expect(withinScope(group, CLUSTER.replace("rg-payments", "rg-payments-2"))).toBe(false);
    expect(withinScope(parseScope(CLUSTER, "w"), CLUSTER.toLowerCase())).toBe(true);
    expect(withinScope(parseScope(CLUSTER, "w"), `${CLUSTER}-2`)).toBe(false);
  });
});

describe("scope tags", () => {
  it("match tag names ignoring case, as Azure does, and values exactly", () => {
    const env = parseScopeTag(" env = prod ", "w");
    expect(env).toEqual({ key: "env", value: "prod" });
    expect(carriesTags({ Env: "prod", team: "x" }, [env])).toBe(true);
    expect(carriesTags({ env: "Prod" }, [env])).toBe(false);
    expect(carriesTags({ env: "prod" }, [env, parseScopeTag("team=payments", "w")])).toBe(false);
    expect(parseScopeTag("owner=a=b", "w")).toEqual({ key: "owner", value: "a=b" });
  });

  it("refuse a line that is not key=value, naming it", () => {
    expect(caught(() => parseScopeTag("prod", "Input 'scope-tags', line 2")).message).toContain(
      "Input 'scope-tags', line 2: 'prod' is not a tag",
    );
  });
});

describe("the fleet options", () => {
  const workspace = mkdtempSync(path.join(tmpdir(), "gate-fleet-settings-"));
  const env = { GITHUB_WORKSPACE: workspace };
  const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? "";

  it("read scopes and tags one per line, skipping blank lines", () => {
    const settings = readSettings(
      read({ scope: `/subscriptions/${SUB}\n\n${CLUSTER}\n`, "scope-tags": "env=prod\n" }),
      env,
    );
    expect(settings.fleet.scopes.map((scope) => scope.kind)).toEqual(["subscription", "cluster"]);
    expect(settings.fleet.tags).toEqual([{ key: "env", value: "prod" }]);
    expect(settings.fleet).toMatchObject({ dataSource: "auto", unbaselined: "warning", removed: "error" });
  });

  it("name the input and line of a scope that is not one", () => {
    const error = caught(() => readSettings(read({ scope: `/subscriptions/${SUB}\n/subscriptions/x` }), env));
    expect(error.message).toContain(
      "Input 'scope', line 2: '/subscriptions/x' is not an ARM scope. Expected one scope per line:",
    );
  });

  it("count blank lines in the line an error names, as the workflow file shows them", () => {
    const scope = caught(() => readSettings(read({ scope: `/subscriptions/${SUB}\n\n\r\n/subscriptions/x` }), env));
    expect(scope.message).toContain("Input 'scope', line 4: '/subscriptions/x' is not an ARM scope.");
    const tags = caught(() =>
      readSettings(read({ scope: `/subscriptions/${SUB}`, "scope-tags": "env=prod\n\nteam" }), env),
    );
    expect(tags.message).toContain("Input 'scope-tags', line 3: 'team' is not a tag");
  });

  it("refuse scope-tags or data-source: resource-graph without a scope, and a capture given both a scope and a cluster", () => {
    expect(caught(() => readSettings(read({ "scope-tags": "env=prod" }), env)).message).toBe(
      "Input 'scope-tags' is given without 'scope': the tags narrow the clusters of a scope.",
    );
    expect(caught(() => readSettings(read({ "data-source": "resource-graph" }), env)).message).toBe(
      "Input 'data-source' is given without 'scope': Resource Graph is read for the clusters of a fleet; " +
        "a check of the baseline alone reads Resource Manager.",
    );
    expect(readSettings(read({ "data-source": "arm" }), env).fleet.dataSource).toBe("arm");
    const both = caught(() =>
      readSettings(read({ mode: "capture", scope: `/subscriptions/${SUB}`, "cluster-name": "aks-payments" }), env),
    );
    expect(both.message).toContain("Input 'cluster-name' cannot be given with 'scope'");
  });

  it("refuse a shard of a capture, which would write only its share of the fleet", () => {
    const sharded = caught(() =>
      readSettings(read({ mode: "capture", scope: `/subscriptions/${SUB}`, shard: "1/3" }), env),
    );
    expect(sharded.message).toBe(
      "Input 'shard' cannot be given with 'mode': 'mode: capture' writes the whole baseline in one change, " +
        "and a shard would write only its share of the fleet; shards split a check.",
    );
    expect(readSettings(read({ mode: "capture", scope: `/subscriptions/${SUB}`, shard: "1/1" }), env).shard.count).toBe(
      1,
    );
    expect(readSettings(read({ scope: `/subscriptions/${SUB}`, shard: "2/3" }), env).shard).toEqual({
      index: 2,
      count: 3,
    });
  });

  it("let a capture with a scope go without subscription, resource group and cluster name", () => {
    const settings = readSettings(read({ mode: "capture", scope: `/subscriptions/${SUB}` }), env);
    expect(settings.mode).toBe("capture");
    expect(caught(() => readSettings(read({ mode: "capture" }), env)).message).toContain("required");
  });

  it("take --scope and --scope-tags as often as needed on the command line", () => {
    const line = parseCommandLine([
      "check",
      "--scope",
      `/subscriptions/${SUB}`,
      "--scope",
      CLUSTER,
      "--scope-tags",
      "env=prod",
    ]);
    const settings = cliSettings(line, workspace, {});
    expect(settings.fleet.scopes).toHaveLength(2);
    expect(() => parseCommandLine(["check", "--baseline", "a.yml", "--baseline", "b.yml"])).toThrow(/given twice/);
  });
});

describe("data-source: auto", () => {
  it("reads Resource Graph only for a fleet of 25 clusters or more", () => {
    expect(resolveDataSource("auto", true, 24)).toBe("arm");
    expect(resolveDataSource("auto", true, 25)).toBe("resource-graph");
    expect(resolveDataSource("auto", false, 500)).toBe("arm");
    expect(resolveDataSource("arm", true, 500)).toBe("arm");
    expect(resolveDataSource("resource-graph", false, 1)).toBe("resource-graph");
  });
});
