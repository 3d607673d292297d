import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { FORMATS, type FormatName } from "../../src/core/baseline/formats.js";
import { parseBaseline } from "../../src/core/baseline/parse.js";
import { baselineJsonSchema, type JsonSchema } from "../../src/core/baseline/schema.js";
import { GateError } from "../../src/core/errors.js";
import {
  NETWORK_PROFILE_FIELDS,
  type BaselineCluster,
  type BaselineNodePool,
  type BaselineRouteTable,
  type BaselineSubnet,
  type Exclusion,
  type PlannedMigration,
  type Route,
  type Suppression,
  type VirtualNetwork,
} from "../../src/core/model.js";
import { AKS1, AKS2, AKS3, FILE, FULL, NET, ROUTE_TABLE, SUBNET, VNET, withLines } from "./fixtures.js";

const SCHEMA_FILE = new URL("../../schema/aks-network-baseline.schema.json", import.meta.url);

// `format` names the gate's own formats: a checker that does not know them, like this one, reads the pattern.
const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "format"]);
const KEYWORDS = new Set([
  "type",
  "const",
  "enum",
  "anyOf",
  "pattern",
  "minimum",
  "maximum",
  "properties",
  "additionalProperties",
  "required",
  "items",
  "minProperties",
  "minItems",
  "propertyNames",
  "if",
  "then",
  "else",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** A JSON Schema check for the keywords the baseline schema uses; any other keyword fails the test. */
function conforms(value: unknown, schema: JsonSchema): boolean {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`unsupported keyword ${keyword}`);
  }
  const types = schema.type === undefined ? undefined : [schema.type].flat();
  if (types && !types.includes(typeOf(value))) return false;
  if ("const" in schema && value !== schema.const) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value as never)) return false;
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((option) => conforms(value, option as JsonSchema)))
    return false;
  if (typeof value === "string" && typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
    return false;
  }
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) return false;
  if (typeof value === "number" && typeof schema.maximum === "number" && value > schema.maximum) return false;
  if (schema.if !== undefined) {
    const branch = conforms(value, schema.if as JsonSchema) ? schema.then : schema.else;
    if (branch !== undefined && !conforms(value, branch as JsonSchema)) return false;
  }
  if (Array.isArray(value) && typeof schema.minItems === "number" && value.length < schema.minItems) return false;
  if (Array.isArray(value) && schema.items) return value.every((item) => conforms(item, schema.items as JsonSchema));
  if (typeOf(value) === "object") return objectConforms(value as Record<string, unknown>, schema);
  return true;
}

function objectConforms(value: Record<string, unknown>, schema: JsonSchema): boolean {
  const keys = Object.keys(value);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if (typeof schema.minProperties === "number" && keys.length < schema.minProperties) return false;
  if (Array.isArray(schema.required) && !schema.required.every((key) => keys.includes(key as string))) return false;
  const names = schema.propertyNames as JsonSchema | undefined;
  if (names && !keys.every((key) => conforms(key, names))) return false;
  return keys.every((key) => {
    if (key in properties) return conforms(value[key], properties[key]!);
    if (schema.additionalProperties === false) return false;
    return schema.additionalProperties === undefined || conforms(value[key], schema.additionalProperties as JsonSchema);
  });
}

function parserAccepts(text: string): boolean {
  try {
    parseBaseline(text, FILE);
    return true;
  } catch (error) {
    if (error instanceof GateError) return false;
    throw error;
  }
}

describe("the JSON Schema file", () => {
  test("is exactly the schema generated from the parser's spec (regenerate: see src/core/baseline/schema.ts)", async () => {
    expect(JSON.parse(await readFile(SCHEMA_FILE, "utf8"))).toEqual(baselineJsonSchema());
  });

  test("is draft 2020-12 and every pattern compiles as an ECMA-262 unicode regex", () => {
    const schema = baselineJsonSchema();
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const patterns = JSON.stringify(schema).match(/"pattern":"(?:[^"\\]|\\.)*"/gu) ?? [];
    expect(patterns.length).toBeGreaterThan(10);
    for (const entry of patterns) {
      expect(() => new RegExp(JSON.parse(`{${entry}}`).pattern, "u")).not.toThrow();
    }
  });
});

