/**
 * The text of the gate's issues: titles, bodies, comments and the job
 * summary's issue section. Pure. Values from Azure go through escapeMarkdown
 * in prose and into fenced blocks (with a fence longer than any backtick run
 * inside) as data; only the resolved owner is mentioned. A body never exceeds
 * GitHub's limit: what does not fit is cut, largest first, with a note that
 * points at the evidence package.
 */
import { renderYaml, toFileEntry } from "../core/baseline/render.js";
import { lastSegment, sameId } from "../core/arm-ids.js";
import type { BaselineCluster, ClusterSnapshot, Finding } from "../core/model.js";
import { addressPlanMarkdown } from "./address-plan.js";
import { showControls } from "../core/escape.js";
import { code, escapeMarkdown, findingsTable } from "./markdown.js";
import { type Budget, cutAtLine, fitWithin } from "./budget.js";
import { breakReferences } from "./markdown-text.js";
import { redact } from "../core/secrets.js";
import { ACCEPT_INSTEAD, errorVerifyCommands, type Remedy, remedyFor } from "./commands.js";
import type { ClusterIssueReport, FindingChanges, IssuePublication, SuspectIssue } from "../core/issues/plan.js";
import type { FindingKey, IssueKind } from "../core/issues/marker.js";
import { renderMarker, type IssueState } from "../core/issues/marker.js";
import { handleText, type OwnerSuggestion } from "../core/issues/owner.js";
import { GATE_VERSION } from "../core/version.js";
import type { ClusterChanges } from "../core/changes/attribute.js";
import { CHANGES_SHOWN, changedByLines, changesNote, whoToAskLines, windowLine } from "./changes.js";

/** GitHub refuses an issue body longer than this (HTTP 422). */
export const GITHUB_BODY_LIMIT = 65_536;
/** GitHub's limit for a title. */
export const GITHUB_TITLE_LIMIT = 256;

/** Where the run's records are, for the links of an issue. */
export interface IssueLinks {
  baselineFile: string;
  runUrl: string | undefined;
  runId: string | undefined;
  commit: string | undefined;
  commitUrl: string | undefined;
  /** The evidence folder, relative to the workspace. */
  evidencePath: string;
  /** The evidence as a workflow artifact, when the run uploaded it. */
  artifact?: { name: string; url: string };
}

export interface IssueInput {
  state: IssueState;
  owner: OwnerSuggestion;
  links: IssueLinks;
  /** The earlier issue this one replaces. */
  previous?: { number: number; closedAt: string | null };
}

export interface DriftIssueInput extends IssueInput {
  snapshot: ClusterSnapshot;
  expected: BaselineCluster;
  findings: Finding[];
  /** The writes behind the findings, from the Activity Log, when the run looked them up. */
  changes?: ClusterChanges;
}

export interface ErrorIssueInput extends IssueInput {
  clusterId: string;
  message: string;
}

/** A cluster the fleet's scope and the baseline disagree about: unbaselined or removed. */
export interface InventoryIssueInput extends IssueInput {
  clusterId: string;
  findings: Finding[];
}

export interface RenderedIssue {
  title: string;
  body: string;
}

