/**
 * The real Azure SDK clients (through SdkArmReader) against the HTTPS ARM
 * sandbox, in process: what a capture reads, how deep its chain of reads is,
 * and how it fails.
 */
import { captureCluster, type ClusterRef } from "../../src/app/capture-cluster.js";
import { SdkArmReader } from "../../src/io/azure/sdk-reader.js";
import { armInProcess } from "../helpers/arm-in-process.js";
import { startArmSandbox } from "../../sandbox/arm.js";
import { azureCniCluster, type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const now = () => new Date("2026-11-23T10:00:00Z");

const arm = armInProcess();

function reader(): SdkArmReader {
  return arm.reader();
}

function refOf(name: string, resourceGroup = "rg1"): ClusterRef {
  return { subscriptionId: SUBSCRIPTION, resourceGroup, name };
}

function kubenet(name = "aks-kubenet", count = 3): BuiltCluster {
  return kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg1",
    name,
    pools: [{ name: "nodepool1", count }],
  });
}

describe("capture through the SDK", () => {
  it("reads a kubenet cluster on the AKS-made VNet: profile, pools, subnet, route table, nodes", async () => {
    const built = kubenet();
    arm.sandbox.world = new World(...built.resources);
    const snapshot = await captureCluster(reader(), refOf("aks-kubenet"), now);
    expect(snapshot.networkProfile).toMatchObject({
      networkPlugin: "kubenet",
      podCidrs: ["10.244.0.0/16"],
      loadBalancerSku: "standard",
    });
    expect(snapshot.subnets).toEqual([
      expect.objectContaining({ id: built.subnetId, addressPrefixes: ["10.224.0.0/16"] }),
    ]);
    expect(snapshot.subnets[0]?.routeTableId?.toLowerCase()).toBe(built.routeTableId?.toLowerCase());
    expect(snapshot.routeTables[0]?.routes).toHaveLength(3);
    expect(snapshot.nodes).toEqual(
      built.nodes.map((node) => ({ name: node.name, pool: "nodepool1", privateIps: node.privateIps })),
    );
    expect(snapshot.capturedAt).toBe("2026-11-23T10:00:00.000Z");
  });

  it("keeps no secret of the cluster resource: no SSH key, no service principal", async () => {
    const built = kubenet();
    arm.sandbox.world = new World(...built.resources);
    const snapshot = await captureCluster(reader(), refOf("aks-kubenet"), now);
    const clusterBody = JSON.stringify(arm.sandbox.world.require(built.clusterId));
    expect(clusterBody).toContain("keyData");
    const text = JSON.stringify(snapshot);
    expect(text).not.toMatch(/keyData|ssh|servicePrincipal|clientId|secret/i);
  });

  it("reads an Azure CNI cluster on a bring-your-own VNet with a custom route table", async () => {
    const built = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "aks-cni",
      firewall: { ip: "10.240.255.4" },
    });
    arm.sandbox.world = new World(...built.resources);
    const snapshot = await captureCluster(reader(), refOf("aks-cni"), now);
    expect(snapshot.networkProfile.networkPlugin).toBe("azure");
    expect(snapshot.nodePools[0]?.vnetSubnetID?.toLowerCase()).toBe(built.subnetId.toLowerCase());
    expect(snapshot.routeTables[0]?.routes).toEqual([
      expect.objectContaining({
        addressPrefix: "0.0.0.0/0",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.240.255.4",
      }),
    ]);
  });

  it("takes a classic Azure CNI node's own IP, not the pod IPs on its NIC", async () => {
    const built = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "aks-classic",
      podIpsPerNode: 30,
    });
    arm.sandbox.world = new World(...built.resources);
    const snapshot = await captureCluster(reader(), refOf("aks-classic"), now);
    expect(snapshot.nodes.map((node) => node.privateIps)).toEqual(built.nodes.map((node) => node.privateIps));
    expect(snapshot.nodes[0]?.privateIps).toHaveLength(1);
  });

  it("reads dual-stack overlay profiles with both families", async () => {
    const built = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "aks-overlay",
      overlay: true,
      dualStack: true,
    });
    arm.sandbox.world = new World(...built.resources);
    const snapshot = await captureCluster(reader(), refOf("aks-overlay"), now);
    expect(snapshot.networkProfile).toMatchObject({ networkPluginMode: "overlay", ipFamilies: ["IPv4", "IPv6"] });
    expect(snapshot.networkProfile.podCidrs).toHaveLength(2);
    expect(snapshot.nodes[0]?.privateIps).toHaveLength(2);
  });

  it("reads the nodes of an AvailabilitySet pool from the standalone VMs' NICs", async () => {
    const built = kubenet("aks-avset", 2);
    const world = new World(
      ...built.resources.filter(
        (body) => !/\/virtualMachineScaleSets\//i.test(body.id) && !/virtualMachineScaleSets\/[^/]+$/i.test(body.id),
      ),
    );
    for (const id of built.agentPoolIds) {
      world.patch(id, (body) => ((body.properties as Record<string, unknown>).type = "AvailabilitySet"));
    }
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${built.nodeResourceGroup}`;
    built.nodes.forEach((node, index) => {
      world.put({
        id: `${group}/providers/Microsoft.Network/networkInterfaces/aks-nodepool1-12345678-nic-${index}`,
        name: `aks-nodepool1-12345678-nic-${index}`,
        properties: {
          primary: true,
          virtualMachine: {
            id: `${group}/providers/Microsoft.Compute/virtualMachines/aks-nodepool1-12345678-${index}`,
          },
          ipConfigurations: [
            {
              id: `${group}/ipc${index}`,
              name: "ipconfig1",
              properties: { primary: true, privateIPAddress: node.privateIps[0] },
            },
          ],
        },
      });
    });
    arm.sandbox.world = world;
    const snapshot = await captureCluster(reader(), refOf("aks-avset"), now);
    expect(snapshot.nodes).toEqual([
      { name: "aks-nodepool1-12345678-0", pool: "nodepool1", privateIps: [built.nodes[0]!.privateIps[0]] },
      { name: "aks-nodepool1-12345678-1", pool: "nodepool1", privateIps: [built.nodes[1]!.privateIps[0]] },
    ]);
  });

  it("follows nextLink through every page of scale set instances and NICs", async () => {
    arm.sandbox.world = new World(...kubenet("aks-big", 7).resources);
    arm.sandbox.pageSize = 2;
    const snapshot = await captureCluster(reader(), refOf("aks-big"), now);
    expect(snapshot.nodes).toHaveLength(7);
    expect(
      arm.sandbox.requests.filter(
        (request) => request.query.$skipToken !== undefined || request.query.$skiptoken !== undefined,
      ).length,
    ).toBeGreaterThan(4);
  });

  it("reads each resource once per run, even when two clusters share it", async () => {
    const built = kubenet();
    arm.sandbox.world = new World(...built.resources);
    const shared = reader();
    await Promise.all([
      captureCluster(shared, refOf("aks-kubenet"), now),
      captureCluster(shared, refOf("aks-kubenet"), now),
    ]);
    const paths = arm.sandbox.requests.map((request) => request.path.toLowerCase());
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe("the bearer token stays on the ARM host", () => {
  it("refuses an SDK pager's nextLink to another host before anything is sent there", async () => {
    const built = kubenet();
    arm.sandbox.world = new World(...built.resources);
    const elsewhere = await startArmSandbox(new World(...built.resources));
    try {
      arm.sandbox.faults.add({
        path: /agentPools$/i,
        status: 200,
        body: { value: [], nextLink: `${elsewhere.url}${built.clusterId}/agentPools?api-version=2026-06-01&page=2` },
      });
      await expect(captureCluster(reader(), refOf("aks-kubenet"), now)).rejects.toThrow(/leads to another host/);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("capture failures say what to fix", () => {
  beforeEach(() => {
    arm.sandbox.world = new World(...kubenet().resources);
  });

  it.each<[string, () => void, RegExp]>([
    [
      "a cluster without networkProfile",
      () =>
        arm.sandbox.world.patch(
          kubenet().clusterId,
          (body) => delete (body.properties as Record<string, unknown>).networkProfile,
        ),
      /malformed response for .*managedClusters\/aks-kubenet: the managed cluster has no networkProfile/,
    ],
    [
      "a route table without routes",
      () =>
        arm.sandbox.world.patch(
          kubenet().routeTableId ?? "",
          (body) => delete (body.properties as Record<string, unknown>).routes,
        ),
      /malformed response for .*routeTables\/.*: the route table has no 'routes' list/,
    ],
    [
      "a cluster that does not exist",
      () => arm.sandbox.world.delete(kubenet().clusterId),
      /Azure has no resource .*aks-kubenet \(404 ResourceNotFound: The Resource .Microsoft.ContainerService\/managedClusters\/aks-kubenet. under resource group .rg1. was not found/,
    ],
    [
      "a compute list whose nextLink points to another host",
      () =>
        arm.sandbox.faults.add({
          path: /virtualMachineScaleSets$/i,
          status: 200,
          body: { value: [], nextLink: "https://127.0.0.2:1/elsewhere" },
        }),
      /nextLink points to another host \(https:\/\/127\.0\.0\.2:1\)/,
    ],
  ])("%s", async (_, breakIt, message) => {
    breakIt();
    await expect(captureCluster(reader(), refOf("aks-kubenet"), now)).rejects.toThrow(message);
  });
});
