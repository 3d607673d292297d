/**
 * The baseline schema's ajv validator. Tests and tsx compile it here, at run
 * time; the bundle (esbuild.config.mjs) replaces this module with the source
 * `standaloneValidatorSource` writes when dist/ is built: the same validator
 * as ajv's standalone code, so that a run does not spend ~100 ms compiling
 * the schema. The formats stay the gate's own (formats.ts) either way.
 */
import { _, Ajv2020, type Options, type ValidateFunction } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import { FORMATS } from "./formats.js";
import { baselineJsonSchema } from "./schema.js";

function ajvFor(code?: Options["code"]): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strictTypes: true, allowUnionTypes: true, code });
  for (const [name, format] of Object.entries(FORMATS)) {
    ajv.addFormat(name, { type: "string", validate: format.test });
  }
  return ajv;
}

export function compileSchemaValidator(): ValidateFunction {
  return ajvFor().compile(baselineJsonSchema());
}

/**
 * This module as the bundle holds it: the compiled validator, its formats
 * taken from formats.ts by name, and `compileSchemaValidator` returning it.
 */
export function standaloneValidatorSource(): string {
  const ajv = ajvFor({ source: true, esm: true, formats: _`formats` });
  const code = standalone.default(ajv, ajv.compile(baselineJsonSchema()));
  return [
    'import { FORMATS } from "./formats.js";',
    "const formats = Object.fromEntries(",
    '  Object.entries(FORMATS).map(([name, format]) => [name, { type: "string", validate: format.test }]),',
    ");",
    code,
    "export function compileSchemaValidator() {",
    "  return validate;",
    "}",
  ].join("\n");
}
