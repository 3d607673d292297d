/**
 * Fail closed on types: a field of an ARM response whose type or format is
 * not what the API defines is a capture error naming the resource and the
 * field, never a null that switches a rule off. Through the real SDK clients
 * against the in-process HTTPS ARM sandbox, with one body garbled per test.
 */
import { captureCluster, type ClusterRef } from "../../src/app/capture-cluster.js";
import type { ArmResource } from "../../sandbox/world.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { armInProcess } from "../helpers/arm-in-process.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const REF: ClusterRef = { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-types" };
const now = () => new Date("2026-11-23T10:00:00Z");

const arm = armInProcess();
let built: BuiltCluster;

type Json = Record<string, unknown>;

function propertiesOf(body: ArmResource | Json): Json {
  return body.properties as Json;
}

function garble(id: string | null | undefined, change: (body: ArmResource) => void): void {
  arm.sandbox.world.patch(id ?? "", change);
}

function capture() {
  return captureCluster(arm.reader(), REF, now);
}

/** `.../agentPools/nodepool1`, as a regular expression. */
function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

beforeEach(() => {
  built = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg1",
    name: "aks-types",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
  });
  arm.sandbox.world = new World(...built.resources);
});

describe("a field of the wrong type or format is an error naming the resource and the field", () => {
  it.each<[string, () => void, () => string]>([
    [
      'maxCount sent as the string "450"',
      () => garble(built.agentPoolIds[0], (body) => (propertiesOf(body).maxCount = "450")),
      () =>
        `${escaped(built.agentPoolIds[0] ?? "")}: properties\\.maxCount is "450" \\(a string\\), where the API defines an integer`,
    ],
    [
      "a node pool count sent as a string",
      () => garble(built.agentPoolIds[0], (body) => (propertiesOf(body).count = "3")),
      () => `agentPools/nodepool1: properties\\.count is "3" \\(a string\\), where the API defines an integer`,
    ],
    [
      "a route's addressPrefix that does not parse",
      () =>
        garble(built.routeTableId, (body) => {
          const routes = propertiesOf(body).routes as Json[];
          propertiesOf(routes[1] ?? {}).addressPrefix = "10.244.1.0/33";
        }),
      () =>
        `${escaped(built.routeTableId ?? "")}: properties\\.routes\\[1\\]\\.properties\\.addressPrefix is "10\\.244\\.1\\.0/33" \\(a string\\), where the API defines a CIDR such as 0\\.0\\.0\\.0/0 or a service tag`,
    ],
    [
      "a subnet's addressPrefixes given as an object",
      () =>
        garble(built.virtualNetworkId, (body) => {
          const subnet = (propertiesOf(body).subnets as Json[])[0] ?? {};
          delete propertiesOf(subnet).addressPrefix;
          propertiesOf(subnet).addressPrefixes = { 0: "10.224.0.0/16" };
        }),
      () =>
        `${escaped(built.virtualNetworkId)}: properties\\.subnets\\[0\\]\\.properties\\.addressPrefixes is \\{"0":"10\\.224\\.0\\.0/16"\\} \\(an object\\), where the API defines an array`,
    ],
    [
      "a null entry in the routes list",
      () => garble(built.routeTableId, (body) => (propertiesOf(body).routes as unknown[]).splice(1, 0, null)),
      () => `routetable: properties\\.routes\\[1\\] is null, where the API defines an object`,
    ],
    [
      "a pod CIDR of the network profile that does not parse",
      () =>
        garble(built.clusterId, (body) => {
          const profile = propertiesOf(body).networkProfile as Json;
          profile.podCidrs = ["10.244.0.0/16", "10.245.0/16"];
        }),
      () =>
        `managedClusters/aks-types: properties\\.networkProfile\\.podCidrs\\[1\\] is "10\\.245\\.0/16" \\(a string\\), where the API defines a CIDR`,
    ],
    [
      'autoscaling sent as the string "true"',
      () => garble(built.agentPoolIds[0], (body) => (propertiesOf(body).enableAutoScaling = "true")),
      () => `properties\\.enableAutoScaling is "true" \\(a string\\), where the API defines a boolean`,
    ],
    [
      "a node's private IP that does not parse",
      () =>
        garble(built.nodes[0]?.networkInterfaceId, (body) => {
          const config = (propertiesOf(body).ipConfigurations as Json[])[0] ?? {};
          propertiesOf(config).privateIPAddress = "10.224.0.300";
        }),
      () =>
        `networkInterfaces/aks-nodepool1-\\d+-vmss: properties\\.ipConfigurations\\[0\\]\\.properties\\.privateIPAddress is "10\\.224\\.0\\.300" \\(a string\\), where the API defines an IP address`,
    ],
  ])("%s", async (_, breakIt, message) => {
    breakIt();
    await expect(capture()).rejects.toThrow(new RegExp(`malformed response for .*${message()}`));
  });
});

describe("what the API allows still reads", () => {
  it("keeps an absent maxCount as null, and a service tag as a route's addressPrefix", async () => {
    garble(built.agentPoolIds[0], (body) => {
      delete propertiesOf(body).maxCount;
      propertiesOf(body).minCount = null;
    });
    garble(built.routeTableId, (body) => {
      const routes = propertiesOf(body).routes as Json[];
      routes.push({ name: "to-azure", properties: { addressPrefix: "AzureCloud", nextHopType: "Internet" } });
    });
    const snapshot = await capture();
    expect(snapshot.nodePools[0]).toMatchObject({ count: 3, minCount: null, maxCount: null });
    expect(snapshot.routeTables[0]?.routes.map((route) => route.addressPrefix)).toContain("AzureCloud");
  });
});
