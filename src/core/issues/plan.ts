/**
 * The gate's issues as plain data: what GitHub holds (GitHubIssue, and the
 * IssueApi port the adapter implements), how the gate's own issues are told
 * from others, and the pure plan (open, update, leave, close, reopen or
 * replace) keyed by the marker's fingerprint. Carrying a plan out is issues.ts.
 */
import { type FindingKey, hasMarkerLine, type IssueKind, type IssueState, parseMarker } from "./marker.js";

export interface GitHubIssue {
  number: number;
  title: string;
  body: string;
  url: string;
  open: boolean;
  /** `completed`, `not_planned`, `duplicate`, `reopened` or null. */
  stateReason: string | null;
  closedAt: string | null;
  labels: string[];
  /** The login GitHub records as the issue's author (`user.login`); null for a deleted account. */
  author: string | null;
}

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
}

export interface IssuePatch {
  title?: string;
  body?: string;
  state?: "open" | "closed";
  stateReason?: "completed" | "not_planned" | "reopened";
}

/** The issue operations the gate needs, in one repository. */
export interface IssueApi {
  /** Issues (not pull requests) with the label; closed ones most recently updated first, a few pages at most. */
  listIssues(label: string, state: "open" | "closed"): Promise<GitHubIssue[]>;
  createIssue(issue: NewIssue): Promise<GitHubIssue>;
  updateIssue(number: number, patch: IssuePatch): Promise<GitHubIssue>;
  addComment(number: number, body: string): Promise<void>;
  addLabels(number: number, labels: string[]): Promise<void>;
  removeLabel(number: number, label: string): Promise<void>;
  /** The token's login from GraphQL's `viewer`: users, and app installations as `<slug>[bot]`. */
  viewerLogin(): Promise<string>;
  /** The token's login from `GET /user`: user tokens only; installation tokens get a 403. */
  authenticatedUser(): Promise<string>;
}

/** GitHub logins compare case-insensitively; a deleted account's issues (null) belong to nobody. */
export function sameLogin(author: string | null | undefined, login: string): boolean {
  return typeof author === "string" && author.toLowerCase() === login.toLowerCase();
}

/** A gate issue as listed: its marker decoded. */
export interface TrackedIssue extends GitHubIssue {
  state: IssueState;
}

/** The label a passing run puts on the issue it closes. */
export const RESOLVED_LABEL = "resolved";
/** A closed issue is reopened within this time; later, a new issue replaces it and links it. */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** An issue that looks like the gate's (its marker and label) but another account wrote. */
export interface SuspectIssue {
  number: number;
  url: string;
  open: boolean;
  author: string | null;
}

/** The listed issues sorted into the gate's own and the ones that only look like them. */
export interface SortedIssues {
  tracked: TrackedIssue[];
  suspects: SuspectIssue[];
}

/** Whose issues are the gate's: the login it writes with, and the label it finds them by. */
export interface Ownership {
  author: string;
  label: string;
}

/**
 * The gate's issues among listed ones: written by the gate's own login, with
 * its label and a marker that parses; duplicates a run closed are not
 * tracked. An issue by anyone else that carries the label and starts with
 * the marker line is a suspect: never adopted, closed or counted.
 */
export function sortIssues(issues: GitHubIssue[], owner: Ownership): SortedIssues {
  const sorted: SortedIssues = { tracked: [], suspects: [] };
  for (const issue of issues) {
    if (!issue.labels.some((label) => label.toLowerCase() === owner.label.toLowerCase())) continue;
    if (!sameLogin(issue.author, owner.author)) {
      if (hasMarkerLine(issue.body))
        sorted.suspects.push({ number: issue.number, url: issue.url, open: issue.open, author: issue.author });
      continue;
    }
    const state = parseMarker(issue.body);
    if (state && state.duplicateOf === undefined) sorted.tracked.push({ ...issue, state });
  }
  return sorted;
}

export interface FindingChanges {
  added: FindingKey[];
  removed: FindingKey[];
  /** Same rule and field, other values. */
  changed: FindingKey[];
}

const fullKey = (key: FindingKey) => `${key.rule}\u0000${key.path}\u0000${key.hash}`;
const placeKey = (key: FindingKey) => `${key.rule}\u0000${key.path}`;

