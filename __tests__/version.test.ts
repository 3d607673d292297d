/**
 * The gate's version (src/core/version.ts) is package.json's, and the texts an auditor reads
 * name it: the issue footer here; the evidence manifest and the SARIF tool section in
 * __tests__/e2e/sarif.e2e.test.ts. The bundle carries the version, not the whole package.json.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { driftState, errorState } from "../src/core/issues/marker.js";
import { GATE_VERSION } from "../src/core/version.js";
import { type IssueLinks, renderDriftIssue, renderErrorIssue } from "../src/present/issue.js";
import { kubenetDrifted } from "./report/fixtures.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  description: string;
};

const links: IssueLinks = {
  baselineFile: ".github/aks-network-baseline.yml",
  runUrl: undefined,
  runId: undefined,
  commit: undefined,
  commitUrl: undefined,
  evidencePath: "aks-network-evidence/local",
};
const input = { owner: { owner: undefined, skipped: [] }, links };

it("is package.json's version, a semantic version", () => {
  expect(GATE_VERSION).toBe(manifest.version);
  expect(GATE_VERSION).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/u);
});

it("signs every issue the gate writes", () => {
  const result = kubenetDrifted();
  const footer = `Written by AKS Network Gate ${GATE_VERSION}, which finds this issue`;
  const drift = renderDriftIssue({
    ...input,
    state: driftState(result.clusterId, result.findings),
    snapshot: result.snapshot,
    expected: result.expected,
    findings: result.findings,
  });
  const error = renderErrorIssue({
    ...input,
    state: errorState(result.clusterId, "403"),
    clusterId: result.clusterId,
    message: "403",
  });
  expect(drift.body).toContain(footer);
  expect(error.body).toContain(footer);
});

it("is in dist/ without the rest of package.json", () => {
  const files = readdirSync(path.join(ROOT, "dist"), { recursive: true, encoding: "utf8" }).filter((file) =>
    file.endsWith(".js"),
  );
  const bundle = files.map((file) => readFileSync(path.join(ROOT, "dist", file), "utf8")).join("\n");
  expect(bundle).toContain(`version:"${GATE_VERSION}"`);
  expect(bundle).not.toContain(manifest.description);
});