/** A fenced block whose fence no backtick run inside can close; secrets redacted, control and bidi marks shown. */
export function fenced(language: string, raw: string): string {
  const content = showControls(redact(raw), "\n\t");
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content.replace(/\n$/, "")}\n${fence}`;
}

function details(summary: string, content: string): string {
  return `<details><summary>${summary}</summary>\n\n${content}\n\n</details>`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function title(text: string): string {
  const line = breakReferences(showControls(redact(text).replace(/\s+/g, " ").trim()));
  return line.length <= GITHUB_TITLE_LIMIT ? line : `${line.slice(0, GITHUB_TITLE_LIMIT - 1)}…`;
}

export function driftTitle(clusterId: string, findings: number): string {
  return title(`AKS network drift: ${lastSegment(clusterId)} (${plural(findings, "finding")})`);
}

/** An inventory issue's title: what the scope and the baseline disagree about. */
export function inventoryTitle(clusterId: string, findings: readonly Finding[]): string {
  const gone = findings.some((finding) => finding.rule === "inventory.removed");
  const what = gone ? "in the baseline, gone from Azure" : "in scope, not in the baseline";
  return title(`AKS network inventory: ${lastSegment(clusterId)} (${what})`);
}

export function errorTitle(clusterId: string): string {
  return title(`AKS Network Gate cannot read ${lastSegment(clusterId)}`);
}

/* ------------------------------------------------------------------ sections */

function ownerSection(owner: OwnerSuggestion, changes?: ClusterChanges): string[] {
  const lines = ["### Suggested owner", ""];
  if (owner.owner) {
    const who = owner.owner.handles
      .map((handle) => `${handleText(handle)} (${handle.kind === "user" ? "assigned" : "team"})`)
      .join(", ");
    lines.push(`${who}: from ${escapeMarkdown(owner.owner.detail)}.`);
  } else {
    lines.push(
      "No owner found. Name one with `owner` on the cluster's baseline entry, an owner tag on the cluster, a CODEOWNERS entry for the baseline file, or the action's `owner` input.",
    );
  }
  for (const skipped of owner.skipped) lines.push("", `Skipped: ${escapeMarkdown(skipped)}.`);
  for (const line of whoToAskLines(changes)) lines.push("", line);
  return [...lines, ""];
}

/** Findings with one rule, resource and restoring change: one block for all of them. */
interface RemedyGroup {
  rule: string;
  resourceId: string;
  paths: string[];
  remedy: Remedy;
}

const MAX_PATHS_PER_BLOCK = 5;

function groupRemedies(input: DriftIssueInput, findings: Finding[]): RemedyGroup[] {
  const groups = new Map<string, RemedyGroup>();
  for (const item of findings) {
    const remedy = remedyFor(item, input.snapshot, input.expected);
    const key = [item.rule, item.resourceId.toLowerCase(), remedy.restore].join("\u0000");
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { rule: item.rule, resourceId: item.resourceId, paths: [item.path], remedy: { ...remedy } });
      continue;
    }
    if (!group.paths.includes(item.path)) group.paths.push(item.path);
    group.remedy.verify = [...new Set([...group.remedy.verify, ...remedy.verify])];
    group.remedy.restoreCommands = [...new Set([...group.remedy.restoreCommands, ...remedy.restoreCommands])];
  }
  return [...groups.values()];
}

function remedyBlock(index: number, group: RemedyGroup, changed: string[]): string[] {
  const shown = group.paths.slice(0, MAX_PATHS_PER_BLOCK).map(code).join(", ");
  const more = group.paths.length > MAX_PATHS_PER_BLOCK ? ` and ${group.paths.length - MAX_PATHS_PER_BLOCK} more` : "";
  const { remedy } = group;
  const lines = [
    `#### ${index}. ${code(group.rule)} at ${shown}${more}`,
    "",
    ...(changed.length > 0 ? [...changed, ""] : []),
    "Verify (read-only):",
    "",
    fenced("sh", remedy.verify.join("\n")),
    "",
  ];
  lines.push(`Restore, **needs owner approval, never run by the action**: ${remedy.restore}`, "");
  if (remedy.restoreCommands.length > 0) lines.push(fenced("sh", remedy.restoreCommands.join("\n")), "");
  return lines;
}

interface ChangesShown {
  changes: ClusterChanges | undefined;
  /** Writes shown per group at this level. */
  limit: number;
}

