/**
 * Every ARM read the gate makes, with the api-version that the official SDK
 * operation for that exact request pins. ARM serves some resource types with
 * their own list of versions: `virtualMachineScaleSets/networkInterfaces` is
 * served by the scale set's provider with versions up to 2023-07-01 and
 * answers the newest Microsoft.Network version with `400
 * NoRegisteredProviderFound`, which is why @azure/arm-network pins 2018-10-01
 * for it. So no version is shared across reads: each is the one its SDK
 * operation sends. `__tests__/azure/api-versions.test.ts` derives this table
 * from the installed SDK packages and fails when a read uses another version.
 */
export interface ArmRead {
  /** The npm package whose operation makes this request. */
  sdk:
    | "@azure/arm-containerservice"
    | "@azure/arm-network"
    | "@azure/arm-compute"
    | "@azure/arm-monitor"
    | "@azure/arm-resourcegraph";
  /** The operation in that package, `group.operation`. */
  operation: string;
  /** Absent: GET. Resource Graph's query is the one POST, and it only reads. */
  method?: "POST";
  /** The path template of the request, as the SDK writes it. */
  path: string;
  apiVersion: string;
}

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers";

export const ARM_READS = {
  managedCluster: {
    sdk: "@azure/arm-containerservice",
    operation: "managedClusters.get",
    path: `${RG}/Microsoft.ContainerService/managedClusters/{resourceName}`,
    apiVersion: "2026-06-01",
  },
  agentPools: {
    sdk: "@azure/arm-containerservice",
    operation: "agentPools.list",
    path: `${RG}/Microsoft.ContainerService/managedClusters/{resourceName}/agentPools`,
    apiVersion: "2026-06-01",
  },
  virtualNetwork: {
    sdk: "@azure/arm-network",
    operation: "virtualNetworks.get",
    path: `${RG}/Microsoft.Network/virtualNetworks/{virtualNetworkName}`,
    apiVersion: "2026-01-01",
  },
  virtualNetworks: {
    sdk: "@azure/arm-network",
    operation: "virtualNetworks.list",
    path: `${RG}/Microsoft.Network/virtualNetworks`,
    apiVersion: "2026-01-01",
  },
  routeTable: {
    sdk: "@azure/arm-network",
    operation: "routeTables.get",
    path: `${RG}/Microsoft.Network/routeTables/{routeTableName}`,
    apiVersion: "2026-01-01",
  },
  networkInterfaces: {
    sdk: "@azure/arm-network",
    operation: "networkInterfaces.list",
    path: `${RG}/Microsoft.Network/networkInterfaces`,
    apiVersion: "2026-01-01",
  },
  scaleSetNetworkInterfaces: {
    sdk: "@azure/arm-network",
    operation: "networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces",
    path: `${RG}/Microsoft.Compute/virtualMachineScaleSets/{virtualMachineScaleSetName}/networkInterfaces`,
    apiVersion: "2018-10-01",
  },
  scaleSets: {
    sdk: "@azure/arm-compute",
    operation: "virtualMachineScaleSets.list",
    path: `${RG}/Microsoft.Compute/virtualMachineScaleSets`,
    apiVersion: "2026-04-01",
  },
  scaleSetInstances: {
    sdk: "@azure/arm-compute",
    operation: "virtualMachineScaleSetVMs.list",
    path: `${RG}/Microsoft.Compute/virtualMachineScaleSets/{virtualMachineScaleSetName}/virtualMachines`,
    apiVersion: "2026-04-01",
  },
  /**
   * The Activity Log, read only for the writes behind drift. @azure/arm-monitor
   * pins the version in the operation itself (its client takes no api-version),
   * so the reader cannot send another: this entry is what the test checks it against.
   */
  activityLog: {
    sdk: "@azure/arm-monitor",
    operation: "activityLogs.list",
    path: "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values",
    apiVersion: "2015-04-01",
  },
  /**
   * Resource Graph's query (fleet discovery and `data-source: resource-graph`):
   * @azure/arm-resourcegraph 5 pins the version in its `resources` operation
   * (Azure/azure-rest-api-specs resourcegraph stable/2024-04-01) and its client takes no other.
   */
  resourceGraph: {
    sdk: "@azure/arm-resourcegraph",
    operation: "resources",
    method: "POST",
    path: "/providers/Microsoft.ResourceGraph/resources",
    apiVersion: "2024-04-01",
  },
} as const satisfies Record<string, ArmRead>;

export type ArmReadName = keyof typeof ARM_READS;

/** The api-version of each read; a test may point one at another version. */
export type ApiVersions = Record<ArmReadName, string>;

export const API_VERSIONS: ApiVersions = Object.fromEntries(
  Object.entries(ARM_READS).map(([name, read]) => [name, read.apiVersion]),
) as ApiVersions;
