/**
 * The managed cluster and its agent pools, from ManagedClustersGet.json and
 * AgentPoolsGet.json. The cluster keeps the example's linuxProfile and
 * servicePrincipalProfile: they are what the gate must never copy.
 */
import type { ArmResource } from "../resource-id.js";
import { exampleBody, exampleItem } from "./examples.js";
import { resourceId, type ClusterPlan, type PoolPlan } from "./plan.js";

export interface NetworkProfileFields {
  networkPlugin: string;
  networkPluginMode?: string;
  networkPolicy?: string;
  networkDataplane?: string;
  podCidrs: string[];
  serviceCidrs: string[];
  dnsServiceIP: string;
  outboundType: string;
  ipFamilies: string[];
}

export interface PoolNetwork {
  vnetSubnetID: string | null;
  podSubnetID: string | null;
}

type Fields = Record<string, unknown>;

function setDefined(target: Fields, values: Fields): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) delete target[key];
    else target[key] = value;
  }
}

function loadBalancerProfile(template: Fields, plan: ClusterPlan): Fields {
  const outboundIp = resourceId(
    plan.subscriptionId,
    plan.nodeResourceGroup,
    "Microsoft.Network/publicIPAddresses",
    `${plan.suffix.slice(0, 4)}a1b2-c3d4-e5f6-0000-${plan.suffix}0000`,
  );
  const profile = { ...template };
  delete profile["outboundIPs"];
  profile["managedOutboundIPs"] = { count: 1 };
  profile["effectiveOutboundIPs"] = [{ id: outboundIp }];
  return profile;
}

function networkProfileBody(template: Fields, plan: ClusterPlan, fields: NetworkProfileFields): Fields {
  const profile: Fields = {};
  setDefined(profile, {
    networkPlugin: fields.networkPlugin,
    networkPluginMode: fields.networkPluginMode,
    networkPolicy: fields.networkPolicy,
    networkDataplane: fields.networkDataplane,
    podCidr: fields.podCidrs[0],
    podCidrs: fields.podCidrs.length ? fields.podCidrs : undefined,
    serviceCidr: fields.serviceCidrs[0],
    serviceCidrs: fields.serviceCidrs,
    dnsServiceIP: fields.dnsServiceIP,
    outboundType: fields.outboundType,
    loadBalancerSku: template["loadBalancerSku"],
    ipFamilies: fields.ipFamilies,
  });
  if (fields.outboundType === "loadBalancer") {
    profile["loadBalancerProfile"] = loadBalancerProfile(template["loadBalancerProfile"] as Fields, plan);
  }
  return profile;
}

function poolProperties(template: Fields, plan: ClusterPlan, pool: PoolPlan, network: PoolNetwork): Fields {
  const properties: Fields = { ...template };
  setDefined(properties, {
    count: pool.count,
    vmSize: pool.vmSize,
    maxPods: pool.maxPods,
    type: "VirtualMachineScaleSets",
    mode: pool.mode,
    enableAutoScaling: pool.autoscale !== null,
    minCount: pool.autoscale?.min,
    maxCount: pool.autoscale?.max,
    orchestratorVersion: plan.kubernetesVersion,
    currentOrchestratorVersion: plan.kubernetesVersion,
    nodeImageVersion: "AKSUbuntu-2204gen2containerd-202509.23.0",
    osSKU: "Ubuntu",
    powerState: { code: "Running" },
    vnetSubnetID: network.vnetSubnetID,
    podSubnetID: network.podSubnetID,
  });
  if (pool.maxSurge) properties["upgradeSettings"] = { maxSurge: pool.maxSurge };
  return properties;
}

function poolProfiles(plan: ClusterPlan, network: PoolNetwork): Fields[] {
  const template = exampleItem("ManagedClustersGet", (body) => body.properties?.["agentPoolProfiles"] as unknown[]);
  return plan.pools.map((pool) => ({ ...poolProperties(template, plan, pool, network), name: pool.name }));
}

export function managedClusterBody(plan: ClusterPlan, fields: NetworkProfileFields, network: PoolNetwork): ArmResource {
  const body = exampleBody("ManagedClustersGet");
  const properties = body.properties as Fields;
  const dnsPrefix = `${plan.name}-dns`;
  Object.assign(body, { id: plan.clusterId, name: plan.name, location: plan.location, tags: plan.tags });
  setDefined(properties, {
    agentPoolProfiles: poolProfiles(plan, network),
    azurePortalFQDN: `${dnsPrefix}-${plan.suffix}.portal.hcp.${plan.location}.azmk8s.io`,
    fqdn: `${dnsPrefix}-${plan.suffix}.hcp.${plan.location}.azmk8s.io`,
    dnsPrefix,
    kubernetesVersion: plan.kubernetesVersion,
    currentKubernetesVersion: plan.kubernetesVersion,
    diskEncryptionSetID: resourceId(
      plan.subscriptionId,
      plan.resourceGroup,
      "Microsoft.Compute/diskEncryptionSets",
      "des",
    ),
    maxAgentPools: 100,
    nodeResourceGroup: plan.nodeResourceGroup,
    networkProfile: networkProfileBody(properties["networkProfile"] as Fields, plan, fields),
  });
  return body;
}

export function agentPoolBodies(plan: ClusterPlan, network: PoolNetwork): ArmResource[] {
  return plan.pools.map((pool) => {
    const body = exampleBody("AgentPoolsGet");
    body.id = `${plan.clusterId}/agentPools/${pool.name}`;
    body.name = pool.name;
    body.type = "Microsoft.ContainerService/managedClusters/agentPools";
    body.properties = poolProperties(body.properties ?? {}, plan, pool, network);
    return body;
  });
}
