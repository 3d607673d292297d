/**
 * The run's annotation budget: GitHub keeps a step's first 10 warnings and
 * 10 errors and drops the rest without a word, so past the last place of a
 * level a message goes to the log, and one note at the end says how many.
 */
import { describe, expect, it } from "@jest/globals";
import type { Logger } from "../../src/core/logger.js";
import { budgetAnnotations, FINDING_ANNOTATIONS, pickAnnotations } from "../../src/present/annotations.js";

interface Said {
  level: "info" | "debug" | "warning" | "error" | "notice" | "mask";
  message: string;
  where?: { file: string; line: number; title?: string };
}

function recorder(): { logger: Logger; said: Said[]; of(level: Said["level"]): Said[] } {
  const said: Said[] = [];
  const logger: Logger = {
    info: (message) => said.push({ level: "info", message }),
    debug: (message) => said.push({ level: "debug", message }),
    warning: (message, where) => said.push({ level: "warning", message, ...(where ? { where } : {}) }),
    error: (message, where) => said.push({ level: "error", message, ...(where ? { where } : {}) }),
    notice: (message) => said.push({ level: "notice", message }),
    mask: (message) => said.push({ level: "mask", message }),
  };
  return { logger, said, of: (level) => said.filter((each) => each.level === level) };
}

function warnings(logger: Logger, count: number): void {
  for (let index = 1; index <= count; index++) logger.warning(`w${index}`);
}

describe("the run's annotation budget", () => {
  it("14 warnings: 9 annotated, the other 5 in the log, and a 10th annotation that counts them", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    warnings(budget.logger, 14);
    budget.close();
    const annotated = of("warning").map((each) => each.message);
    expect(annotated).toHaveLength(10);
    expect(annotated.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, index) => `w${index + 1}`));
    expect(annotated[9]).toBe(
      `5 more warnings of this run are only in the step's log, on lines that start "Warning, not annotated": GitHub shows 10 warning annotations per step.`,
    );
    expect(of("info").map((each) => each.message)).toEqual(
      ["w10", "w11", "w12", "w13", "w14"].map((message) => `Warning, not annotated: ${message}`),
    );
  });

  it("exactly 9 warnings: all annotated, no note", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    warnings(budget.logger, 9);
    budget.close();
    expect(of("warning").map((each) => each.message)).toEqual(Array.from({ length: 9 }, (_, index) => `w${index + 1}`));
    expect(of("info")).toEqual([]);
  });

  it("10 warnings: the 10th goes to the log, and the note names 1", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    warnings(budget.logger, 10);
    budget.close();
    expect(of("warning")).toHaveLength(10);
    expect(of("warning")[9]?.message).toMatch(/^1 more warning of this run is only in the step's log/);
    expect(of("info").map((each) => each.message)).toEqual(["Warning, not annotated: w10"]);
  });

  it("keeps a warning's file, line and title on its log line", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    warnings(budget.logger, 9);
    budget.logger.warning("aks-1: pod CIDR changed", {
      file: ".github/aks-network-baseline.yml",
      line: 12,
      title: "AKS Network Gate: drift.networkProfile",
    });
    expect(of("info").map((each) => each.message)).toEqual([
      "Warning, not annotated (.github/aks-network-baseline.yml:12, AKS Network Gate: drift.networkProfile): aks-1: pod CIDR changed",
    ]);
  });

  it("leaves 8 errors before its note, so that the job's failure message is the 10th", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    for (let index = 1; index <= 12; index++) budget.logger.error(`e${index}`, { file: "b.yml", line: index });
    budget.close();
    expect(of("error").map((each) => each.message)).toEqual([
      ...Array.from({ length: 8 }, (_, index) => `e${index + 1}`),
      `4 more errors of this run are only in the step's log, on lines that start "Error, not annotated": GitHub shows 10 error annotations per step.`,
    ]);
    expect(of("info").map((each) => each.message)).toEqual([
      "Error, not annotated (b.yml:9): e9",
      "Error, not annotated (b.yml:10): e10",
      "Error, not annotated (b.yml:11): e11",
      "Error, not annotated (b.yml:12): e12",
    ]);
    expect(of("warning")).toEqual([]);
  });

  it("notes once per level, however often it is closed", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    warnings(budget.logger, 11);
    budget.close();
    budget.logger.warning("after the note");
    budget.close();
    expect(of("warning")).toHaveLength(10);
    expect(of("info").map((each) => each.message)).toContain("Warning, not annotated: after the note");
  });

  it("passes the rest through, and has a notice only where the run's logger has one", () => {
    const { logger, said } = recorder();
    const budget = budgetAnnotations(logger);
    budget.logger.info("i");
    budget.logger.debug("d");
    budget.logger.notice?.("n");
    budget.logger.mask("s");
    expect(said).toEqual([
      { level: "info", message: "i" },
      { level: "debug", message: "d" },
      { level: "notice", message: "n" },
      { level: "mask", message: "s" },
    ]);
    const { notice: _notice, ...plain } = logger;
    expect(budgetAnnotations(plain).logger.notice).toBeUndefined();
  });

  it("never takes the findings' places: their errors and their warnings fit first", () => {
    const { logger, of } = recorder();
    const budget = budgetAnnotations(logger);
    const all = [
      ...Array.from({ length: 20 }, (_, index) => ({ level: "error" as const, name: `e${index}` })),
      ...Array.from({ length: 20 }, (_, index) => ({ level: "warning" as const, name: `w${index}` })),
    ];
    const { shown, more } = pickAnnotations(all, FINDING_ANNOTATIONS);
    for (const each of shown) budget.logger[each.level](each.name);
    if (more) budget.logger[more.level](more.message);
    budget.close();
    expect(of("info")).toEqual([]);
    expect(of("error")).toHaveLength(FINDING_ANNOTATIONS.error);
    expect(of("warning")).toHaveLength(FINDING_ANNOTATIONS.warning);
  });
});
