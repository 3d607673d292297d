/**
 * The api-versions real Resource Manager serves, per resource type, and the
 * 400 answers it gives to any other. Every entry names the real source it
 * rests on; a version no source shows is refused, so the sandbox can only be
 * stricter than ARM, never laxer. To serve another version, add it here with
 * its source.
 */
import { armErrorBody } from "./faults.js";
import type { Reply } from "./arm-routes.js";
import { segmentsOf } from "./resource-id.js";

interface ServedType {
  /** `Microsoft.Network/routeTables`, or `Microsoft.Resources/resourceGroups` for ARM's own types. */
  type: string;
  versions: readonly string[];
  /** Where each version comes from. */
  sources: readonly string[];
}

/**
 * ARM's own list for scale-set NICs, quoted from its NoRegisteredProviderFound
 * message in Azure/azure-sdk-for-python#32029 (2023-08-31; the same list, shorter,
 * in #798, Azure/azure-cli#956 and Azure/azure-sdk-for-go#18704).
 */
const SCALE_SET_NIC_VERSIONS = [
  "2015-05-01-preview",
  "2015-06-15",
  "2016-03-30",
  "2016-04-30-preview",
  "2016-06-01",
  "2016-07-01",
  "2016-08-01",
  "2016-09-01",
  "2017-03-30",
  "2017-12-01",
  "2018-04-01",
  "2018-06-01",
  "2018-10-01",
  "2019-03-01",
  "2019-07-01",
  "2019-12-01",
  "2020-06-01",
  "2020-12-01",
  "2021-03-01",
  "2021-04-01",
  "2021-07-01",
  "2021-11-01",
  "2022-03-01",
  "2022-08-01",
  "2022-11-01",
  "2023-03-01",
  "2023-07-01",
] as const;

const SCALE_SET_NIC_SOURCE =
  "ARM's NoRegisteredProviderFound message quoted in Azure/azure-sdk-for-python#32029; @azure/arm-network 39 pins 2018-10-01";

/**
 * Microsoft.Network versions for NICs, VNets and route tables: ARM's list in its
 * NoRegisteredProviderFound message for 'networkInterfaces' quoted in
 * Azure/azure-sdk-for-js#9297 (up to 2020-03-01), and the newest stable folder
 * of the REST specs, `specification/network/resource-manager/Microsoft.Network/stable/2026-01-01`,
 * which @azure/arm-network 39 pins.
 */
const NETWORK_VERSIONS = [
  "2018-10-01",
  "2018-11-01",
  "2018-12-01",
  "2019-02-01",
  "2019-04-01",
  "2019-06-01",
  "2019-07-01",
  "2019-08-01",
  "2019-09-01",
  "2019-11-01",
  "2019-12-01",
  "2020-01-01",
  "2020-03-01",
  "2026-01-01",
] as const;

const NETWORK_SOURCE =
  "ARM's list for networkInterfaces in Azure/azure-sdk-for-js#9297; Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/stable/2026-01-01; @azure/arm-network 39";

/** Azure/azure-rest-api-specs `.../Microsoft.ContainerService/aks/stable/2026-06-01`, pinned by @azure/arm-containerservice 25. */
const AKS_VERSIONS = ["2026-06-01"] as const;
const AKS_SOURCE =
  "Azure/azure-rest-api-specs specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2026-06-01; @azure/arm-containerservice 25";

/** The version @azure/arm-compute 25.1 pins for virtualMachineScaleSets.list and virtualMachineScaleSetVMs.list. */
const COMPUTE_VERSIONS = ["2026-04-01"] as const;
const COMPUTE_SOURCE = "@azure/arm-compute 25.1 (virtualMachineScaleSets.list, virtualMachineScaleSetVMs.list)";

/** ARM's own list for resource groups, quoted from InvalidApiVersionParameter in ansible-collections/azure#1739. */
const RESOURCES_VERSIONS = [
  "2024-08-01",
  "2024-03-01",
  "2023-07-01",
  "2022-12-01",
  "2022-09-01",
  "2021-04-01",
  "2020-06-01",
  "2019-10-01",
] as const;
const RESOURCES_SOURCE =
  "ARM's InvalidApiVersionParameter message for resource groups in ansible-collections/azure#1739";

/**
 * The Activity Log's only version: the specification's one folder,
 * `specification/monitor/resource-manager/Microsoft.Insights/stable/2015-04-01/activityLogs_API.json`,
 * which @azure/arm-monitor 8 pins in `activityLogs.list`.
 */
const ACTIVITY_LOG_VERSIONS = ["2015-04-01"] as const;
const ACTIVITY_LOG_SOURCE =
  "Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/stable/2015-04-01/activityLogs_API.json; @azure/arm-monitor 8 (activityLogs.list)";

/**
 * Resource Graph's query endpoint: ARM's own list for `resources` in its
 * InvalidResourceType message quoted in microsoft/ARI#306 (2025-04), and the
 * stable folder `specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01`,
 * which @azure/arm-resourcegraph 5 pins in its `resources` operation.
 */
