/**
 * The shape of the baseline file, as data: the JSON Schema is generated from it
 * (schema.ts) and the parser validates against that schema, so there is one
 * definition. What a schema does not say is here too and checked after it
 * (validate.ts): `uniqueBy` (items compared as the gate compares them),
 * `caseInsensitiveKeys` and `refine` (conditions across fields). Keys are the
 * YAML keys (`suppress`, not the model's `suppressions`).
 */
import { parseCidr, sameNetwork } from "../cidr.js";
import type { FormatName } from "./formats.js";

/** A plain value after validation, as the YAML holds it. */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/**
 * A problem a map-level check finds, reported at `field` (or the map), and only
 * when the map has no other problem. With `at` (a path below the map) it is
 * reported there, whenever that part has no other problem.
 */
export interface Refinement {
  field?: string;
  at?: readonly (string | number)[];
  message: string;
}

export type FieldSpec =
  | { kind: "string"; format: FormatName; nullable?: boolean }
  | { kind: "enum"; values: readonly string[]; nullable?: boolean }
  | { kind: "integer"; nullable?: boolean }
  | { kind: "boolean" }
  | { kind: "literal"; value: number }
  | ListSpec
  | MapSpec
  | DictionarySpec;

export interface ListSpec {
  kind: "list";
  item: FieldSpec;
  /** Items must differ in this field (compared by `sameKey`). */
  uniqueBy?: string;
}

export interface MapSpec {
  kind: "map";
  fields: Readonly<Record<string, FieldSpec>>;
  required: readonly string[];
  refine?: (value: { [key: string]: Plain }) => Refinement[];
}

/** A map with free keys of one format (the clusters, keyed by resource ID). */
export interface DictionarySpec {
  kind: "dictionary";
  key: FormatName;
  value: FieldSpec;
  /** Keys must differ ignoring case. */
  caseInsensitiveKeys: boolean;
  minEntries: number;
  /**
   * A list beside the dictionary (in the same map) whose having an item lets
   * the dictionary be empty: the schema says `minEntries` only when that list
   * is absent or empty.
   */
  emptyWith?: string;
}

/** Where the JSON Schema of the file is published; the `$schema` comment of a new file points here. */
export const BASELINE_SCHEMA_URL =
  "https://raw.githubusercontent.com/contoso/aks-network-gate/main/schema/aks-network-baseline.schema.json";

/** The default path of the baseline file in a repository (the `baseline` input). */
export const DEFAULT_BASELINE_FILE = ".github/aks-network-baseline.yml";

export const NEXT_HOP_TYPES = ["VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"] as const;
export const MANAGED_ROUTES_MODES = ["perNode", "exact"] as const;

const text = { kind: "string", format: "text" } as const;
const nullableText = { kind: "string", format: "text", nullable: true } as const;
const count = { kind: "integer", nullable: true } as const;
const cidrs = { kind: "list", item: { kind: "string", format: "cidr" } } as const;

/** Two values that identify the same item: CIDRs as networks, the rest ignoring case. */
export function sameKey(a: string, b: string): boolean {
  if (parseCidr(a) !== null && parseCidr(b) !== null) return sameNetwork(a, b);
  return a.toLowerCase() === b.toLowerCase();
}

const networkProfile: MapSpec = {
  kind: "map",
  required: [],
  fields: {
    networkPlugin: nullableText,
    networkPluginMode: nullableText,
    networkPolicy: nullableText,
    networkDataplane: nullableText,
    podCidrs: cidrs,
    serviceCidrs: cidrs,
    dnsServiceIP: { kind: "string", format: "ip", nullable: true },
    outboundType: nullableText,
    loadBalancerSku: nullableText,
    ipFamilies: { kind: "list", item: { kind: "enum", values: ["IPv4", "IPv6"] } },
  },
};

// JSON Schema compares a value with constants only, never with another field.
function minNotAboveMax(pool: { [key: string]: Plain }): Refinement[] {
  const { minCount, maxCount } = pool;
  if (typeof minCount === "number" && typeof maxCount === "number" && minCount > maxCount) {
    return [{ field: "minCount", message: `minCount ${minCount} is greater than maxCount ${maxCount}` }];
  }
  return [];
}

const nodePool: MapSpec = {
  kind: "map",
  required: ["name"],
  fields: {
    name: text,
    mode: nullableText,
    count,
    enableAutoScaling: { kind: "boolean" },
    minCount: count,
    maxCount: count,
    maxPods: count,
    vnetSubnetID: { kind: "string", format: "subnetId", nullable: true },
    podSubnetID: { kind: "string", format: "subnetId", nullable: true },
  },
  refine: minNotAboveMax,
};

// A schema could say this with if/then, but its error would be a bare "missing nextHopIpAddress" that names no reason.
function applianceNeedsAddress(route: { [key: string]: Plain }): Refinement[] {
  const type = route["nextHopType"];
  if (typeof type === "string" && type.toLowerCase() === "virtualappliance" && !("nextHopIpAddress" in route)) {
    return [{ field: "nextHopType", message: "nextHopIpAddress is required when nextHopType is VirtualAppliance" }];
  }
  return [];
}

