import { lastSegment } from "../core/arm-ids.js";
import { prefixKey } from "../core/check/values.js";
import type { Logger } from "../core/logger.js";
import type { BaselineCluster, SourceLocation } from "../core/model.js";
import type { AnnotationLevel } from "../core/verdict.js";

type Segment = string | number;

const SEGMENT = /([^.[\]]+)|\[([^\]]+)\]/g;

/** The key by which a finding path names an element of a baseline list. */
function keyOf(element: unknown): string | undefined {
  if (typeof element !== "object" || element === null) return undefined;
  const item = element as { name?: unknown; id?: unknown; addressPrefix?: unknown };
  if (typeof item.addressPrefix === "string") return prefixKey(item.addressPrefix);
  if (typeof item.id === "string") return lastSegment(item.id).toLowerCase();
  if (typeof item.name === "string") return item.name.toLowerCase();
  return undefined;
}

/**
 * Turns a finding's readable path (`nodePools[nodepool1].maxPods`) into the
 * path of the same field in the baseline entry (`nodePools`, 0, `maxPods`),
 * stopping where the baseline has no such element.
 */
export function baselinePath(entry: BaselineCluster, path: string): Segment[] {
  const segments: Segment[] = [];
  let node: unknown = { ...entry, suppress: entry.suppressions };
  for (const match of path.matchAll(SEGMENT)) {
    const [, field, key] = match;
    if (field !== undefined) {
      if (typeof node !== "object" || node === null || !(field in node)) break;
      segments.push(field);
      node = (node as Record<string, unknown>)[field];
      continue;
    }
    if (!Array.isArray(node) || key === undefined) break;
    const wanted = /\//.test(key) ? prefixKey(key) : key.toLowerCase();
    const index = node.findIndex((element) => keyOf(element) === wanted);
    if (index < 0) break;
    segments.push(index);
    node = node[index];
  }
  return segments;
}

/**
 * What GitHub shows of a step's annotations: 10 errors and 10 warnings. The
 * runner keeps the first `_maxIssueCount = 10` of each as the step's issues
 * and only counts the rest (actions/runner, src/Runner.Worker/ExecutionContext.cs,
 * AddIssue, commit b363739); github/community discussion 68471 and reviewdog
 * quote the same limit. One error is the job's own failure message
 * (core.setFailed), printed last.
 */
export const SHOWN_ANNOTATIONS: Readonly<Record<AnnotationLevel, number>> = { error: 10 - 1, warning: 10 };

/**
 * What the findings may take of those, first in the step. The run's budget
 * (budgetAnnotations) keeps the last place of each level for its note, so
 * the findings' errors always fit; three warnings stay for what a run says
 * after its findings (the Activity Log lookup, the issues, the evidence
 * artifact, the pull request comment): two, and a third or the note.
 */
export const FINDING_ANNOTATIONS: Readonly<Record<AnnotationLevel, number>> = {
  error: SHOWN_ANNOTATIONS.error - 1,
  warning: SHOWN_ANNOTATIONS.warning - 3,
};

/** The annotations a run prints, most severe first, and the one line that counts the rest. */
export interface AnnotationPick<T> {
  shown: T[];
  more: { level: AnnotationLevel; message: string } | undefined;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * Errors first, then warnings, each in the verdict's order, as many as GitHub
 * shows; when some do not fit, the last place of the level that overflows
 * goes to one annotation that says how many more there are and where.
 */
export function pickAnnotations<T extends { level: AnnotationLevel }>(
  all: readonly T[],
  room: Readonly<Record<AnnotationLevel, number>> = SHOWN_ANNOTATIONS,
): AnnotationPick<T> {
  const errors = all.filter((item) => item.level === "error");
  const warnings = all.filter((item) => item.level === "warning");
  const overflow: AnnotationLevel | undefined =
    errors.length > room.error ? "error" : warnings.length > room.warning ? "warning" : undefined;
  if (overflow === undefined) return { shown: [...errors, ...warnings], more: undefined };
  const shown = [
    ...errors.slice(0, room.error - (overflow === "error" ? 1 : 0)),
    ...warnings.slice(0, room.warning - (overflow === "warning" ? 1 : 0)),
  ];
  const hiddenErrors = errors.length - shown.filter((item) => item.level === "error").length;
  const hiddenWarnings = warnings.length - shown.filter((item) => item.level === "warning").length;
  const message =
    `${plural(hiddenErrors + hiddenWarnings, "more finding")} (${plural(hiddenErrors, "error")}, ${plural(hiddenWarnings, "warning")}) ` +
    "are not annotated: GitHub shows 10 error and 10 warning annotations per step. The job summary and the evidence's findings.json list every finding.";
  return { shown, more: { level: overflow, message } };
}

/** A run's logger whose annotations all fit what GitHub shows of a step, and the note that ends them. */
export interface AnnotationBudget {
  logger: Logger;
  /**
   * Annotates how many of each level only the log holds, once per level (a
   * second note would be past GitHub's 10): when the run has said all, before its failure.
   */
  close(): void;
}

const LEVEL_WORD: Readonly<Record<AnnotationLevel, string>> = { error: "Error", warning: "Warning" };

/**
 * Counts the annotations of a run as it makes them, first come first shown:
 * GitHub drops a step's annotations past its 10 of a level without a word.
 * Each level's last place in `room` stays for a note, so from that place on
 * a message goes to the log as a line that starts "Warning, not annotated"
 * (or "Error, …"), with its file, line and title; close() then annotates how
 * many there are. The action's only: the CLI's terminal has no such limit.
 */
export function budgetAnnotations(
  logger: Logger,
  room: Readonly<Record<AnnotationLevel, number>> = SHOWN_ANNOTATIONS,
): AnnotationBudget {
  const annotated: Record<AnnotationLevel, number> = { error: 0, warning: 0 };
  const inLog: Record<AnnotationLevel, number> = { error: 0, warning: 0 };
  const noted = new Set<AnnotationLevel>();
  const annotate =
    (level: AnnotationLevel) =>
    (message: string, where?: SourceLocation & { title?: string }): void => {
      if (annotated[level] < room[level] - 1) {
        annotated[level]++;
        return logger[level](message, where);
      }
      inLog[level]++;
      const at = [where && `${where.file}:${where.line}`, where?.title].filter(Boolean).join(", ");
      logger.info(`${LEVEL_WORD[level]}, not annotated${at ? ` (${at})` : ""}: ${message}`);
    };
  return {
    logger: {
      info: (message) => logger.info(message),
      debug: (message) => logger.debug(message),
      warning: annotate("warning"),
      error: annotate("error"),
      ...(logger.notice ? { notice: (message: string) => logger.notice?.(message) } : {}),
      mask: (secret) => logger.mask(secret),
    },
    close: () => {
      for (const level of ["error", "warning"] as const) {
        const count = inLog[level];
        if (count === 0 || noted.has(level)) continue;
        noted.add(level);
        logger[level](
          `${plural(count, `more ${level}`)} of this run ${count === 1 ? "is" : "are"} only in the step's log, ` +
            `on lines that start "${LEVEL_WORD[level]}, not annotated": GitHub shows 10 ${level} annotations per step.`,
        );
      }
    },
  };
}
