/**
 * The JSON Schema (draft 2020-12) of the baseline file, generated from spec.ts.
 * The parser validates against it (validate.ts, with ajv) and
 * `schema/aks-network-baseline.schema.json` holds it for editors; a test keeps
 * the two equal. Regenerate with:
 *   npx tsx --eval 'import { schemaText } from "./src/core/baseline/schema.ts"; process.stdout.write(schemaText())' \
 *     > schema/aks-network-baseline.schema.json && npx prettier --write schema/aks-network-baseline.schema.json
 * Each string names its format (formats.ts): the parser checks it with the
 * gate's own CIDR and IP reading, an editor that does not know the format
 * checks the `pattern` beside it. What the schema does not say (items unique
 * by name, ID or prefix; minCount ≤ maxCount; an appliance route's next hop
 * address; IDs unique ignoring case; a planned migration's target and a date
 * the calendar has) the parser checks after it (spec.ts says why for each).
 */
import { caseInsensitive, FORMATS } from "./formats.js";
import { BASELINE_SCHEMA_URL, BASELINE_SPEC, type FieldSpec, type MapSpec } from "./spec.js";

export type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function baselineJsonSchema(): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: BASELINE_SCHEMA_URL,
    title: "AKS Network Gate baseline",
    description:
      "The expected network state of AKS clusters, keyed by managed-cluster resource ID. A field that is absent is not compared; null means expected to be unset.",
    ...schemaOf(BASELINE_SPEC),
  };
}

export function schemaText(): string {
  return `${JSON.stringify(baselineJsonSchema(), null, 2)}\n`;
}

function withNull(type: string, nullable: boolean | undefined): JsonValue {
  return nullable ? [type, "null"] : type;
}

/**
 * A dictionary that may be empty while a list beside it has an item (spec.ts's
 * `emptyWith`): if the list has one, nothing more; else the dictionary needs
 * its `minEntries`. Several such dictionaries in one map are an `allOf`.
 */
function emptyAllowances(spec: MapSpec): JsonSchema {
  const conditions = Object.entries(spec.fields).flatMap(([key, field]): JsonSchema[] => {
    if (field.kind !== "dictionary" || field.emptyWith === undefined) return [];
    const list = field.emptyWith;
    return [
      {
        if: { required: [list], properties: { [list]: { type: "array", minItems: 1 } } },
        else: { properties: { [key]: { type: "object", minProperties: field.minEntries } } },
      },
    ];
  });
  if (conditions.length === 0) return {};
  return conditions.length === 1 && conditions[0] !== undefined ? conditions[0] : { allOf: conditions };
}

export function schemaOf(spec: FieldSpec): JsonSchema {
  switch (spec.kind) {
    case "string":
      return {
        type: withNull("string", spec.nullable),
        format: spec.format,
        pattern: FORMATS[spec.format].pattern,
        description: FORMATS[spec.format].describe,
      };
    case "enum": {
      const pattern = `^(${spec.values.map(caseInsensitive).join("|")})$`;
      const variants: JsonValue[] = [{ enum: [...spec.values] }, { type: "string", pattern }];
      return { anyOf: spec.nullable ? [...variants, { type: "null" }] : variants };
    }
    case "integer":
      return { type: withNull("integer", spec.nullable), minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
    case "boolean":
      return { type: "boolean" };
    case "literal":
      return { const: spec.value };
    case "list":
      return { type: "array", items: schemaOf(spec.item) };
    case "map":
      return {
        type: "object",
        additionalProperties: false,
        ...(spec.required.length > 0 ? { required: [...spec.required] } : {}),
        properties: Object.fromEntries(Object.entries(spec.fields).map(([key, field]) => [key, schemaOf(field)])),
        ...emptyAllowances(spec),
      };
    case "dictionary":
      return {
        type: "object",
        ...(spec.emptyWith === undefined ? { minProperties: spec.minEntries } : {}),
        propertyNames: { format: spec.key, pattern: FORMATS[spec.key].pattern },
        additionalProperties: schemaOf(spec.value),
      };
  }
}
