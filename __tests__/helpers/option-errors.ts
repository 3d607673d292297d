/**
 * Every option's error, provoked: for each option of the table that a value
 * can make wrong, the inputs that make it wrong, and the OptionError the
 * action's settings throw for them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { OptionError } from "../../src/app/option-values.js";
import { OPTIONS, type OptionName, type OptionSpec } from "../../src/app/options.js";
import { readSettings } from "../../src/app/settings.js";

/** A value of each kind that the kind refuses. */
const REFUSED: Partial<Record<OptionSpec["kind"], string>> = {
  enum: "nope",
  boolean: "yes",
  integer: "1001",
  minutes: "0",
  path: "../outside",
  url: "http://127.0.0.1:8443",
  shard: "9/8",
  labels: "x".repeat(51),
  owners: "@not a team!",
  lines: "nope",
};

const SCOPE = "/subscriptions/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/** The options whose error comes from another option's value (set, or missing): the inputs of each such error. */
const CONTEXT: Partial<Record<OptionName, Record<string, string>[]>> = {
  subscription: [{ mode: "capture", "resource-group": "rg", "cluster-name": "aks" }],
  "resource-group": [
    { mode: "capture", subscription: "sub", "cluster-name": "aks" },
    { mode: "capture", scope: SCOPE, "resource-group": "rg" },
  ],
  "cluster-name": [{ mode: "capture", subscription: "sub", "resource-group": "rg" }],
  "scope-tags": [{ "scope-tags": "env=prod" }],
  "data-source": [{ "data-source": "resource-graph" }],
  "arm-endpoint": [{ environment: "AzureStack" }],
  "client-id": [{ "tenant-id": "tenant" }],
  "tenant-id": [{ "client-id": "client" }],
  shard: [{ mode: "capture", scope: SCOPE, shard: "1/2" }],
};

/** Free text that any value satisfies. */
export const ANY_TEXT: readonly OptionName[] = ["audience", "github-token", "owner-tag"];

/** The options a value can make wrong. */
export const FALLIBLE: readonly OptionSpec[] = (OPTIONS as readonly OptionSpec[]).filter(
  (option) => !ANY_TEXT.includes(option.name as OptionName),
);

/** The inputs that make the option wrong: a refused value, or a setting beside it that needs it. */
export function wrongInputs(option: OptionSpec): Record<string, string>[] {
  const refused = REFUSED[option.kind];
  const contexts = CONTEXT[option.name as OptionName] ?? [];
  return [...(refused === undefined ? [] : [{ [option.name]: refused }]), ...contexts];
}

export const workspace = mkdtempSync(path.join(tmpdir(), "gate-option-errors-"));

/** The action's OptionError for these inputs. */
export function actionError(inputs: Record<string, string>): OptionError {
  try {
    readSettings((name) => inputs[name] ?? "", { GITHUB_WORKSPACE: workspace });
  } catch (error) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error(`readSettings took ${JSON.stringify(inputs)}`);
}

/** Every option's errors, each as the action throws it. */
export function everyOptionError(): OptionError[] {
  return FALLIBLE.flatMap((option) => wrongInputs(option).map(actionError));
}
