import type { TokenCredential } from "@azure/core-auth";
import { type Client, createRestError, getClient } from "@azure-rest/core-client";
import { createContainerService } from "@azure/arm-containerservice/api";
import { list as listAgentPools } from "@azure/arm-containerservice/api/agentPools";
import { get as getManagedCluster } from "@azure/arm-containerservice/api/managedClusters";
import { NetworkManagementClient } from "@azure/arm-network";
import type { Cloud } from "./clouds.js";
import { toAgentPool, toManagedCluster, toNetworkInterface, toRouteTable, toVirtualNetwork } from "./from-sdk.js";
import { idKey, parseResourceId, resourceGroupId } from "./ids.js";
import { checked, malformed } from "./failures.js";
import type {
  ArmReader,
  ManagedClusterFacts,
  NetworkInterfaceFacts,
  NodePoolFacts,
  ScaleSetFacts,
  ScaleSetInstanceFacts,
  VirtualNetworkFacts,
} from "./reader.js";
import type { RouteTable } from "../model.js";

const COMPUTE_API_VERSION = "2024-07-01";

type ContainerService = ReturnType<typeof createContainerService>;

interface ComputeList {
  value?: unknown[];
  nextLink?: string;
}

function partsOf(id: string): {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
} {
  const parts = parseResourceId(id);
  if (!parts) throw malformed(id, `'${id}' is not an ARM resource ID`);
  return parts;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/**
 * The reader the action uses: the Azure SDK clients, one set per
 * subscription, sharing one credential. Every read is made once per run:
 * a VNet or route table that two clusters share is fetched once.
 */
export class SdkArmReader implements ArmReader {
  private readonly containerServices = new Map<string, ContainerService>();
  private readonly networks = new Map<string, NetworkManagementClient>();
  private compute: Client | undefined;
  private readonly reads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly cloud: Cloud,
  ) {}

  private clientOptions() {
    return {
      endpoint: this.cloud.armEndpoint,
      credentials: { scopes: [this.cloud.scope] },
    };
  }

  private containerService(subscriptionId: string): ContainerService {
    let client = this.containerServices.get(subscriptionId);
    if (!client) {
      client = createContainerService(this.credential, subscriptionId, this.clientOptions());
      this.containerServices.set(subscriptionId, client);
    }
    return client;
  }

  private network(subscriptionId: string): NetworkManagementClient {
    let client = this.networks.get(subscriptionId);
    if (!client) {
      client = new NetworkManagementClient(this.credential, subscriptionId, this.clientOptions());
      this.networks.set(subscriptionId, client);
    }
    return client;
  }

  private computeClient(): Client {
    this.compute ??= getClient(this.cloud.armEndpoint, this.credential, {
      credentials: { scopes: [this.cloud.scope] },
    });
    return this.compute;
  }

  /** One read per key and run; a failed read is not cached. */
  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const cached = this.reads.get(key);
    if (cached) return cached as Promise<T>;
    const pending = read();
    this.reads.set(key, pending);
    pending.catch(() => this.reads.delete(key));
    return pending;
  }

  getManagedCluster(subscriptionId: string, resourceGroup: string, name: string): Promise<ManagedClusterFacts> {
    const id = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    return this.once(`cluster ${idKey(id)}`, () =>
      checked(id, async () =>
        toManagedCluster(id, await getManagedCluster(this.containerService(subscriptionId), resourceGroup, name)),
      ),
    );
  }

  listAgentPools(clusterId: string): Promise<NodePoolFacts[]> {
    const { subscriptionId, resourceGroup, name } = partsOf(clusterId);
    return this.once(`pools ${idKey(clusterId)}`, () =>
      checked(`${clusterId}/agentPools`, async () =>
        (await collect(listAgentPools(this.containerService(subscriptionId), resourceGroup, name))).map((pool) =>
          toAgentPool(clusterId, pool),
        ),
      ),
    );
  }

  getVirtualNetwork(id: string): Promise<VirtualNetworkFacts> {
    const { subscriptionId, resourceGroup, name } = partsOf(id);
    return this.once(`vnet ${idKey(id)}`, () =>
      checked(id, async () =>
        toVirtualNetwork(id, await this.network(subscriptionId).virtualNetworks.get(resourceGroup, name)),
      ),
    );
  }

  listVirtualNetworks(subscriptionId: string, resourceGroup: string): Promise<VirtualNetworkFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/virtualNetworks`;
    return this.once(`vnets ${idKey(scope)}`, () =>
      checked(scope, async () =>
        (await collect(this.network(subscriptionId).virtualNetworks.list(resourceGroup))).map((vnet) =>
          toVirtualNetwork(vnet.id ?? scope, vnet),
        ),
      ),
    );
  }

  getRouteTable(id: string): Promise<RouteTable> {
    const { subscriptionId, resourceGroup, name } = partsOf(id);
    return this.once(`routeTable ${idKey(id)}`, () =>
      checked(id, async () =>
        toRouteTable(id, await this.network(subscriptionId).routeTables.get(resourceGroup, name)),
      ),
    );
  }

  listScaleSets(subscriptionId: string, resourceGroup: string): Promise<ScaleSetFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Compute/virtualMachineScaleSets`;
    return this.once(`vmss ${idKey(scope)}`, () =>
      checked(scope, async () => (await this.listCompute(scope)).map((item) => toScaleSet(scope, item))),
    );
  }

  listScaleSetInstances(scaleSetId: string): Promise<ScaleSetInstanceFacts[]> {
    const scope = `${scaleSetId}/virtualMachines`;
    return this.once(`instances ${idKey(scope)}`, () =>
      checked(scope, async () => (await this.listCompute(scope)).map((item) => toInstance(scope, item))),
    );
  }

  listScaleSetNetworkInterfaces(scaleSetId: string): Promise<NetworkInterfaceFacts[]> {
    const { subscriptionId, resourceGroup, name } = partsOf(scaleSetId);
    const scope = `${scaleSetId}/networkInterfaces`;
    return this.once(`nics ${idKey(scope)}`, () =>
      checked(scope, async () =>
        (
          await collect(
            this.network(subscriptionId).networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(
              resourceGroup,
              name,
            ),
          )
        ).map((nic) => toNetworkInterface(nic)),
      ),
    );
  }

  /** A compute list, every page, following nextLink only on the ARM host. */
  private async listCompute(path: string): Promise<unknown[]> {
    const client = this.computeClient();
    const items: unknown[] = [];
    let response = await client.pathUnchecked(path).get({ queryParameters: { "api-version": COMPUTE_API_VERSION } });
    for (;;) {
      if (!/^2\d\d$/.test(String(response.status))) throw createRestError(response);
      const page = response.body as ComputeList | undefined;
      if (!page || !Array.isArray(page.value)) throw malformed(path, "the list response has no 'value' array");
      items.push(...page.value);
      if (!page.nextLink) return items;
      const next = new URL(page.nextLink);
      if (next.origin !== new URL(this.cloud.armEndpoint).origin) {
        throw malformed(path, `its nextLink points to another host (${next.origin})`);
      }
      response = await client.pathUnchecked(page.nextLink).get();
    }
  }
}

function record(scope: string, item: unknown): Record<string, unknown> {
  if (typeof item !== "object" || item === null) throw malformed(scope, "a list item is not an object");
  return item as Record<string, unknown>;
}

function toScaleSet(scope: string, item: unknown): ScaleSetFacts {
  const body = record(scope, item);
  if (typeof body.id !== "string" || typeof body.name !== "string")
    throw malformed(scope, "a scale set has no id or name");
  const tags = (body.tags ?? {}) as Record<string, unknown>;
  const pool = tags["aks-managed-poolName"];
  return {
    id: body.id,
    name: body.name,
    pool: typeof pool === "string" ? pool : null,
  };
}

function toInstance(scope: string, item: unknown): ScaleSetInstanceFacts {
  const body = record(scope, item);
  const properties = (body.properties ?? {}) as {
    osProfile?: { computerName?: unknown };
  };
  const computerName = properties.osProfile?.computerName;
  if (typeof body.id !== "string" || typeof computerName !== "string") {
    throw malformed(scope, "a scale set instance has no id or osProfile.computerName");
  }
  return { id: body.id, computerName };
}
