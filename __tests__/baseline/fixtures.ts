/** Baseline texts and entries shared by the baseline tests. Line numbers matter: see FULL_LINES. */
import type { BaselineCluster } from "../../src/core/model.js";

export const FILE = ".github/aks-network-baseline.yml";

const SUB1 = "00000000-0000-0000-0000-000000000001";
const SUB2 = "00000000-0000-0000-0000-000000000002";
export const AKS1 = `/subscriptions/${SUB1}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1`;
export const AKS2 = `/subscriptions/${SUB2}/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/aks2`;
export const AKS3 = `/subscriptions/${SUB2}/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/aks3`;
export const NET = `/subscriptions/${SUB1}/resourceGroups/MC_rg1_aks1_westeurope/providers/Microsoft.Network`;
export const VNET = `${NET}/virtualNetworks/aks-vnet-123`;
export const SUBNET = `${VNET}/subnets/aks-subnet`;
export const ROUTE_TABLE = `${NET}/routeTables/aks-agentpool-123-routetable`;
export const NSG = `${NET}/networkSecurityGroups/aks-agentpool-123-nsg`;

/** Path prefix of the first cluster in problem messages. */
export const P1 = `clusters[${JSON.stringify(AKS1)}]`;
export const P2 = `clusters[${JSON.stringify(AKS2)}]`;

/** A full, valid baseline; entry i is line i + 1. */
export const FULL_LINES: readonly string[] = [
  /*  1 */ "# yaml-language-server: $schema=https://example.test/schema.json",
  /*  2 */ "version: 1",
  /*  3 */ "clusters:",
  /*  4 */ `  ${AKS1}:`,
  /*  5 */ '    owner: "@contoso/platform" # hand-written',
  /*  6 */ "    networkProfile:",
  /*  7 */ "      networkPlugin: kubenet",
  /*  8 */ "      networkPluginMode: null",
  /*  9 */ "      networkPolicy: null",
  /* 10 */ "      networkDataplane: null",
  /* 11 */ "      podCidrs: [10.244.0.0/16]",
  /* 12 */ "      serviceCidrs: [10.0.0.0/16]",
  /* 13 */ "      dnsServiceIP: 10.0.0.10",
  /* 14 */ "      outboundType: loadBalancer",
  /* 15 */ "      loadBalancerSku: standard",
  /* 16 */ "      ipFamilies: [IPv4]",
  /* 17 */ "    nodePools:",
  /* 18 */ "      - name: nodepool1",
  /* 19 */ "        mode: System",
  /* 20 */ "        count: 3",
  /* 21 */ "        enableAutoScaling: true",
  /* 22 */ "        minCount: 1",
  /* 23 */ "        maxCount: 5",
  /* 24 */ "        maxPods: 110",
  /* 25 */ "        vnetSubnetID: null",
  /* 26 */ "        podSubnetID: null",
  /* 27 */ "    virtualNetworks:",
  /* 28 */ `      - id: ${VNET}`,
  /* 29 */ "        addressSpace: [10.224.0.0/12]",
  /* 30 */ "    subnets:",
  /* 31 */ `      - id: ${SUBNET}`,
  /* 32 */ "        addressPrefixes: [10.224.0.0/16]",
  /* 33 */ `        routeTableId: ${ROUTE_TABLE}`,
  /* 34 */ `        networkSecurityGroupId: ${NSG}`,
  /* 35 */ "    routeTables:",
  /* 36 */ `      - id: ${ROUTE_TABLE}`,
  /* 37 */ "        disableBgpRoutePropagation: false",
  /* 38 */ "        managedRoutes: perNode",
  /* 39 */ "        routes:",
  /* 40 */ "          - name: to-firewall",
  /* 41 */ "            addressPrefix: 0.0.0.0/0",
  /* 42 */ "            nextHopType: VirtualAppliance",
  /* 43 */ "            nextHopIpAddress: 10.0.1.4",
  /* 44 */ "    suppress:",
  /* 45 */ "      - rule: kubenet.retirement",
  /* 46 */ "        reason: migration planned in Q3, CHG-1234",
  /* 47 */ `  ${AKS2}:`,
  /* 48 */ "    networkProfile:",
  /* 49 */ "      networkPlugin: azure",
  /* 50 */ "      networkPluginMode: overlay",
  /* 51 */ "      podCidrs: [192.168.0.0/16, fd00:10::/64]",
  /* 52 */ "      ipFamilies: [IPv4, IPv6]",
];

