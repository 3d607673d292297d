import { parseCommandLine } from "../../src/entry/cli/args.js";
import { jsonReport } from "../../src/entry/cli/json.js";
import { progressReporter, type TerminalStream, useColor } from "../../src/entry/cli/main.js";
import type { RunSummary } from "../../src/entry/cli/summary.js";
import { renderTerminalReport, terminalSafe, wrap } from "../../src/entry/cli/terminal.js";
import { CLI_WORDS, type FailOn, verdictOf } from "../../src/core/verdict.js";
import type { ClusterResult, Finding } from "../../src/core/model.js";
import { CLUSTER_ID, kubenetSnapshot } from "../fixtures/snapshots.js";

function finding(overrides: Partial<Finding>): Finding {
  return {
    rule: "drift.networkProfile",
    severity: "error",
    clusterId: CLUSTER_ID,
    resourceId: CLUSTER_ID,
    path: "networkProfile.podCidrs",
    expected: "10.244.0.0/16",
    actual: "10.245.0.0/16",
    message: "network profile: podCidrs is 10.245.0.0/16, the baseline expects 10.244.0.0/16.",
    ...overrides,
  };
}

function summary(results: ClusterResult[], failOn: FailOn = "error"): RunSummary {
  const verdict = verdictOf(results, { failOn, issueOnError: false }, CLI_WORDS);
  const outcome = { verdict, fleetSize: results.length, baseline: undefined };
  return { command: "check", baselineFile: "b.yml", failOn, outcome, evidence: "ev/run-1", error: undefined };
}

function checked(findings: Finding[]): ClusterResult {
  const snapshot = kubenetSnapshot();
  return {
    kind: "checked",
    clusterId: CLUSTER_ID,
    snapshot,
    expected: { id: CLUSTER_ID, networkProfile: {}, suppressions: [] },
    findings,
  };
}

const PLAIN = { color: false, width: 100 };

function stream(isTTY: boolean): TerminalStream & { text: string } {
  const target = {
    text: "",
    isTTY,
    columns: isTTY ? 80 : undefined,
    write: (text: string) => void (target.text += text),
  };
  return target;
}

describe("terminalSafe", () => {
  it.each([
    ["aks\u001b[31mred", "aks\\u001b[31mred"],
    ["line\r\nbreak\ttab", "line break tab"],
    ["bell\u0007 and C1 \u009b", "bell\\u0007 and C1 \\u009b"],
    ["rtl\u202eevil", "rtl\\u202eevil"],
    ["ünïcode ✓ stays", "ünïcode ✓ stays"],
  ])("%j is shown as %j", (text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });
});

describe("wrap", () => {
  it("keeps lines within the width and every word", () => {
    const text = "one two three four five six seven eight nine ten";
    const lines = wrap(text, 12);
    expect(lines.every((line) => line.length <= 12)).toBe(true);
    expect(lines.join(" ")).toBe(text);
    expect(wrap("averyveryverylongword x", 5)).toEqual(["averyveryverylongword", "x"]);
  });
});