function without(keys: FindingKey[], others: FindingKey[]): FindingKey[] {
  const counts = new Map<string, number>();
  for (const key of others) counts.set(fullKey(key), (counts.get(fullKey(key)) ?? 0) + 1);
  return keys.filter((key) => {
    const left = counts.get(fullKey(key)) ?? 0;
    if (left > 0) counts.set(fullKey(key), left - 1);
    return left === 0;
  });
}

/** What differs between the findings an issue was written for and the current ones. */
export function findingChanges(before: FindingKey[], after: FindingKey[]): FindingChanges {
  const added = without(after, before);
  const removed = without(before, after);
  const changed: FindingKey[] = [];
  for (const key of [...added]) {
    const sameField = added.filter((other) => placeKey(other) === placeKey(key));
    const gone = removed.filter((other) => placeKey(other) === placeKey(key));
    if (sameField.length !== 1 || gone.length !== 1) continue;
    changed.push(key);
    added.splice(added.indexOf(key), 1);
    removed.splice(removed.indexOf(gone[0] as FindingKey), 1);
  }
  return { added, removed, changed };
}

/** What the run found for one cluster and one kind of issue. */
export interface IssueTarget {
  fingerprint: string;
  kind: IssueKind;
  /** The state to publish when the cluster fails; null when it passes. */
  failing: IssueState | null;
}

export type IssueStep =
  | { action: "create"; previous: TrackedIssue | undefined }
  | { action: "reopen"; issue: TrackedIssue; changes: FindingChanges }
  | { action: "update"; issue: TrackedIssue; changes: FindingChanges }
  | { action: "unchanged"; issue: TrackedIssue }
  /** Closed by a person as not planned, for the same findings: left closed. */
  | { action: "muted"; issue: TrackedIssue }
  | { action: "close"; issues: TrackedIssue[] }
  /** A new issue was due, but `max-issues` open gate issues already exist. */
  | { action: "capped"; previous: TrackedIssue | undefined }
  | { action: "none" };

/** A step, and the extra open issues of the same cluster to close as duplicates of the kept one. */
export type IssuePlan = IssueStep & { duplicates: TrackedIssue[] };

function latestClosed(issues: TrackedIssue[]): TrackedIssue | undefined {
  return issues
    .filter((issue) => !issue.open)
    .sort((a, b) => Date.parse(b.closedAt ?? "") - Date.parse(a.closedAt ?? "") || b.number - a.number)[0];
}

function recurrence(previous: TrackedIssue | undefined, failing: IssueState, now: Date): IssueStep {
  if (!previous) return { action: "create", previous: undefined };
  if (previous.stateReason === "not_planned" && previous.state.digest === failing.digest) {
    return { action: "muted", issue: previous };
  }
  const closedAt = Date.parse(previous.closedAt ?? "");
  if (Number.isFinite(closedAt) && now.getTime() - closedAt < REOPEN_WINDOW_MS) {
    return { action: "reopen", issue: previous, changes: findingChanges(previous.state.items, failing.items) };
  }
  return { action: "create", previous };
}

/**
 * The step for one cluster and kind, from the gate's issues (any state) and
 * what this run found. The lowest-numbered open issue is the one kept; any
 * other open one is a duplicate (left by two runs at once).
 */
export function planIssueAction(existing: TrackedIssue[], target: IssueTarget, now: Date): IssuePlan {
  const mine = existing.filter(
    (issue) => issue.state.fingerprint === target.fingerprint && issue.state.kind === target.kind,
  );
  const open = mine.filter((issue) => issue.open).sort((a, b) => a.number - b.number);
  const [kept, ...duplicates] = open;
  if (target.failing === null) {
    return open.length > 0 ? { action: "close", issues: open, duplicates: [] } : { action: "none", duplicates: [] };
  }
  if (!kept) return { ...recurrence(latestClosed(mine), target.failing, now), duplicates: [] };
  if (kept.state.digest === target.failing.digest) return { action: "unchanged", issue: kept, duplicates };
  return { action: "update", issue: kept, changes: findingChanges(kept.state.items, target.failing.items), duplicates };
}

