/** The README's inputs and outputs tables, generated from action.yml. */
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

export const INPUTS_SECTION: GeneratedSection = { name: "inputs", source: "action.yml" };
export const OUTPUTS_SECTION: GeneratedSection = { name: "outputs", source: "action.yml" };

function code(text: string): string {
  return `\`${text}\``;
}

export function inputsTable(action: ActionMetadata): string {
  const rows = Object.entries(action.inputs).map(([name, input]) => {
    const fallback = input.default === undefined || input.default === "" ? "" : code(input.default);
    const meaning = input.required ? `**Required.** ${input.description}` : input.description;
    return `| ${[code(name), fallback, meaning].map(tableCell).join(" | ")} |`;
  });
  return ["| input | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

export function outputsTable(action: ActionMetadata): string {
  const rows = Object.entries(action.outputs).map(
    ([name, output]) => `| ${[code(name), output.description].map(tableCell).join(" | ")} |`,
  );
  return ["| output | meaning |", "| --- | --- |", ...rows].join("\n");
}

/** The README with its inputs and outputs tables replaced by those action.yml gives. */
export function withActionTables(readme: string, action: ActionMetadata): string {
  return replaceSection(
    replaceSection(readme, INPUTS_SECTION, inputsTable(action)),
    OUTPUTS_SECTION,
    outputsTable(action),
  );
}
