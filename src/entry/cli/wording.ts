/**
 * The gate's messages in the CLI's words. Settings and Azure failures speak
 * of action inputs and azure/login; on a command line those are flags and an
 * Azure CLI login. A test pins each rewrite to the message it rewrites.
 */
import { isValueFlag } from "./args.js";

const SIGN_IN = "Sign in with 'az login', or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET.";

const PHRASES: readonly [string, string][] = [
  [
    "Run azure/login before this step, or set 'client-id' and 'tenant-id' (with 'permissions: id-token: write').",
    SIGN_IN,
  ],
  [
    "Check azure/login, or 'client-id' and 'tenant-id' with 'permissions: id-token: write', and the 'environment' input.",
    "Check 'az login' (or the AZURE_* variables) and --environment.",
  ],
  ["'mode: capture'", "the capture command"],
  ["'environment: AzureStack'", "--environment AzureStack"],
  ["outside the workspace", "outside the current directory"],
];

function flagNames(names: string): string {
  return names.replace(/'([a-z-]+)'/gu, (quoted: string, name: string) => (isValueFlag(name) ? `--${name}` : quoted));
}

/** "Input 'shard' has…" becomes "--shard has…", "the 'subscription' … inputs" become "the --subscription … options". */
export function inCliTerms(message: string): string {
  let text = message;
  for (const [phrase, replacement] of PHRASES) text = text.split(phrase).join(replacement);
  return text
    .replace(/\bInputs? ((?:'[a-z-]+'(?:, | and )?)+)/gu, (_, names: string) => flagNames(names))
    .replace(/((?:'[a-z-]+'(?:, | and )?)+) inputs?\b/gu, (_, names: string) => `${flagNames(names)} options`)
    .replace(
      /'(environment|arm-endpoint|subscription|resource-group|cluster-name|baseline|concurrency|shard|timeout-minutes)'/gu,
      "--$1",
    );
}
