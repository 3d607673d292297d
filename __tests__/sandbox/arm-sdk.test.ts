import { createContainerService } from "@azure/arm-containerservice/api";
import { list as listAgentPools } from "@azure/arm-containerservice/api/agentPools";
import { get as getManagedCluster } from "@azure/arm-containerservice/api/managedClusters";
import { NetworkManagementClient } from "@azure/arm-network";
import { getClient } from "@azure-rest/core-client";
import { startArmSandbox, type ArmSandbox } from "../../sandbox/arm.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { SUBSCRIPTION, twoClusters, type TwoClusters } from "./fixtures.js";

describe("ARM sandbox with the real Azure SDK clients", () => {
  let sandbox: ArmSandbox;
  let untrust: () => void;
  let clusters: TwoClusters;
  const credential = staticTokenCredential();

  beforeAll(async () => {
    clusters = twoClusters();
    sandbox = await startArmSandbox(clusters.world, { pageSize: 2 });
    untrust = trustCertificateInProcess(sandbox.ca);
  });

  afterAll(async () => {
    untrust();
    await sandbox.close();
  });

  const network = () => new NetworkManagementClient(credential, SUBSCRIPTION, { endpoint: sandbox.url });
  const containerService = () => createContainerService(credential, SUBSCRIPTION, { endpoint: sandbox.url });

  it("serves the managed cluster, flattened by the SDK, with the example's secrets intact", async () => {
    const cluster = await getManagedCluster(containerService(), "rg-aks", "aks-kubenet");
    expect(cluster.id).toBe(clusters.kubenet.clusterId);
    expect(cluster.nodeResourceGroup).toBe("MC_rg-aks_aks-kubenet_eastus");
    expect(cluster.networkProfile?.networkPlugin).toBe("kubenet");
    expect(cluster.networkProfile?.podCidrs).toEqual(["10.244.0.0/16"]);
    expect(cluster.networkProfile?.loadBalancerSku).toBe("standard");
    expect(cluster.agentPoolProfiles?.map((pool) => pool.vnetSubnetID)).toEqual([undefined, undefined]);
    expect(cluster.linuxProfile?.ssh.publicKeys[0]?.keyData).toBe("keydata");
    expect(cluster.servicePrincipalProfile?.clientId).toBe("clientid");
  });

  it("lists agent pools across pages by following nextLink", async () => {
    sandbox.pageSize = 1;
    const pools = [];
    for await (const pool of listAgentPools(containerService(), "rg-aks", "aks-kubenet")) pools.push(pool);
    sandbox.pageSize = 2;
    expect(pools.map((pool) => [pool.name, pool.mode, pool.count, pool.enableAutoScaling, pool.maxCount])).toEqual([
      ["nodepool1", "System", 3, false, undefined],
      ["user1", "User", 2, true, 5],
    ]);
    const pages = sandbox.requests.filter((request) => request.path.endsWith("/agentPools"));
    expect(pages.map((request) => request.query["$skipToken"])).toEqual([undefined, "1"]);
  });

  it("serves the AKS-made VNet with its subnet, route table and NSG references", async () => {
    const vnetName = clusters.kubenet.virtualNetworkId.split("/").at(-1) ?? "";
    const vnet = await network().virtualNetworks.get("MC_rg-aks_aks-kubenet_eastus", vnetName);
    expect(vnet.addressSpace?.addressPrefixes).toEqual(["10.224.0.0/12"]);
    const [subnet] = vnet.subnets ?? [];
    expect(subnet?.addressPrefix).toBe("10.224.0.0/16");
    expect(subnet?.routeTable?.id?.toLowerCase()).toBe(clusters.kubenet.routeTableId?.toLowerCase());
    expect(subnet?.routeTable?.id).toContain("/resourcegroups/MC_");
    expect(subnet?.networkSecurityGroup?.id).toBe(clusters.kubenet.networkSecurityGroupId);
  });

  it("serves the kubenet route table with one route per node", async () => {
    const tableName = clusters.kubenet.routeTableId?.split("/").at(-1) ?? "";
    const table = await network().routeTables.get("mc_rg-aks_aks-kubenet_eastus", tableName);
    const routes = (table.routes ?? []).map((route) => [
      route.name,
      route.addressPrefix,
      route.nextHopType,
      route.nextHopIpAddress,
    ]);
    expect(routes).toHaveLength(5);
    expect(routes[0]).toEqual([clusters.kubenet.nodes[0]?.name, "10.244.0.0/24", "VirtualAppliance", "10.224.0.4"]);
    expect(routes[0]?.[0]).toMatch(/^aks-nodepool1-\d{8}-vmss000000$/);
    expect(routes[4]).toEqual([clusters.kubenet.nodes[4]?.name, "10.244.4.0/24", "VirtualAppliance", "10.224.0.8"]);
    expect(routes[4]?.[0]).toMatch(/^aks-user1-\d{8}-vmss000001$/);
    expect(table.subnets?.map((subnet) => subnet.id?.toLowerCase())).toEqual([clusters.kubenet.subnetId.toLowerCase()]);
  });

  it("lists every NIC of a scale set through the pager, two per page", async () => {
    const scaleSet = clusters.kubenet.scaleSetIds[0]?.split("/").at(-1) ?? "";
    const before = sandbox.requests.length;
    const nics = [];
    const pager = network().networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(
      "MC_rg-aks_aks-kubenet_eastus",
      scaleSet,
    );
    for await (const nic of pager) nics.push(nic);
    const ips = nics.map((nic) => nic.ipConfigurations?.[0]?.privateIPAddress);
    expect(ips).toEqual(["10.224.0.4", "10.224.0.5", "10.224.0.6"]);
    expect(nics.map((nic) => nic.virtualMachine?.id?.split("/").at(-1))).toEqual(["0", "1", "2"]);
    expect(sandbox.requests.length - before).toBe(2);
  });

  it("lists scale sets and their instances with computer names", async () => {
    const pages = await fetchJson(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-aks_aks-kubenet_eastus/providers/Microsoft.Compute/virtualMachineScaleSets`,
    );
    expect(pages.value.map((item) => (item.tags as Record<string, string>)["aks-managed-poolName"])).toEqual([
      "nodepool1",
      "user1",
    ]);
    const instances = await fetchJson(`${clusters.kubenet.scaleSetIds[1]}/virtualMachines`);
    const names = instances.value.map(
      (item) => (item.properties as { osProfile: { computerName: string } }).osProfile.computerName,
    );
    expect(names).toEqual(clusters.kubenet.nodes.filter((node) => node.pool === "user1").map((node) => node.name));
  });

  async function fetchJson(path: string): Promise<{ value: Record<string, unknown>[] }> {
    const client = getClient(sandbox.url, credential, {
      credentials: { scopes: ["https://management.azure.com/.default"] },
    });
    const response = await client.path(path).get({ queryParameters: { "api-version": "2026-04-01" } });
    expect(response.status).toBe("200");
    return response.body as { value: Record<string, unknown>[] };
  }
});
