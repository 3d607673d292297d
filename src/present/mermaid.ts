/**
 * A Mermaid flowchart written from plain data. Every label is untrusted text
 * (names and values from Azure): it is cut to a length, put in a quoted
 * label, and every character outside a small safe set becomes a Mermaid
 * entity (`#34;`), so no name can end the label, open a `click`/`href`,
 * start a comment or an `%%{init}%%` directive, or write HTML. Node ids and
 * class names are the gate's own. Pure.
 */

/** Characters a label keeps as they are; everything else becomes `#<code>;`. */
const SAFE = /^[A-Za-z0-9 .,:/_+()-]$/u;

/** The most characters of one untrusted line in a label. */
export const LABEL_LINE_LIMIT = 96;

/** One line of label text, cut and entity-encoded for a quoted Mermaid label. */
export function mermaidText(text: string, limit = LABEL_LINE_LIMIT): string {
  const flat = text.replace(/\s+/gu, " ").trim();
  const chars = [...flat];
  const kept = chars.length > limit ? [...chars.slice(0, limit - 1), "…"] : chars;
  return kept.map((char) => (SAFE.test(char) ? char : `#${char.codePointAt(0)};`)).join("");
}

/** A quoted label of several lines. */
export function mermaidLabel(lines: string[]): string {
  return `"${lines.map((line) => mermaidText(line)).join("<br/>")}"`;
}

export interface FlowNode {
  /** The gate's own id: letters and digits only. */
  id: string;
  lines: string[];
  className?: string;
}

export interface FlowGroup {
  id: string;
  title: string[];
  nodes: FlowNode[];
  className?: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  label?: string;
  dotted?: boolean;
}

export interface ClassStyle {
  name: string;
  style: string;
}

export interface Flowchart {
  direction: "LR" | "TB";
  classes: ClassStyle[];
  groups: FlowGroup[];
  nodes: FlowNode[];
  edges: FlowEdge[];
}

const OWN_ID = /^[A-Za-z][A-Za-z0-9]*$/u;

function ownId(id: string): string {
  if (!OWN_ID.test(id)) throw new Error(`Mermaid id ${JSON.stringify(id)} is not one of the gate's own.`);
  return id;
}

function nodeLine(node: FlowNode): string {
  return `${ownId(node.id)}[${mermaidLabel(node.lines)}]`;
}

function edgeLine(edge: FlowEdge): string {
  const arrow = edge.dotted ? "-.->" : "-->";
  const label = edge.label === undefined ? "" : `|"${mermaidText(edge.label)}"|`;
  return `${ownId(edge.from)} ${arrow}${label} ${ownId(edge.to)}`;
}

/** The flowchart's Mermaid source, one statement a line. */
export function renderFlowchart(chart: Flowchart): string {
  const lines = [`flowchart ${chart.direction}`];
  for (const { name, style } of chart.classes) lines.push(`  classDef ${ownId(name)} ${style}`);
  for (const group of chart.groups) {
    lines.push(`  subgraph ${ownId(group.id)}[${mermaidLabel(group.title)}]`);
    for (const node of group.nodes) lines.push(`    ${nodeLine(node)}`);
    lines.push("  end");
  }
  for (const node of chart.nodes) lines.push(`  ${nodeLine(node)}`);
  for (const edge of chart.edges) lines.push(`  ${edgeLine(edge)}`);
  const classed = [...chart.groups, ...chart.groups.flatMap((group) => group.nodes), ...chart.nodes];
  for (const item of classed) {
    if (item.className) lines.push(`  class ${ownId(item.id)} ${ownId(item.className)}`);
  }
  return `${lines.join("\n")}\n`;
}