describe("renderTerminalReport", () => {
  it("lists a cluster's errors, warnings and silenced findings with expected and actual, in that order", () => {
    const report = renderTerminalReport(
      summary([
        checked([
          finding({ rule: "routes.count", severity: "warning", suppressed: "scaling, CHG-1" }),
          finding({ rule: "lifecycle.kubenetRetirement", severity: "warning" }),
          finding({}),
        ]),
      ]),
      PLAIN,
    );
    const rules = [...report.matchAll(/^ {2}(?:✗ error|⚠ warning| {2}silenced) +(\S+)/gmu)].map((match) => match[1]);
    expect(rules).toEqual(["drift.networkProfile", "lifecycle.kubenetRetirement", "routes.count"]);
    expect(report).toContain("✗ clustername1  drift  1 error, 1 warning, 1 silenced");
    expect(report).toContain("      expected 10.244.0.0/16\n      actual   10.245.0.0/16\n");
    expect(report).toContain("      silenced: scaling, CHG-1");
    expect(report.trimEnd().split("\n").slice(-2)).toEqual([
      "Evidence: ev/run-1",
      "Exit 1: 1 finding fails the gate under --fail-on error",
    ]);
    expect(report).not.toContain("\u001b");
  });

  it("colours only when asked, and a value from Azure cannot colour or move the terminal", () => {
    const hostile = finding({ actual: "\u001b[2J\u001b[0;0Hcleared" });
    const coloured = renderTerminalReport(summary([checked([hostile])]), { color: true, width: 100 });
    expect(coloured).toContain("\u001b[31m✗ error   \u001b[39m");
    expect(coloured).not.toContain("\u001b[2J");
    expect(coloured).toContain("\\u001b[2J");
  });

  it("under --fail-on warning shows a cluster with a warning only as drift that fails, never as a pass", () => {
    const warned = [checked([finding({ rule: "lifecycle.kubenetRetirement", severity: "warning" })])];
    const report = renderTerminalReport(summary(warned, "warning"), PLAIN);
    expect(report.split("\n")[0]).toBe(
      "AKS Network Gate: ✗ drift: the live network differs from the baseline or breaks a network rule; 1 finding fails the gate under --fail-on warning",
    );
    expect(report).toContain("✗ clustername1  drift  0 errors, 1 warning, 0 silenced");
    expect(report).not.toContain("pass");
    expect(report.trimEnd().split("\n").at(-1)).toBe("Exit 1: 1 finding fails the gate under --fail-on warning");
    expect(renderTerminalReport(summary(warned, "error"), PLAIN).split("\n")[0]).toBe(
      "AKS Network Gate: ✓ pass: 1 warning does not fail the gate under --fail-on error",
    );
  });

  it("colours the headline in bold with node:util styleText", () => {
    const report = renderTerminalReport(summary([checked([finding({})])]), { color: true, width: 100 });
    expect(report.split("\n")[0]).toBe(
      "\u001b[31m\u001b[1mAKS Network Gate: ✗ drift: the live network differs from the baseline or breaks a network rule; 1 finding fails the gate under --fail-on error\u001b[22m\u001b[39m",
    );
  });

  it("shows an unreadable cluster with its reason and exit 2", () => {
    const error: ClusterResult = { kind: "error", clusterId: CLUSTER_ID, message: "Azure denied reading x." };
    const report = renderTerminalReport(summary([error]), PLAIN);
    expect(report).toContain("⚠ clustername1  error\n");
    expect(report).toContain("  Azure denied reading x.");
    expect(report).toContain("Exit 2: 1 cluster could not be read, so the gate does not pass");
  });
});

describe("jsonReport", () => {
  it("holds every cluster, finding and count, with null for what is absent", () => {
    const report = jsonReport(summary([checked([finding({ suppressed: "planned" }), finding({})])]));
    expect(report).toMatchObject({ version: 1, result: "drift", exitCode: 1, evidence: "ev/run-1" });
    expect(report.failure).toBe(
      "AKS network drift: 1 finding(s) fail the gate (fail-on: error):\n- clustername1: drift.networkProfile networkProfile.podCidrs: network profile: podCidrs is 10.245.0.0/16, the baseline expects 10.244.0.0/16.",
    );
    expect(report.clusters[0]).toMatchObject({ status: "drift", errors: 1, warnings: 0, silenced: 1, error: null });
    expect(report.clusters[0]?.findings.map((item) => item.silenced)).toEqual(["planned", null]);
  });
});

describe("useColor", () => {
  const line = parseCommandLine(["check"]);
  it.each([
    [true, {}, line, true],
    [false, {}, line, false],
    [true, { NO_COLOR: "1" }, line, false],
    [true, { NO_COLOR: "" }, line, true],
    [true, { TERM: "dumb" }, line, false],
    [true, {}, parseCommandLine(["check", "--no-color"]), false],
    [false, { FORCE_COLOR: "1" }, line, true],
    [false, { FORCE_COLOR: "" }, line, true],
    [true, { FORCE_COLOR: "0" }, line, false],
    [true, { FORCE_COLOR: "false" }, line, false],
    [true, { FORCE_COLOR: "1", NO_COLOR: "1" }, line, true],
    [true, { FORCE_COLOR: "1" }, parseCommandLine(["check", "--no-color"]), false],
  ])("a TTY %s with %j: %s", (isTTY, env, commandLine, expected) => {
    expect(useColor(commandLine, { env, stdout: stream(isTTY) })).toBe(expected);
  });
});

describe("progressReporter", () => {
  it("is silent off a terminal unless --progress, then prints about 20 lines and the last", () => {
    expect(progressReporter(parseCommandLine(["check"]), stream(false))).toBeUndefined();
    const target = stream(false);
    const report = progressReporter(parseCommandLine(["check", "--progress"]), target);
    for (let read = 1; read <= 200; read++) report?.(read, 200);
    const lines = target.text.trimEnd().split("\n");
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe("read 10/200 clusters");
    expect(lines.at(-1)).toBe("read 200/200 clusters");
  });

  it("rewrites one line on a terminal and clears it at the end", () => {
    const target = stream(true);
    const report = progressReporter(parseCommandLine(["check"]), target);
    report?.(1, 2);
    report?.(2, 2);
    expect(target.text).toBe("\r\u001b[Kread 1/2 clusters\r\u001b[K");
  });
});
