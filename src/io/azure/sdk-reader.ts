import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { type Client, createRestError, getClient } from "@azure-rest/core-client";
import { createContainerService } from "@azure/arm-containerservice/api";
import { list as listAgentPools } from "@azure/arm-containerservice/api/agentPools";
import { get as getManagedCluster } from "@azure/arm-containerservice/api/managedClusters";
import { createNetworkManagement } from "@azure/arm-network/api";
import type { MonitorClient } from "@azure/arm-monitor";
import type { ActivityEvent } from "../../core/changes/events.js";
import type { Deadline } from "../../core/deadline.js";
import type { RouteTable } from "../../core/model.js";
import { API_VERSIONS, type ApiVersions } from "./api-versions.js";
import type { Cloud } from "./clouds.js";
import { toInstance, toNetworkInterface, toRouteTable, toScaleSet, toVirtualNetwork } from "./from-arm.js";
import { toAgentPool, toManagedCluster } from "./from-sdk.js";
import { toActivityEvent } from "./from-monitor.js";
import { checked, malformed } from "./failures.js";
import { idKey, parseResourceId, resourceGroupId } from "../../core/arm-ids.js";
import { ReadPacer } from "./pacing.js";
import { collectPages, PageGuard } from "./paging.js";
import type { ArmRecorder } from "./recorder.js";
import type {
  ActivityLogReader,
  ArmReader,
  ManagedClusterFacts,
  NetworkInterfaceFacts,
  NodePoolFacts,
  ScaleSetFacts,
  ScaleSetInstanceFacts,
  VirtualNetworkFacts,
} from "./reader.js";

type ContainerService = ReturnType<typeof createContainerService>;

/** A request that gets no answer in this time is abandoned, and retried like a failed one. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ReaderOptions {
  pacer?: ReadPacer;
  /** Aborts every read when the run's time budget runs out. */
  signal?: AbortSignal;
  /** The run's deadline: bounds every wait of a read (pacing, Retry-After) and aborts reads when spent. */
  deadline?: Deadline;
  requestTimeoutMs?: number;
  /** The SDK's retries of 5xx, 429 and dropped connections; the SDK's defaults when absent. */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** The api-version of each read; the SDK operations' own (API_VERSIONS) when absent. */
  apiVersions?: ApiVersions;
  /** `--record`: every response the gate uses, written to a folder (perCall: once per call, after retries). */
  recorder?: ArmRecorder;
}

/**
 * Every request of every client stays on the ARM host: a nextLink or a
 * redirect that points elsewhere is refused before the bearer token is sent.
 */
function armHostOnlyPolicy(armEndpoint: string): PipelinePolicy {
  const origin = new URL(armEndpoint).origin;
  return {
    name: "aksNetworkGateArmHostOnly",
    sendRequest: (request, next) => {
      const target = new URL(request.url).origin;
      if (target !== origin) {
        return Promise.reject(
          malformed(request.url.split("?")[0] ?? request.url, `it leads to another host (${target}), not ${origin}`),
        );
      }
      return next(request);
    },
  };
}

function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: "aksNetworkGateRequestTimeout",
    sendRequest: (request, next) => {
      request.timeout ||= timeoutMs;
      return next(request);
    },
  };
}

/**
 * The SDK's model deserializers throw a TypeError on a body of the wrong shape
 * (an object where the API defines an array, a null list entry) before the
 * gate's own field checks see it: that is a malformed response, named as one.
 * Only the SDK call is wrapped, so a TypeError of the gate's own code stays a defect.
 */
async function sdkShaped<T>(resourceId: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TypeError) {
      throw malformed(resourceId, `its body does not have the shape the API defines (${error.message})`);
    }
    throw error;
  }
}

function subscriptionOf(id: string): string {
  const parts = parseResourceId(id);
  if (!parts) throw malformed(id, `'${id}' is not an ARM resource ID`);
  return parts.subscriptionId;
}

/**
 * The reader the action uses. The managed cluster and its pools come through
 * the typed `@azure/arm-containerservice` operations; network and compute
 * reads go through the same ARM pipeline (the `@azure/arm-network` context:
 * credential, retries, Retry-After) as plain GETs, which keeps the 2 MB
 * full network client out of the bundle. Every client shares one credential
 * and one read pacer, and every read is made once per run: a VNet or route
 * table that two clusters share is fetched once.
 */
export class SdkArmReader implements ArmReader, ActivityLogReader {
  private readonly containerServices = new Map<string, ContainerService>();
  private readonly networks = new Map<string, Client>();
  private readonly monitors = new Map<string, Promise<MonitorClient>>();
  private compute: Client | undefined;
  private readonly reads = new Map<string, Promise<unknown>>();

  readonly pacer: ReadPacer;
  private readonly signal: AbortSignal | undefined;
  private readonly versions: ApiVersions;

