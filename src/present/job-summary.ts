/**
 * The job summary of a check: the report, with each failing cluster's
 * suggested owner and issue in the overview under the headline, then the
 * artifact's and the issues' sections, always within GitHub's limit on a
 * step's summary. GitHub takes up to 1 MiB per step and drops a larger
 * summary whole ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to
 * a size of 1024k", actions/runner, src/Runner.Common/Constants.cs,
 * UnsupportedSummarySize; docs.github.com, "Workflow commands for GitHub
 * Actions", Adding a job summary: "each step is restricted to a maximum size
 * of 1MiB"). The report is cut in a fixed order (address plans, passing
 * clusters' sections, the writes behind the findings and silenced findings,
 * finding rows beyond 20 then 5 per cluster, every cluster section), always
 * keeping the headline, the overview and a line that says what was cut and
 * where the full report is: the evidence's report.md.
 */
import { idKey } from "../core/arm-ids.js";
import { handleText, type OwnerSuggestion } from "../core/issues/owner.js";
import type { IssuePublication } from "../core/issues/plan.js";
import type { ClusterResult } from "../core/model.js";
import type { Verdict } from "../core/verdict.js";
import { type Budget, fitWithin } from "./budget.js";
import {
  type ClusterPeople,
  code,
  escapeMarkdown,
  FULL_REPORT,
  renderReport,
  type ReportContext,
  type ReportCut,
} from "./markdown.js";

/**
 * 1 MiB less room for what the run may still write after it (the error
 * section of a run that fails later), so that the step's file stays within.
 */
export const SUMMARY_BUDGET: Budget = { limit: 1024 * 1024 - 16 * 1024, unit: "bytes" };

/** The report's cuts, in the order they are made: each level cuts one more part. */
export const SUMMARY_LEVELS: readonly ReportCut[] = [
  FULL_REPORT,
  { ...FULL_REPORT, addressPlans: false },
  { ...FULL_REPORT, addressPlans: false, passingSections: false },
  { ...FULL_REPORT, addressPlans: false, passingSections: false, details: false },
  { addressPlans: false, passingSections: false, details: false, rows: 20, sections: true },
  { addressPlans: false, passingSections: false, details: false, rows: 5, sections: true },
  { addressPlans: false, passingSections: false, details: false, rows: 0, sections: false },
];

export interface JobSummaryInput {
  verdict: Verdict;
  context: ReportContext;
  /** Each cluster's suggested owner; absent when the run has no baseline to name them from. */
  owners?: (result: ClusterResult) => OwnerSuggestion;
  /** What became of the issues; absent when none were tried. */
  issues?: IssuePublication;
  /** The full report's place: the evidence's report.md, and the artifact's link when it was uploaded. */
  fullReport: { path: string; artifact: { name: string; url: string } | undefined };
  /** The artifact's and the issues' sections (present/artifact-summary.ts, present/issue.ts). */
  tail: string[];
}

function issueCell(clusterId: string, issues: IssuePublication | undefined): string {
  if (!issues?.written) return "–";
  const reports = issues.reports.filter((report) => idKey(report.clusterId) === idKey(clusterId));
  const open = reports.find((report) => report.issue?.open) ?? reports.find((report) => report.action === "failed");
  if (open?.issue) return `[#${open.issue.number}](${open.issue.url})`;
  if (open?.action === "failed") return "⚠️ not written";
  return reports.some((report) => report.action === "capped") ? "none: `max-issues` reached" : "–";
}

/** The owner and issue of each cluster that does not pass, keyed by cluster ID. */
export function clusterPeople(input: Pick<JobSummaryInput, "verdict" | "owners" | "issues">) {
  const { owners } = input;
  if (!owners) return undefined;
  const people = new Map<string, ClusterPeople>();
  for (const { result, status } of input.verdict.clusters) {
    if (status === "pass") continue;
    const owner = owners(result).owner;
    people.set(idKey(result.clusterId), {
      owner: owner ? escapeMarkdown(owner.handles.map(handleText).join(" ")) : "none suggested",
      issue: issueCell(result.clusterId, input.issues),
    });
  }
  return people;
}

function cutParts(verdict: Verdict, cut: ReportCut): string[] {
  const passing = verdict.clusters.filter((cluster) => cluster.status === "pass").length;
  const longest = Math.max(0, ...verdict.clusters.map((cluster) => cluster.active.length));
  if (!cut.sections) return ["every cluster's section (the overview above has each cluster's counts)"];
  return [
    ...(cut.addressPlans ? [] : ["the address plans"]),
    ...(cut.passingSections || passing === 0 ? [] : [`the sections of ${passing} passing clusters`]),
    ...(cut.details ? [] : ["the writes behind the findings and the silenced findings"]),
    ...(longest > cut.rows ? [`finding rows beyond ${cut.rows} per cluster`] : []),
  ];
}

/** The line under the overview that says what this level cut and where the full report is. */
function cutNote(input: JobSummaryInput, cut: ReportCut): string[] {
  const parts = cutParts(input.verdict, cut);
  if (parts.length === 0) return [];
  const { path, artifact } = input.fullReport;
  const where = artifact ? `, also in the artifact [${escapeMarkdown(artifact.name)}](${artifact.url})` : "";
  return [
    `_Cut to stay under GitHub's 1 MiB limit on a step's summary: ${parts.join(", ")}. The full report is the evidence's ${code(path)}${where}._`,
    "",
  ];
}

/** The job summary of a check run, within SUMMARY_BUDGET. */
export function renderJobSummary(input: JobSummaryInput): string {
  const people = clusterPeople(input);
  const tail = input.tail.filter((section) => section !== "");
  const render = (level: number) => {
    const cut = SUMMARY_LEVELS[level] ?? FULL_REPORT;
    const view = { cut, notes: cutNote(input, cut), ...(people ? { people } : {}) };
    return [renderReport(input.verdict, input.context, view), ...tail].join("\n");
  };
  const last = SUMMARY_LEVELS[SUMMARY_LEVELS.length - 1] ?? FULL_REPORT;
  const note = cutNote(input, last)[0] ?? "";
  return fitWithin(
    render,
    SUMMARY_LEVELS.length,
    SUMMARY_BUDGET,
    note.replace(/\._$/, "; past that, the summary itself was cut at a line._"),
  );
}
