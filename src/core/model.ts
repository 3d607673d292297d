import type { DiscoveredCluster, FactSource } from "./fleet/discovery.js";

/**
 * The plain data of the gate: what a capture produces (Snapshot), what the
 * baseline file holds (Baseline) and what a comparison returns (Finding).
 * Field names follow Azure's own (networkPlugin, podCidrs, addressPrefix).
 */

/** The network profile of a managed cluster, only the fields the gate keeps. */
export interface NetworkProfile {
  networkPlugin: string | null;
  networkPluginMode: string | null;
  networkPolicy: string | null;
  networkDataplane: string | null;
  podCidrs: string[];
  serviceCidrs: string[];
  dnsServiceIP: string | null;
  outboundType: string | null;
  loadBalancerSku: string | null;
  ipFamilies: string[];
}

export const NETWORK_PROFILE_FIELDS = [
  "networkPlugin",
  "networkPluginMode",
  "networkPolicy",
  "networkDataplane",
  "podCidrs",
  "serviceCidrs",
  "dnsServiceIP",
  "outboundType",
  "loadBalancerSku",
  "ipFamilies",
] as const satisfies readonly (keyof NetworkProfile)[];

export interface NodePool {
  name: string;
  /** System or User. */
  mode: string | null;
  count: number | null;
  enableAutoScaling: boolean;
  minCount: number | null;
  maxCount: number | null;
  maxPods: number | null;
  /** The surge used during upgrades, as AKS takes it: "1", "33%". */
  maxSurge: string | null;
  vnetSubnetID: string | null;
  podSubnetID: string | null;
}

export interface Subnet {
  id: string;
  addressPrefixes: string[];
  routeTableId: string | null;
  networkSecurityGroupId: string | null;
}

export interface VirtualNetwork {
  id: string;
  addressSpace: string[];
}

export interface Route {
  name: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress: string | null;
}

export interface RouteTable {
  id: string;
  disableBgpRoutePropagation: boolean;
  routes: Route[];
  /** IDs of the subnets the table is attached to, as Azure reports them. */
  subnetIds: string[];
}

/** A node of the cluster, read from the scale sets in the node resource group. */
export interface Node {
  name: string;
  pool: string | null;
  privateIps: string[];
}

/** Everything the gate knows of one cluster's network at one moment. */
export interface ClusterSnapshot {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string | null;
  nodeResourceGroup: string | null;
  tags: Record<string, string>;
  networkProfile: NetworkProfile;
  nodePools: NodePool[];
  virtualNetworks: VirtualNetwork[];
  /** The node and pod subnets of the pools (or the AKS-made subnet). */
  subnets: Subnet[];
  /** The route tables attached to the node subnets, with every route. */
  routeTables: RouteTable[];
  nodes: Node[];
  capturedAt: string;
  /** Every ARM resource ID the capture read, for the evidence manifest. */
  resourceIdsRead: string[];
  /** Where each resource's facts came from and when that source was current; absent: all from Resource Manager at `capturedAt`. */
  sources?: FactSource[];
}

/**
 * How the routes that the cluster manages (kubenet: one per node, next hop
 * VirtualAppliance, prefix inside the pod CIDR) are compared: `perNode`
 * checks them by rule so autoscaling raises no drift, `exact` pins them.
 */
export type ManagedRoutesMode = "perNode" | "exact";

/*
 * The baseline types below mirror the snapshot, but a field that is absent
 * (undefined) is not compared: a hand-written baseline pins only what it names.
 * `null` is a value: "expected to be unset" (e.g. no route table attached).
 */

export interface BaselineRouteTable {
  id: string;
  disableBgpRoutePropagation?: boolean;
  /** Default `perNode`. */
  managedRoutes: ManagedRoutesMode;
  /**
   * Pinned routes: the custom ones, and with `exact` the managed ones too.
   * Absent: custom routes are not compared; `[]`: there must be none.
   */
  routes?: Route[];
}

export interface BaselineNodePool {
  name: string;
  mode?: string | null;
  count?: number | null;
  enableAutoScaling?: boolean;
  minCount?: number | null;
  maxCount?: number | null;
  maxPods?: number | null;
  vnetSubnetID?: string | null;
  podSubnetID?: string | null;
}

export interface BaselineSubnet {
  id: string;
  addressPrefixes?: string[];
  routeTableId?: string | null;
  networkSecurityGroupId?: string | null;
}

/** A rule silenced for one cluster, with the reason that the report shows. */
export interface Suppression {
  rule: string;
  reason: string;
}

