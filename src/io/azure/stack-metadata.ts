/**
 * Azure Stack Hub's sign-in endpoints, read from the stamp itself.
 *
 * azure/login signs in to Azure Stack by registering the cloud with nothing but
 * its ARM URL (`az cloud register -n AzureStack --endpoint-resource-manager <url>`,
 * then `az cloud set`: Azure/login src/Cli/AzureCliLogin.ts,
 * registerAzurestackEnvIfNecessary); it sets no variable. The Azure CLI then
 * finds the rest in `GET <arm>/metadata/endpoints?api-version=2015-01-01`, an
 * anonymous request (Azure/azure-cli src/azure-cli/azure/cli/command_modules/
 * cloud/custom.py, _populate_from_metadata_endpoint): `authentication.loginEndpoint`
 * becomes its authority (`active_directory`) and `authentication.audiences[0]`
 * the ARM token's resource (`active_directory_resource_id`; also
 * azure-cli-core cloud.py _arm_to_cli_mapper). The document's shape, as
 * go-autorest reads it (Azure/go-autorest autorest/azure/metadata_environment.go,
 * environmentMetadataInfo):
 *
 *     { "galleryEndpoint": "...", "graphEndpoint": "...", "portalEndpoint": "...",
 *       "authentication": { "loginEndpoint": "https://adfs.local.azurestack.external/adfs",
 *                           "audiences": ["https://management.adfs.azurestack.local/<id>"] } }
 *
 * The gate reads the same document the same way, so its token is for the
 * audience the stamp's ARM accepts.
 */
import { createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest } from "@azure/core-rest-pipeline";
import { GateError } from "../../core/errors.js";

/** The api-version `az cloud register` sends (custom.py, METADATA_ENDPOINT_SUFFIX). */
export const METADATA_API_VERSION = "2015-01-01";

/** The metadata request gets no answer in this time: it is abandoned (and retried like a dropped one). */
export const METADATA_TIMEOUT_MS = 30_000;

/** A 5xx or a dropped connection is tried twice more, a second and two apart (with jitter). */
const METADATA_RETRY = { maxRetries: 2, retryDelayInMs: 1_000 };

export interface StackMetadata {
  /** `authentication.loginEndpoint`, without trailing slashes: the Entra ID or AD FS authority host. */
  loginEndpoint: string;
  /** `authentication.audiences[0]`, as written: the resource of ARM's tokens. */
  audience: string;
}

export interface MetadataReadOptions {
  /** Aborts the read (the run's time budget). */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Retries of a 5xx or a dropped connection; METADATA_RETRY when absent. */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/** `<arm>/metadata/endpoints?api-version=2015-01-01`, from an ARM URL with or without a trailing slash. */
export function metadataUrl(armEndpoint: string): string {
  return `${armEndpoint.replace(/\/+$/, "")}/metadata/endpoints?api-version=${METADATA_API_VERSION}`;
}

const CHECK_ARM_ENDPOINT =
  "Check that 'arm-endpoint' is the stamp's Resource Manager URL, the one azure/login registers (resourceManagerEndpointUrl).";

function malformedMetadata(url: string, problem: string): GateError {
  return new GateError(`Azure Stack's metadata at ${url} is not usable: ${problem}.`, CHECK_ARM_ENDPOINT);
}

function httpsUrl(value: unknown): URL | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The login endpoint and ARM audience of a metadata document; a GateError naming the URL and the field otherwise. */
export function parseStackMetadata(url: string, text: string): StackMetadata {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw malformedMetadata(url, `it is not JSON (${(error as Error).message})`);
  }
  const authentication = record(record(document)?.["authentication"]);
  if (!authentication) throw malformedMetadata(url, "it has no 'authentication' object");
  const loginEndpoint = authentication["loginEndpoint"];
  if (!httpsUrl(loginEndpoint)) {
    throw malformedMetadata(
      url,
      `'authentication.loginEndpoint' is ${JSON.stringify(loginEndpoint)}, not an https URL`,
    );
  }
  const audiences = authentication["audiences"];
  if (!Array.isArray(audiences) || audiences.length === 0) {
    throw malformedMetadata(url, `'authentication.audiences' is ${JSON.stringify(audiences)}, not a non-empty list`);
  }
  const audience: unknown = audiences[0];
  if (typeof audience !== "string" || !httpsUrl(audience)) {
    throw malformedMetadata(url, `'authentication.audiences[0]' is ${JSON.stringify(audience)}, not an https URL`);
  }
  return { loginEndpoint: (loginEndpoint as string).replace(/\/+$/, ""), audience };
}

function unreachable(url: string, detail: string): GateError {
  return new GateError(
    `Could not read Azure Stack's metadata at ${url}: ${detail}.`,
    `${CHECK_ARM_ENDPOINT} If it is, the runner must reach the stamp and trust its certificate (NODE_EXTRA_CA_CERTS); retry when the stamp answers again.`,
  );
}

/** Sends the anonymous GET; any failure is a GateError naming the URL and whose it is. */
async function fetchMetadata(url: string, options: MetadataReadOptions): Promise<string> {
  const pipeline = createPipelineFromOptions({ retryOptions: options.retry ?? METADATA_RETRY });
  const request = createPipelineRequest({
    url,
    method: "GET",
    timeout: options.timeoutMs ?? METADATA_TIMEOUT_MS,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  request.headers.set("Accept", "application/json");
  let response;
  try {
    response = await pipeline.sendRequest(createDefaultHttpClient(), request);
  } catch (error) {
    if (options.signal?.aborted) throw unreachable(url, "the run's time budget ran out");
    throw unreachable(url, error instanceof Error ? error.message : String(error));
  }
  if (response.status >= 500) throw unreachable(url, `it answered HTTP ${response.status}`);
  if (response.status !== 200) {
    throw new GateError(
      `Azure Stack's metadata at ${url} answered HTTP ${response.status}: there is no Resource Manager metadata there.`,
      CHECK_ARM_ENDPOINT,
    );
  }
  return response.bodyAsText ?? "";
}

/** Reads and checks the stamp's metadata document: once per run, before any ARM read. */
export async function readStackMetadata(
  armEndpoint: string,
  options: MetadataReadOptions = {},
): Promise<StackMetadata> {
  const url = metadataUrl(armEndpoint);
  return parseStackMetadata(url, await fetchMetadata(url, options));
}