/** The properties of the object schema at a path of property names ("*" = the clusters' entries, "[]" = items). */
function objectAt(path: string[]): JsonSchema {
  let schema = baselineJsonSchema();
  for (const step of path) {
    if (step === "*") schema = schema.additionalProperties as JsonSchema;
    else if (step === "[]") schema = schema.items as JsonSchema;
    else schema = (schema.properties as Record<string, JsonSchema>)[step]!;
  }
  expect(schema.type).toBe("object");
  expect(schema.additionalProperties).toBe(false);
  return schema;
}

/** Every key of a model type, checked by the compiler both ways. */
function keys<T>(all: Record<keyof T, true>): string[] {
  return Object.keys(all);
}

describe("the schema's keys are the model's fields", () => {
  const cluster = ["clusters", "*"];
  test.each([
    ["root", [], ["version", "clusters", "exclude"]],
    [
      "cluster (suppressions → suppress, id is the key)",
      cluster,
      keys<BaselineCluster>({
        id: true,
        owner: true,
        networkProfile: true,
        nodePools: true,
        virtualNetworks: true,
        subnets: true,
        routeTables: true,
        alsoRoutedHere: true,
        plannedMigration: true,
        suppressions: true,
      })
        .filter((key) => key !== "id")
        .map((key) => (key === "suppressions" ? "suppress" : key)),
    ],
    ["networkProfile", [...cluster, "networkProfile"], [...NETWORK_PROFILE_FIELDS]],
    [
      "node pool",
      [...cluster, "nodePools", "[]"],
      keys<BaselineNodePool>({
        name: true,
        mode: true,
        count: true,
        enableAutoScaling: true,
        minCount: true,
        maxCount: true,
        maxPods: true,
        vnetSubnetID: true,
        podSubnetID: true,
      }),
    ],
    ["virtual network", [...cluster, "virtualNetworks", "[]"], keys<VirtualNetwork>({ id: true, addressSpace: true })],
    [
      "subnet",
      [...cluster, "subnets", "[]"],
      keys<BaselineSubnet>({ id: true, addressPrefixes: true, routeTableId: true, networkSecurityGroupId: true }),
    ],
    [
      "route table",
      [...cluster, "routeTables", "[]"],
      keys<BaselineRouteTable>({ id: true, disableBgpRoutePropagation: true, managedRoutes: true, routes: true }),
    ],
    [
      "route",
      [...cluster, "routeTables", "[]", "routes", "[]"],
      keys<Route>({ name: true, addressPrefix: true, nextHopType: true, nextHopIpAddress: true }),
    ],
    ["suppression", [...cluster, "suppress", "[]"], keys<Suppression>({ rule: true, reason: true })],
    ["exclusion", ["exclude", "[]"], keys<Exclusion>({ id: true, reason: true })],
    [
      "planned migration",
      [...cluster, "plannedMigration"],
      keys<PlannedMigration>({
        networkPlugin: true,
        networkPluginMode: true,
        networkDataplane: true,
        networkPolicy: true,
        podCidrs: true,
        reason: true,
        by: true,
      }),
    ],
  ])("%s", (_name, path, expected) => {
    const properties = Object.keys(objectAt(path).properties as object);
    expect(properties.sort()).toEqual([...expected].sort());
  });

  test.each([
    ["root", [], ["version", "clusters"]],
    ["cluster", ["clusters", "*"], ["networkProfile"]],
    ["route", ["clusters", "*", "routeTables", "[]", "routes", "[]"], ["addressPrefix", "nextHopType"]],
    ["suppression", ["clusters", "*", "suppress", "[]"], ["rule", "reason"]],
    ["exclusion", ["exclude", "[]"], ["id", "reason"]],
    ["planned migration", ["clusters", "*", "plannedMigration"], ["reason", "by"]],
    ["virtual network", ["clusters", "*", "virtualNetworks", "[]"], ["id", "addressSpace"]],
  ])("required keys of %s", (_name, path, required) => {
    expect(objectAt(path).required).toEqual(required);
  });
});

