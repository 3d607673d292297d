/**
 * The evidence folder kept as a workflow artifact. Where the runner offers no
 * artifact service (GitHub Enterprise Server, a run outside GitHub Actions)
 * or the upload fails, the run says so and carries on: the artifact never
 * changes the gate's result. The uploader is loaded only when an upload is
 * attempted, since @actions/artifact is large.
 */
import { BudgetSpent, type Deadline } from "../../core/deadline.js";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describeError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { ArtifactPublication } from "../../core/model.js";
import type { ArtifactRequest, UploadedArtifact } from "./artifact-client.js";

/** `upload-evidence` and `retention-days`, as settings reads them. */
export interface ArtifactSettings {
  upload: boolean;
  /** Undefined: the repository's default retention. */
  retentionDays: number | undefined;
}

/** Uploads one artifact; the action's is @actions/artifact's DefaultArtifactClient. */
export type ArtifactUploader = (request: ArtifactRequest) => Promise<UploadedArtifact>;

export type { ArtifactRequest, UploadedArtifact } from "./artifact-client.js";

export interface ArtifactDeps {
  logger: Logger;
  /** The runner's environment: GITHUB_SERVER_URL, ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL. */
  env: NodeJS.ProcessEnv;
  /** Where the run's page is, for the artifact's link. */
  run: { serverUrl: string; repository: string | undefined; runId: string | undefined };
  /** Tests give a stand-in; the default loads @actions/artifact. */
  uploader?: ArtifactUploader;
  /** The run's deadline: an upload still going when it is spent ends the run as an error. */
  deadline?: Deadline;
}

/** Hosts whose artifact service @actions/artifact reaches; any other server is GitHub Enterprise Server. */
export function isEnterpriseServer(serverUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(serverUrl || "https://github.com").hostname.toLowerCase();
  } catch {
    return false;
  }
  return host !== "github.com" && !host.endsWith(".ghe.com") && !host.endsWith(".localhost");
}

const GHES_REASON =
  "GitHub Enterprise Server does not offer the artifact service that @actions/artifact (upload-artifact v4) uses";

/** Why this run cannot upload the evidence, before anything is loaded; undefined when it can try. */
export function artifactPrecondition(
  settings: ArtifactSettings,
  env: NodeJS.ProcessEnv,
): Extract<ArtifactPublication, { uploaded: false }> | undefined {
  if (!settings.upload) return { uploaded: false, reason: "'upload-evidence' is false", quiet: true };
  if (isEnterpriseServer(env.GITHUB_SERVER_URL)) {
    return { uploaded: false, reason: `${GHES_REASON} (server ${env.GITHUB_SERVER_URL})`, quiet: false };
  }
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    const missing = env.ACTIONS_RUNTIME_TOKEN ? "ACTIONS_RESULTS_URL" : "ACTIONS_RUNTIME_TOKEN";
    return {
      uploaded: false,
      reason: `${missing} is not set, so this is not a GitHub Actions job that can upload artifacts (a local run?)`,
      quiet: false,
    };
  }
  return undefined;
}

/** The artifact's name: the evidence folder's, which is unique to the run, the attempt and the job. */
export function artifactName(evidenceFolder: string): string {
  return `aks-network-evidence-${path.basename(evidenceFolder)}`;
}

async function defaultUploader(): Promise<ArtifactUploader> {
  const { uploadWithActionsArtifact } = await import("./artifact-client.js");
  return uploadWithActionsArtifact;
}

function artifactUrl(run: ArtifactDeps["run"], id: number): string | undefined {
  if (!run.repository || !run.runId) return undefined;
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/artifacts/${id}`;
}

function skipped(reason: string, folder: string, logger: Logger): ArtifactPublication {
  const message = `Evidence not uploaded as an artifact: ${reason}. It stays in ${folder} on the runner.`;
  if (logger.notice) logger.notice(message);
  else logger.info(message);
  return { uploaded: false, reason, quiet: false };
}

/** Uploads the evidence folder as an artifact; never throws, never changes the gate's result. */
export async function uploadEvidence(
  settings: ArtifactSettings,
  folder: string,
  deps: ArtifactDeps,
): Promise<ArtifactPublication> {
  const blocked = artifactPrecondition(settings, deps.env);
  if (blocked) return blocked.quiet ? blocked : skipped(blocked.reason, folder, deps.logger);
  const name = artifactName(folder);
  try {
    const files = (await readdir(folder)).sort().map((file) => path.join(folder, file));
    const upload = deps.uploader ?? (await defaultUploader());
    const uploading = upload({ name, folder, files, retentionDays: settings.retentionDays });
    const { id, size } = await (deps.deadline
      ? deps.deadline.race(uploading, "the evidence artifact's upload")
      : uploading);
    const url = artifactUrl(deps.run, id);
    deps.logger.info(
      `Evidence uploaded as the artifact ${name} (ID ${id}${size ? `, ${size} bytes` : ""})${url ? `: ${url}` : ""}.`,
    );
    return { uploaded: true, name, id, url, size };
  } catch (error) {
    if (error instanceof BudgetSpent) throw error;
    if (error instanceof Error && error.name === "GHESNotSupportedError")
      return skipped(GHES_REASON, folder, deps.logger);
    const reason = `the upload failed: ${describeError(error)}`;
    deps.logger.warning(`Evidence not uploaded as an artifact: ${reason}. It stays in ${folder} on the runner.`);
    return { uploaded: false, reason, quiet: false };
  }
}

/** The `evidence-artifact-id` output: empty when nothing was uploaded. */
export function artifactOutputs(publication: ArtifactPublication): Record<string, string> {
  return { "evidence-artifact-id": publication.uploaded ? String(publication.id) : "" };
}
