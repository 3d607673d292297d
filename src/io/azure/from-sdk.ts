/**
 * From the container service SDK's models to the gate's facts: only the network fields are
 * kept, so SSH keys, service principals and the like never leave this file.
 * A field the gate depends on that is missing, or any field it reads that is
 * not of the type or format the API defines, makes the response malformed.
 *
 * The SDK's deserializers (@azure/arm-containerservice 25, models.js
 * `_agentPoolPropertiesDeserializer`, `containerServiceNetworkProfileDeserializer`)
 * copy scalar fields as they come (`maxCount: item["maxCount"]`): a number sent
 * as the string "450" reaches this file as a string, so every field is checked
 * here against the SDK's model types (`count`, `minCount`, `maxCount`, `maxPods`:
 * number, int32 in the spec; `enableAutoScaling`: boolean; `podCidr`,
 * `serviceCidr`, `podCidrs`, `serviceCidrs`: CIDR notation; `dnsServiceIP`: an IP
 * address). Errors name the field by its path in the ARM body, where the SDK
 * model flattens `properties`.
 */
import type { AgentPool, ManagedCluster } from "@azure/arm-containerservice/models";
import { FORMATS } from "../../core/baseline/formats.js";
import type { NetworkProfile } from "../../core/model.js";
import { Fields } from "./fields.js";
import { malformed } from "./failures.js";
import type { ClusterIdentityFacts, ManagedClusterFacts, NodePoolFacts } from "./reader.js";
import { lastSegment, parseResourceId } from "../../core/arm-ids.js";

/** A list, or the single value the API also carries (`podCidr` next to `podCidrs`). */
function listOrSingle(fields: Fields, listKey: string, singleKey: string): string[] {
  const list = fields.strings(listKey, FORMATS.cidr);
  const single = fields.formatted(singleKey, FORMATS.cidr);
  if (fields.has(listKey)) return list;
  return single ? [single] : [];
}

function toNetworkProfile(profile: Fields): NetworkProfile {
  return {
    networkPlugin: profile.text("networkPlugin"),
    networkPluginMode: profile.text("networkPluginMode"),
    networkPolicy: profile.text("networkPolicy"),
    networkDataplane: profile.text("networkDataplane"),
    podCidrs: listOrSingle(profile, "podCidrs", "podCidr"),
    serviceCidrs: listOrSingle(profile, "serviceCidrs", "serviceCidr"),
    dnsServiceIP: profile.formatted("dnsServiceIP", FORMATS.ip),
    outboundType: profile.text("outboundType"),
    loadBalancerSku: profile.text("loadBalancerSku"),
    ipFamilies: profile.strings("ipFamilies"),
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function guid(value: unknown): string[] {
  return typeof value === "string" && GUID.test(value) ? [value] : [];
}

function armId(value: unknown): string[] {
  return typeof value === "string" && parseResourceId(value) !== null ? [value] : [];
}

/**
 * The IDs of the cluster's own identities, to tell AKS reconciling from a
 * person in the Activity Log: the control plane's (`identity.principalId`,
 * `identity.userAssignedIdentities`), the kubelet's
 * (`identityProfile.kubeletidentity`: resourceId, clientId, objectId) and an
 * older cluster's service principal (`servicePrincipalProfile.clientId`, "msi"
 * on a cluster with managed identities). Only IDs are taken, never a secret;
 * a field of another shape is left out, since attribution never decides the
 * gate's result. They stay in the reader: no snapshot, log or file holds them.
 */
function toIdentities(cluster: ManagedCluster): ClusterIdentityFacts {
  const assigned = Object.entries(cluster.identity?.userAssignedIdentities ?? {});
  const profiles = Object.values(cluster.identityProfile ?? {});
  return {
    principalIds: [
      ...guid(cluster.identity?.principalId),
      ...assigned.flatMap(([, value]) => guid(value?.principalId)),
      ...profiles.flatMap((value) => guid(value?.objectId)),
    ],
    clientIds: [
      ...guid(cluster.servicePrincipalProfile?.clientId),
      ...assigned.flatMap(([, value]) => guid(value?.clientId)),
      ...profiles.flatMap((value) => guid(value?.clientId)),
    ],
    identityResourceIds: [
      ...assigned.flatMap(([id]) => armId(id)),
      ...profiles.flatMap((value) => armId(value?.resourceId)),
    ],
  };
}

export function toManagedCluster(requestedId: string, cluster: ManagedCluster): ManagedClusterFacts {
  const top = Fields.of(requestedId, cluster, "the managed cluster");
  const id = top.formatted("id", FORMATS.clusterId) ?? requestedId;
  const fields = top.about(id);
  const properties = Fields.of(id, cluster, "the managed cluster", "properties");
  const networkProfile = properties.object("networkProfile");
  if (!networkProfile) throw malformed(id, "the managed cluster has no networkProfile");
  return {
    id,
    name: fields.text("name") ?? lastSegment(id),
    location: fields.text("location"),
    nodeResourceGroup: properties.text("nodeResourceGroup"),
    tags: fields.stringMap("tags"),
    networkProfile: toNetworkProfile(networkProfile),
    identities: toIdentities(cluster),
  };
}

export function toAgentPool(clusterId: string, pool: AgentPool): NodePoolFacts {
  const top = Fields.of(`${clusterId}/agentPools`, pool, "a node pool");
  const name = top.text("name");
  if (!name) throw malformed(`${clusterId}/agentPools`, "a node pool has no name");
  const id = `${clusterId}/agentPools/${name}`;
  // The SDK model renames the pool's `properties.type` to `typePropertiesType`.
  const view = { ...pool, type: pool.typePropertiesType };
  const properties = Fields.of(id, view, "the node pool", "properties");
  return {
    name,
    type: properties.text("type"),
    mode: properties.text("mode"),
    count: properties.integer("count"),
    enableAutoScaling: properties.boolean("enableAutoScaling") === true,
    minCount: properties.integer("minCount"),
    maxCount: properties.integer("maxCount"),
    maxPods: properties.integer("maxPods"),
    maxSurge: properties.object("upgradeSettings")?.text("maxSurge") ?? null,
    vnetSubnetID: properties.formatted("vnetSubnetID", FORMATS.subnetId),
    podSubnetID: properties.formatted("podSubnetID", FORMATS.subnetId),
  };
}
