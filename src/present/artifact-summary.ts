import type { ArtifactPublication } from "../core/model.js";
import { code, escapeMarkdown } from "./markdown-text.js";

/** The job summary's line on the artifact, or why there is none. */
export function renderArtifactSummary(publication: ArtifactPublication, evidencePath: string): string {
  if (!publication.uploaded) {
    if (publication.quiet) return "";
    return `### Evidence artifact\n\n⚠️ Not uploaded: ${escapeMarkdown(publication.reason)}. The evidence stays in ${code(evidencePath)} on the runner.\n`;
  }
  const name = escapeMarkdown(publication.name);
  const link = publication.url ? `[${name}](${publication.url})` : name;
  const size = publication.size ? `, ${publication.size.toLocaleString("en-US")} bytes` : "";
  return `### Evidence artifact\n\n${link} (artifact ID ${publication.id}${size}): the evidence folder ${code(evidencePath)} with \`manifest.json\` and \`SHA256SUMS\`.\n`;
}