  constructor(
    private readonly credential: TokenCredential,
    private readonly cloud: Cloud,
    private readonly options: ReaderOptions = {},
  ) {
    this.pacer = options.pacer ?? new ReadPacer(undefined, undefined, options.deadline);
    this.signal = options.signal ?? options.deadline?.signal;
    this.versions = options.apiVersions ?? API_VERSIONS;
  }

  async signIn(what: string): Promise<void> {
    await checked(what, () => this.credential.getToken(this.cloud.scope, { abortSignal: this.signal }), this.signal);
  }

  /**
   * Another client on this reader's pipeline (Resource Graph's, resource-graph.ts): the same credential,
   * cloud endpoint and token scope, ARM host only, request timeout, retries and abort signal; `pacing`
   * stands in for the ARM read pacer, and `--record` leaves its POSTs out (a recording holds GETs).
   */
  withPipeline<T>(
    make: (credential: TokenCredential, options: ReturnType<SdkArmReader["clientOptions"]>) => T,
    pacing: PipelinePolicy,
  ): { client: T; signal: AbortSignal | undefined } {
    return { client: make(this.credential, this.clientOptions(false, pacing)), signal: this.signal };
  }

  /** `recorded`: whether `--record` keeps the responses (the network reads; not the Activity Log's). */
  private clientOptions(recorded = true, pacing: PipelinePolicy = this.pacer.policy()) {
    const recorder = recorded ? this.options.recorder : undefined;
    return {
      endpoint: this.cloud.armEndpoint,
      credentials: { scopes: [this.cloud.scope] },
      ...(this.options.retry ? { retryOptions: this.options.retry } : {}),
      additionalPolicies: [
        { policy: armHostOnlyPolicy(this.cloud.armEndpoint), position: "perCall" as const },
        ...(recorder ? [{ policy: recorder.policy(), position: "perCall" as const }] : []),
        { policy: pacing, position: "perRetry" as const },
        {
          policy: requestTimeoutPolicy(this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
          position: "perRetry" as const,
        },
      ],
    };
  }

  /** The typed client of one subscription, sending the api-version of the given read. */
  private containerService(subscriptionId: string, apiVersion: string): ContainerService {
    const key = `${subscriptionId}|${apiVersion}`;
    let client = this.containerServices.get(key);
    if (!client) {
      client = createContainerService(this.credential, subscriptionId, { ...this.clientOptions(), apiVersion });
      this.containerServices.set(key, client);
    }
    return client;
  }

  private network(subscriptionId: string): Client {
    let client = this.networks.get(subscriptionId);
    if (!client) {
      client = createNetworkManagement(this.credential, subscriptionId, this.clientOptions());
      this.networks.set(subscriptionId, client);
    }
    return client;
  }

  /**
   * The monitor client of one subscription, loaded when first asked for: the
   * full @azure/arm-monitor client is large, and only a run that looks up the
   * writes behind drift needs it, so a passing run never loads its chunk.
   * `--record` leaves its responses out: Activity Log events name people
   * (their UPNs, names and addresses in the claims), and no finding depends
   * on them.
   */
  private monitor(subscriptionId: string): Promise<MonitorClient> {
    let client = this.monitors.get(subscriptionId);
    if (!client) {
      client = import("@azure/arm-monitor").then(
        ({ MonitorClient: Monitor }) => new Monitor(this.credential, subscriptionId, this.clientOptions(false)),
      );
      this.monitors.set(subscriptionId, client);
    }
    return client;
  }

  private computeClient(): Client {
    this.compute ??= getClient(this.cloud.armEndpoint, this.credential, this.clientOptions());
    return this.compute;
  }

  /** One read per key and run; a failed read is not cached. */
  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const cached = this.reads.get(idKey(key));
    if (cached) return cached as Promise<T>;
    const pending = checked(key, read, this.signal);
    this.reads.set(idKey(key), pending);
    pending.catch(() => this.reads.delete(idKey(key)));
    return pending;
  }

  getManagedCluster(subscriptionId: string, resourceGroup: string, name: string): Promise<ManagedClusterFacts> {
    const id = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    return this.once(id, async () =>
      toManagedCluster(
        id,
        await sdkShaped(
          id,
          getManagedCluster(this.containerService(subscriptionId, this.versions.managedCluster), resourceGroup, name, {
            abortSignal: this.signal,
          }),
        ),
      ),
    );
  }

  listAgentPools(clusterId: string): Promise<NodePoolFacts[]> {
    const parts = parseResourceId(clusterId);
    if (!parts) throw malformed(clusterId, `'${clusterId}' is not an ARM resource ID`);
    const client = this.containerService(parts.subscriptionId, this.versions.agentPools);
    return this.once(`${clusterId}/agentPools`, async () =>
      (
        await sdkShaped(
          `${clusterId}/agentPools`,
          collectPages(
            listAgentPools(client, parts.resourceGroup, parts.name, { abortSignal: this.signal }).byPage(),
            `${clusterId}/agentPools`,
          ),
        )
      ).map((pool) => toAgentPool(clusterId, pool)),
    );
  }