/**
 * A network plugin change the team has planned (kubenet to Azure CNI Overlay,
 * say). Once the live profile has every target value, the drift of those
 * fields is reported as planned instead of failing the gate. A target field
 * that is absent is not part of the plan: its drift stays drift.
 */
export interface PlannedMigration {
  networkPlugin?: string | null;
  networkPluginMode?: string | null;
  networkDataplane?: string | null;
  networkPolicy?: string | null;
  podCidrs?: string[];
  reason: string;
  /** The date the migration is due, `YYYY-MM-DD`. */
  by: string;
}

/** The expected network of one cluster, as committed in the baseline file. */
export interface BaselineCluster {
  id: string;
  /** Hand-written: the team or user who owns the cluster. */
  owner?: string;
  networkProfile: Partial<NetworkProfile>;
  nodePools?: BaselineNodePool[];
  virtualNetworks?: VirtualNetwork[];
  subnets?: BaselineSubnet[];
  routeTables?: BaselineRouteTable[];
  /** Hand-written: address spaces routed to the cluster's network too (peered VNets, on-premises). */
  alsoRoutedHere?: string[];
  /** Hand-written: the plugin change the team expects. */
  plannedMigration?: PlannedMigration;
  suppressions: Suppression[];
}

/**
 * A cluster in the fleet's scope that the team deliberately does not gate (a
 * sandbox, a cluster another team owns), with the reason the report shows.
 */
export interface Exclusion {
  id: string;
  reason: string;
}

export interface Baseline {
  version: 1;
  clusters: BaselineCluster[];
  /** Hand-written: the file's `exclude` section; empty when it has none. */
  exclusions: Exclusion[];
}

/** Where a baseline value sits in its file, for annotations and errors. */
export interface SourceLocation {
  file: string;
  line: number;
}

export type Severity = "error" | "warning";

export interface Finding {
  /** Stable identifier of the rule that raised it, e.g. `drift.networkProfile`. */
  rule: string;
  severity: Severity;
  /** ID of the cluster the finding belongs to. */
  clusterId: string;
  /** ID of the resource the finding is about (cluster, subnet, route table…). */
  resourceId: string;
  /** Field path inside the baseline cluster entry, e.g. `networkProfile.podCidrs`. */
  path: string;
  expected: string;
  actual: string;
  message: string;
  /** Set when the rule is silenced by the baseline; the finding is then reported only. */
  suppressed?: string;
  /**
   * The findings this one causes, folded into it (every node route outside a
   * changed pod CIDR): the message names their count and a few examples, and
   * `all` keeps every one for the evidence's findings.json.
   */
  consequences?: Consequences;
}

/** What a cause finding carries of the findings it causes. */
export interface Consequences {
  count: number;
  /** What the report shows of them: the first few, as `rule actual`. */
  examples: string[];
  all: Finding[];
}

/** The outcome of checking one cluster. */
export type ClusterResult =
  | {
      kind: "checked";
      clusterId: string;
      snapshot: ClusterSnapshot;
      expected: BaselineCluster;
      findings: Finding[];
    }
  | { kind: "error"; clusterId: string; message: string }
  /**
   * A cluster of the fleet's scope the gate reports by its presence alone:
   * in scope but not in the baseline (`inventory.unbaselined`, with what
   * discovery saw of it), or in the baseline but gone (`inventory.removed`).
   */
  | {
      kind: "inventory";
      clusterId: string;
      findings: Finding[];
      discovered: DiscoveredCluster | undefined;
      /** False: the run cannot tell whether the cluster is its own (a gone cluster under `scope-tags`), so it leaves the cluster's issues alone. */
      ownsIssues?: false;
    };

export type GateResult = "pass" | "drift" | "error";

/** What became of the evidence artifact: uploaded, or why not (quiet: nothing to say). */
export type ArtifactPublication =
  | { uploaded: true; name: string; id: number; url: string | undefined; size: number | undefined }
  | { uploaded: false; reason: string; quiet: boolean };

/** The workflow run a result belongs to, as the runner describes it. */
export interface RunContext {
  repository: string | undefined;
  commit: string | undefined;
  runUrl: string | undefined;
  workflow: string | undefined;
  runId: string | undefined;
  runAttempt: string | undefined;
}

/** A result's findings: a checked cluster's and an inventory result's; none for a cluster that could not be read. */
export function findingsOf(result: ClusterResult): Finding[] {
  return result.kind === "error" ? [] : result.findings;
}
