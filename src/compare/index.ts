import type { BaselineCluster, ClusterSnapshot, Finding } from "../model.js";
import { diffCluster } from "./diff.js";
import { applySuppressions } from "./findings.js";
import { checkManagedRoutes } from "./routes.js";

/** Every finding for one cluster: drift from the baseline and the route rules, suppressions applied. */
export function compareCluster(expected: BaselineCluster, live: ClusterSnapshot): Finding[] {
  return applySuppressions(
    [...diffCluster(expected, live), ...checkManagedRoutes(expected, live)],
    expected.suppressions,
  );
}