const RESOURCE_GRAPH_VERSIONS = [
  "2018-09-01-preview",
  "2019-04-01",
  "2021-03-01",
  "2021-06-01-preview",
  "2022-10-01",
  "2024-04-01",
] as const;
const RESOURCE_GRAPH_SOURCE =
  "ARM's InvalidResourceType message for 'resources' quoted in microsoft/ARI#306; Azure/azure-rest-api-specs specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01; @azure/arm-resourcegraph 5 (resources)";

export const SERVED_API_VERSIONS: readonly ServedType[] = [
  { type: "Microsoft.ResourceGraph/resources", versions: RESOURCE_GRAPH_VERSIONS, sources: [RESOURCE_GRAPH_SOURCE] },
  { type: "Microsoft.Insights/eventtypes/values", versions: ACTIVITY_LOG_VERSIONS, sources: [ACTIVITY_LOG_SOURCE] },
  { type: "Microsoft.ContainerService/managedClusters", versions: AKS_VERSIONS, sources: [AKS_SOURCE] },
  { type: "Microsoft.ContainerService/managedClusters/agentPools", versions: AKS_VERSIONS, sources: [AKS_SOURCE] },
  { type: "Microsoft.Network/virtualNetworks", versions: NETWORK_VERSIONS, sources: [NETWORK_SOURCE] },
  { type: "Microsoft.Network/virtualNetworks/subnets", versions: NETWORK_VERSIONS, sources: [NETWORK_SOURCE] },
  { type: "Microsoft.Network/routeTables", versions: NETWORK_VERSIONS, sources: [NETWORK_SOURCE] },
  { type: "Microsoft.Network/routeTables/routes", versions: NETWORK_VERSIONS, sources: [NETWORK_SOURCE] },
  { type: "Microsoft.Network/networkInterfaces", versions: NETWORK_VERSIONS, sources: [NETWORK_SOURCE] },
  { type: "Microsoft.Network/networkSecurityGroups", versions: NETWORK_VERSIONS, sources: [NETWORK_SOURCE] },
  { type: "Microsoft.Compute/virtualMachineScaleSets", versions: COMPUTE_VERSIONS, sources: [COMPUTE_SOURCE] },
  {
    type: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
    versions: COMPUTE_VERSIONS,
    sources: [COMPUTE_SOURCE],
  },
  {
    type: "Microsoft.Compute/virtualMachineScaleSets/networkInterfaces",
    versions: SCALE_SET_NIC_VERSIONS,
    sources: [SCALE_SET_NIC_SOURCE],
  },
  {
    type: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces",
    versions: SCALE_SET_NIC_VERSIONS,
    sources: [SCALE_SET_NIC_SOURCE, "the same list for this type in Azure/azure-sdk-for-go#18704"],
  },
  { type: "Microsoft.Resources/resourceGroups", versions: RESOURCES_VERSIONS, sources: [RESOURCES_SOURCE] },
  { type: "Microsoft.Resources/subscriptions", versions: RESOURCES_VERSIONS, sources: [RESOURCES_SOURCE] },
];

/** `YYYY-MM-DD` with an optional `-preview`-style suffix: the only shape ARM accepts. */
const VERSION_SHAPE = /^\d{4}-\d{2}-\d{2}(-[a-z]+)?$/i;

/** The resource type a request path addresses, as ARM names it: namespace and type chain. */
export function resourceTypeOf(path: string): string | null {
  const segments = segmentsOf(path);
  const lower = segments.map((segment) => segment.toLowerCase());
  const providers = lower.lastIndexOf("providers");
  if (providers < 0) {
    if (lower[0] !== "subscriptions") return null;
    return lower[2] === "resourcegroups" ? "Microsoft.Resources/resourceGroups" : "Microsoft.Resources/subscriptions";
  }
  const namespace = segments[providers + 1];
  if (!namespace) return null;
  const types = segments.slice(providers + 2).filter((_, index) => index % 2 === 0);
  return types.length > 0 ? `${namespace}/${types.join("/")}` : null;
}

export function servedType(type: string): ServedType | undefined {
  return SERVED_API_VERSIONS.find((entry) => entry.type.toLowerCase() === type.toLowerCase());
}

function badRequest(code: string, message: string): Reply {
  return { status: 400, body: armErrorBody(code, message) };
}

/**
 * ARM's 400 for a request whose api-version it does not serve for the path's
 * type, or null when the version is served. Messages follow ARM's own texts
 * (quoted in the issues named above).
 */
export function refuseApiVersion(path: string, apiVersion: string | null, location: string): Reply | null {
  if (apiVersion === null || apiVersion === "") {
    return badRequest(
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  const type = resourceTypeOf(path);
  const served = type ? servedType(type) : undefined;
  if (!type || !served) {
    const namespace = type?.split("/")[0] ?? "";
    return badRequest(
      "InvalidResourceType",
      `The resource type '${type?.split("/").slice(1).join("/") ?? path}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`,
    );
  }
  if (served.versions.includes(apiVersion)) return null;
  const supported = served.versions.join(", ");
  if (!VERSION_SHAPE.test(apiVersion) || type.startsWith("Microsoft.Resources/")) {
    return badRequest(
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${served.versions.join(",")}'.`,
    );
  }
  return badRequest(
    "NoRegisteredProviderFound",
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type.split("/").slice(1).join("/")}'. The supported api-versions are '${supported}'. The supported locations are '${location}'.`,
  );
}
