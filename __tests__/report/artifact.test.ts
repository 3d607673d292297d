/** The evidence artifact's decisions: upload or skip with a reason, never a failed gate; its summary, output and issue link. */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { driftState } from "../../src/core/issues/marker.js";
import { renderDriftIssue } from "../../src/present/issue.js";
import type { Logger } from "../../src/core/logger.js";
import {
  type ArtifactRequest,
  artifactName,
  artifactOutputs,
  artifactPrecondition,
  isEnterpriseServer,
  uploadEvidence,
} from "../../src/io/github/artifact.js";
import { renderArtifactSummary } from "../../src/present/artifact-summary.js";
import { readSettings } from "../../src/app/settings.js";
import { kubenetDrifted } from "./fixtures.js";

const RUNNER = {
  GITHUB_SERVER_URL: "https://github.com",
  ACTIONS_RUNTIME_TOKEN: "token",
  ACTIONS_RESULTS_URL: "https://results-receiver.actions.githubusercontent.com/",
};
const UPLOAD = { upload: true, retentionDays: undefined };

describe("whether the evidence can be uploaded", () => {
  it.each([
    ["upload-evidence false", { upload: false, retentionDays: 3 }, RUNNER, "'upload-evidence' is false", true],
    [
      "GitHub Enterprise Server",
      UPLOAD,
      { ...RUNNER, GITHUB_SERVER_URL: "https://github.contoso.com" },
      "GitHub Enterprise Server does not offer the artifact service that @actions/artifact (upload-artifact v4) uses (server https://github.contoso.com)",
      false,
    ],
    [
      "no runtime token (a local run)",
      UPLOAD,
      { ...RUNNER, ACTIONS_RUNTIME_TOKEN: "" },
      "ACTIONS_RUNTIME_TOKEN is not set, so this is not a GitHub Actions job that can upload artifacts (a local run?)",
      false,
    ],
    [
      "no results URL",
      UPLOAD,
      { ...RUNNER, ACTIONS_RESULTS_URL: undefined },
      "ACTIONS_RESULTS_URL is not set, so this is not a GitHub Actions job that can upload artifacts (a local run?)",
      false,
    ],
  ])("skips: %s", (_case, settings, env, reason, quiet) => {
    expect(artifactPrecondition(settings, env)).toEqual({ uploaded: false, reason, quiet });
  });

  it.each([
    ["github.com", RUNNER],
    ["GitHub Enterprise Cloud with data residency", { ...RUNNER, GITHUB_SERVER_URL: "https://contoso.ghe.com" }],
    ["no server URL (github.com)", { ...RUNNER, GITHUB_SERVER_URL: undefined }],
  ])("tries on %s", (_case, env) => {
    expect(artifactPrecondition(UPLOAD, env)).toBeUndefined();
  });

  it.each([
    ["https://github.com", false],
    ["https://GitHub.com/", false],
    ["https://octo.ghe.com", false],
    ["http://github.localhost", false],
    ["https://ghes.internal.example", true],
    ["https://github.com.evil.example", true],
  ])("%s is Enterprise Server: %s", (url, ghes) => {
    expect(isEnterpriseServer(url)).toBe(ghes);
  });
});

interface Recorded extends Logger {
  said: string[];
}

function recording(withNotice = true): Recorded {
  const said: string[] = [];
  const logger: Recorded = {
    said,
    info: (message) => void said.push(`info: ${message}`),
    debug: () => undefined,
    warning: (message) => void said.push(`warning: ${message}`),
    error: (message) => void said.push(`error: ${message}`),
    mask: () => undefined,
  };
  if (withNotice) logger.notice = (message) => void said.push(`notice: ${message}`);
  return logger;
}

async function evidenceFolder(): Promise<string> {
  const folder = path.join(await mkdtemp(path.join(tmpdir(), "artifact-")), "run-9-1-2026-11-23T10-00-00-000Z-abc123");
  await mkdir(folder);
  for (const file of ["report.md", "SHA256SUMS", "manifest.json"]) await writeFile(path.join(folder, file), file);
  return folder;
}

const RUN = { serverUrl: "https://github.com", repository: "o/r", runId: "9" };