  getVirtualNetwork(id: string): Promise<VirtualNetworkFacts> {
    const client = this.network(subscriptionOf(id));
    return this.once(id, async () => toVirtualNetwork(id, await this.get(client, id, this.versions.virtualNetwork)));
  }

  listVirtualNetworks(subscriptionId: string, resourceGroup: string): Promise<VirtualNetworkFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/virtualNetworks`;
    const client = this.network(subscriptionId);
    return this.once(scope, async () =>
      (await this.list(client, scope, this.versions.virtualNetworks)).map((vnet) => toVirtualNetwork(scope, vnet)),
    );
  }

  getRouteTable(id: string): Promise<RouteTable> {
    const client = this.network(subscriptionOf(id));
    return this.once(id, async () => toRouteTable(id, await this.get(client, id, this.versions.routeTable)));
  }

  listScaleSets(subscriptionId: string, resourceGroup: string): Promise<ScaleSetFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Compute/virtualMachineScaleSets`;
    return this.once(scope, async () =>
      (await this.list(this.computeClient(), scope, this.versions.scaleSets)).map((item) => toScaleSet(scope, item)),
    );
  }

  listScaleSetInstances(scaleSetId: string): Promise<ScaleSetInstanceFacts[]> {
    const scope = `${scaleSetId}/virtualMachines`;
    return this.once(scope, async () =>
      (await this.list(this.computeClient(), scope, this.versions.scaleSetInstances)).map((item) =>
        toInstance(scope, item),
      ),
    );
  }

  listScaleSetNetworkInterfaces(scaleSetId: string): Promise<NetworkInterfaceFacts[]> {
    const scope = `${scaleSetId}/networkInterfaces`;
    const client = this.network(subscriptionOf(scaleSetId));
    return this.once(scope, async () =>
      (await this.list(client, scope, this.versions.scaleSetNetworkInterfaces)).map((nic) =>
        toNetworkInterface(scope, nic),
      ),
    );
  }

  listNetworkInterfaces(subscriptionId: string, resourceGroup: string): Promise<NetworkInterfaceFacts[]> {
    const scope = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/networkInterfaces`;
    const client = this.network(subscriptionId);
    return this.once(scope, async () =>
      (await this.list(client, scope, this.versions.networkInterfaces)).map((nic) => toNetworkInterface(scope, nic)),
    );
  }

  /**
   * `activityLogs.list` of @azure/arm-monitor (GET .../providers/Microsoft.Insights/eventtypes/management/values,
   * api-version 2015-04-01 as the operation pins it), every page under the page guard, through the
   * same pipeline as every read: the ARM host only, the pacer, retries and the run's deadline.
   */
  listActivityLog(
    subscriptionId: string,
    filter: string,
    select: string,
    signal?: AbortSignal,
  ): Promise<ActivityEvent[]> {
    const list = `/subscriptions/${subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values`;
    const signals = [signal, this.signal].filter((item): item is AbortSignal => item !== undefined);
    const abortSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    return (async () => {
      const client = await this.monitor(subscriptionId);
      const pages = client.activityLogs.list(filter, { select, abortSignal }).byPage();
      return (await sdkShaped(list, collectPages(pages, list))).flatMap(toActivityEvent);
    })();
  }

  private async get(client: Client, path: string, apiVersion: string): Promise<unknown> {
    const response = await client
      .pathUnchecked(path)
      .get({ queryParameters: { "api-version": apiVersion }, abortSignal: this.signal });
    if (!/^2\d\d$/.test(String(response.status))) throw createRestError(response);
    return response.body;
  }

  /** A list, every page, following nextLink only on the ARM host. */
  private async list(client: Client, path: string, apiVersion: string): Promise<unknown[]> {
    const items: unknown[] = [];
    const guard = new PageGuard(path);
    let page = (await this.get(client, path, apiVersion)) as { value?: unknown; nextLink?: unknown } | undefined;
    for (;;) {
      if (!page || !Array.isArray(page.value)) throw malformed(path, "the list response has no 'value' array");
      items.push(...page.value);
      const nextLink = typeof page.nextLink === "string" ? page.nextLink : undefined;
      guard.page(page.value.length, nextLink);
      if (nextLink === undefined || nextLink === "") return items;
      const next = new URL(nextLink);
      if (next.origin !== new URL(this.cloud.armEndpoint).origin) {
        throw malformed(path, `its nextLink points to another host (${next.origin})`);
      }
      const response = await client.pathUnchecked(nextLink).get({ abortSignal: this.signal });
      if (!/^2\d\d$/.test(String(response.status))) throw createRestError(response);
      page = response.body as typeof page;
    }
  }
}
