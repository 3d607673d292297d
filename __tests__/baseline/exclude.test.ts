/** The baseline's `exclude` section: clusters in scope the team deliberately does not gate, each with a reason. */
import { FORMATS } from "../../src/core/baseline/formats.js";
import { BaselineError, parseBaseline } from "../../src/core/baseline/parse.js";
import { renderYaml, toFileBaseline } from "../../src/core/baseline/render.js";
import { AKS1, AKS1_ENTRY, AKS2, AKS2_ENTRY, AKS3, FILE, FULL, FULL_LINES, P1, VNET } from "./fixtures.js";

const AKS4 = AKS3.replace("aks3", "aks4");

/** FULL with an `exclude` section after the clusters; entry i is line i + 1. */
const EXCLUDE_LINES: readonly string[] = [
  ...FULL_LINES,
  /* 53 */ "exclude: # clusters in scope we do not gate",
  /* 54 */ `  - id: ${AKS3}`,
  /* 55 */ "    reason: sandbox, rebuilt weekly",
  /* 56 */ `  - id: ${AKS4}`,
  /* 57 */ "    reason: owned by the data team",
];

/** EXCLUDE_LINES with some 1-based lines replaced (a replacement may hold several lines; null removes the line). */
function excludeWith(replacements: Readonly<Record<number, string | null>>): string {
  const lines = EXCLUDE_LINES.flatMap((line, index) => {
    const replacement = replacements[index + 1];
    if (replacement === undefined) return [line];
    return replacement === null ? [] : [replacement];
  });
  return `${lines.join("\n")}\n`;
}

function problemsOf(text: string): string[] {
  try {
    parseBaseline(text, FILE);
  } catch (error) {
    if (!(error instanceof BaselineError)) throw error;
    return error.problems.map((p) => `${p.file}:${p.line}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`);
  }
  throw new Error("expected the baseline to be rejected");
}

describe("exclude: a valid section", () => {
  test("maps onto the model's exclusions, in file order, IDs and reasons as written", () => {
    const { baseline } = parseBaseline(excludeWith({}), FILE);
    expect(baseline).toEqual({
      version: 1,
      clusters: [AKS1_ENTRY, AKS2_ENTRY],
      exclusions: [
        { id: AKS3, reason: "sandbox, rebuilt weekly" },
        { id: AKS4, reason: "owned by the data team" },
      ],
    });
  });

  test.each([
    ["a file without exclude", FULL],
    ["exclude: []", `${FULL}exclude: []\n`],
  ])("%s: no exclusions", (_name, text) => {
    expect(parseBaseline(text, FILE).baseline.exclusions).toEqual([]);
  });

  test("exclude may come before clusters, in flow style, with a multi-line reason", () => {
    const text = `version: 1\nexclude:\n  - {id: ${AKS3}, reason: "a"}\n  - id: ${AKS4}\n    reason: |\n      two\n      lines\nclusters:\n  ${AKS2}:\n    networkProfile: {}\n`;
    expect(parseBaseline(text, FILE).baseline.exclusions).toEqual([
      { id: AKS3, reason: "a" },
      { id: AKS4, reason: "two\nlines\n" },
    ]);
  });

  test("locateExclusion finds an item's line, ignoring the ID's case", () => {
    const parsed = parseBaseline(excludeWith({}), FILE);
    expect(parsed.locateExclusion(AKS4.toUpperCase())).toEqual({ file: FILE, line: 56 });
    expect(parsed.locateExclusion(AKS3)).toEqual({ file: FILE, line: 54 });
    expect(parsed.locateExclusion(AKS1)).toBeUndefined();
    expect(parseBaseline(FULL, FILE).locateExclusion(AKS3)).toBeUndefined();
  });
});

