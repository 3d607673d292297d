import { BaselineError, parseBaseline, parseFieldPath } from "../../src/core/baseline/parse.js";
import { GateError } from "../../src/core/errors.js";
import {
  AKS1,
  AKS1_ENTRY,
  AKS2,
  AKS2_ENTRY,
  FILE,
  FULL,
  NET,
  P1,
  P2,
  ROUTE_TABLE,
  SUBNET,
  VNET,
  withLines,
} from "./fixtures.js";

/** The problems parseBaseline reports for a text, each as `file:line: path: message`. */
function problemsOf(text: string): string[] {
  try {
    parseBaseline(text, FILE);
  } catch (error) {
    if (!(error instanceof BaselineError)) throw error;
    return error.problems.map((p) => `${p.file}:${p.line}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`);
  }
  throw new Error("expected the baseline to be rejected");
}

describe("parseBaseline: a valid file", () => {
  test("maps every field onto the model, suppress → suppressions, absent stays absent", () => {
    const { baseline } = parseBaseline(FULL, FILE);
    expect(baseline).toEqual({ version: 1, clusters: [AKS1_ENTRY, AKS2_ENTRY], exclusions: [] });
    const aks2 = baseline.clusters[1]!;
    expect("nodePools" in aks2).toBe(false);
    expect("owner" in aks2).toBe(false);
    expect("serviceCidrs" in aks2.networkProfile).toBe(false);
    expect(aks2.networkProfile.networkPluginMode).toBe("overlay");
  });

  test.each([
    ["managedRoutes absent → perNode", { 38: null }, "perNode"],
    ["managedRoutes: exact", { 38: "        managedRoutes: exact" }, "exact"],
    ["managedRoutes: EXACT (case-insensitive)", { 38: "        managedRoutes: EXACT" }, "exact"],
  ])("%s", (_name, lines, mode) => {
    const { baseline } = parseBaseline(withLines(lines), FILE);
    expect(baseline.clusters[0]!.routeTables![0]!.managedRoutes).toBe(mode);
  });

  test("keeps CIDRs and enum values as written", () => {
    const text = withLines({
      11: "      podCidrs: [10.244.1.0/16, FD00:0:0:0::/64]",
      42: "            nextHopType: virtualappliance",
    });
    const aks1 = parseBaseline(text, FILE).baseline.clusters[0]!;
    expect(aks1.networkProfile.podCidrs).toEqual(["10.244.1.0/16", "FD00:0:0:0::/64"]);
    expect(aks1.routeTables![0]!.routes![0]!.nextHopType).toBe("virtualappliance");
  });

  test("a route without name or next hop address: name '' (not compared), address null", () => {
    const text = withLines({
      40: null,
      41: "          - addressPrefix: AzureCloud.westeurope",
      42: "            nextHopType: Internet",
      43: null,
    });
    const routes = parseBaseline(text, FILE).baseline.clusters[0]!.routeTables![0]!.routes;
    expect(routes).toEqual([
      { name: "", addressPrefix: "AzureCloud.westeurope", nextHopType: "Internet", nextHopIpAddress: null },
    ]);
  });

  test("an appliance route may pin an explicit null next hop address", () => {
    const text = withLines({ 43: "            nextHopIpAddress: null" });
    expect(parseBaseline(text, FILE).baseline.clusters[0]!.routeTables![0]!.routes![0]!.nextHopIpAddress).toBeNull();
  });

  test("routes: [] and suppress: [] are values: no routes, no suppressions", () => {
    const text = withLines({
      39: "        routes: []",
      40: null,
      41: null,
      42: null,
      43: null,
      44: "    suppress: []",
      45: null,
      46: null,
    });
    const aks1 = parseBaseline(text, FILE).baseline.clusters[0]!;
    expect(aks1.routeTables![0]!.routes).toEqual([]);
    expect(aks1.suppressions).toEqual([]);
  });

  test("aliases are followed", () => {
    const text = withLines({ 11: "      podCidrs: &pods [10.244.0.0/16]", 51: "      podCidrs: *pods" });
    expect(parseBaseline(text, FILE).baseline.clusters[1]!.networkProfile.podCidrs).toEqual(["10.244.0.0/16"]);
  });

  test("CRLF line endings and a missing final newline are fine", () => {
    expect(parseBaseline(FULL.replaceAll("\n", "\r\n"), FILE).baseline.clusters).toHaveLength(2);
    expect(parseBaseline(FULL.trimEnd(), FILE).baseline.clusters).toHaveLength(2);
  });
});

