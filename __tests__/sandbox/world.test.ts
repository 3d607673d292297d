import { blockInCidr, addressInCidr } from "../../sandbox/builders/addressing.js";
import { computerName } from "../../sandbox/builders/nodes.js";
import { azureCniCluster, kubenetCluster, kubenetRouteName } from "../../sandbox/builders/clusters.js";
import { World, type ArmResource } from "../../sandbox/world.js";
import { SUBSCRIPTION, twoClusters } from "./fixtures.js";

type Fields = Record<string, unknown>;

const props = (body: ArmResource | undefined): Fields => (body?.properties ?? {}) as Fields;

describe("World", () => {
  it("finds, lists and deletes resources whatever the letter case of their IDs", () => {
    const { world, kubenet } = twoClusters();
    const shouted = kubenet.clusterId.replace("resourceGroups", "RESOURCEGROUPS").replace("rg-aks", "RG-AKS");
    expect(world.get(shouted)?.id).toBe(kubenet.clusterId);
    expect(world.list(`${shouted}/AGENTPOOLS`).map((pool) => pool.name)).toEqual(["nodepool1", "user1"]);
    expect(world.delete(shouted)).toBe(true);
    expect(world.get(kubenet.clusterId)).toBeUndefined();
  });

  it("serves subnets and routes embedded in their parents as resources of their own", () => {
    const { world, kubenet } = twoClusters();
    const subnet = world.resolve(kubenet.subnetId.toLowerCase());
    expect(props(subnet)["addressPrefix"]).toBe("10.224.0.0/16");
    expect(world.list(`${kubenet.virtualNetworkId}/subnets`).map((item) => item.name)).toEqual(["aks-subnet"]);
    const firstRoute = kubenet.routes[0];
    const route = world.resolve(`${kubenet.routeTableId}/routes/${firstRoute?.name}`);
    expect(props(route)["addressPrefix"]).toBe(firstRoute?.addressPrefix);
  });

  it("lists the NICs of every instance under the scale set, as ARM models it", () => {
    const { world, kubenet } = twoClusters();
    const [scaleSet] = kubenet.scaleSetIds;
    const nics = world.list(`${scaleSet}/networkInterfaces`);
    expect(nics.map((nic) => nic.id)).toEqual(
      kubenet.nodes.filter((node) => node.scaleSetId === scaleSet).map((node) => node.networkInterfaceId),
    );
    expect(world.list(`${scaleSet}/virtualMachines/1/networkInterfaces`)).toHaveLength(1);
    expect(world.list(`${scaleSet}/virtualMachines`)).toHaveLength(3);
  });

  it("lists top-level resources per resource group and per subscription", () => {
    const { world } = twoClusters();
    const clusters = world.list(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.ContainerService/managedClusters`);
    expect(clusters.map((cluster) => cluster.name)).toEqual(["aks-kubenet", "aks-cni"]);
    expect(world.hasResourceGroup(`/subscriptions/${SUBSCRIPTION}/resourcegroups/RG-AKS-NETWORK`)).toBe(true);
    expect(world.hasResourceGroup(`/subscriptions/${SUBSCRIPTION}/resourceGroups/elsewhere`)).toBe(false);
  });

  it("changes a stored body in place through patch", () => {
    const { world, kubenet } = twoClusters();
    world.patch(kubenet.clusterId, (body) => {
      (props(body)["networkProfile"] as Fields)["podCidr"] = "10.245.0.0/16";
    });
    expect((props(world.get(kubenet.clusterId))["networkProfile"] as Fields)["podCidr"]).toBe("10.245.0.0/16");
    expect(() => world.patch("/subscriptions/x/resourceGroups/y/providers/A/b/c", () => undefined)).toThrow(
      /no resource/,
    );
  });
});

describe("kubenetCluster", () => {
  const built = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg1",
    name: "prod",
    location: "westeurope",
    suffix: "12345678",
    tags: { tier: "production" },
    pools: [
      { name: "system", count: 2, maxPods: 50 },
      { name: "apps", count: 37, autoscale: { min: 3, max: 40 }, maxSurge: "33%" },
    ],
  });
  const world = new World(...built.resources);

  it("keeps the example cluster's fields, secrets included, and sets the network profile", () => {
    const cluster = world.require(built.clusterId);
    expect(cluster["eTag"]).toBe("beywbwei");
    expect(cluster["tags"]).toEqual({ tier: "production" });
    expect(props(cluster)["linuxProfile"]).toEqual({
      adminUsername: "azureuser",
      ssh: { publicKeys: [{ keyData: "keydata" }] },
    });
    expect(props(cluster)["servicePrincipalProfile"]).toEqual({ clientId: "clientid" });
    expect(props(cluster)["nodeResourceGroup"]).toBe("MC_rg1_prod_westeurope");
    expect(props(cluster)["networkProfile"]).toMatchObject({
      networkPlugin: "kubenet",
      podCidr: "10.244.0.0/16",
      podCidrs: ["10.244.0.0/16"],
      serviceCidrs: ["10.0.0.0/16"],
      dnsServiceIP: "10.0.0.10",
      outboundType: "loadBalancer",
      loadBalancerSku: "standard",
      ipFamilies: ["IPv4"],
    });
    const profiles = props(cluster)["agentPoolProfiles"] as Fields[];
    expect(profiles.map((pool) => [pool["name"], pool["mode"], pool["vnetSubnetID"]])).toEqual([
      ["system", "System", undefined],
      ["apps", "User", undefined],
    ]);
  });

  it("builds agent pools with autoscaler bounds, max pods and surge", () => {
    const apps = props(world.require(`${built.clusterId}/agentPools/apps`));
    expect(apps).toMatchObject({
      count: 37,
      enableAutoScaling: true,
      minCount: 3,
      maxCount: 40,
      maxPods: 110,
      mode: "User",
    });
    expect(apps["upgradeSettings"]).toEqual({ maxSurge: "33%" });
    const system = props(world.require(`${built.clusterId}/agentPools/system`));
    expect(system).toMatchObject({ count: 2, enableAutoScaling: false, maxPods: 50, mode: "System" });
    expect(system).not.toHaveProperty("minCount");
  });

  it("writes one route per node: the node's /24 of the pod CIDR via the node IP", () => {
    const table = world.require(built.routeTableId ?? "");
    const routes = (props(table)["routes"] as ArmResource[]).map((route) => [
      route.name,
      props(route)["addressPrefix"],
      props(route)["nextHopType"],
      props(route)["nextHopIpAddress"],
    ]);
    expect(routes).toHaveLength(39);
    expect(routes[0]).toEqual(["aks-system-12345678-vmss000000", "10.244.0.0/24", "VirtualAppliance", "10.224.0.4"]);
    expect(routes[38]).toEqual(["aks-apps-12345678-vmss000010", "10.244.38.0/24", "VirtualAppliance", "10.224.0.42"]);
    expect(table.name).toBe("aks-agentpool-12345678-routetable");
  });

  it("puts the AKS-made VNet in the node resource group, references in mixed letter case", () => {
    const vnet = world.require(built.virtualNetworkId);
    expect(vnet.id).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg1_prod_westeurope/providers/Microsoft.Network/virtualNetworks/aks-vnet-12345678",
    );
    expect(props(vnet)["addressSpace"]).toEqual({ addressPrefixes: ["10.224.0.0/12"] });
    const [subnet] = props(vnet)["subnets"] as ArmResource[];
    const routeTableRef = (props(subnet)["routeTable"] as { id: string }).id;
    expect(routeTableRef).toContain("/resourcegroups/MC_rg1_prod_westeurope/");
    expect(routeTableRef).not.toBe(built.routeTableId);
    expect(routeTableRef.toLowerCase()).toBe(built.routeTableId?.toLowerCase());
    const tableSubnets = props(world.require(built.routeTableId ?? ""))["subnets"] as { id: string }[];
    expect(tableSubnets[0]?.id).toContain("/resourceGroups/mc_rg1_prod_westeurope/");
  });

  it("names instances with base-36 instance IDs and gives each NIC its node IP", () => {
    const node = built.nodes[12];
    expect(node?.name).toBe("aks-apps-12345678-vmss00000a");
    const instance = world.require(node?.virtualMachineId ?? "");
    expect(instance["instanceId"]).toBe("10");
    expect((props(instance)["osProfile"] as Fields)["computerName"]).toBe(node?.name);
    const nic = props(world.require(node?.networkInterfaceId ?? ""));
    const [ipConfiguration] = nic["ipConfigurations"] as ArmResource[];
    expect(props(ipConfiguration)["privateIPAddress"]).toBe("10.224.0.16");
    expect((props(ipConfiguration)["subnet"] as { id: string }).id.toLowerCase()).toBe(built.subnetId.toLowerCase());
    expect((nic["virtualMachine"] as { id: string }).id).toContain("/resourceGroups/MC_RG1_PROD_WESTEUROPE/");
    const scaleSet = world.require(node?.scaleSetId ?? "");
    expect(scaleSet["tags"]).toMatchObject({ "aks-managed-poolName": "apps", tier: "production" });
  });

  it("builds independent copies of the examples each time", () => {
    const again = kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "prod",
      location: "westeurope",
    });
    (props(again.resources[0])["networkProfile"] as Fields)["podCidr"] = "changed";
    expect((props(world.require(built.clusterId))["networkProfile"] as Fields)["podCidr"]).toBe("10.244.0.0/16");
  });

  it("adds an IPv6 route per node, both suffixed with the CIDR, on dual-stack", () => {
    const dual = kubenetCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "dual",
      suffix: "87654321",
      dualStack: true,
    });
    expect(dual.networkProfile.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(dual.routes.slice(2, 4)).toEqual([
      {
        name: "aks-nodepool1-87654321-vmss000001____102441024",
        addressPrefix: "10.244.1.0/24",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.224.0.5",
      },
      {
        name: "aks-nodepool1-87654321-vmss000001____fd123456789a0180",
        addressPrefix: "fd12:3456:789a:0:1::/80",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "fd8e:1a2b:3c4d::5",
      },
    ]);
    expect(kubenetRouteName("n", "10.244.0.0/24", false)).toBe("n");
  });
});

describe("azureCniCluster", () => {
  it("puts the pools on a bring-your-own subnet in another resource group, NSG on the NICs, no route table", () => {
    const built = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg1",
      name: "cni",
      podIpsPerNode: 2,
    });
    const world = new World(...built.resources);
    const subnetId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg1-network/providers/Microsoft.Network/virtualNetworks/vnet-cni/subnets/snet-aks-nodes`;
    expect(built.subnetId).toBe(subnetId);
    expect(built.routeTableId).toBeNull();
    expect(props(world.require(built.agentPoolIds[0] ?? ""))["vnetSubnetID"]).toBe(subnetId);
    expect(props(world.require(built.agentPoolIds[0] ?? ""))["maxPods"]).toBe(30);
    const profile = props(world.require(built.clusterId))["networkProfile"] as Fields;
    expect(profile).toMatchObject({ networkPlugin: "azure", serviceCidrs: ["10.0.0.0/16"] });
    expect(profile).not.toHaveProperty("podCidr");
    expect(profile).not.toHaveProperty("networkPluginMode");
    const subnet = props(world.resolve(subnetId));
    expect(subnet).not.toHaveProperty("routeTable");
    expect(subnet).not.toHaveProperty("networkSecurityGroup");
    const nic = props(world.require(built.nodes[1]?.networkInterfaceId ?? ""));
    const addresses = (nic["ipConfigurations"] as ArmResource[]).map((config) => [
      config.name,
      props(config)["privateIPAddress"],
      props(config)["primary"],
    ]);
    expect(addresses).toEqual([
      ["ipconfig1", "10.240.0.7", true],
      ["ipconfig2", "10.240.0.8", false],
      ["ipconfig3", "10.240.0.9", false],
    ]);
    expect(nic["networkSecurityGroup"]).toEqual({ id: built.networkSecurityGroupId });
    expect(built.nodes[1]?.privateIps).toEqual(["10.240.0.7"]);
  });

  it("builds Overlay dual-stack with a firewall route table on the node subnet", () => {
    const built = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg2",
      name: "ovl",
      overlay: true,
      dualStack: true,
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      vnet: {
        resourceGroup: "rg-hub",
        name: "spoke",
        subnetName: "nodes",
        subnetPrefix: "10.50.0.0/22",
        addressSpace: ["10.50.0.0/16", "fd00:db8:deca::/48"],
      },
      firewall: { ip: "10.0.1.4" },
      pools: [{ name: "np", count: 2 }],
    });
    const world = new World(...built.resources);
    const profile = props(world.require(built.clusterId))["networkProfile"] as Fields;
    expect(profile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      podCidrs: ["192.168.0.0/16", "fd12:3456:789a::/64"],
      serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
      ipFamilies: ["IPv4", "IPv6"],
      outboundType: "userDefinedRouting",
    });
    expect(profile).not.toHaveProperty("loadBalancerProfile");
    const table = world.require(built.routeTableId ?? "");
    const [route] = props(table)["routes"] as ArmResource[];
    expect(props(route)).toMatchObject({
      addressPrefix: "0.0.0.0/0",
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.0.1.4",
    });
    const subnet = props(world.resolve(built.subnetId));
    expect(subnet["addressPrefixes"]).toEqual(["10.50.0.0/22", "fd00:db8:deca:deed::/64"]);
    expect((subnet["routeTable"] as { id: string }).id.toLowerCase()).toBe(built.routeTableId?.toLowerCase());
    expect(built.nodes.map((node) => node.privateIps)).toEqual([
      ["10.50.0.4", "fd00:db8:deca:deed::4"],
      ["10.50.0.5", "fd00:db8:deca:deed::5"],
    ]);
    expect(props(world.require(built.agentPoolIds[0] ?? ""))["maxPods"]).toBe(250);
  });

  it("references a pod subnet for dynamic pod IP allocation", () => {
    const built = azureCniCluster({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg3",
      name: "dyn",
      podSubnet: { name: "pods", prefix: "10.240.64.0/18" },
    });
    const world = new World(...built.resources);
    expect(props(world.require(built.agentPoolIds[0] ?? ""))["podSubnetID"]).toBe(built.podSubnetId);
    expect(props(world.resolve(built.podSubnetId ?? ""))["addressPrefix"]).toBe("10.240.64.0/18");
  });
});

describe("addressing helpers", () => {
  it("computes node addresses, pod blocks and computer names", () => {
    expect(addressInCidr("10.224.0.0/16", 260)).toBe("10.224.1.4");
    expect(blockInCidr("10.244.0.0/16", 24, 255)).toBe("10.244.255.0/24");
    expect(blockInCidr("fd12:3456:789a::/64", 80, 0)).toBe("fd12:3456:789a::/80");
    expect(blockInCidr("fd12:3456:789a::/64", 80, 0x10001)).toBe("fd12:3456:789a:1:1::/80");
    expect(computerName("aks-np-1-vmss", 35)).toBe("aks-np-1-vmss00000z");
    expect(computerName("aks-np-1-vmss", 36)).toBe("aks-np-1-vmss000010");
  });
});