describe("exclude: each kind of problem, with its line", () => {
  const CLUSTER_ID = FORMATS.clusterId.describe;
  test.each([
    [
      "an ID that is not a managed cluster's",
      { 54: `  - id: ${VNET}` },
      [`${FILE}:54: exclude[0].id: ${JSON.stringify(VNET)} is not ${CLUSTER_ID}`],
    ],
    [
      "a cluster name instead of an ID",
      { 56: "  - id: aks4" },
      [`${FILE}:56: exclude[1].id: "aks4" is not ${CLUSTER_ID}`],
    ],
    ["a missing reason", { 55: null }, [`${FILE}:54: exclude[0]: missing required key "reason"`]],
    ["an empty reason", { 57: '    reason: " "' }, [`${FILE}:57: exclude[1].reason: must not be empty`]],
    ["a null reason", { 55: "    reason:" }, [`${FILE}:55: exclude[0].reason: expected a string, got null`]],
    ["a missing ID", { 54: "  - reason: x", 55: null }, [`${FILE}:54: exclude[0]: missing required key "id"`]],
    [
      "an unknown key",
      { 57: "    reason: owned by the data team\n    owner: data" },
      [`${FILE}:58: exclude[1].owner: unknown key (allowed: id, reason)`],
    ],
    [
      "the same ID twice, ignoring case",
      { 56: `  - id: ${AKS3.toUpperCase()}` },
      [`${FILE}:56: exclude[1]: duplicate id ${JSON.stringify(AKS3.toUpperCase())} (also on line 54)`],
    ],
    [
      "a cluster that is gated too, ignoring case",
      { 56: `  - id: ${AKS1.toLowerCase()}` },
      [
        `${FILE}:56: exclude[1].id: ${JSON.stringify(AKS1.toLowerCase())} is also in clusters: a cluster is either gated or excluded, not both`,
      ],
    ],
    [
      "a map instead of a list",
      { 54: `  ${AKS3}: sandbox`, 55: null, 56: null, 57: null },
      [`${FILE}:54: exclude: expected a list, got a map`],
    ],
    [
      "exclude: null",
      { 53: "exclude:", 54: null, 55: null, 56: null, 57: null },
      [`${FILE}:53: exclude: expected a list, got null`],
    ],
    [
      "an item that is a bare ID",
      { 54: `  - ${AKS3}`, 55: null },
      [`${FILE}:54: exclude[0]: expected a map, got the string ${JSON.stringify(AKS3)}`],
    ],
  ])("%s", (_name, lines, expected) => {
    expect(problemsOf(excludeWith(lines))).toEqual(expected);
  });

  test("a gated-and-excluded cluster is reported next to problems elsewhere in the file", () => {
    const text = excludeWith({ 11: "      podCidrs: [10.244.0.0/33]", 54: `  - id: ${AKS2}` });
    expect(problemsOf(text)).toEqual([
      `${FILE}:11: ${P1}.networkProfile.podCidrs[0]: "10.244.0.0/33" is not ${FORMATS.cidr.describe}`,
      `${FILE}:54: exclude[0].id: ${JSON.stringify(AKS2)} is also in clusters: a cluster is either gated or excluded, not both`,
    ]);
  });

  test("an excluded ID that is itself broken is reported once, as broken", () => {
    expect(problemsOf(excludeWith({ 54: "  - id: 42" }))).toEqual([
      `${FILE}:54: exclude[0].id: expected a string, got the number 42`,
    ]);
  });
});

describe("a file with exclusions only (clusters: {}), before the first fleet capture", () => {
  const ONLY = `version: 1\nclusters: {}\nexclude:\n  - id: ${AKS3}\n    reason: sandbox\n`;

  test("is valid: no clusters, its exclusions", () => {
    const parsed = parseBaseline(ONLY, FILE);
    expect(parsed.baseline).toEqual({ version: 1, clusters: [], exclusions: [{ id: AKS3, reason: "sandbox" }] });
    expect(parsed.locateExclusion(AKS3)).toEqual({ file: FILE, line: 4 });
  });

  test.each([
    [
      "exclude: []",
      "version: 1\nclusters: {}\nexclude: []\n",
      [`${FILE}:2: clusters: is empty: expected at least 1 entry`],
    ],
    ["no exclude", "version: 1\nclusters: {}\n", [`${FILE}:2: clusters: is empty: expected at least 1 entry`]],
    [
      "no clusters key",
      `version: 1\nexclude:\n  - id: ${AKS3}\n    reason: sandbox\n`,
      [`${FILE}:1: missing required key "clusters"`],
    ],
    [
      "clusters: null",
      `version: 1\nclusters:\nexclude:\n  - id: ${AKS3}\n    reason: sandbox\n`,
      [`${FILE}:2: clusters: expected a map, got null`],
    ],
    [
      "exclude not a list",
      "version: 1\nclusters: {}\nexclude: sandbox\n",
      [
        `${FILE}:2: clusters: is empty: expected at least 1 entry`,
        `${FILE}:3: exclude: expected a list, got the string "sandbox"`,
      ],
    ],
    [
      "an exclusion without a reason",
      `version: 1\nclusters: {}\nexclude:\n  - id: ${AKS3}\n`,
      [`${FILE}:4: exclude[0]: missing required key "reason"`],
    ],
  ])("%s: refused as before, with the same words", (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });
});

describe("toFileBaseline", () => {
  test("a rendered baseline keeps its exclusions and reads back the same", () => {
    const baseline = parseBaseline(excludeWith({}), FILE).baseline;
    const text = renderYaml(toFileBaseline(baseline), "");
    expect(text).toContain(`exclude:\n  - id: ${AKS3}\n    reason: sandbox, rebuilt weekly\n`);
    expect(parseBaseline(text, FILE).baseline).toEqual(baseline);
  });

  test("no exclusions, no exclude key", () => {
    const baseline = parseBaseline(FULL, FILE).baseline;
    expect(Object.keys(toFileBaseline(baseline))).toEqual(["version", "clusters"]);
  });
});