function remediesSection(groups: RemedyGroup[], limit: number, links: IssueLinks, shown: ChangesShown): string[] {
  const lines = [
    "### Verify and restore",
    "",
    "The verify commands only read. The restoring changes are suggestions for the owner to review: the action never runs them.",
    ACCEPT_INSTEAD,
    "",
  ];
  const listedAt = new Map<string, number>();
  groups.slice(0, limit).forEach((group, index) => {
    const key = group.resourceId.toLowerCase();
    const earlier = listedAt.get(key);
    const changed =
      shown.limit === 0
        ? []
        : earlier !== undefined
          ? [`- Changed by: the writes to this resource are listed under ${earlier}.`]
          : changedByLines(shown.changes, group.resourceId, shown.limit);
    if (earlier === undefined && changed.length > 0) listedAt.set(key, index + 1);
    lines.push(...remedyBlock(index + 1, group, changed));
  });
  if (groups.length > limit) {
    lines.push(cutNote(`${groups.length - limit} more groups of findings`, "findings.json", links), "");
  }
  return lines;
}

function cutNote(what: string, file: string, links: IssueLinks): string {
  const artifact = links.artifact
    ? ` in the artifact [${escapeMarkdown(links.artifact.name)}](${links.artifact.url})`
    : "";
  return `_Cut to stay under GitHub's ${GITHUB_BODY_LIMIT.toLocaleString("en-US")}-character limit: ${what}. The evidence package has everything: ${code(`${links.evidencePath}/${file}`)}${artifact}._`;
}

/** The parts of the snapshot the findings are about, keyed as the finding paths name them. */
export function relevantEvidence(snapshot: ClusterSnapshot, findings: Finding[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of findings) {
    const top = /^[A-Za-z]+/.exec(item.path)?.[0] ?? "";
    if (top === "networkProfile") out.networkProfile = snapshot.networkProfile;
    const byId = <T extends { id: string }>(list: T[]) =>
      list.find((entry) => sameId(entry.id, item.resourceId)) ?? "(not in the cluster's network)";
    const key = /^[A-Za-z]+\[[^\]]+\]/.exec(item.path)?.[0];
    if (key === undefined) continue;
    if (top === "nodePools")
      out[key] = snapshot.nodePools.find((pool) => key === `nodePools[${pool.name}]`) ?? "(not in the cluster)";
    if (top === "subnets") out[key] = byId(snapshot.subnets);
    if (top === "virtualNetworks") out[key] = byId(snapshot.virtualNetworks);
    if (top === "routeTables") out[key] = byId(snapshot.routeTables);
    if (item.rule.startsWith("routes.")) out.nodes = snapshot.nodes;
  }
  return out;
}

function scopeSection(snapshot: ClusterSnapshot, findings: Finding[], limit: number): string[] {
  const involved = uniqueIds([snapshot.id, ...findings.map((item) => item.resourceId)]);
  const read = uniqueIds(snapshot.resourceIdsRead).filter((id) => !involved.some((other) => sameId(other, id)));
  const list = (ids: string[]) => ids.slice(0, limit).map((id) => `- ${code(id)}`);
  const lines = ["### Resource scope", "", "The cluster and the resources with findings:", "", ...list(involved), ""];
  if (read.length > 0)
    lines.push(details(`All ${read.length} other resources the capture read`, list(read).join("\n")), "");
  if (involved.length + read.length > 2 * limit)
    lines.push(`_Lists cut at ${limit} IDs each; \`manifest.json\` in the evidence package lists every ID read._`, "");
  return lines;
}