const CIDR = "a CIDR such as 10.244.0.0/16 or fd00::/64";
const IP = "an IP address such as 10.0.0.10";
const CLUSTER_KEYS =
  "owner, networkProfile, nodePools, virtualNetworks, subnets, routeTables, alsoRoutedHere, plannedMigration, suppress";

describe("parseBaseline: each kind of problem, with its line", () => {
  test.each([
    [
      "YAML syntax (only the first error)",
      { 20: "        count: 3: 4" },
      [`${FILE}:20: YAML: Nested mappings are not allowed in compact mappings`],
    ],
    ["tab indentation", { 20: "\tcount: 3" }, [`${FILE}:20: YAML: Tabs are not allowed as indentation`]],
    [
      "duplicate key",
      { 15: "      podCidrs: [10.244.0.0/16]" },
      [`${FILE}:15: ${P1}.networkProfile.podCidrs: duplicate key: the same as on line 11`],
    ],
    [
      "unknown key",
      { 19: "        modes: System" },
      [
        `${FILE}:19: ${P1}.nodePools[0].modes: unknown key (allowed: name, mode, count, enableAutoScaling, minCount, maxCount, maxPods, vnetSubnetID, podSubnetID)`,
      ],
    ],
    [
      "unknown key in a cluster",
      { 5: "    ownr: x" },
      [`${FILE}:5: ${P1}.ownr: unknown key (allowed: ${CLUSTER_KEYS})`],
    ],
    [
      "unknown key at the root",
      { 2: "version: 1\nextra: true" },
      [`${FILE}:3: extra: unknown key (allowed: version, clusters, exclude)`],
    ],
    [
      "integer expected",
      { 20: "        count: three" },
      [`${FILE}:20: ${P1}.nodePools[0].count: expected an integer ≥ 0 or null, got the string "three"`],
    ],
    [
      "negative count",
      { 24: "        maxPods: -1" },
      [`${FILE}:24: ${P1}.nodePools[0].maxPods: expected an integer ≥ 0 or null, got the number -1`],
    ],
    [
      "fractional count",
      { 23: "        maxCount: 1.5" },
      [`${FILE}:23: ${P1}.nodePools[0].maxCount: expected an integer ≥ 0 or null, got the number 1.5`],
    ],
    [
      "boolean expected",
      { 21: "        enableAutoScaling: yes" },
      [`${FILE}:21: ${P1}.nodePools[0].enableAutoScaling: expected true or false, got the string "yes"`],
    ],
    [
      "boolean not nullable",
      { 37: "        disableBgpRoutePropagation: null" },
      [`${FILE}:37: ${P1}.routeTables[0].disableBgpRoutePropagation: expected true or false, got null`],
    ],
    [
      "string expected",
      { 7: "      networkPlugin: [kubenet]" },
      [`${FILE}:7: ${P1}.networkProfile.networkPlugin: expected a string or null, got a list`],
    ],
    [
      "list expected",
      { 11: "      podCidrs: 10.244.0.0/16" },
      [`${FILE}:11: ${P1}.networkProfile.podCidrs: expected a list, got the string "10.244.0.0/16"`],
    ],
    [
      "list not nullable",
      { 12: "      serviceCidrs: null" },
      [`${FILE}:12: ${P1}.networkProfile.serviceCidrs: expected a list, got null`],
    ],
    [
      "map expected",
      {
        6: "    networkProfile: []",
        7: null,
        8: null,
        9: null,
        10: null,
        11: null,
        12: null,
        13: null,
        14: null,
        15: null,
        16: null,
      },
      [`${FILE}:6: ${P1}.networkProfile: expected a map, got a list`],
    ],
    ["empty string", { 46: '        reason: ""' }, [`${FILE}:46: ${P1}.suppress[0].reason: must not be empty`]],
    ["version 2", { 2: "version: 2" }, [`${FILE}:2: version: must be 1, got the number 2`]],
    ["version as a string", { 2: 'version: "1"' }, [`${FILE}:2: version: must be 1, got the string "1"`]],
    ["version missing", { 2: null }, [`${FILE}:2: missing required key "version"`]],
    [
      "networkProfile missing",
      { 48: "    owner: team-b", 49: null, 50: null, 51: null, 52: null },
      [`${FILE}:47: ${P2}: missing required key "networkProfile"`],
    ],
    [
      "pool name missing",
      { 18: "      - mode: User", 19: null },
      [`${FILE}:18: ${P1}.nodePools[0]: missing required key "name"`],
    ],
    [
      "subnet id missing",
      { 31: "      - addressPrefixes: [10.224.0.0/16]", 32: null },
      [`${FILE}:31: ${P1}.subnets[0]: missing required key "id"`],
    ],
    [
      "route prefix missing",
      { 41: null },
      [`${FILE}:40: ${P1}.routeTables[0].routes[0]: missing required key "addressPrefix"`],
    ],
    ["suppression reason missing", { 46: null }, [`${FILE}:45: ${P1}.suppress[0]: missing required key "reason"`]],
    [
      "cluster key not a cluster ID",
      { 47: `  ${AKS2.replace("managedClusters", "fleets")}:` },
      [
        `${FILE}:47: clusters[${JSON.stringify(AKS2.replace("managedClusters", "fleets"))}]: ${JSON.stringify(AKS2.replace("managedClusters", "fleets"))} is not a managed-cluster resource ID (/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>)`,
      ],
    ],
    [
      "cluster key without a GUID",
      { 47: "  /subscriptions/prod/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/aks2:" },
      [
        expect.stringMatching(
          new RegExp(`^${FILE}:47: clusters\\["/subscriptions/prod/.*is not a managed-cluster resource ID`),
        ),
      ],
    ],
    [
      "cluster IDs differing only in case",
      { 47: `  ${AKS1.toUpperCase()}:` },
      [
        `${FILE}:47: clusters[${JSON.stringify(AKS1.toUpperCase())}]: duplicate key: the same as on line 4 (resource IDs are case-insensitive)`,
      ],
    ],
    [
      "pod CIDR",
      { 11: "      podCidrs: [10.244.0.0/33]" },
      [`${FILE}:11: ${P1}.networkProfile.podCidrs[0]: "10.244.0.0/33" is not ${CIDR}`],
    ],
    [
      "service CIDR",
      { 12: "      serviceCidrs: [10.0.0.0]" },
      [`${FILE}:12: ${P1}.networkProfile.serviceCidrs[0]: "10.0.0.0" is not ${CIDR}`],
    ],
    [
      "IPv6 pod CIDR",
      { 51: "      podCidrs: [192.168.0.0/16, fd00:10::/129]" },
      [`${FILE}:51: ${P2}.networkProfile.podCidrs[1]: "fd00:10::/129" is not ${CIDR}`],
    ],
    [
      "address space",
      { 29: "        addressSpace: [10.224.0.0/12, 10.300.0.0/16]" },
      [`${FILE}:29: ${P1}.virtualNetworks[0].addressSpace[1]: "10.300.0.0/16" is not ${CIDR}`],
    ],
    [
      "subnet prefix",
      { 32: "        addressPrefixes:\n          - 10.224.0.0/16\n          - 10.224.0/24" },
      [`${FILE}:34: ${P1}.subnets[0].addressPrefixes[1]: "10.224.0/24" is not ${CIDR}`],
    ],
    [
      "route prefix",
      { 41: "            addressPrefix: 0.0.0.0/33" },
      [
        `${FILE}:41: ${P1}.routeTables[0].routes[0].addressPrefix: "0.0.0.0/33" is not a CIDR such as 0.0.0.0/0 or a service tag such as AzureCloud`,
      ],
    ],
    [
      "route prefix with a space",
      { 41: "            addressPrefix: Azure Cloud" },
      [
        `${FILE}:41: ${P1}.routeTables[0].routes[0].addressPrefix: "Azure Cloud" is not a CIDR such as 0.0.0.0/0 or a service tag such as AzureCloud`,
      ],
    ],
    [
      "dnsServiceIP",
      { 13: "      dnsServiceIP: 10.0.0.300" },
      [`${FILE}:13: ${P1}.networkProfile.dnsServiceIP: "10.0.0.300" is not ${IP}`],
    ],
    [
      "dnsServiceIP with a prefix",
      { 13: "      dnsServiceIP: 10.0.0.10/32" },
      [`${FILE}:13: ${P1}.networkProfile.dnsServiceIP: "10.0.0.10/32" is not ${IP}`],
    ],
    [
      "nextHopIpAddress",
      { 43: "            nextHopIpAddress: 10.0.1" },
      [`${FILE}:43: ${P1}.routeTables[0].routes[0].nextHopIpAddress: "10.0.1" is not ${IP}`],
    ],
    [
      "managedRoutes",
      { 38: "        managedRoutes: sometimes" },
      [`${FILE}:38: ${P1}.routeTables[0].managedRoutes: "sometimes" is not one of perNode, exact`],
    ],
    [
      "nextHopType",
      { 42: "            nextHopType: Firewall" },
      [
        `${FILE}:42: ${P1}.routeTables[0].routes[0].nextHopType: "Firewall" is not one of VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None`,
      ],
    ],
    [
      "ipFamilies",
      { 16: "      ipFamilies: [IPv5]" },
      [`${FILE}:16: ${P1}.networkProfile.ipFamilies[0]: "IPv5" is not one of IPv4, IPv6`],
    ],
    [
      "vnet ID",
      { 28: `      - id: ${SUBNET}` },
      [
        `${FILE}:28: ${P1}.virtualNetworks[0].id: ${JSON.stringify(SUBNET)} is not a virtual network resource ID (/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>)`,
      ],
    ],
    [
      "subnet ID",
      { 31: `      - id: ${VNET}` },
      [expect.stringContaining(`${FILE}:31: ${P1}.subnets[0].id: ${JSON.stringify(VNET)} is not a subnet resource ID`)],
    ],
    [
      "route table ID",
      { 33: `        routeTableId: ${NET}/routeTable/x` },
      [
        expect.stringContaining(
          `${FILE}:33: ${P1}.subnets[0].routeTableId: "${NET}/routeTable/x" is not a route table resource ID`,
        ),
      ],
    ],
    [
      "NSG ID",
      { 34: "        networkSecurityGroupId: nsg-1" },
      [
        expect.stringContaining(
          `${FILE}:34: ${P1}.subnets[0].networkSecurityGroupId: "nsg-1" is not a network security group resource ID`,
        ),
      ],
    ],
    [
      "pool subnet ID",
      { 25: `        vnetSubnetID: ${ROUTE_TABLE}` },
      [
        expect.stringContaining(
          `${FILE}:25: ${P1}.nodePools[0].vnetSubnetID: ${JSON.stringify(ROUTE_TABLE)} is not a subnet resource ID`,
        ),
      ],
    ],
    [
      "suppression rule",
      { 45: "      - rule: kubenet retirement" },
      [`${FILE}:45: ${P1}.suppress[0].rule: "kubenet retirement" is not a rule ID such as lifecycle.kubenetRetirement`],
    ],
    [
      "appliance route without address",
      { 43: null },
      [
        `${FILE}:42: ${P1}.routeTables[0].routes[0].nextHopType: nextHopIpAddress is required when nextHopType is VirtualAppliance`,
      ],
    ],
    [
      "minCount above maxCount",
      { 22: "        minCount: 6" },
      [`${FILE}:22: ${P1}.nodePools[0].minCount: minCount 6 is greater than maxCount 5`],
    ],
    [
      "duplicate pool name",
      { 26: "        podSubnetID: null\n      - name: NodePool1" },
      [`${FILE}:27: ${P1}.nodePools[1]: duplicate name "NodePool1" (also on line 18)`],
    ],
    [
      "duplicate route prefix (same network)",
      {
        43: "            nextHopIpAddress: 10.0.1.4\n          - addressPrefix: 0.0.0.1/0\n            nextHopType: None",
      },
      [`${FILE}:44: ${P1}.routeTables[0].routes[1]: duplicate addressPrefix "0.0.0.1/0" (also on line 40)`],
    ],
    [
      "duplicate suppression",
      { 46: "        reason: a\n      - rule: Kubenet.Retirement\n        reason: b" },
      [`${FILE}:47: ${P1}.suppress[1]: duplicate rule "Kubenet.Retirement" (also on line 45)`],
    ],
    [
      "non-string key",
      { 19: "        ? [a]\n        : b" },
      [`${FILE}:19: ${P1}.nodePools[0]: keys must be strings, got a list`],
    ],
    ["unresolved tag", { 19: "        mode: !custom System" }, [`${FILE}:19: YAML: Unresolved tag: !custom`]],
    [
      "alias without anchor",
      { 51: "      podCidrs: *nope" },
      [`${FILE}:51: ${P2}.networkProfile.podCidrs: alias *nope has no anchor`],
    ],
    [
      "a second document",
      { 52: "      ipFamilies: [IPv4, IPv6]\n---\nversion: 1" },
      [`${FILE}:53: a second YAML document (---) starts here: the baseline is one document`],
    ],
  ])("%s", (_name, lines, expected) => {
    expect(problemsOf(withLines(lines))).toEqual(expected);
  });

  test("collects several problems in line order", () => {
    const text = withLines({ 42: "            nextHopType: Firewall", 11: "      podCidrs: [bad]", 5: "    ownr: x" });
    expect(problemsOf(text).map((line) => line.split(":")[1])).toEqual(["5", "11", "42"]);
  });
});

