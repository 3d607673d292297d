import { get as getManagedCluster } from "@azure/arm-containerservice/api/managedClusters";
import { createContainerService } from "@azure/arm-containerservice/api";
import { NetworkManagementClient } from "@azure/arm-network";
import { RestError } from "@azure/core-rest-pipeline";
import {
  authorizationFailedFault,
  entraAccessToken,
  startArmSandbox,
  throttledFault,
  type ArmSandbox,
} from "../../sandbox/arm.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { rawRequest, SUBSCRIPTION, twoClusters, type TwoClusters } from "./fixtures.js";

/** A token for ARM's audience, as the Entra stand-in issues it: real ARM refuses a bearer that is no JWT. */
const ARM_BEARER = `Bearer ${entraAccessToken("https://management.azure.com/")}`;

const NO_RETRY = { retryOptions: { maxRetries: 0 } };

describe("ARM sandbox errors, auth and faults", () => {
  let sandbox: ArmSandbox;
  let untrust: () => void;
  let clusters: TwoClusters;
  const credential = staticTokenCredential();

  beforeAll(async () => {
    clusters = twoClusters();
    sandbox = await startArmSandbox(clusters.world);
    untrust = trustCertificateInProcess(sandbox.ca);
  });

  afterEach(() => sandbox.faults.clear());

  afterAll(async () => {
    untrust();
    await sandbox.close();
  });

  const network = (options = {}) =>
    new NetworkManagementClient(credential, SUBSCRIPTION, { endpoint: sandbox.url, ...options });
  const containerService = (options = {}) =>
    createContainerService(credential, SUBSCRIPTION, { endpoint: sandbox.url, ...options });
  const clusterPath = () => clusters.kubenet.clusterId;

  async function rejection(promise: Promise<unknown>): Promise<RestError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RestError);
    return error as RestError;
  }

  it("answers an unknown resource with ARM's ResourceNotFound 404", async () => {
    const error = await rejection(network().virtualNetworks.get("rg-aks", "no-such-vnet"));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("ResourceNotFound");
    expect(error.message).toContain(
      "The Resource 'Microsoft.Network/virtualNetworks/no-such-vnet' under resource group 'rg-aks' was not found",
    );
  });

  it("answers an unknown resource group with ResourceGroupNotFound, an empty one with an empty list", async () => {
    const missing = await rejection(network().routeTables.get("rg-nowhere", "rt"));
    expect(missing.code).toBe("ResourceGroupNotFound");
    const tables = [];
    for await (const table of network().routeTables.list("rg-aks")) tables.push(table);
    expect(tables).toEqual([]);
  });

  it("finds resources whatever the letter case of the ID", async () => {
    const path = clusterPath().toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/");
    const response = await rawRequest(sandbox, "GET", `${path}?api-version=2026-06-01`, { Authorization: ARM_BEARER });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).id).toBe(clusterPath());
  });

  it("refuses a request without a bearer token with 401 AuthenticationFailed", async () => {
    const response = await rawRequest(sandbox, "GET", `${clusterPath()}?api-version=2026-06-01`);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).error.code).toBe("AuthenticationFailed");
    expect(response.headers["www-authenticate"]).toContain("invalid_token");
  });

  it("refuses tokens it was not told to accept", async () => {
    const strict = await startArmSandbox(clusters.world, { tokens: ["good-token"] });
    try {
      const rejected = await rawRequest(strict, "GET", `${clusterPath()}?api-version=2026-06-01`, {
        Authorization: "Bearer bad",
      });
      const accepted = await rawRequest(strict, "GET", `${clusterPath()}?api-version=2026-06-01`, {
        Authorization: "Bearer good-token",
      });
      expect([rejected.status, accepted.status]).toEqual([401, 200]);
      expect(JSON.parse(rejected.body).error.code).toBe("InvalidAuthenticationToken");
    } finally {
      await strict.close();
    }
  });

  it("records and refuses every write with 405", async () => {
    const before = sandbox.countByMethod();
    const put = await rawRequest(sandbox, "PUT", `${clusterPath()}?api-version=2026-06-01`, {
      Authorization: ARM_BEARER,
    });
    const remove = await rawRequest(sandbox, "DELETE", `${clusterPath()}?api-version=2026-06-01`, {
      Authorization: ARM_BEARER,
    });
    expect([put.status, remove.status]).toEqual([405, 405]);
    const after = sandbox.countByMethod();
    expect([(after["PUT"] ?? 0) - (before["PUT"] ?? 0), (after["DELETE"] ?? 0) - (before["DELETE"] ?? 0)]).toEqual([
      1, 1,
    ]);
    expect(sandbox.world.get(clusterPath())).toBeDefined();
  });

  it("stamps every response with a request id and a falling read quota", async () => {
    sandbox.rateLimitRemaining = 42;
    const first = await rawRequest(sandbox, "GET", `${clusterPath()}?api-version=2026-06-01`, {
      Authorization: ARM_BEARER,
    });
    const second = await rawRequest(sandbox, "GET", `${clusterPath()}?api-version=2026-06-01`, {
      Authorization: ARM_BEARER,
    });
    expect(first.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("42");
    expect(second.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("41");
    expect(first.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers["x-ms-request-id"]).not.toBe(second.headers["x-ms-request-id"]);
  });

  it("throttles once with 429 Retry-After: 1, which the SDK waits out and retries by itself", async () => {
    const fault = sandbox.faults.add(throttledFault({ path: "/managedClusters/aks-kubenet", retryAfter: 1, times: 1 }));
    const started = Date.now();
    const cluster = await getManagedCluster(containerService(), "rg-aks", "aks-kubenet");
    expect(cluster.name).toBe("aks-kubenet");
    expect(fault.fired).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const statuses = sandbox.requests.filter((request) => request.path === clusterPath()).slice(-2);
    expect(statuses.map((request) => [request.status, request.fault])).toEqual([
      [429, "status 429"],
      [200, undefined],
    ]);
  });

  it("surfaces a 403 AuthorizationFailed as a RestError naming the missing action", async () => {
    const fault = authorizationFailedFault({
      path: "managedclusters/AKS-KUBENET",
      action: "Microsoft.ContainerService/managedClusters/read",
      scope: clusterPath(),
    });
    sandbox.faults.add(fault);
    const error = await rejection(getManagedCluster(containerService(NO_RETRY), "rg-aks", "aks-kubenet"));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe("AuthorizationFailed");
    expect(error.message).toContain(
      "does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read'",
    );
  });

  it.each([500, 502, 503, 504])("surfaces an HTTP %i when retries are off", async (status) => {
    const fault = sandbox.faults.add({ status, path: /virtualNetworks\/vnet-aks-cni$/i, method: "GET" });
    const error = await rejection(network(NO_RETRY).virtualNetworks.get("rg-aks-network", "vnet-aks-cni"));
    expect(error.statusCode).toBe(status);
    expect(fault.fired).toBe(1);
  });

  it("serves normally once a fault has fired its number of times", async () => {
    const fault = sandbox.faults.add({ status: 503, path: "vnet-aks-cni", times: 2 });
    const failures = await Promise.allSettled(
      [1, 2].map(() => network(NO_RETRY).virtualNetworks.get("rg-aks-network", "vnet-aks-cni")),
    );
    const vnet = await network(NO_RETRY).virtualNetworks.get("rg-aks-network", "vnet-aks-cni");
    expect(failures.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(vnet.subnets?.[0]?.routeTable?.id?.toLowerCase()).toBe(clusters.cni.routeTableId?.toLowerCase());
    expect(fault.fired).toBe(2);
  });

  it("drops the connection on a reset fault", async () => {
    sandbox.faults.add({ kind: "reset", path: "vnet-aks-cni", times: 1 });
    const error = await network(NO_RETRY)
      .virtualNetworks.get("rg-aks-network", "vnet-aks-cni")
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/socket hang up|ECONNRESET/i);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 0, fault: "reset" });
  });

  it("cuts a body in half on a truncated fault", async () => {
    sandbox.faults.add({ kind: "truncated", path: "vnet-aks-cni", times: 1 });
    const error = await network(NO_RETRY)
      .virtualNetworks.get("rg-aks-network", "vnet-aks-cni")
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 200, fault: "truncated" });
  });

  it("answers with a body that is not JSON on an invalid-json fault", async () => {
    sandbox.faults.add({ kind: "invalid-json", path: "vnet-aks-cni", times: 1 });
    const vnetPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks-network/providers/Microsoft.Network/virtualNetworks/vnet-aks-cni`;
    const response = await rawRequest(sandbox, "GET", `${vnetPath}?api-version=2026-01-01`, {
      Authorization: ARM_BEARER,
    });
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.body)).toThrow(SyntaxError);
    sandbox.faults.add({ kind: "invalid-json", path: "vnet-aks-cni", times: 1 });
    const error = await rejection(network(NO_RETRY).virtualNetworks.get("rg-aks-network", "vnet-aks-cni"));
    expect(error.code).toBe("PARSE_ERROR");
  });

  it("never answers on a hang fault, until the caller gives up", async () => {
    sandbox.faults.add({ kind: "hang", path: "vnet-aks-cni", times: 1 });
    const call = network(NO_RETRY).virtualNetworks.get("rg-aks-network", "vnet-aks-cni", {
      abortSignal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow(/abort/i);
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 0, fault: "hang" });
  });

  it("delays every response by latencyMs and counts peak concurrency", async () => {
    const slow = await startArmSandbox(clusters.world, { latencyMs: 100 });
    try {
      const started = Date.now();
      const gets = Array.from({ length: 5 }, () =>
        rawRequest(slow, "GET", `${clusterPath()}?api-version=2026-06-01`, { Authorization: ARM_BEARER }),
      );
      const statuses = (await Promise.all(gets)).map((response) => response.status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
      expect(slow.peakInFlight).toBe(5);
      expect(slow.inFlight).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
