/**
 * Clusters for the address plan: kubenet, Azure CNI with a pod subnet,
 * Azure CNI Overlay dual-stack, and one whose every name is hostile. Their
 * findings come from the real comparison of a changed copy with the baseline
 * captured from the original.
 */
import { baselineFromSnapshot } from "../../src/core/baseline/from-snapshot.js";
import { compareCluster } from "../../src/core/check/index.js";
import type { ClusterResult, ClusterSnapshot } from "../../src/core/model.js";
import { azureCniSnapshot, kubenetSnapshot, POD_SUBNET_ID } from "../fixtures/snapshots.js";

export type CheckedResult = Extract<ClusterResult, { kind: "checked" }>;

/** Checks `healthy` changed by `change` against the baseline captured from `healthy`. */
export function checkedAfter(healthy: ClusterSnapshot, change: (live: ClusterSnapshot) => void = () => {}) {
  const expected = baselineFromSnapshot(healthy);
  const live = structuredClone(healthy);
  change(live);
  const result: CheckedResult = {
    kind: "checked",
    clusterId: healthy.id,
    snapshot: live,
    expected,
    findings: compareCluster(expected, live),
  };
  return result;
}

/** Kubenet whose pod CIDR was changed by hand and whose second node lost its route. */
export function kubenetDrifted(): CheckedResult {
  return checkedAfter(kubenetSnapshot(3), (live) => {
    live.networkProfile.podCidrs = ["10.245.0.0/16"];
    live.routeTables[0]!.routes.splice(1, 1);
  });
}

/** Classic Azure CNI with a dynamic pod subnet that is too small for the pool at full scale. */
export function azureCniWithPodSubnet(): CheckedResult {
  const healthy = azureCniSnapshot();
  healthy.nodePools[0]!.podSubnetID = POD_SUBNET_ID;
  healthy.subnets.push({
    id: POD_SUBNET_ID,
    addressPrefixes: ["10.240.16.0/24"],
    routeTableId: null,
    networkSecurityGroupId: null,
  });
  return checkedAfter(healthy);
}

/** Azure CNI Overlay, dual-stack, Cilium dataplane, healthy. */
export function overlayDualStack(): CheckedResult {
  const healthy = azureCniSnapshot({ overlay: true });
  const profile = healthy.networkProfile;
  profile.podCidrs.push("fd12:3456:789a::/64");
  profile.serviceCidrs.push("fd12:3456:789b::/108");
  profile.ipFamilies = ["IPv4", "IPv6"];
  profile.networkDataplane = "cilium";
  healthy.virtualNetworks[0]!.addressSpace.push("fd00:10::/48");
  healthy.subnets[0]!.addressPrefixes.push("fd00:10::/64");
  return checkedAfter(healthy);
}

/** Names as hostile as Azure could hand over (or an attacker who can tag and name resources). */
export const HOSTILE = {
  cluster: 'prod"] --> x\nclick cluster href "javascript:alert(1)"',
  vnet: 'vnet"]\nend\nsubgraph y["',
  subnet: 'snet[0]{1}(2)|p| %%{init: {"securityLevel":"loose"}}%%',
  pool: "np`md`<img src=x onerror=alert(1)>",
  table: "rt#quot;#35;&amp;<b>x<i>",
  dataplane: "cilium\r\nclick cluster call alert()",
  policy: 'calico"]:::drift --> cluster',
};

function rename(id: string, name: string): string {
  return `${id.slice(0, id.lastIndexOf("/") + 1)}${name}`;
}

/** Kubenet with every name hostile, and a drifted network policy whose live value is hostile too. */
export function hostileCluster(): CheckedResult {
  const healthy = kubenetSnapshot(3);
  healthy.name = HOSTILE.cluster;
  healthy.tags = { owner: '@everyone"] click', "x\n-->": "y" };
  healthy.networkProfile.networkDataplane = HOSTILE.dataplane;
  const vnetId = rename(healthy.virtualNetworks[0]!.id, HOSTILE.vnet);
  const subnetId = `${vnetId}/subnets/${HOSTILE.subnet}`;
  const tableId = rename(healthy.routeTables[0]!.id, HOSTILE.table);
  healthy.virtualNetworks[0]!.id = vnetId;
  Object.assign(healthy.subnets[0]!, { id: subnetId, routeTableId: tableId });
  Object.assign(healthy.routeTables[0]!, { id: tableId, subnetIds: [subnetId] });
  healthy.nodePools[0]!.name = HOSTILE.pool;
  healthy.nodes.forEach((node) => (node.pool = HOSTILE.pool));
  return checkedAfter(healthy, (live) => {
    live.networkProfile.networkPolicy = HOSTILE.policy;
  });
}
