/**
 * action.yml's inputs and the README's inputs table, both generated from the
 * options table (src/app/options.ts), so that an option is described once;
 * the README's outputs table, generated from action.yml's outputs.
 */
import { stringify } from "yaml";
import { OPTIONS, type OptionSpec } from "../../src/app/options.js";
import { type GeneratedSection, replaceSection, tableCell } from "./section.js";

export interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}

export interface ActionMetadata {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string }>;
}

export const INPUTS_SECTION: GeneratedSection = { name: "inputs", source: "src/app/options.ts" };
export const OUTPUTS_SECTION: GeneratedSection = { name: "outputs", source: "action.yml" };

/** The comment above action.yml's inputs, which says where they come from. */
export const INPUTS_COMMENT =
  "# The inputs are generated from src/app/options.ts: edit them there, then run npm run docs.";

function code(text: string): string {
  return `\`${text}\``;
}

/**
 * An option as action.yml declares it. None is required there: what a mode
 * needs is checked by the gate, which says which input is missing and why.
 */
export function actionInput(option: OptionSpec): ActionInput {
  const fallback = option.runnerDefault ?? option.default;
  return { description: option.description, required: false, ...(fallback === undefined ? {} : { default: fallback }) };
}

export function actionInputs(options: readonly OptionSpec[] = OPTIONS): Record<string, ActionInput> {
  return Object.fromEntries(options.map((option) => [option.name, actionInput(option)]));
}

export function inputsTable(options: readonly OptionSpec[] = OPTIONS): string {
  const rows = options.map((option) => {
    const input = actionInput(option);
    const fallback = input.default === undefined || input.default === "" ? "" : code(input.default);
    return `| ${[code(option.name), fallback, input.description].map(tableCell).join(" | ")} |`;
  });
  return ["| input | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

export function outputsTable(action: ActionMetadata): string {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| ${[code(name), output.description].map(tableCell).join(" | ")} |`,
  );
  return ["| output | meaning |", "| --- | --- |", ...rows].join("\n");
}

/** The README with its inputs table made from the options table, and its outputs table from action.yml. */
export function withActionTables(readme: string, action: ActionMetadata, options?: readonly OptionSpec[]): string {
  return replaceSection(
    replaceSection(readme, INPUTS_SECTION, inputsTable(options)),
    OUTPUTS_SECTION,
    outputsTable(action),
  );
}

/** action.yml with its `inputs:` block, up to `outputs:`, made from the options table. */
export function withActionInputs(actionYml: string, options?: readonly OptionSpec[]): string {
  const inputsAt = actionYml.search(/^inputs:$/mu);
  const outputsAt = actionYml.search(/^outputs:$/mu);
  if (inputsAt < 0 || outputsAt < inputsAt) {
    throw new Error("action.yml has no top-level 'inputs:' followed by 'outputs:' to regenerate.");
  }
  const commented = actionYml.lastIndexOf(`${INPUTS_COMMENT}\n`, inputsAt);
  const from = commented >= 0 && commented + INPUTS_COMMENT.length + 1 === inputsAt ? commented : inputsAt;
  const block = stringify({ inputs: actionInputs(options) }, { lineWidth: 0 });
  return `${actionYml.slice(0, from)}${INPUTS_COMMENT}\n${block}\n${actionYml.slice(outputsAt)}`;
}