describe("parseBaseline: whole-file problems", () => {
  test.each([
    ["empty", "", `${FILE}:1: the baseline is empty: expected version: 1 and clusters`],
    [
      "only comments",
      "# nothing yet\n\n# really\n",
      `${FILE}:1: the baseline is empty: expected version: 1 and clusters`,
    ],
    ["a list at the root", "- 1\n- 2\n", `${FILE}:1: expected a map, got a list`],
    ["a scalar at the root", "hello\n", `${FILE}:1: expected a map, got the string "hello"`],
    ["null at the root", "~\n", `${FILE}:1: expected a map, got null`],
    ["no clusters", "version: 1\nclusters: {}\n", `${FILE}:2: clusters: is empty: expected at least 1 entry`],
    ["clusters: a list", "version: 1\nclusters:\n  - a\n", `${FILE}:3: clusters: expected a map, got a list`],
    ["clusters: null", "version: 1\nclusters:\n", `${FILE}:2: clusters: expected a map, got null`],
    ["an entry that is null", `version: 1\nclusters:\n  ${AKS1}:\n`, `${FILE}:3: ${P1}: expected a map, got null`],
  ])("%s", (_name, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  test("the message lists at most 20 problems and says how many more", () => {
    const bad = Array.from({ length: 30 }, (_, i) => `        - 10.0.${i}.0/40`).join("\n");
    const text = withLines({ 11: `      podCidrs:\n${bad}` });
    let error: unknown;
    try {
      parseBaseline(text, FILE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GateError);
    const message = (error as GateError).message;
    expect(message.split("\n")[0]).toBe(`The baseline ${FILE} has 30 problems:`);
    expect(message.split("\n")).toHaveLength(22);
    expect(message).toContain(`  ${FILE}:12: ${P1}.networkProfile.podCidrs[0]: "10.0.0.0/40" is not ${CIDR}`);
    expect(message.endsWith("… and 10 more")).toBe(true);
    expect((error as BaselineError).problems).toHaveLength(30);
  });

  test("one problem is the whole message, with a hint", () => {
    try {
      parseBaseline(withLines({ 2: "version: 2" }), FILE);
      throw new Error("not rejected");
    } catch (error) {
      expect(error).toBeInstanceOf(GateError);
      expect((error as GateError).message).toBe(`${FILE}:2: version: must be 1, got the number 2`);
      expect((error as GateError).hint).toMatch(/mode: capture/);
    }
  });

  test("the billion-laughs shape fails fast: aliases are followed only where the spec descends", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? "*a" : `*l${i - 1}`)
          .join(", ")}]`,
      );
    const text = `${levels.join("\n")}\nversion: 1\nclusters:\n  ${AKS1}:\n    networkProfile:\n      podCidrs: *l8\n`;
    const started = Date.now();
    const problems = problemsOf(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(problems).toContain(`${FILE}:9: ${P1}.networkProfile.podCidrs[0]: expected a string, got a list`);
    expect(problems).toContain(`${FILE}:1: a: unknown key (allowed: version, clusters, exclude)`);
  });

  test("more than 100 aliases are refused", () => {
    const items = Array(101).fill("*cidr").join(", ");
    const text = `version: 1\nclusters:\n  ${AKS1}:\n    networkProfile:\n      serviceCidrs: [&cidr 10.0.0.0/16]\n      podCidrs: [${items}]\n`;
    expect(problemsOf(text)).toEqual([
      `${FILE}:6: ${P1}.networkProfile.podCidrs[100]: more than 100 aliases: the file expands too much`,
    ]);
  });

  test.each([
    ["deep flow nesting", "[".repeat(100_000) + "]".repeat(100_000)],
    ["deep block nesting", Array.from({ length: 5000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")],
    ["binary junk", "\u0000\u0001\u0002 version: 1 \uffff"],
    ["a huge key", `${"x".repeat(5000)}: 1\n`],
  ])("%s: a GateError, not a crash", (_name, text) => {
    expect(() => parseBaseline(text, FILE)).toThrow(GateError);
  });

  test("random corruptions of a valid file parse or throw a GateError, nothing else", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ":-[]{}&*!|>'\"#%@`,? \n\t0aZ/.";
    for (let round = 0; round < 400; round++) {
      const chars = [...FULL];
      for (let edit = 0; edit <= random(4); edit++) {
        const at = random(chars.length);
        if (random(2) === 0) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[random(alphabet.length)]!);
      }
      const text = chars.join("");
      try {
        parseBaseline(text, FILE);
      } catch (error) {
        if (!(error instanceof GateError))
          throw new Error(`not a GateError for ${JSON.stringify(text)}: ${String(error)}`, { cause: error });
      }
    }
  });
});

