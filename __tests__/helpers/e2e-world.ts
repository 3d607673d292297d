/**
 * What the end-to-end tests of the bundled action share: the demo's kubenet
 * cluster, the inputs that name it, and a fresh workspace with `.github/`.
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BuiltCluster, kubenetCluster } from "../../sandbox/world.js";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/** The inputs that name the demo cluster. */
export const TARGET = {
  subscription: SUBSCRIPTION,
  "resource-group": "rg-payments",
  "cluster-name": "aks-payments-prod",
};

/** 0.1 minutes: a 6-second budget. */
export const SIX_SECONDS = "0.1";

export function paymentsCluster(): BuiltCluster {
  return kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-payments", name: "aks-payments-prod" });
}

/** An empty workspace with a `.github/` folder, as a checkout has. */
export async function newWorkspace(prefix = "gate-e2e-"): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), prefix));
  await mkdir(path.join(folder, ".github"));
  return folder;
}
