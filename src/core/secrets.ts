/**
 * Every secret the run holds, in one registry, and the redaction that takes
 * them out of any text the gate writes. The runner's `::add-mask::` hides a
 * value in the log only; the summary, the outputs, the evidence files, the
 * issues and the CLI's output pass through `redact` as well, so a secret that
 * an upstream error quotes never reaches them, whatever path its text took.
 *
 * The registry is the process's: a secret registered once (an access token as
 * the credential returns it, the GitHub token, an OIDC assertion, a client
 * secret from the environment) stays redacted for the rest of the run.
 */

/** What a secret becomes. */
export const REDACTED = "***";

/** Values shorter than this are not secrets the gate holds (and would redact ordinary words). */
const MIN_SECRET_LENGTH = 8;

/**
 * Environment variables that hold secrets the gate (or a library it runs)
 * may use: @azure/identity's EnvironmentCredential (AZURE_CLIENT_SECRET,
 * AZURE_CLIENT_CERTIFICATE_PASSWORD, AZURE_PASSWORD), the runner's tokens
 * for OIDC (ACTIONS_ID_TOKEN_REQUEST_TOKEN) and artifacts
 * (ACTIONS_RUNTIME_TOKEN), and a GitHub token set for the step.
 */
export const SECRET_ENVIRONMENT = [
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_PASSWORD",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "GITHUB_TOKEN",
  "GH_TOKEN",
] as const;

/**
 * A JSON Web Token (Entra access tokens, GitHub OIDC assertions): header and
 * payload are base64url JSON objects, so both start with `eyJ` (`{"`).
 * Redacted even when not registered.
 */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** A value that is one JWT and nothing else: JWT above redacts it wherever it appears, in each of its forms (they are all the same). */
const WHOLE_JWT = new RegExp(`^${JWT.source}$`);

/** A bearer credential quoted with its scheme (`Authorization: Bearer ...`), when long enough to be a token. */
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{20,}=*/gi;

const secrets = new Set<string>();
/** The registry, longest first, so a secret that contains another is replaced whole. */
let ordered: string[] = [];

/** The forms in which a secret appears in text: as is, inside a JSON string, URL-encoded. */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

/** Adds a secret (every line of it, for a multi-line value) to the registry; short or empty values are ignored. */
export function registerSecret(secret: string | undefined): void {
  if (secret === undefined) return;
  for (const part of [secret, ...secret.split(/\r?\n/)]) {
    const value = part.trim();
    // A JWT is left to its shape: an access token per read would otherwise cost a scan of every text written.
    if (value.length < MIN_SECRET_LENGTH || WHOLE_JWT.test(value)) continue;
    for (const form of forms(value)) secrets.add(form);
  }
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Registers the secrets the environment holds (SECRET_ENVIRONMENT). */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  for (const name of SECRET_ENVIRONMENT) registerSecret(env[name]);
}

/** The text with every registered secret, every JWT and every quoted bearer token replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out.replace(JWT, REDACTED).replace(BEARER, `$1${REDACTED}`);
}
