/**
 * The bundle's schema validator is ajv's standalone code, written when dist/
 * is built (schema-validator.ts, esbuild.config.mjs); the tests compile the
 * schema at run time. The two must judge every baseline alike: the same
 * verdict and the same errors, which the gate's messages are made from.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { compileSchemaValidator, standaloneValidatorSource } from "../../src/core/baseline/schema-validator.js";
import { FULL, withLines } from "./fixtures.js";

/** The standalone source, loaded as the bundle loads it: its formats from formats.ts, ajv's runtime helpers by require. */
async function standaloneValidator(): Promise<ValidateFunction> {
  const formats = fileURLToPath(new URL("../../src/core/baseline/formats.ts", import.meta.url));
  const file = path.join(mkdtempSync(path.join(tmpdir(), "gate-validator-")), "validator.mjs");
  const requireFromHere = `import { createRequire } from "node:module"; const require = createRequire(${JSON.stringify(formats)});`;
  writeFileSync(
    file,
    `${requireFromHere}\n${standaloneValidatorSource().replace('"./formats.js"', JSON.stringify(formats))}`,
  );
  const loaded = (await import(file)) as { compileSchemaValidator(): ValidateFunction };
  return loaded.compileSchemaValidator();
}

function judged(validate: ValidateFunction, value: unknown) {
  const valid = validate(value);
  const errors = (validate.errors ?? []).map(({ instancePath, keyword, params, message, schemaPath }) => ({
    instancePath,
    keyword,
    params,
    message,
    schemaPath,
  }));
  return { valid, errors };
}

const CASES: [string, string][] = [
  ["a valid file", FULL],
  ["a CIDR outside its format", withLines({ 11: "      podCidrs: [10.244.0.0/33]" })],
  ["an IP outside its format", withLines({ 13: "      dnsServiceIP: 10.0.0.300" })],
  ["a count that is not a number", withLines({ 20: "        count: three" })],
  ["a plugin that is not a string", withLines({ 7: "      networkPlugin: 7" })],
  ["an ID that is not a VNet's", withLines({ 28: "      - id: /subscriptions/x/vnet" })],
  ["another version", withLines({ 2: "version: 7" })],
  ["a key the schema does not have", withLines({ 5: "    colour: blue" })],
  ["a pool without its name", withLines({ 18: "      - mode: System", 19: null })],
];

describe("the bundle's standalone schema validator", () => {
  let standalone: ValidateFunction;
  let compiled: ValidateFunction;

  beforeAll(async () => {
    standalone = await standaloneValidator();
    compiled = compileSchemaValidator();
  });

  it.each(CASES)("judges %s as the compiled one does", (_name, text) => {
    const value: unknown = parse(text);
    expect(judged(standalone, value)).toEqual(judged(compiled, value));
  });

  it("finds what is wrong: the cases other than the valid file fail, each with errors", () => {
    const verdicts = CASES.map(([name, text]) => [name, judged(standalone, parse(text)).valid]);
    expect(verdicts).toEqual(CASES.map(([name], index) => [name, index === 0]));
  });
});
