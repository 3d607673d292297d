/** The pure lifecycle: markers, what changed, the plan for one cluster, and the cap. */
import {
  applyCap,
  findingChanges,
  type IssuePlan,
  type IssueTarget,
  planIssueAction,
  REOPEN_WINDOW_MS,
  sortIssues,
  type TrackedIssue,
} from "../../src/core/issues/plan.js";
import {
  driftState,
  errorState,
  fingerprint,
  type FindingKey,
  type IssueState,
  MAX_MARKED_FINDINGS,
  parseMarker,
  renderMarker,
  stableErrorText,
  withMarker,
} from "../../src/core/issues/marker.js";
import type { Finding } from "../../src/core/model.js";

const GATE = { author: "github-actions[bot]", label: "AKS-Network-Drift" };
const CLUSTER = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-a";
const NOW = new Date("2026-11-23T12:00:00Z");

function finding(path: string, actual: string, rule = "drift.networkProfile"): Finding {
  return {
    rule,
    severity: "error",
    clusterId: CLUSTER,
    resourceId: CLUSTER,
    path,
    expected: "x",
    actual,
    message: "m",
  };
}

const stateA = driftState(CLUSTER, [finding("networkProfile.podCidrs", "10.245.0.0/16")]);
const stateB = driftState(CLUSTER, [finding("networkProfile.outboundType", "userDefinedRouting")]);

let numbers = 0;
function issue(state: IssueState, extra: Partial<TrackedIssue> = {}): TrackedIssue {
  numbers += 1;
  return {
    number: numbers,
    title: "t",
    body: renderMarker(state),
    url: `https://github.com/o/r/issues/${numbers}`,
    open: true,
    stateReason: null,
    closedAt: null,
    labels: ["aks-network-drift"],
    author: "github-actions[bot]",
    state,
    ...extra,
  };
}

function closed(state: IssueState, ago: number, reason = "completed"): TrackedIssue {
  return issue(state, { open: false, stateReason: reason, closedAt: new Date(NOW.getTime() - ago).toISOString() });
}

const failing = (state: IssueState): IssueTarget => ({
  fingerprint: state.fingerprint,
  kind: state.kind,
  failing: state,
});
const passing: IssueTarget = { fingerprint: fingerprint(CLUSTER), kind: "drift", failing: null };

