/**
 * The SARIF log of a run (src/present/sarif.ts): levels and security severity, the rule
 * catalog, fingerprints that name a finding and not its message or line, silenced findings
 * as suppressions, unreadable clusters as notifications, GitHub's result limit, and a log
 * with every kind of entry that Microsoft's SARIF validator and the schema accept.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ClusterResult, Finding } from "../../src/core/model.js";
import { GATE_VERSION } from "../../src/core/version.js";
import {
  findingFingerprint,
  FINGERPRINT_KEY,
  MAX_SARIF_RESULTS,
  renderSarif,
  RULE_CATALOG,
  SECURITY_SEVERITY,
  type SarifInput,
  type SarifLocator,
} from "../../src/present/sarif.js";
import { kubenetDrifted, type CheckedResult } from "../report/fixtures.js";
import { removedResult, unbaselinedResult } from "../../src/core/fleet/inventory.js";
import { parseBaseline } from "../../src/core/baseline/parse.js";
import { baselineLocator } from "../../src/app/code-scanning.js";
import { validateSarif } from "../helpers/sarif-validator.js";

interface Result {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string; location?: Result["locations"][number] }[];
  properties: Record<string, string>;
}

interface Rule {
  id: string;
  defaultConfiguration: { level: string };
  help: { text: string; markdown: string };
  properties: { tags: string[]; "security-severity"?: string };
}

interface Run {
  tool: { driver: { name: string; version: string; semanticVersion: string; rules: Rule[] } };
  invocations: {
    executionSuccessful: boolean;
    toolExecutionNotifications?: { level: string; message: { text: string }; locations?: Result["locations"] }[];
  }[];
  results: Result[];
}

const BASELINE = ".github/aks-network-baseline.yml";
const LINES: SarifLocator = {
  cluster: () => 3,
  finding: () => 10,
  suppression: () => 40,
  inventory: (result) => (result.discovered === undefined ? 20 : 2),
};

function render(results: ClusterResult[], locate: SarifLocator = LINES, extra: Partial<SarifInput> = {}): Run {
  const log = renderSarif({ results, baselineUri: BASELINE, locate, ...extra }) as { runs: Run[] };
  return log.runs[0] as Run;
}

function withFindings(findings: Finding[]): CheckedResult {
  return { ...kubenetDrifted(), findings };
}

const { clusterId } = kubenetDrifted();

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: "drift.networkProfile",
    severity: "error",
    clusterId,
    resourceId: clusterId,
    path: "networkProfile.podCidrs",
    expected: "10.244.0.0/16",
    actual: "10.245.0.0/16",
    message: "network profile: podCidrs is 10.245.0.0/16, the baseline expects 10.244.0.0/16.",
    ...overrides,
  };
}

describe("rules and levels", () => {
  it("lists every rule once, at its severity, with what it checks, why, what to do and how to silence it", () => {
    const { rules } = render([]).tool.driver;
    expect(rules.map((rule) => rule.id)).toEqual(RULE_CATALOG.map((rule) => rule.id));
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const [index, rule] of rules.entries()) {
      const doc = RULE_CATALOG[index]!;
      expect(rule.defaultConfiguration.level).toBe(doc.severity);
      expect(rule.help.text).toContain(doc.why);
      expect(rule.help.text).toContain(doc.fix);
      expect(rule.help.markdown).toContain(`{ rule: ${doc.id}, reason: … }`);
    }
  });

  it("maps a finding's error and warning to SARIF's levels, each result naming its rule by id and index", () => {
    const run = render([
      withFindings([finding(), finding({ rule: "routes.count", severity: "warning", path: "routeTables[x].routes" })]),
    ]);
    expect(run.results.map((result) => [result.ruleId, result.level])).toEqual([
      ["drift.networkProfile", "error"],
      ["routes.count", "warning"],
    ]);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
  });

  it("gives a security severity, with the security tag, only to drift that moves traffic or its filtering", () => {
    const secured = render([]).tool.driver.rules.filter((rule) => rule.properties["security-severity"] !== undefined);
    expect(secured.map((rule) => rule.id).sort()).toEqual(Object.keys(SECURITY_SEVERITY).sort());
    for (const rule of secured) {
      expect(rule.properties["security-severity"]).toBe("7.0");
      expect(rule.properties.tags).toContain("security");
    }
    const capacity = render([]).tool.driver.rules.find((rule) => rule.id === "capacity.podCidr");
    expect(capacity?.properties.tags).not.toContain("security");
  });

  it("names the gate's version as the tool's", () => {
    const { driver } = render([]).tool;
    expect(driver).toMatchObject({ name: "AKS Network Gate", version: GATE_VERSION, semanticVersion: GATE_VERSION });
  });
});

describe("locations and fingerprints", () => {
  it("places each finding at its baseline line, naming the cluster in the message", () => {
    const result = kubenetDrifted();
    const run = render([result], { ...LINES, finding: (_, item) => (item.rule === "drift.networkProfile" ? 12 : 30) });
    const drift = run.results.find((entry) => entry.ruleId === "drift.networkProfile");
    expect(drift?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: BASELINE, uriBaseId: "%SRCROOT%" },
      region: { startLine: 12 },
    });
    expect(drift?.message.text).toMatch(/^clustername1: network profile: podCidrs is 10\.245\.0\.0\/16/u);
    expect(drift?.properties).toMatchObject({ path: "networkProfile.podCidrs", actual: "10.245.0.0/16" });
  });

  it("fingerprints a finding by rule, cluster and path: not by message, values, severity or line", () => {
    const one = render([withFindings([finding()])]).results[0]!.partialFingerprints;
    const moved = render(
      [withFindings([finding({ message: "another text", actual: "10.246.0.0/16", severity: "warning" })])],
      { ...LINES, finding: () => 99 },
    ).results[0]!.partialFingerprints;
    expect(moved).toEqual(one);
    expect(one.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/u);
    expect(one[FINGERPRINT_KEY]).toBe(findingFingerprint(finding()));
    expect(one[FINGERPRINT_KEY]?.startsWith(one.primaryLocationLineHash!.slice(0, 16))).toBe(true);
  });

  it("keeps two findings on one line apart, and matches cluster IDs and paths whatever their case", () => {
    const base = finding();
    const fingerprints = [
      base,
      { ...base, path: "networkProfile.serviceCidrs" },
      { ...base, rule: "drift.subnet" },
      { ...base, clusterId: `${base.clusterId}-other` },
    ].map(findingFingerprint);
    expect(new Set(fingerprints).size).toBe(4);
    expect(
      findingFingerprint({ ...base, clusterId: base.clusterId.toUpperCase(), path: base.path.toUpperCase() }),
    ).toBe(findingFingerprint(base));
  });
});

describe("inventory findings", () => {
  const NEW =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks-new";
  const GONE = NEW.replace("aks-new", "aks-gone");
  const unbaselined = () =>
    unbaselinedResult(
      {
        id: NEW,
        name: "aks-new",
        subscriptionId: "00000000-0000-0000-0000-000000000001",
        resourceGroup: "rg1",
        location: "westeurope",
        networkPlugin: "azure",
        tags: { env: "prod" },
      },
      "warning",
    );
  const removed = () => removedResult(GONE, "Resource Manager answers 404 ResourceNotFound", "error");
  const inventory = (result: ClusterResult) => {
    if (result.kind !== "inventory") throw new Error(`expected an inventory result, got ${result.kind}`);
    return [result, result.findings[0]!] as const;
  };

  it("are results at their lines, naming their rules, at their severities, fingerprinted by rule, cluster and path", () => {
    const run = render([kubenetDrifted(), unbaselined(), removed()]);
    const byRule = (rule: string) => run.results.find((entry) => entry.ruleId === rule);
    const fresh = byRule("inventory.unbaselined");
    const gone = byRule("inventory.removed");
    expect(fresh).toMatchObject({
      level: "warning",
      ruleIndex: RULE_CATALOG.findIndex((rule) => rule.id === "inventory.unbaselined"),
      message: { text: expect.stringMatching(/^aks-new: The cluster is in the fleet's scope/u) },
      properties: { clusterId: NEW, path: "clusters", actual: "azure plugin, westeurope, tags env=prod" },
    });
    expect(gone).toMatchObject({
      level: "error",
      ruleIndex: RULE_CATALOG.findIndex((rule) => rule.id === "inventory.removed"),
      message: { text: expect.stringMatching(/^aks-gone: The baseline lists a cluster that no longer exists/u) },
    });
    expect(fresh?.locations[0]?.physicalLocation.region).toEqual({ startLine: 2 });
    expect(gone?.locations[0]?.physicalLocation.region).toEqual({ startLine: 20 });
    expect(fresh?.partialFingerprints[FINGERPRINT_KEY]).toBe(findingFingerprint(inventory(unbaselined())[1]));
    expect(gone?.partialFingerprints[FINGERPRINT_KEY]).toBe(
      findingFingerprint({ rule: "inventory.removed", clusterId: GONE.toUpperCase(), path: "clusters" }),
    );
    const rules = run.results.map((entry) => entry.ruleId);
    expect(rules.indexOf("inventory.removed")).toBeLessThan(rules.indexOf("inventory.unbaselined"));
    expect(run.invocations[0]?.executionSuccessful).toBe(true);
  });

  it("a removal a capture made is an accepted suppression without a line in the file", () => {
    const run = render([
      removedResult(GONE, "404", "error", "Its entry was removed from the baseline by this capture."),
    ]);
    expect(run.results[0]?.suppressions).toEqual([
      {
        kind: "inSource",
        status: "accepted",
        justification: "Its entry was removed from the baseline by this capture.",
      },
    ]);
  });

  it("the baseline's locator: a removed cluster at its entry's key, an unbaselined one at `clusters`, else line 1", () => {
    const entry = (id: string) => `  ${id}:\n    networkProfile:\n      networkPlugin: azure\n`;
    const parsed = parseBaseline(
      `# fleet\nversion: 1\n\nclusters:\n${entry(NEW.replace("aks-new", "aks1"))}${entry(GONE)}`,
      BASELINE,
    );
    const locate = baselineLocator(parsed);
    expect(locate.inventory(...inventory(removed()))).toBe(8);
    expect(locate.inventory(...inventory(unbaselined()))).toBe(4);
    const only = parseBaseline(`version: 1\nexclude:\n  - {id: ${GONE}, reason: r}\nclusters: {}\n`, BASELINE);
    expect(baselineLocator(only).inventory(...inventory(unbaselined()))).toBe(4);
    expect(baselineLocator(undefined).inventory(...inventory(removed()))).toBe(1);
  });
});

describe("silenced findings and unreadable clusters", () => {
  it("reports a silenced finding as accepted, with its reason and the line of the entry that silences it", () => {
    const silenced = finding({ rule: "routes.count", severity: "warning", suppressed: "scaling in CHG-1234" });
    const [active, quiet] = render([withFindings([finding(), silenced])]).results;
    expect(active?.suppressions).toBeUndefined();
    expect(quiet?.suppressions).toEqual([
      {
        kind: "inSource",
        status: "accepted",
        justification: "scaling in CHG-1234",
        location: {
          physicalLocation: { artifactLocation: { uri: BASELINE, uriBaseId: "%SRCROOT%" }, region: { startLine: 40 } },
        },
      },
    ]);
  });

  it("marks a run with an unreadable cluster unsuccessful, the cluster as a notification at its line", () => {
    const run = render([{ kind: "error", clusterId: "/subscriptions/s/x/managedClusters/c2", message: "403 on rg" }]);
    expect(run.invocations[0]?.executionSuccessful).toBe(false);
    expect(run.invocations[0]?.toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: "error",
        message: { text: "/subscriptions/s/x/managedClusters/c2: 403 on rg" },
        locations: [
          expect.objectContaining({ physicalLocation: expect.objectContaining({ region: { startLine: 3 } }) }),
        ],
      }),
    ]);
    expect(render([kubenetDrifted()]).invocations[0]?.executionSuccessful).toBe(true);
  });
});

it("keeps GitHub's 25,000 results per run, active errors first, and says how many it left out", () => {
  const many = Array.from({ length: MAX_SARIF_RESULTS }, (_, index) =>
    finding({ rule: "routes.count", severity: "warning", path: `routeTables[t${index}].routes` }),
  );
  const run = render([withFindings([...many, finding({ suppressed: "CHG-1" }), finding()])]);
  expect(run.results).toHaveLength(MAX_SARIF_RESULTS);
  expect(run.results[0]).toMatchObject({ ruleId: "drift.networkProfile", level: "error" });
  expect(run.results.some((result) => result.suppressions)).toBe(false);
  expect(run.invocations[0]?.toolExecutionNotifications?.[0]?.message.text).toMatch(/^2 findings are left out/u);
});

it("writes a log that Microsoft's SARIF validator (SARIF and GitHub rules) and the SARIF schema accept", async () => {
  const silenced = finding({ rule: "routes.count", severity: "warning", suppressed: "scaling in CHG-1234" });
  const results: ClusterResult[] = [
    kubenetDrifted(),
    withFindings([silenced]),
    { kind: "error", clusterId: "/subscriptions/s/x/managedClusters/c2", message: "403" },
    removedResult(`${clusterId}-gone`, "Resource Manager answers 404", "error", "removed by this capture"),
    unbaselinedResult(
      {
        id: `${clusterId}-new`,
        name: "new",
        subscriptionId: "s",
        resourceGroup: "rg",
        location: null,
        networkPlugin: null,
        tags: {},
      },
      "warning",
    ),
  ];
  const provenance = { repositoryUri: "https://github.com/contoso/platform-network", revisionId: "0123456789abcdef" };
  const file = path.join(await mkdtemp(path.join(tmpdir(), "sarif-unit-")), "findings.sarif");
  await writeFile(file, JSON.stringify(renderSarif({ results, baselineUri: BASELINE, locate: LINES, provenance })));
  expect(await validateSarif(file)).toEqual({ problems: [], schemaErrors: [] });
}, 60_000);

it("the validation fails on what the validator or only the schema refuses", async () => {
  const folder = await mkdtemp(path.join(tmpdir(), "sarif-broken-"));
  const log = renderSarif({ results: [kubenetDrifted()], baselineUri: BASELINE, locate: LINES }) as { runs: Run[] };
  const noMessage = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
  delete noMessage.runs[0]!.results[0]!.message;
  const badLevel = structuredClone(log);
  badLevel.runs[0]!.results[0]!.level = "bogus";
  await writeFile(path.join(folder, "no-message.sarif"), JSON.stringify(noMessage));
  await writeFile(path.join(folder, "bad-level.sarif"), JSON.stringify(badLevel));
  const missing = await validateSarif(path.join(folder, "no-message.sarif"));
  expect(missing.problems).toEqual(expect.arrayContaining([expect.objectContaining({ level: "error" })]));
  expect(missing.schemaErrors.join("\n")).toMatch(/must have required property 'message'/u);
  const bogus = await validateSarif(path.join(folder, "bad-level.sarif"));
  expect(bogus.schemaErrors.join("\n")).toMatch(
    /\/runs\/0\/results\/0\/level must be equal to one of the allowed values/u,
  );
}, 60_000);
