/** Shared setup for the sandbox tests: a kubenet and an Azure CNI cluster in one world. */
import https from "node:https";
import { azureCniCluster, kubenetCluster, World, type BuiltCluster } from "../../sandbox/world.js";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

export interface TwoClusters {
  world: World;
  kubenet: BuiltCluster;
  cni: BuiltCluster;
}

export function twoClusters(): TwoClusters {
  const kubenet = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-aks",
    name: "aks-kubenet",
    pools: [
      { name: "nodepool1", count: 3 },
      { name: "user1", count: 2, autoscale: { min: 1, max: 5 } },
    ],
  });
  const cni = azureCniCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-aks",
    name: "aks-cni",
    overlay: true,
    firewall: { ip: "10.250.0.4" },
  });
  return { world: new World(...kubenet.resources, ...cni.resources), kubenet, cni };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One plain HTTPS request to the sandbox, trusting its CA explicitly; `body` is sent as is. */
export function rawRequest(
  sandbox: { url: string; ca: string },
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${sandbox.url}${path}`, { method, headers, ca: sandbox.ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}