describe("the marker", () => {
  it("round-trips through the first line of a body", () => {
    const body = `${renderMarker(stateA)}\n## text`;
    expect(parseMarker(body)).toEqual(stateA);
    expect(parseMarker(withMarker(body, { ...stateA, duplicateOf: 7 }))).toEqual({ ...stateA, duplicateOf: 7 });
    expect(withMarker(body, stateB).endsWith("\n## text")).toBe(true);
  });

  it("keeps values from Azure from ending the comment", () => {
    const state = driftState(CLUSTER, [finding("networkProfile.podCidrs", "--> <script>@everyone")]);
    const marker = renderMarker(state);
    expect(marker.indexOf("-->")).toBe(marker.length - 3);
    expect(marker).not.toContain("@everyone");
  });

  it("ignores bodies without a marker, with a broken one, or not on the first line", () => {
    expect(parseMarker("just an issue")).toBeUndefined();
    expect(parseMarker(renderMarker(stateA).replace(/state=[^ ]+/, "state=bm90IGpzb24"))).toBeUndefined();
    expect(parseMarker(`text\n${renderMarker(stateA)}`)).toBeUndefined();
    expect(parseMarker(null)).toBeUndefined();
  });

  it("fingerprints the cluster ID as ARM compares it: case-insensitively", () => {
    expect(fingerprint(CLUSTER.toUpperCase())).toBe(fingerprint(CLUSTER));
    expect(fingerprint(CLUSTER.replace("aks-a", "aks-b"))).not.toBe(fingerprint(CLUSTER));
  });

  it("gives equal digests for the same findings in any order, and other digests for other values", () => {
    const one = finding("networkProfile.podCidrs", "a");
    const two = finding("networkProfile.outboundType", "b");
    expect(driftState(CLUSTER, [one, two]).digest).toBe(driftState(CLUSTER, [two, one]).digest);
    expect(driftState(CLUSTER, [one]).digest).not.toBe(driftState(CLUSTER, [{ ...one, actual: "c" }]).digest);
    expect(driftState(CLUSTER, [one]).digest).not.toBe(driftState(CLUSTER, [{ ...one, severity: "warning" }]).digest);
  });

  it("remembers a bounded number of findings, but its digest covers them all", () => {
    const many = Array.from({ length: MAX_MARKED_FINDINGS + 5 }, (_, index) => finding(`p${index}`, "v"));
    const state = driftState(CLUSTER, many);
    expect(state.items).toHaveLength(MAX_MARKED_FINDINGS);
    expect(state.digest).not.toBe(driftState(CLUSTER, many.slice(0, MAX_MARKED_FINDINGS)).digest);
  });

  it("treats an error that differs only in request IDs and times as the same error", () => {
    const a = "AuthorizationFailed (request 0f0e0d0c-1111-2222-3333-444455556666 at 2026-11-23T10:00:00.123Z)";
    const b = "AuthorizationFailed (request 99999999-1111-2222-3333-444455556666 at 2026-11-24T11:00:00Z)";
    expect(stableErrorText(a)).toBe("AuthorizationFailed (request <id> at <time>)");
    expect(errorState(CLUSTER, a).digest).toBe(errorState(CLUSTER, b).digest);
    expect(errorState(CLUSTER, a).digest).not.toBe(errorState(CLUSTER, "NotFound").digest);
  });

  it("tracks only gate issues, and not the duplicates a run closed", () => {
    const plain = { ...issue(stateA), body: "no marker" };
    const duplicate = { ...issue(stateA), body: renderMarker({ ...stateA, duplicateOf: 1 }) };
    const own = issue(stateA);
    const sorted = sortIssues([plain, duplicate, own], GATE);
    expect(sorted.tracked.map((item) => item.number)).toEqual([own.number]);
    expect(sorted.suspects).toEqual([]);
  });

  it("trusts only its own author and label: a marked issue by anyone else is a suspect, never tracked", () => {
    const own = issue(stateA, { author: "GitHub-Actions[bot]" });
    const forged = issue(stateA, { author: "mallory" });
    const forgedDuplicate = {
      ...issue(stateA, { author: "mallory" }),
      body: renderMarker({ ...stateA, duplicateOf: 1 }),
    };
    const brokenMarker = { ...issue(stateA, { author: "mallory" }), body: "<!-- aks-network-gate:v1 fp=zz -->" };
    const ghost = issue(stateA, { author: null });
    const unlabelled = issue(stateA, { labels: ["bug"] });
    const personsIssue = { ...issue(stateA, { author: "octocat" }), body: "The podCidr looks wrong to me." };
    const sorted = sortIssues([own, forged, forgedDuplicate, brokenMarker, ghost, unlabelled, personsIssue], GATE);
    expect(sorted.tracked.map((item) => item.number)).toEqual([own.number]);
    expect(sorted.suspects.map((item) => [item.number, item.author])).toEqual([
      [forged.number, "mallory"],
      [forgedDuplicate.number, "mallory"],
      [brokenMarker.number, "mallory"],
      [ghost.number, null],
    ]);
    const app = sortIssues([own, forged], { author: "contoso-gate[bot]", label: "aks-network-drift" });
    expect(app.tracked).toEqual([]);
    expect(app.suspects.map((item) => item.author)).toEqual(["GitHub-Actions[bot]", "mallory"]);
  });
});