describe("locate", () => {
  const parsed = parseBaseline(FULL, FILE);
  test.each([
    ["the entry", AKS1, [], 4],
    ["a network profile field", AKS1, ["networkProfile", "podCidrs"], 11],
    ["an item of a flow list", AKS1, ["networkProfile", "podCidrs", 0], 11],
    ["a pool by index", AKS1, ["nodePools", 0], 18],
    ["a pool field", AKS1, ["nodePools", 0, "maxPods"], 24],
    ["a pool by name", AKS1, ["nodePools", "NODEPOOL1", "count"], 20],
    ["a route", AKS1, ["routeTables", 0, "routes", 0], 40],
    ["a route field", AKS1, ["routeTables", 0, "routes", 0, "nextHopIpAddress"], 43],
    ["a route by prefix", AKS1, ["routeTables", ROUTE_TABLE, "routes", "0.0.0.0/0", "nextHopType"], 42],
    ["a subnet by ID (any case)", AKS1, ["subnets", SUBNET.toUpperCase(), "routeTableId"], 33],
    ["suppressions (model name)", AKS1, ["suppressions", 0, "reason"], 46],
    ["a missing field: its parent", AKS1, ["nodePools", 0, "maxSurge"], 18],
    ["a missing section: the entry", AKS2, ["routeTables", 0, "routes"], 47],
    ["an index past the end: the list", AKS1, ["nodePools", 3], 17],
    ["the second cluster, ID in another case", AKS2.toUpperCase(), ["networkProfile", "ipFamilies"], 52],
  ] as const)("%s", (_name, clusterId, path, line) => {
    expect(parsed.locate(clusterId, path)).toEqual({ file: FILE, line });
  });

  test("an unknown cluster: undefined", () => {
    expect(parsed.locate(AKS1.replace("aks1", "aks9"), ["networkProfile"])).toBeUndefined();
  });

  test("through an alias", () => {
    const text = withLines({ 11: "      podCidrs: &pods [10.244.0.0/16]", 51: "      podCidrs: *pods" });
    expect(parseBaseline(text, FILE).locate(AKS2, ["networkProfile", "podCidrs"])).toEqual({ file: FILE, line: 51 });
  });

  test.each([
    ["networkProfile.podCidrs", ["networkProfile", "podCidrs"]],
    ["routeTables[0].routes[12].nextHopIpAddress", ["routeTables", 0, "routes", 12, "nextHopIpAddress"]],
    ['nodePools["np1"].count', ["nodePools", "np1", "count"]],
    ['subnets["/a/b\\"c"]', ["subnets", '/a/b"c']],
    ["", []],
  ])("parseFieldPath(%j)", (text, segments) => {
    expect(parseFieldPath(text)).toEqual(segments);
  });
});