/**
 * Holds back new issues (created or reopened) beyond `max` open gate issues,
 * counting the ones this run closes as gone. Plans keep their order: the
 * first clusters of the baseline get the free places.
 */
export function applyCap(plans: IssuePlan[], openNow: number, max: number): IssuePlan[] {
  const closing = plans.reduce(
    (sum, plan) => sum + plan.duplicates.length + (plan.action === "close" ? plan.issues.length : 0),
    0,
  );
  let free = Math.max(0, max - (openNow - closing));
  return plans.map((plan) => {
    if (plan.action !== "create" && plan.action !== "reopen") return plan;
    if (free > 0) {
      free -= 1;
      return plan;
    }
    return { action: "capped", previous: plan.action === "create" ? plan.previous : plan.issue, duplicates: [] };
  });
}

/**
 * What a fleet check (`scope`) knows of its fleet, to close the issue of a
 * cluster that is gone and out of the baseline, which no plan covers any more.
 */
export interface FleetRoster {
  /** Whether a gone cluster lay in the run's fleet: inside a scope line, or in a subscription Resource Graph read for a management group. */
  covers: (clusterId: string) => boolean;
  /** Whether the run knows the cluster: a result of the run, listed by discovery, or in the baseline (entry or exclusion). */
  knows: (clusterId: string) => boolean;
  /** The reason the baseline gives for excluding a cluster of the fleet (discovery lists it); undefined for any other. */
  excluded: (clusterId: string) => string | undefined;
}

/**
 * The open gate issues the fleet no longer tracks: of clusters that are gone
 * (their marker names the cluster, an old marker without its ID is left
 * alone; the cluster lies in this run's fleet, so an issue of another job's
 * scope sharing the label never does; neither the run nor the baseline knows
 * it), and of clusters of the fleet the baseline now excludes, with the
 * reason it gives. Issues a plan of this run is about (`planned`:
 * fingerprints) are left to that plan.
 */
export function retiredIssues(
  tracked: TrackedIssue[],
  roster: FleetRoster,
  planned: ReadonlySet<string>,
): (TrackedIssue & { state: { clusterId: string }; excludedFor?: string })[] {
  return tracked
    .filter((issue) => issue.open && !planned.has(issue.state.fingerprint))
    .flatMap((issue) => {
      const clusterId = issue.state.clusterId;
      if (clusterId === undefined) return [];
      const reason = roster.excluded(clusterId);
      if (reason !== undefined) return [{ ...issue, state: { ...issue.state, clusterId }, excludedFor: reason }];
      if (!roster.covers(clusterId) || roster.knows(clusterId)) return [];
      return [{ ...issue, state: { ...issue.state, clusterId } }];
    })
    .sort((a, b) => a.number - b.number);
}

/* ------------------------------------------------------------------ executor */

/** Title, body and comments for a plan, rendered by the caller. */
export interface IssueContent {
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
  /** For update and reopen: what changed. */
  changeComment: string;
  closeComment: string;
  duplicateComment: (kept: number) => string;
}

export type IssueAction =
  "created" | "updated" | "unchanged" | "reopened" | "closed" | "muted" | "capped" | "duplicate" | "none";

export interface IssueOutcome {
  action: IssueAction;
  issue?: GitHubIssue;
  notes: string[];
}

/* ------------------------------------------------------------------ results */

/** What the run did about one cluster's issue. */
export interface ClusterIssueReport {
  clusterId: string;
  kind: IssueKind;
  action: IssueAction | "failed";
  /** The issue the action was about (for `duplicate`: the one kept). */
  issue?: { number: number; url: string; open: boolean };
  notes: string[];
  /** Why GitHub refused, for `failed`. */
  error?: string;
}

export type IssuePublication =
  /** Nothing was tried: issues are off, or there is no token or repository. */
  | { written: false; reason: string; quiet: boolean }
  | {
      written: true;
      reports: ClusterIssueReport[];
      maxIssues: number;
      /** The gate's own open issues before the run. */
      openBefore: number;
      /** The login the gate acted as; undefined when GitHub was not reached. */
      author?: string;
      /** Issues that look like the gate's but another account wrote: possible impersonation. */
      suspects: SuspectIssue[];
      failure?: string;
    };