export const FULL = `${FULL_LINES.join("\n")}\n`;

/** FULL with some 1-based lines replaced (a replacement may hold several lines; null removes the line). */
export function withLines(replacements: Readonly<Record<number, string | null>>): string {
  const lines = FULL_LINES.flatMap((line, index) => {
    const replacement = replacements[index + 1];
    if (replacement === undefined) return [line];
    return replacement === null ? [] : [replacement];
  });
  return `${lines.join("\n")}\n`;
}

/** The model of FULL's first cluster. */
export const AKS1_ENTRY: BaselineCluster = {
  id: AKS1,
  owner: "@contoso/platform",
  networkProfile: {
    networkPlugin: "kubenet",
    networkPluginMode: null,
    networkPolicy: null,
    networkDataplane: null,
    podCidrs: ["10.244.0.0/16"],
    serviceCidrs: ["10.0.0.0/16"],
    dnsServiceIP: "10.0.0.10",
    outboundType: "loadBalancer",
    loadBalancerSku: "standard",
    ipFamilies: ["IPv4"],
  },
  nodePools: [
    {
      name: "nodepool1",
      mode: "System",
      count: 3,
      enableAutoScaling: true,
      minCount: 1,
      maxCount: 5,
      maxPods: 110,
      vnetSubnetID: null,
      podSubnetID: null,
    },
  ],
  virtualNetworks: [{ id: VNET, addressSpace: ["10.224.0.0/12"] }],
  subnets: [{ id: SUBNET, addressPrefixes: ["10.224.0.0/16"], routeTableId: ROUTE_TABLE, networkSecurityGroupId: NSG }],
  routeTables: [
    {
      id: ROUTE_TABLE,
      disableBgpRoutePropagation: false,
      managedRoutes: "perNode",
      routes: [
        {
          name: "to-firewall",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.0.1.4",
        },
      ],
    },
  ],
  suppressions: [{ rule: "kubenet.retirement", reason: "migration planned in Q3, CHG-1234" }],
};

export const AKS2_ENTRY: BaselineCluster = {
  id: AKS2,
  networkProfile: {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    podCidrs: ["192.168.0.0/16", "fd00:10::/64"],
    ipFamilies: ["IPv4", "IPv6"],
  },
  suppressions: [],
};

/** What a capture of aks1 could return: no hand-written fields, changed network. */
export function capturedAks1(): BaselineCluster {
  return {
    id: AKS1,
    networkProfile: { ...AKS1_ENTRY.networkProfile, podCidrs: ["10.245.0.0/16"], networkPolicy: "calico" },
    nodePools: [
      { ...AKS1_ENTRY.nodePools![0]!, count: 4 },
      {
        name: "user1",
        mode: "User",
        count: 2,
        enableAutoScaling: false,
        minCount: null,
        maxCount: null,
        maxPods: 30,
        vnetSubnetID: SUBNET,
        podSubnetID: null,
      },
    ],
    virtualNetworks: AKS1_ENTRY.virtualNetworks!,
    subnets: AKS1_ENTRY.subnets!,
    routeTables: [
      {
        id: ROUTE_TABLE,
        disableBgpRoutePropagation: false,
        managedRoutes: "perNode",
        routes: [
          {
            name: "to-firewall",
            addressPrefix: "0.0.0.0/0",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.0.1.5",
          },
          { name: "", addressPrefix: "AzureCloud", nextHopType: "Internet", nextHopIpAddress: null },
        ],
      },
    ],
    suppressions: [],
  };
}