const route: MapSpec = {
  kind: "map",
  required: ["addressPrefix", "nextHopType"],
  fields: {
    name: text,
    addressPrefix: { kind: "string", format: "routePrefix" },
    nextHopType: { kind: "enum", values: NEXT_HOP_TYPES },
    nextHopIpAddress: { kind: "string", format: "ip", nullable: true },
  },
  refine: applianceNeedsAddress,
};

/** The network profile fields a planned migration may name as its target. */
export const PLANNED_MIGRATION_TARGETS = [
  "networkPlugin",
  "networkPluginMode",
  "networkDataplane",
  "networkPolicy",
  "podCidrs",
] as const;

// The `date` pattern checks the notation; a pattern for month lengths and leap years would be unreadable.
function isCalendarDay(text: string): boolean {
  const [year = 0, month = 0, day = 0] = text.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// A schema could require a target with anyOf, but ajv would then report one missing key per possible target.
function plannedMigrationProblems(plan: { [key: string]: Plain }): Refinement[] {
  const problems: Refinement[] = [];
  if (!PLANNED_MIGRATION_TARGETS.some((field) => field in plan)) {
    problems.push({ message: `names no target: expected at least one of ${PLANNED_MIGRATION_TARGETS.join(", ")}` });
  }
  if (typeof plan["by"] === "string" && !isCalendarDay(plan["by"])) {
    problems.push({ field: "by", message: `${plan["by"]} is not a day of the calendar` });
  }
  return problems;
}

const plannedMigration: MapSpec = {
  kind: "map",
  required: ["reason", "by"],
  fields: {
    networkPlugin: nullableText,
    networkPluginMode: nullableText,
    networkDataplane: nullableText,
    networkPolicy: nullableText,
    podCidrs: cidrs,
    reason: text,
    by: { kind: "string", format: "date" },
  },
  refine: plannedMigrationProblems,
};

const cluster: MapSpec = {
  kind: "map",
  required: ["networkProfile"],
  fields: {
    owner: text,
    networkProfile,
    nodePools: { kind: "list", item: nodePool, uniqueBy: "name" },
    virtualNetworks: {
      kind: "list",
      uniqueBy: "id",
      item: {
        kind: "map",
        required: ["id", "addressSpace"],
        fields: { id: { kind: "string", format: "virtualNetworkId" }, addressSpace: cidrs },
      },
    },
    subnets: {
      kind: "list",
      uniqueBy: "id",
      item: {
        kind: "map",
        required: ["id"],
        fields: {
          id: { kind: "string", format: "subnetId" },
          addressPrefixes: cidrs,
          routeTableId: { kind: "string", format: "routeTableId", nullable: true },
          networkSecurityGroupId: { kind: "string", format: "networkSecurityGroupId", nullable: true },
        },
      },
    },
    routeTables: {
      kind: "list",
      uniqueBy: "id",
      item: {
        kind: "map",
        required: ["id"],
        fields: {
          id: { kind: "string", format: "routeTableId" },
          disableBgpRoutePropagation: { kind: "boolean" },
          managedRoutes: { kind: "enum", values: MANAGED_ROUTES_MODES },
          routes: { kind: "list", item: route, uniqueBy: "addressPrefix" },
        },
      },
    },
    alsoRoutedHere: cidrs,
    plannedMigration,
    suppress: {
      kind: "list",
      uniqueBy: "rule",
      item: {
        kind: "map",
        required: ["rule", "reason"],
        fields: { rule: { kind: "string", format: "ruleId" }, reason: text },
      },
    },
  },
};

/** An intentional exclusion: a cluster in scope the team does not gate, and why. */
const exclusion: MapSpec = {
  kind: "map",
  required: ["id", "reason"],
  fields: { id: { kind: "string", format: "clusterId" }, reason: text },
};

// A schema cannot compare list items with the keys of another map, nor ignore case doing so.
function excludedAndGated(root: { [key: string]: Plain }): Refinement[] {
  const { clusters, exclude } = root;
  if (clusters === null || typeof clusters !== "object" || Array.isArray(clusters) || !Array.isArray(exclude)) {
    return [];
  }
  const gated = new Set(Object.keys(clusters).map((id) => id.toLowerCase()));
  return exclude.flatMap((item, index) => {
    const id = item !== null && typeof item === "object" && !Array.isArray(item) ? item["id"] : undefined;
    if (typeof id !== "string" || !gated.has(id.toLowerCase())) return [];
    const message = `${JSON.stringify(id)} is also in clusters: a cluster is either gated or excluded, not both`;
    return [{ at: ["exclude", index, "id"], message }];
  });
}

export const BASELINE_SPEC: MapSpec = {
  kind: "map",
  required: ["version", "clusters"],
  fields: {
    version: { kind: "literal", value: 1 },
    // `clusters: {}` with exclusions only: a team commits what it does not gate before the first fleet capture.
    clusters: {
      kind: "dictionary",
      key: "clusterId",
      value: cluster,
      caseInsensitiveKeys: true,
      minEntries: 1,
      emptyWith: "exclude",
    },
    exclude: { kind: "list", item: exclusion, uniqueBy: "id" },
  },
  refine: excludedAndGated,
};