describe("what changed", () => {
  const key = (rule: string, path: string, hash: string): FindingKey => ({ rule, path, hash });

  it("names new, gone and changed findings", () => {
    const before = [key("r", "a", "1"), key("r", "b", "1"), key("r", "c", "1")];
    const after = [key("r", "a", "1"), key("r", "b", "2"), key("r", "d", "1")];
    expect(findingChanges(before, after)).toEqual({
      added: [key("r", "d", "1")],
      removed: [key("r", "c", "1")],
      changed: [key("r", "b", "2")],
    });
  });

  it("counts repeated findings on one field (one per node) as a multiset", () => {
    const before = [key("routes.missing", "t", "n1"), key("routes.missing", "t", "n2")];
    const after = [
      key("routes.missing", "t", "n1"),
      key("routes.missing", "t", "n2"),
      key("routes.missing", "t", "n3"),
    ];
    expect(findingChanges(before, after)).toEqual({
      added: [key("routes.missing", "t", "n3")],
      removed: [],
      changed: [],
    });
    expect(findingChanges(after, after)).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe("planIssueAction", () => {
  const action = (plan: IssuePlan) => plan.action;

  it.each<[string, () => TrackedIssue[], IssueTarget, string]>([
    ["first drift: create", () => [], failing(stateA), "create"],
    ["same findings: unchanged", () => [issue(stateA)], failing(stateA), "unchanged"],
    ["other findings: update", () => [issue(stateA)], failing(stateB), "update"],
    ["passing with an open issue: close", () => [issue(stateA)], passing, "close"],
    ["passing without an issue: none", () => [closed(stateA, 1000)], passing, "none"],
    ["back within the window: reopen", () => [closed(stateA, REOPEN_WINDOW_MS - 1000)], failing(stateA), "reopen"],
    ["back after the window: create", () => [closed(stateA, REOPEN_WINDOW_MS + 1000)], failing(stateA), "create"],
    ["closed as not planned, same: muted", () => [closed(stateA, 1000, "not_planned")], failing(stateA), "muted"],
    ["closed as not planned, other: reopen", () => [closed(stateA, 1000, "not_planned")], failing(stateB), "reopen"],
    ["another cluster's issue: create", () => [issue(driftState(`${CLUSTER}x`, []))], failing(stateA), "create"],
    ["an error issue of the cluster: create", () => [issue(errorState(CLUSTER, "e"))], failing(stateA), "create"],
  ])("%s", (_, existing, target, expected) => {
    expect(action(planIssueAction(existing(), target, NOW))).toBe(expected);
  });

  it("links the latest closed issue when it opens a new one", () => {
    const old = closed(stateA, 30 * REOPEN_WINDOW_MS);
    const latest = closed(stateA, 2 * REOPEN_WINDOW_MS);
    expect(planIssueAction([old, latest], failing(stateB), NOW)).toMatchObject({ action: "create", previous: latest });
  });

  it("keeps the lowest-numbered open issue and closes the others as duplicates", () => {
    const first = issue(stateA);
    const second = issue(stateA);
    const plan = planIssueAction([second, first], failing(stateB), NOW);
    expect(plan).toMatchObject({ action: "update", issue: { number: first.number }, duplicates: [second] });
    expect(planIssueAction([second, first], passing, NOW)).toMatchObject({ action: "close", issues: [first, second] });
  });

  it("says what changed on update and reopen", () => {
    const plan = planIssueAction([issue(stateA)], failing(stateB), NOW);
    expect(plan).toMatchObject({ changes: { added: stateB.items, removed: stateA.items, changed: [] } });
  });
});

describe("applyCap", () => {
  const create: IssuePlan = { action: "create", previous: undefined, duplicates: [] };
  const close = (count: number): IssuePlan => ({
    action: "close",
    issues: Array.from({ length: count }, () => issue(stateA)),
    duplicates: [],
  });

  it("lets new issues through while fewer than max are open, in order", () => {
    expect(applyCap([create, create, create], 0, 2).map((plan) => plan.action)).toEqual(["create", "create", "capped"]);
    expect(applyCap([create, create], 9, 10).map((plan) => plan.action)).toEqual(["create", "capped"]);
    expect(applyCap([create], 12, 10).map((plan) => plan.action)).toEqual(["capped"]);
    expect(applyCap([create], 0, 0).map((plan) => plan.action)).toEqual(["capped"]);
  });

  it("counts the issues this run closes as gone", () => {
    expect(applyCap([create, close(1)], 10, 10).map((plan) => plan.action)).toEqual(["create", "close"]);
  });

  it("never holds back updates and closes", () => {
    const update: IssuePlan = {
      action: "update",
      issue: issue(stateA),
      changes: { added: [], removed: [], changed: [] },
      duplicates: [],
    };
    expect(applyCap([update, close(1)], 50, 1).map((plan) => plan.action)).toEqual(["update", "close"]);
  });
});