describe("uploading the evidence", () => {
  it("gives the uploader the folder's files, the run's artifact name and the retention, and links the result", async () => {
    const folder = await evidenceFolder();
    const requests: ArtifactRequest[] = [];
    const logger = recording();
    const uploader = async (request: ArtifactRequest) => {
      requests.push(request);
      return { id: 77, size: 1234, digest: "d" };
    };
    const publication = await uploadEvidence({ upload: true, retentionDays: 14 }, folder, {
      logger,
      env: RUNNER,
      run: RUN,
      uploader,
    });
    expect(requests).toEqual([
      {
        name: "aks-network-evidence-run-9-1-2026-11-23T10-00-00-000Z-abc123",
        folder,
        files: ["SHA256SUMS", "manifest.json", "report.md"].map((file) => path.join(folder, file)),
        retentionDays: 14,
      },
    ]);
    expect(publication).toEqual({
      uploaded: true,
      name: "aks-network-evidence-run-9-1-2026-11-23T10-00-00-000Z-abc123",
      id: 77,
      url: "https://github.com/o/r/actions/runs/9/artifacts/77",
      size: 1234,
    });
    expect(artifactOutputs(publication)).toEqual({ "evidence-artifact-id": "77" });
    expect(logger.said).toEqual([
      `info: Evidence uploaded as the artifact ${artifactName(folder)} (ID 77, 1234 bytes): https://github.com/o/r/actions/runs/9/artifacts/77.`,
    ]);
  });

  it("has no link without the repository and run, but still an ID", async () => {
    const folder = await evidenceFolder();
    const uploader = async () => ({ id: 5, size: undefined, digest: undefined });
    const run = { serverUrl: "https://github.com", repository: undefined, runId: undefined };
    const publication = await uploadEvidence(UPLOAD, folder, { logger: recording(), env: RUNNER, run, uploader });
    expect(publication).toMatchObject({ uploaded: true, id: 5, url: undefined });
    expect(renderArtifactSummary(publication, "e")).toContain(
      "aks-network-evidence-run-9-1-2026-11-23T10-00-00-000Z-abc123 (artifact ID 5)",
    );
  });

  it("turns a failed upload into a warning and a reason, never a thrown error", async () => {
    const logger = recording();
    const uploader = async (): Promise<never> => {
      throw new Error("Failed to CreateArtifact: Received non-retryable error: Failed request: (403) Forbidden");
    };
    const publication = await uploadEvidence(UPLOAD, await evidenceFolder(), {
      logger,
      env: RUNNER,
      run: RUN,
      uploader,
    });
    expect(publication).toEqual({
      uploaded: false,
      reason:
        "the upload failed: Failed to CreateArtifact: Received non-retryable error: Failed request: (403) Forbidden",
      quiet: false,
    });
    expect(logger.said).toEqual([
      expect.stringMatching(
        /^warning: Evidence not uploaded as an artifact: the upload failed: .*\(403\).* It stays in \//,
      ),
    ]);
    expect(artifactOutputs(publication)).toEqual({ "evidence-artifact-id": "" });
  });

  it("takes the library's GHESNotSupportedError as a notice, not a warning", async () => {
    const logger = recording();
    const uploader = async (): Promise<never> => {
      throw Object.assign(new Error("not supported on GHES"), { name: "GHESNotSupportedError" });
    };
    const publication = await uploadEvidence(UPLOAD, await evidenceFolder(), {
      logger,
      env: RUNNER,
      run: RUN,
      uploader,
    });
    expect(publication).toMatchObject({ uploaded: false, reason: expect.stringContaining("GitHub Enterprise Server") });
    expect(logger.said).toEqual([
      expect.stringMatching(/^notice: Evidence not uploaded as an artifact: GitHub Enterprise Server/),
    ]);
  });

  it("skips without asking the uploader: a notice when artifacts are unavailable (info without notice), nothing when switched off", async () => {
    const folder = await evidenceFolder();
    const uploader = async (): Promise<never> => {
      throw new Error("must not be called");
    };
    const local = { ...RUNNER, ACTIONS_RUNTIME_TOKEN: undefined };
    const noticed = recording();
    await uploadEvidence(UPLOAD, folder, { logger: noticed, env: local, run: RUN, uploader });
    expect(noticed.said).toEqual([
      expect.stringMatching(/^notice: Evidence not uploaded as an artifact: ACTIONS_RUNTIME_TOKEN is not set/),
    ]);
    const plain = recording(false);
    await uploadEvidence(UPLOAD, folder, { logger: plain, env: local, run: RUN, uploader });
    expect(plain.said).toEqual([expect.stringMatching(/^info: Evidence not uploaded/)]);
    const off = recording();
    const publication = await uploadEvidence({ upload: false, retentionDays: undefined }, folder, {
      logger: off,
      env: RUNNER,
      run: RUN,
      uploader,
    });
    expect(off.said).toEqual([]);
    expect(renderArtifactSummary(publication, "e")).toBe("");
  });
});