describe("the schema and the parser agree on documents", () => {
  const schema = baselineJsonSchema();
  test.each([
    ["the full example", {}, true],
    ["managedRoutes: EXACT", { 38: "        managedRoutes: EXACT" }, true],
    ["a service-tag route", { 41: "            addressPrefix: AzureCloud.westeurope" }, true],
    ["IPv6 CIDRs", { 11: "      podCidrs: [fd00::/64, 2001:DB8::/32, ::/0]" }, true],
    ["null counts", { 20: "        count: null" }, true],
    ["an unknown key", { 19: "        modes: System" }, false],
    ["a missing required key", { 46: null }, false],
    ["a bad CIDR", { 11: "      podCidrs: [10.244.0.0/33]" }, false],
    ["a CIDR with a leading zero", { 11: "      podCidrs: [10.244.0.01/16]" }, false],
    ["an IPv4-embedded IPv6 CIDR", { 11: "      podCidrs: ['::ffff:10.0.0.0/104']" }, false],
    ["a bad IP", { 13: "      dnsServiceIP: 10.0.0.256" }, false],
    ["a bad enum", { 42: "            nextHopType: Firewall" }, false],
    ["a negative count", { 20: "        count: -1" }, false],
    ["a string count", { 20: '        count: "3"' }, false],
    ["version 2", { 2: "version: 2" }, false],
    ["a bad cluster ID", { 4: `  ${AKS1.replace("rg1/", "")}:` }, false],
    ["a bad subnet ID", { 31: `      - id: ${VNET}` }, false],
    ["an empty reason", { 46: '        reason: " "' }, false],
    ["a bad rule ID", { 45: "      - rule: kubenet..retirement" }, false],
    [
      "alsoRoutedHere and plannedMigration",
      {
        43: "            nextHopIpAddress: 10.0.1.4\n    alsoRoutedHere: [10.100.0.0/16]\n    plannedMigration: {networkPlugin: azure, reason: r, by: 2027-06-30}",
      },
      true,
    ],
    ["an exclusion", { 52: `      ipFamilies: [IPv4, IPv6]\nexclude:\n  - {id: ${AKS3}, reason: sandbox}` }, true],
    ["an exclusion without a reason", { 52: `      ipFamilies: [IPv4, IPv6]\nexclude:\n  - {id: ${AKS3}}` }, false],
    ["an exclusion of a VNet", { 52: `      ipFamilies: [IPv4, IPv6]\nexclude:\n  - {id: ${VNET}, reason: r}` }, false],
    [
      "a plan without a date",
      { 43: "            nextHopIpAddress: 10.0.1.4\n    plannedMigration: {networkPlugin: azure, reason: r}" },
      false,
    ],
    [
      "a plan with a bad date",
      {
        43: "            nextHopIpAddress: 10.0.1.4\n    plannedMigration: {networkPlugin: azure, reason: r, by: 2027-6-30}",
      },
      false,
    ],
    [
      "networkProfile: null",
      {
        6: "    networkProfile: null",
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
      false,
    ],
  ])("%s", (_name, lines, valid) => {
    const text = withLines(lines);
    expect(parserAccepts(text)).toBe(valid);
    expect(conforms(parseYaml(text), schema)).toBe(valid);
  });

  test.each([
    ["duplicate pool names", { 26: "        podSubnetID: null\n      - name: NodePool1" }],
    ["minCount above maxCount", { 22: "        minCount: 6" }],
    ["an appliance route without an address", { 43: null }],
    ["cluster IDs differing in case", { 47: `  ${AKS1.toUpperCase()}:` }],
    [
      "an exclusion listed twice",
      {
        52: `      ipFamilies: [IPv4, IPv6]\nexclude:\n  - {id: ${AKS3}, reason: a}\n  - {id: ${AKS3.toUpperCase()}, reason: b}`,
      },
    ],
    ["a gated cluster excluded", { 52: `      ipFamilies: [IPv4, IPv6]\nexclude:\n  - {id: ${AKS2}, reason: r}` }],
    [
      "a planned migration without a target",
      { 43: "            nextHopIpAddress: 10.0.1.4\n    plannedMigration: {reason: r, by: 2027-06-30}" },
    ],
    [
      "a planned date the calendar lacks",
      {
        43: "            nextHopIpAddress: 10.0.1.4\n    plannedMigration: {networkPlugin: azure, reason: r, by: 2027-02-30}",
      },
    ],
  ])("only the parser checks %s", (_name, lines) => {
    const text = withLines(lines);
    expect(parserAccepts(text)).toBe(false);
    expect(conforms(parseYaml(text), schema)).toBe(true);
  });

  test.each([
    ["exclusions only", `version: 1\nclusters: {}\nexclude:\n  - {id: ${AKS3}, reason: sandbox}\n`, true],
    ["no clusters and exclude: []", "version: 1\nclusters: {}\nexclude: []\n", false],
    ["no clusters and no exclude", "version: 1\nclusters: {}\n", false],
    ["exclusions only, no clusters key", `version: 1\nexclude:\n  - {id: ${AKS3}, reason: sandbox}\n`, false],
  ])("%s", (_name, text, valid) => {
    expect(parserAccepts(text)).toBe(valid);
    expect(conforms(parseYaml(text), schema)).toBe(valid);
  });

  test("an empty document fails both", () => {
    expect(parserAccepts("")).toBe(false);
    expect(conforms(parseYaml(""), schema)).toBe(false);
    expect(parserAccepts(FULL)).toBe(true);
  });
});

describe("each string format: the schema pattern and the parser's test agree", () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const hexGroup = () => ["0", "a", "ff", "0db8", "FFFF", "00000", "g1", ""][random(8)]!;
  const randomIpv6 = () => {
    const groups = Array.from({ length: 1 + random(9) }, hexGroup);
    const at = random(groups.length + 2);
    if (at <= groups.length) groups.splice(at, 0, random(3) === 0 ? "::" : "");
    return groups.join(":").replace(/:{3,}/gu, "::");
  };
  const randomIpv4 = () =>
    Array.from({ length: 3 + random(3) }, () => ["0", "1", "01", "255", "256", "99", ""][random(7)]).join(".");
  const randomPrefix = () => ["/0", "/8", "/31", "/32", "/33", "/64", "/128", "/129", "/08", "/", ""][random(11)];
  const generated = Array.from({ length: 3000 }, () =>
    random(2) === 0 ? randomIpv6() + randomPrefix() : randomIpv4() + randomPrefix(),
  );

  const samples: Record<FormatName, string[]> = {
    text: ["x", " x ", "", " ", "\t", "@contoso/platform"],
    cidr: [
      "10.0.0.0/8",
      "0.0.0.0/0",
      "10.0.0.1/32",
      "10.0.0.0/33",
      "fd00::/64",
      "FD00::/128",
      "::/0",
      "1:2:3:4:5:6:7:8/64",
      "1:2:3:4:5:6:7::/64",
      "::1:2:3:4:5:6:7/64",
      "1::2::3/64",
      "fe80::1%eth0/64",
      " 10.0.0.0/8",
      "AzureCloud",
      ...generated,
    ],
    ip: [
      "10.0.0.10",
      "0.0.0.0",
      "255.255.255.255",
      "::",
      "::1",
      "1:2:3:4:5:6:7:8",
      "fd00::a",
      "10.0.0.10/32",
      "::ffff:1.2.3.4",
      ...generated.map((text) => text.replace(/\/.*$/u, "")),
    ],
    routePrefix: [
      "0.0.0.0/0",
      "AzureCloud",
      "AzureCloud.westeurope",
      "Azure Cloud",
      "1abc",
      "fd00::/64",
      "a.b-c",
      ...generated,
    ],
    clusterId: [
      AKS1,
      AKS1.toLowerCase(),
      AKS1.replace("rg1", "rg 1"),
      `${AKS1}/`,
      AKS1.replace("-0000-", "-000-"),
      AKS1.replace("managedClusters", "managedCluster"),
    ],
    virtualNetworkId: [VNET, VNET.toUpperCase(), SUBNET, `${NET}/virtualNetworks/`],
    subnetId: [SUBNET, SUBNET.toLowerCase(), VNET, `${SUBNET}/x`],
    routeTableId: [ROUTE_TABLE, ROUTE_TABLE.toUpperCase(), `${NET}/routeTable/x`, "rt"],
    networkSecurityGroupId: [
      `${NET}/networkSecurityGroups/nsg`,
      `${NET}/networksecuritygroups/NSG`,
      `${NET}/networkSecurityGroups`,
    ],
    ruleId: ["lifecycle.kubenetRetirement", "drift.networkProfile", "a", "a..b", ".a", "a b", "route-1.stale_2"],
    date: ["2027-06-30", "2028-02-29", "2027-6-30", "2027-13-01", "2027-06-32", "27-06-30", "2027-06-30T00:00", ""],
  };

  test.each(Object.keys(FORMATS) as FormatName[])("%s", (name) => {
    const format = FORMATS[name];
    const pattern = new RegExp(format.pattern, "u");
    const disagreements = samples[name].filter((sample) => format.test(sample) !== pattern.test(sample));
    expect(disagreements).toEqual([]);
    expect(samples[name].some((sample) => format.test(sample))).toBe(true);
    expect(samples[name].some((sample) => !format.test(sample))).toBe(true);
  });
});
