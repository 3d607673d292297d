/**
 * A SARIF file checked by Microsoft's SARIF validator (`sarif-multitool validate` from
 * @microsoft/sarif-multitool, the validator GitHub's "SARIF support for code scanning" points
 * to) with its SARIF rules and GitHub's ingestion rules (`--rule-kind Sarif;Gh`), read back
 * from the SARIF log it writes; and by the SARIF 2.1.0 JSON schema the validator ships, through
 * Ajv. Both, because each misses what the other sees: the validator exits 0 whatever it finds
 * (microsoft/sarif-sdk#1799), so its log is the verdict; and it reports nothing at all for a
 * file with an enum value it cannot read (a result `level` of "bogus"), which the schema
 * refuses.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

const require = createRequire(import.meta.url);
/** The platform's validator binary (@microsoft/sarif-multitool-linux on Linux). */
const VALIDATOR = require("@microsoft/sarif-multitool") as string;
const SCHEMA_FILE = path.join(path.dirname(VALIDATOR), "sarif-2.1.0.json");
/** Every rule but the one that reaches the network (see the file). */
const OFFLINE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "fixtures",
  "sarif-validator-offline.xml",
);

export interface SarifProblem {
  rule: string;
  level: string;
  /** The validator's message id and arguments: which rule, on which part of the log. */
  detail: string;
}

export interface SarifValidation {
  /** What the validator reports as errors and warnings (its notes are advice, left out). */
  problems: SarifProblem[];
  /** Where the log breaks the SARIF 2.1.0 schema. */
  schemaErrors: string[];
}

interface ValidatorLog {
  runs: {
    invocations?: { executionSuccessful: boolean }[];
    results?: { ruleId: string; level?: string; message: { id?: string; arguments?: string[] } }[];
  }[];
}

async function runValidator(file: string): Promise<SarifProblem[]> {
  const output = path.join(await mkdtemp(path.join(tmpdir(), "sarif-validate-")), "validation.sarif");
  const args = ["validate", file, "--rule-kind", "Sarif;Gh", "--config", OFFLINE, "--output", output];
  // Without ICU the .NET runtime stops unless told to run culture-invariant, which validation does not need.
  const env = { PATH: process.env.PATH ?? "", HOME: tmpdir(), DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" };
  await promisify(execFile)(VALIDATOR, [...args, "--log", "ForceOverwrite"], { env, timeout: 120_000 });
  const log = JSON.parse(await readFile(output, "utf8")) as ValidatorLog;
  const run = log.runs[0];
  if (run?.invocations?.[0]?.executionSuccessful !== true) throw new Error(`The SARIF validator failed on ${file}.`);
  return (run.results ?? [])
    .map((result) => ({
      rule: result.ruleId,
      level: result.level ?? "warning",
      detail: [result.message.id ?? "", ...(result.message.arguments ?? [])].join(" | "),
    }))
    .filter((problem) => problem.level === "error" || problem.level === "warning");
}

let schema: ValidateFunction | undefined;

async function schemaErrors(file: string): Promise<string[]> {
  if (!schema) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    schema = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, "utf8")) as object);
  }
  const validate = schema;
  if (validate(JSON.parse(await readFile(file, "utf8")))) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ""}`);
}

export async function validateSarif(file: string): Promise<SarifValidation> {
  return { problems: await runValidator(file), schemaErrors: await schemaErrors(file) };
}