function uniqueIds(ids: string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (!seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
  return [...seen.values()];
}

function linksSection(links: IssueLinks, previous: IssueInput["previous"]): string[] {
  const parts = [
    links.runUrl ? `[workflow run ${links.runId ?? ""}](${links.runUrl})`.replace(" ]", "]") : undefined,
    links.commit
      ? links.commitUrl
        ? `commit [${code(links.commit.slice(0, 12))}](${links.commitUrl})`
        : `commit ${code(links.commit)}`
      : undefined,
    links.artifact
      ? `evidence artifact [${escapeMarkdown(links.artifact.name)}](${links.artifact.url}) (folder ${code(links.evidencePath)}, with ${code("manifest.json")} and ${code("SHA256SUMS")})`
      : `evidence ${code(links.evidencePath)} (with ${code("manifest.json")} and ${code("SHA256SUMS")}; not uploaded as an artifact by this run)`,
    `baseline ${code(links.baselineFile)}`,
  ].filter(Boolean);
  const lines = ["### Run", "", parts.join(" · "), ""];
  if (previous)
    lines.push(
      `This issue replaces #${previous.number}${previous.closedAt ? `, closed ${previous.closedAt.slice(0, 10)}` : ""}.`,
      "",
    );
  lines.push(
    `<sub>Written by AKS Network Gate ${GATE_VERSION}, which finds this issue by the hidden marker on its first line: it updates the body when the findings change and closes the issue when the cluster passes. The gate only reads Azure.</sub>`,
  );
  return lines;
}

/* ------------------------------------------------------------------ bodies */

/** How much of a drift body is kept: each level drops or cuts one more part. */
interface DriftLevel {
  snapshot: boolean;
  live: boolean;
  /** The address plan diagram and capacity table. */
  plan: boolean;
  remedies: number;
  rows: number;
  expected: boolean;
  /** "Changed by" lines per remedy group. */
  changes: number;
}

const DRIFT_LEVELS: DriftLevel[] = [
  {
    snapshot: true,
    live: true,
    plan: true,
    remedies: Infinity,
    rows: Infinity,
    expected: true,
    changes: CHANGES_SHOWN,
  },
  {
    snapshot: false,
    live: true,
    plan: true,
    remedies: Infinity,
    rows: Infinity,
    expected: true,
    changes: CHANGES_SHOWN,
  },
  {
    snapshot: false,
    live: false,
    plan: true,
    remedies: Infinity,
    rows: Infinity,
    expected: true,
    changes: CHANGES_SHOWN,
  },
  {
    snapshot: false,
    live: false,
    plan: false,
    remedies: Infinity,
    rows: Infinity,
    expected: true,
    changes: CHANGES_SHOWN,
  },
  { snapshot: false, live: false, plan: false, remedies: 20, rows: Infinity, expected: true, changes: 3 },
  { snapshot: false, live: false, plan: false, remedies: 10, rows: 100, expected: true, changes: 2 },
  { snapshot: false, live: false, plan: false, remedies: 5, rows: 50, expected: false, changes: 1 },
];

/** What a drift body is made of, computed once for every level. */
interface DriftParts {
  groups: RemedyGroup[];
  /** The findings table: header, separator, one row per finding. */
  table: string[];
  live: string;
  full: string;
  yaml: string;
  /** The address plan: Mermaid diagram, legend, capacity table. */
  plan: string[];
}

function driftParts(input: DriftIssueInput): DriftParts {
  return {
    groups: groupRemedies(input, input.findings),
    table: findingsTable(input.findings),
    live: JSON.stringify(relevantEvidence(input.snapshot, input.findings), null, 2),
    full: JSON.stringify(input.snapshot, null, 2),
    yaml: renderYaml({ [input.expected.id]: toFileEntry(input.expected) }, ""),
    plan: addressPlanMarkdown(input.snapshot, input.findings),
  };
}

function planSection(input: DriftIssueInput, parts: DriftParts, level: DriftLevel): string[] {
  const plan = level.plan ? parts.plan : [cutNote("the address plan", "report.md", input.links), ""];
  return ["### Address plan", "", ...plan];
}

function evidenceSection(input: DriftIssueInput, parts: DriftParts, level: DriftLevel): string[] {
  const { snapshot, links } = input;
  const lines = ["### Failed evidence", "", `Live values the findings are about, captured ${snapshot.capturedAt}:`, ""];
  lines.push(level.live ? fenced("json", parts.live) : cutNote("the live values", "snapshot.json", links), "");
  const summary = `Full snapshot of the cluster (JSON, ${parts.full.length.toLocaleString("en-US")} characters)`;
  const full = level.snapshot
    ? details(summary, fenced("json", parts.full))
    : cutNote("the full snapshot", "snapshot.json", links);
  return [...lines, full, ""];
}

function expectedSection(input: DriftIssueInput, parts: DriftParts, level: DriftLevel): string[] {
  const { expected, links } = input;
  return [
    "### Expected baseline",
    "",
    `The entry of ${code(expected.id)} in ${code(links.baselineFile)}:`,
    "",
    level.expected ? fenced("yaml", parts.yaml) : cutNote("the expected baseline", "expected.json", links),
    "",
  ];
}

/** Where the "Changed by" lines come from (the window), or why there are none, under the findings. */
function changesLines(changes: ClusterChanges | undefined): string[] {
  if (!changes) return [];
  const lines = [...windowLine(changes), ...changesNote(changes)];
  if (changes.groups.some((group) => group.changes.length > 0)) {
    lines.push('Each group under "Verify and restore" lists the writes to its resource as "Changed by" lines.');
  }
  return lines.length > 0 ? [lines.join(" "), ""] : [];
}

function driftBody(input: DriftIssueInput, parts: DriftParts, level: DriftLevel): string {
  const { snapshot, findings, links } = input;
  const errors = findings.filter((item) => item.severity === "error").length;
  const rows = Math.min(findings.length, level.rows);
  const lines = [
    renderMarker(input.state),
    `## AKS network drift: ${escapeMarkdown(snapshot.name)}`,
    "",
    `The live network of cluster ${code(snapshot.id)} differs from the baseline ${code(links.baselineFile)} or breaks a network rule: ${plural(findings.length, "finding")} (${plural(errors, "error")}, ${plural(findings.length - errors, "warning")}).`,
    "",
    ...ownerSection(input.owner, input.changes),
    "### Findings",
    "",
    ...parts.table.slice(0, 2 + rows),
    "",
    ...(findings.length > rows ? [cutNote(`${findings.length - rows} more findings`, "findings.json", links), ""] : []),
    ...changesLines(input.changes),
    ...planSection(input, parts, level),
    ...remediesSection(parts.groups, level.remedies, links, { changes: input.changes, limit: level.changes }),
    ...expectedSection(input, parts, level),
    ...evidenceSection(input, parts, level),
    ...scopeSection(snapshot, findings, level.rows === Infinity ? 500 : 50),
    ...linksSection(links, input.previous),
  ];
  return lines.join("\n");
}

/** The issue's budget: GitHub's limit on an issue body or comment. */
const BODY_BUDGET: Budget = { limit: GITHUB_BODY_LIMIT, unit: "characters" };

/** The last resort: a hard cut at a line, with open fences and details closed. */
export function hardCut(body: string, links: IssueLinks): string {
  return cutAtLine(body, cutNote("the rest of this body", "report.md", links), BODY_BUDGET);
}

function fit(render: (level: number) => string, levels: number, links: IssueLinks): string {
  return fitWithin(render, levels, BODY_BUDGET, cutNote("the rest of this body", "report.md", links));
}

export function renderDriftIssue(input: DriftIssueInput): RenderedIssue {
  const parts = driftParts(input);
  const render = (level: number) => driftBody(input, parts, DRIFT_LEVELS[level] as DriftLevel);
  const body = fit(render, DRIFT_LEVELS.length, input.links);
  return { title: driftTitle(input.snapshot.id, input.findings.length), body };
}

export function renderErrorIssue(input: ErrorIssueInput): RenderedIssue {
  const name = lastSegment(input.clusterId);
  const render = (level: number) =>
    [
      renderMarker(input.state),
      `## AKS Network Gate cannot read ${escapeMarkdown(name)}`,
      "",
      `The gate could not read the network of cluster ${code(input.clusterId)}, so it cannot tell whether it drifted: the run ended with \`result=error\`, which never passes.`,
      "",
      "### What failed",
      "",
      fenced("text", level === 0 ? input.message : `${input.message.slice(0, 20_000)}\n(cut)`),
      "",
      "The message names what to fix: most often the `Reader` role on a scope, an expired federated credential, or an input.",
      "",
      ...ownerSection(input.owner),
      "### Verify (read-only)",
      "",
      fenced("sh", errorVerifyCommands(input.clusterId).join("\n")),
      "",
      "### Resource scope",
      "",
      `- ${code(input.clusterId)}`,
      "",
      ...linksSection(input.links, input.previous),
    ].join("\n");
  return { title: errorTitle(input.clusterId), body: fit(render, 2, input.links) };
}

/* ------------------------------------------------------------------ comments */

/** The issue of a cluster that is in scope but not in the baseline, or in the baseline but gone. */
export function renderInventoryIssue(input: InventoryIssueInput): RenderedIssue {
  const name = lastSegment(input.clusterId);
  const render = () =>
    [
      renderMarker(input.state),
      `## AKS network inventory: ${escapeMarkdown(name)}`,
      "",
      `The fleet's scope and the baseline ${code(input.links.baselineFile)} disagree about cluster ${code(input.clusterId)}.`,
      "",
      ...findingsTable(input.findings),
      "",
      "A fleet capture (`mode: capture` with the same `scope`) writes every cluster of the scope into the baseline and removes the entries of clusters that are gone, as one change to review. A cluster the team does not gate belongs under `exclude:` in the baseline, with a reason.",
      "",
      ...ownerSection(input.owner),
      ...linksSection(input.links, input.previous),
    ].join("\n");
  return { title: inventoryTitle(input.clusterId, input.findings), body: fit(render, 1, input.links) };
}

function runRef(links: IssueLinks): string {
  const run = links.runUrl ? `[run ${links.runId ?? ""}](${links.runUrl})`.replace(" ]", "]") : "a local run";
  return links.commit ? `${run} at commit ${code(links.commit.slice(0, 12))}` : run;
}

const MAX_LISTED_CHANGES = 20;

function changeLines(changes: FindingChanges): string[] {
  const line = (label: string) => (key: FindingKey) => `- ${label}: ${code(key.rule)} at ${code(key.path)}`;
  const all = [
    ...changes.added.map(line("new")),
    ...changes.changed.map(line("changed value")),
    ...changes.removed.map(line("gone")),
  ];
  const rest = all.length - MAX_LISTED_CHANGES;
  return rest > 0 ? [...all.slice(0, MAX_LISTED_CHANGES), `- and ${rest} more`] : all;
}

export function changeComment(
  kind: IssueKind,
  changes: FindingChanges,
  findings: number,
  links: IssueLinks,
  reopened: boolean,
): string {
  const head =
    kind === "error"
      ? `**${reopened ? "The gate cannot read the cluster again" : "The error changed"}** in ${runRef(links)}.`
      : `**${reopened ? "The drift is back" : "The findings changed"}** in ${runRef(links)}: now ${plural(findings, "finding")}.`;
  const lines = kind === "drift" ? changeLines(changes) : [];
  const tail = reopened
    ? "Reopened: the body holds the current findings and evidence."
    : "The body holds the current findings and evidence.";
  return [head, "", ...lines, ...(lines.length > 0 ? [""] : []), tail].join("\n");
}

export function closeComment(kind: IssueKind, links: IssueLinks): string {
  return kind === "drift"
    ? `**Resolved**: the cluster passes the gate again in ${runRef(links)}. Closing with the \`resolved\` label; the body keeps the last drift evidence. If the drift comes back within a week this issue reopens, later a new one links it.`
    : `**Readable again**: the gate read the cluster in ${runRef(links)}. Closing.`;
}

/** The comment on the issue of a cluster a fleet check found gone and out of the baseline (core/issues/plan.ts retiredIssues). */
export function retiredComment(clusterId: string, links: IssueLinks): string {
  return `**Cluster gone**: ${code(clusterId)} no longer exists: Resource Graph does not list it in the fleet's scope, and its entry is gone from the baseline ${code(links.baselineFile)}, as ${runRef(links)} found. The gate no longer tracks it, so it closes this issue with the \`resolved\` label; the body keeps the last evidence.`;
}

/** The comment on the issue of a cluster of the fleet that the baseline now excludes (core/issues/plan.ts retiredIssues). */
export function excludedComment(clusterId: string, reason: string, links: IssueLinks): string {
  return `**Excluded**: the baseline ${code(links.baselineFile)} now excludes ${code(clusterId)} (${escapeMarkdown(reason)}), as ${runRef(links)} found. The gate no longer tracks it, so it closes this issue with the \`resolved\` label; the body keeps the last evidence.`;
}

export function duplicateComment(kept: number): string {
  return `Closed as a duplicate of #${kept}: two runs of the gate opened an issue for this cluster at the same time, and the earlier one is kept.`;
}

/* ------------------------------------------------------------------ summary */

const ACTION_TEXT: Record<ClusterIssueReport["action"], string> = {
  created: "opened",
  updated: "updated (findings changed)",
  unchanged: "unchanged (same findings)",
  reopened: "reopened",
  closed: "closed as resolved",
  muted: "left closed (closed as not planned, same findings)",
  capped: "not opened: `max-issues` reached",
  duplicate: "kept the earlier issue (a concurrent run opened it)",
  none: "nothing to do",
  failed: "⚠️ not written",
};

/** The open issues that only look like the gate's, said once per run. */
function suspectsLine(suspects: SuspectIssue[], author: string | undefined): string[] {
  if (suspects.length === 0) return [];
  const one = suspects.length === 1;
  const list = suspects.map((issue) => {
    const by = issue.author === null ? "a deleted account" : code(issue.author);
    return `[#${issue.number}](${issue.url}) by ${by}`;
  });
  const gate = author === undefined ? "the gate's identity" : `${code(author)}, the identity the gate writes with`;
  const them = one ? "it" : "them";
  return [
    `⚠️ **Possible impersonation**: ${plural(suspects.length, "open issue")} ${one ? "carries" : "carry"} the gate's marker and label but ${one ? "was" : "were"} not written by ${gate}: ${list.join(", ")}. The gate ignored ${them}: not updated, not closed, not counted against \`max-issues\`. Check who opened ${them}.`,
    "",
  ];
}

/** The job summary's section on issues: a link per cluster, or why there is none. */
export function renderIssueSummary(publication: IssuePublication): string {
  if (!publication.written)
    return publication.quiet ? "" : `### GitHub issues\n\n⚠️ No issue written: ${escapeMarkdown(publication.reason)}\n`;
  const rows = publication.reports
    .filter((report) => report.action !== "none")
    .map((report) => {
      const issue = report.issue ? `[#${report.issue.number}](${report.issue.url})` : "–";
      const why = report.error ? `: ${escapeMarkdown(report.error)}` : "";
      return `| ${escapeMarkdown(lastSegment(report.clusterId))} | ${report.kind} | ${issue} | ${ACTION_TEXT[report.action]}${why} |`;
    });
  const lines = ["### GitHub issues", ""];
  if (rows.length > 0) lines.push("| Cluster | Kind | Issue | This run |", "|---|---|---|---|", ...rows, "");
  else lines.push("No issue to open, update or close.", "");
  const capped = publication.reports.filter((report) => report.action === "capped");
  if (capped.length > 0) {
    lines.push(
      `${plural(capped.length, "cluster")} got no issue: ${publication.openBefore} gate issues were open and \`max-issues\` is ${publication.maxIssues}. The evidence package and this summary have their findings.`,
      "",
    );
  }
  lines.push(...suspectsLine(publication.suspects, publication.author));
  if (publication.failure) lines.push(`⚠️ ${escapeMarkdown(publication.failure)}`, "");
  return lines.join("\n");
}