describe("the artifact in the summary and the issue", () => {
  it("summary: a link with the ID, or why there is none", () => {
    const uploaded = {
      uploaded: true as const,
      name: "aks-network-evidence-run_1",
      id: 3,
      url: "https://github.com/o/r/actions/runs/1/artifacts/3",
      size: 2048,
    };
    expect(renderArtifactSummary(uploaded, "aks-network-evidence/run_1")).toBe(
      "### Evidence artifact\n\n[aks-network-evidence-run\\_1](https://github.com/o/r/actions/runs/1/artifacts/3) (artifact ID 3, 2,048 bytes): the evidence folder `aks-network-evidence/run_1` with `manifest.json` and `SHA256SUMS`.\n",
    );
    const skipped = { uploaded: false as const, reason: "GitHub Enterprise Server does not offer it", quiet: false };
    expect(renderArtifactSummary(skipped, "e/run")).toBe(
      "### Evidence artifact\n\n⚠️ Not uploaded: GitHub Enterprise Server does not offer it. The evidence stays in `e/run` on the runner.\n",
    );
  });

  it("issue: the run links name the artifact when there is one, and the evidence folder when not", () => {
    const result = kubenetDrifted();
    const findings = result.findings.filter((item) => !item.suppressed);
    const links = {
      baselineFile: "b.yml",
      runUrl: undefined,
      runId: undefined,
      commit: undefined,
      commitUrl: undefined,
      evidencePath: "e/run",
    };
    const body = (artifact?: { name: string; url: string }) =>
      renderDriftIssue({
        state: driftState(result.clusterId, findings),
        owner: { owner: undefined, skipped: [] },
        links: { ...links, artifact },
        snapshot: result.snapshot,
        expected: result.expected,
        findings,
      }).body;
    expect(
      body({ name: "aks-network-evidence-run", url: "https://github.com/o/r/actions/runs/1/artifacts/3" }),
    ).toContain(
      "evidence artifact [aks-network-evidence-run](https://github.com/o/r/actions/runs/1/artifacts/3) (folder `e/run`, with `manifest.json` and `SHA256SUMS`)",
    );
    expect(body()).toContain(
      "evidence `e/run` (with `manifest.json` and `SHA256SUMS`; not uploaded as an artifact by this run)",
    );
  });
});

describe("the artifact inputs", () => {
  const read = (inputs: Record<string, string>) =>
    readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: tmpdir() });

  it("default to uploading with the repository's retention", () => {
    expect(read({}).artifacts).toEqual({ upload: true, retentionDays: undefined });
    expect(read({ "upload-evidence": "false", "retention-days": " 30 " }).artifacts).toEqual({
      upload: false,
      retentionDays: 30,
    });
  });

  it.each([
    ["retention-days", "0", "Input 'retention-days' has the value '0'; expected a whole number from 1 to 400."],
    ["retention-days", "401", "Input 'retention-days' has the value '401'; expected a whole number from 1 to 400."],
    ["retention-days", "7d", "Input 'retention-days' has the value '7d'; expected a whole number from 1 to 400."],
    [
      "upload-evidence",
      "yes",
      "Input 'upload-evidence' has the value 'yes', which is not allowed. Allowed values: true, false.",
    ],
  ])("refuse %s: %j", (name, value, message) => {
    expect(() => read({ [name]: value })).toThrow(message);
  });
});