/** FULL with alsoRoutedHere and plannedMigration after the route table (lines 44–49); suppress moves to 50. */
const PLAN_LINES = [
  "            nextHopIpAddress: 10.0.1.4",
  "    alsoRoutedHere: [10.100.0.0/16, fd00:99::/48]",
  "    plannedMigration:",
  "      networkPlugin: azure",
  "      networkPluginMode: overlay",
  "      reason: kubenet retirement, CHG-2001",
  "      by: 2027-06-30",
];

/** PLAN_LINES with some of its lines (44–49) replaced; null removes the line. */
function withPlan(replacements: Readonly<Record<number, string | null>> = {}): string {
  const lines = PLAN_LINES.flatMap((line, index) => {
    const replacement = replacements[index + 43];
    if (replacement === undefined) return [line];
    return replacement === null ? [] : [replacement];
  });
  return withLines({ 43: lines.join("\n") });
}

describe("parseBaseline: alsoRoutedHere and plannedMigration", () => {
  test("map onto the model; an unquoted date stays a string", () => {
    const aks1 = parseBaseline(withPlan(), FILE).baseline.clusters[0]!;
    expect(aks1.alsoRoutedHere).toEqual(["10.100.0.0/16", "fd00:99::/48"]);
    expect(aks1.plannedMigration).toEqual({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      reason: "kubenet retirement, CHG-2001",
      by: "2027-06-30",
    });
    expect(aks1.suppressions).toHaveLength(1);
    expect("alsoRoutedHere" in parseBaseline(FULL, FILE).baseline.clusters[0]!).toBe(false);
  });

  test("the whole target: plugin, mode, dataplane, policy and pod CIDRs", () => {
    const text = withPlan({
      47: "      networkPluginMode: overlay\n      networkDataplane: cilium\n      networkPolicy: cilium\n      podCidrs: [192.168.0.0/16]",
    });
    expect(parseBaseline(text, FILE).baseline.clusters[0]!.plannedMigration).toMatchObject({
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      podCidrs: ["192.168.0.0/16"],
    });
  });

  test("locate finds the lines of the new keys", () => {
    const parsed = parseBaseline(withPlan(), FILE);
    expect(parsed.locate(AKS1, ["alsoRoutedHere"])?.line).toBe(44);
    expect(parsed.locate(AKS1, ["plannedMigration", "by"])?.line).toBe(49);
    expect(parsed.locate(AKS1, ["suppressions"])?.line).toBe(50);
  });

  const PLAN = `${P1}.plannedMigration`;
  test.each([
    [
      "a range that is no CIDR",
      { 44: "    alsoRoutedHere: [10.100.0.0/16, 10.100.0.0/33]" },
      [`${FILE}:44: ${P1}.alsoRoutedHere[1]: "10.100.0.0/33" is not ${CIDR}`],
    ],
    [
      "a range that is no list",
      { 44: "    alsoRoutedHere: 10.100.0.0/16" },
      [`${FILE}:44: ${P1}.alsoRoutedHere: expected a list, got the string "10.100.0.0/16"`],
    ],
    [
      "a date in another notation",
      { 49: "      by: 30.06.2027" },
      [`${FILE}:49: ${PLAN}.by: "30.06.2027" is not a date such as 2027-06-30`],
    ],
    [
      "a day the calendar does not have",
      { 49: "      by: 2027-02-29" },
      [`${FILE}:49: ${PLAN}.by: 2027-02-29 is not a day of the calendar`],
    ],
    ["no date", { 49: null }, [`${FILE}:45: ${PLAN}: missing required key "by"`]],
    ["no reason", { 48: null }, [`${FILE}:45: ${PLAN}: missing required key "reason"`]],
    ["an empty reason", { 48: '      reason: ""' }, [`${FILE}:48: ${PLAN}.reason: must not be empty`]],
    [
      "no target",
      { 46: null, 47: null },
      [
        `${FILE}:45: ${PLAN}: names no target: expected at least one of networkPlugin, networkPluginMode, networkDataplane, networkPolicy, podCidrs`,
      ],
    ],
    [
      "an unknown key",
      { 46: "      networkPlugins: azure" },
      [
        `${FILE}:46: ${PLAN}.networkPlugins: unknown key (allowed: networkPlugin, networkPluginMode, networkDataplane, networkPolicy, podCidrs, reason, by)`,
      ],
    ],
    [
      "a target pod CIDR that is no CIDR",
      { 47: "      networkPluginMode: overlay\n      podCidrs: [192.168.0.0/40]" },
      [`${FILE}:48: ${PLAN}.podCidrs[0]: "192.168.0.0/40" is not ${CIDR}`],
    ],
    [
      "a plan that is no map",
      { 45: "    plannedMigration: overlay", 46: null, 47: null, 48: null, 49: null },
      [`${FILE}:45: ${PLAN}: expected a map, got the string "overlay"`],
    ],
  ])("%s", (_name, lines, expected) => {
    expect(problemsOf(withPlan(lines))).toEqual(expected);
  });
});
