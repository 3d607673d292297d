/**
 * The issue of a cluster that is gone and out of the baseline: the marker
 * names the cluster, and a fleet check closes the open issue only when the
 * cluster lies in its fleet and neither the run nor the baseline knows it.
 */
import { fleetRoster } from "../../src/app/fleet.js";
import type { ParsedBaseline } from "../../src/core/baseline/parse.js";
import type { FleetDiscovery } from "../../src/core/fleet/discovery.js";
import { parseScope } from "../../src/core/fleet/scope.js";
import {
  driftState,
  errorState,
  fingerprint,
  type IssueState,
  parseMarker,
  renderMarker,
} from "../../src/core/issues/marker.js";
import { type FleetRoster, retiredIssues, type TrackedIssue } from "../../src/core/issues/plan.js";
import type { ClusterResult } from "../../src/core/model.js";
import { renderErrorIssue } from "../../src/present/issue.js";
import { links } from "./fixtures.js";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const OTHER = "33333333-3333-4333-8333-333333333333";

function clusterId(subscription: string, group: string, name: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

const GONE = clusterId(A, "rg-legacy", "aks-legacy");

function discovered(id: string) {
  const [, subscriptionId = "", , resourceGroup = "", , , , name = ""] = id.split("/").slice(1);
  return { id, name, subscriptionId, resourceGroup, location: "westeurope", networkPlugin: "kubenet", tags: {} };
}
const KEPT = clusterId(A, "rg-payments", "aks-payments");
const ELSEWHERE = clusterId(OTHER, "rg-other", "aks-other");

/** A marker as the gate wrote it before it kept the cluster's ID. */
function oldMarker(state: IssueState): string {
  const payload = { d: state.digest, i: state.items.map((key) => [key.rule, key.path, key.hash]) };
  const encoded = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `<!-- aks-network-gate:v1 fp=${state.fingerprint} kind=${state.kind} state=${encoded} -->`;
}

/** An issue body as 1.0.0 wrote it: its marker without the cluster's ID, the ID in its text. */
function oldBody(id: string, state: IssueState = errorState(id, "AuthorizationFailed")): string {
  const { body } = renderErrorIssue({
    state,
    owner: { owner: undefined, skipped: [] },
    links,
    clusterId: id,
    message: "AuthorizationFailed",
  });
  return body.replace(renderMarker(state), oldMarker(state));
}

let numbers = 0;
function tracked(body: string, open = true): TrackedIssue {
  numbers += 1;
  const state = parseMarker(body);
  if (state === undefined) throw new Error("the test's marker does not parse");
  return {
    number: numbers,
    title: "t",
    body,
    url: `https://github.com/o/r/issues/${numbers}`,
    open,
    stateReason: open ? null : "completed",
    closedAt: open ? null : "2026-11-20T00:00:00Z",
    labels: ["aks-network-drift"],
    author: "github-actions[bot]",
    state,
  };
}

const issueOf = (id: string, open = true) => tracked(renderMarker(driftState(id, [])), open);

/** A fleet of subscription A whose run knows KEPT only. */
const roster: FleetRoster = {
  covers: (id) => id.toLowerCase().startsWith(`/subscriptions/${A}/`),
  knows: (id) => id.toLowerCase() === KEPT.toLowerCase(),
  excluded: () => undefined,
};

describe("the marker's cluster ID", () => {
  it("is kept in drift and error markers and read back", () => {
    expect(parseMarker(renderMarker(driftState(GONE, [])))?.clusterId).toBe(GONE);
    expect(parseMarker(renderMarker(errorState(GONE, "AuthorizationFailed")))?.clusterId).toBe(GONE);
  });

  it("is absent from an old marker, which still parses", () => {
    const state = parseMarker(oldMarker(driftState(GONE, [])));
    expect(state).toMatchObject({ fingerprint: fingerprint(GONE), kind: "drift" });
    expect(state?.clusterId).toBeUndefined();
  });

  it("is taken from the text of an old marker's body, where an ID there hashes to the fingerprint", () => {
    const body = oldBody(GONE);
    expect(body).not.toContain(Buffer.from(GONE).toString("base64url"));
    expect(parseMarker(body)?.clusterId).toBe(GONE);
    const namingOthers = `${oldMarker(driftState(GONE, []))}\nSee \`${KEPT}\` and ${GONE}x.`;
    expect(parseMarker(namingOthers)?.clusterId).toBeUndefined();
  });

  it("is dropped when it does not hash to the marker's fingerprint", () => {
    const forged = renderMarker({ ...driftState(KEPT, []), clusterId: GONE });
    const state = parseMarker(forged);
    expect(state?.fingerprint).toBe(fingerprint(KEPT));
    expect(state?.clusterId).toBeUndefined();
  });
});

describe("retiredIssues", () => {
  it("closes the open issue of a cluster in the fleet that the run and the baseline do not know", () => {
    const gone = issueOf(GONE);
    expect(retiredIssues([gone], roster, new Set()).map((issue) => issue.number)).toEqual([gone.number]);
    expect(retiredIssues([gone], roster, new Set())[0]?.state.clusterId).toBe(GONE);
  });

  it("leaves the issue of a cluster outside the fleet alone: another job's scope sharing the label", () => {
    expect(retiredIssues([issueOf(ELSEWHERE)], roster, new Set())).toEqual([]);
  });

  it("leaves an issue whose old marker and body do not name the cluster alone", () => {
    expect(retiredIssues([tracked(oldMarker(driftState(GONE, [])))], roster, new Set())).toEqual([]);
  });

  it("closes the issue of an old marker whose body names the cluster that is gone", () => {
    const old = tracked(oldBody(GONE));
    expect(retiredIssues([old], roster, new Set()).map((issue) => issue.state.clusterId)).toEqual([GONE]);
  });

  it("leaves the issue of a cluster still in the baseline or known to the run alone", () => {
    expect(retiredIssues([issueOf(KEPT), issueOf(KEPT.toUpperCase())], roster, new Set())).toEqual([]);
  });

  it("closes the open issue of a cluster of the fleet that the baseline now excludes, with the reason", () => {
    const excluding: FleetRoster = { ...roster, excluded: (id) => (id === KEPT ? "sandbox, not gated" : undefined) };
    const [retired] = retiredIssues([issueOf(KEPT)], excluding, new Set());
    expect(retired).toMatchObject({ state: { clusterId: KEPT }, excludedFor: "sandbox, not gated" });
    expect(retiredIssues([issueOf(KEPT)], roster, new Set())).toEqual([]);
  });

  it("leaves closed issues and those a plan of this run is about alone", () => {
    expect(retiredIssues([issueOf(GONE, false)], roster, new Set())).toEqual([]);
    expect(retiredIssues([issueOf(GONE)], roster, new Set([fingerprint(GONE)]))).toEqual([]);
  });
});

describe("fleetRoster", () => {
  const parsed: ParsedBaseline = {
    baseline: {
      version: 1,
      clusters: [{ id: KEPT, networkProfile: {}, suppressions: [] }],
      exclusions: [{ id: clusterId(B, "rg-dev", "aks-dev"), reason: "sandbox" }],
    },
    locate: () => undefined,
    locateExclusion: () => undefined,
    locateClusters: () => undefined,
  };
  const discovery: FleetDiscovery = {
    clusters: [],
    untagged: [],
    managementGroupSubscriptions: new Set([B]),
    queriedAt: "2026-11-23T12:00:00Z",
    queries: 1,
  };
  const unreadable: ClusterResult = { kind: "error", clusterId: clusterId(B, "rg-x", "aks-x"), message: "m" };

  it("covers the clusters inside a scope line, and knows the baseline's entries and exclusions and the results", () => {
    const fleet = { scopes: [parseScope(`/subscriptions/${A}`, "scope")], tags: [] };
    const made = fleetRoster(fleet, parsed, discovery, []);
    expect([GONE, KEPT, ELSEWHERE].map(made.covers)).toEqual([true, true, false]);
    expect(made.knows(KEPT.toUpperCase())).toBe(true);
    expect(made.knows(clusterId(B, "rg-dev", "aks-dev"))).toBe(true);
    expect(made.knows(GONE)).toBe(false);
    expect(fleetRoster(fleet, parsed, discovery, [unreadable]).knows(unreadable.clusterId)).toBe(true);
  });

  it("gives the reason of an exclusion for a cluster discovery lists in the fleet, and none for one it does not", () => {
    const fleet = { scopes: [parseScope(`/subscriptions/${B}`, "scope")], tags: [] };
    const excludedId = clusterId(B, "rg-dev", "aks-dev");
    const listing = { ...discovery, clusters: [discovered(excludedId)] };
    expect(fleetRoster(fleet, parsed, listing, []).excluded(excludedId.toUpperCase())).toBe("sandbox");
    expect(fleetRoster(fleet, parsed, discovery, []).excluded(excludedId)).toBeUndefined();
    expect(fleetRoster(fleet, parsed, listing, []).excluded(KEPT)).toBeUndefined();
  });

  it("covers, for a management group, only the subscriptions Resource Graph lists as readable", () => {
    const scopes = [parseScope("/providers/Microsoft.Management/managementGroups/platform", "scope")];
    const made = fleetRoster({ scopes, tags: [] }, parsed, discovery, []);
    expect(made.covers(clusterId(B, "rg-gone", "aks-gone"))).toBe(true);
    expect(made.covers(GONE)).toBe(false);
  });

  it("with scope-tags, covers no cluster it does not know, and knows the clusters in scope without the tags", () => {
    const scopes = [parseScope(`/subscriptions/${A}`, "scope")];
    const otherTeam = clusterId(A, "rg-b", "aks-team-b");
    const untagged = { ...discovery, untagged: [{ ...discovered(otherTeam), tags: { team: "b" } }] };
    const made = fleetRoster({ scopes, tags: [{ key: "team", value: "a" }] }, parsed, untagged, []);
    expect(made.knows(otherTeam)).toBe(true);
    expect(made.covers(GONE)).toBe(false);
    expect(retiredIssues([issueOf(otherTeam), issueOf(GONE)], made, new Set())).toEqual([]);
    const untaggedRun = fleetRoster({ scopes, tags: [] }, parsed, discovery, []);
    expect(retiredIssues([issueOf(GONE)], untaggedRun, new Set()).map((issue) => issue.state.clusterId)).toEqual([
      GONE,
    ]);
  });
});
