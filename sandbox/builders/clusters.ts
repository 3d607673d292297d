/** The cluster builders and what they describe. */
export { kubenetCluster, kubenetRouteName, type KubenetClusterOptions } from "./kubenet.js";
export { azureCniCluster, type AzureCniClusterOptions } from "./azure-cni.js";
export type { BuiltCluster } from "./shared.js";
export type { BuiltNode } from "./nodes.js";
export type { RouteSpec } from "./network.js";
export type { ClusterOptions, PoolOptions } from "./plan.js";
