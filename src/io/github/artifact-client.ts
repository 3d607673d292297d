/**
 * The one place that talks to the Actions artifact service, through
 * @actions/artifact's DefaultArtifactClient (Twirp to ACTIONS_RESULTS_URL, then
 * the zip to a signed blob URL). Loaded with import() only when a run uploads.
 */
/** What the uploader is given: the artifact's name and the evidence folder's files. */
export interface ArtifactRequest {
  name: string;
  folder: string;
  files: string[];
  retentionDays: number | undefined;
}

export interface UploadedArtifact {
  id: number;
  size: number | undefined;
  digest: string | undefined;
}

export async function uploadWithActionsArtifact(request: ArtifactRequest): Promise<UploadedArtifact> {
  const { DefaultArtifactClient } = await import("@actions/artifact");
  const client = new DefaultArtifactClient();
  const options = request.retentionDays === undefined ? {} : { retentionDays: request.retentionDays };
  const result = await client.uploadArtifact(request.name, request.files, request.folder, options);
  if (result.id === undefined) throw new Error("The artifact service finished the upload without an artifact ID.");
  return { id: result.id, size: result.size, digest: result.digest };
}
