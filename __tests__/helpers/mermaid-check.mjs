/**
 * Validates Mermaid diagrams with the real `mermaid` library, in Node with a
 * jsdom window as its DOM (mermaid sanitises labels with DOMPurify, which needs
 * one). Reads `[{ name, text }]` as JSON on stdin and writes one result per
 * diagram as JSON on stdout:
 *
 * - `ok: false` with mermaid's error when `mermaid.parse` rejects the text;
 * - otherwise what mermaid's flowchart parser made of it (vertices with their
 *   decoded label text, classes and links; edges; subgraphs; click handlers)
 *   and facts about the SVG `mermaid.render` draws (text of each node, links,
 *   scripts, event-handler attributes, attributes holding `javascript:`),
 *   and the configuration the text set (an `%%{init}%%` directive would).
 *
 * Run as a child process by the tests: mermaid and jsdom are ESM-heavy and
 * set globals, which a jest worker should not carry.
 */
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
const { window } = dom;
const GLOBALS = [
  "window",
  "document",
  "Element",
  "HTMLElement",
  "SVGElement",
  "DOMParser",
  "MutationObserver",
  "getComputedStyle",
  "CSSStyleSheet",
];
for (const name of GLOBALS) {
  const value = name === "window" ? window : window[name];
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}
// jsdom lays nothing out: a text's size is estimated from its length.
window.SVGElement.prototype.getBBox = function getBBox() {
  return { x: 0, y: 0, width: 8 * (this.textContent?.length ?? 1), height: 18 };
};
window.SVGElement.prototype.getComputedTextLength = function getComputedTextLength() {
  return 8 * (this.textContent?.length ?? 1);
};

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

/** Mermaid keeps `#35;` as a placeholder until it draws; this is the text a reader sees. */
function decodeLabel(text) {
  const html = String(text ?? "")
    .replace(/ﬂ°°/g, "&#")
    .replace(/ﬂ°/g, "&")
    .replace(/¶ß/g, ";");
  const area = window.document.createElement("textarea");
  area.innerHTML = html;
  return area.value;
}

function parsedFlowchart(db) {
  return {
    vertices: [...db.getVertices().values()].map((vertex) => ({
      id: vertex.id,
      text: decodeLabel(vertex.text),
      classes: vertex.classes ?? [],
      link: vertex.link ?? null,
      callback: Boolean(vertex.haveCallback),
    })),
    edges: db.getEdges().map((edge) => ({ from: edge.start, to: edge.end, text: decodeLabel(edge.text) })),
    subgraphs: db.getSubGraphs().map((group) => ({
      id: group.id,
      title: decodeLabel(group.title),
      nodes: group.nodes,
      classes: group.classes ?? [],
    })),
    classDefs: [...db.getClasses().keys()],
  };
}

function svgFacts(svg) {
  const doc = new JSDOM(`<!doctype html><body>${svg}</body>`).window.document;
  const all = [...doc.querySelectorAll("*")];
  return {
    nodeTexts: [...doc.querySelectorAll("g.node")].map((node) => node.textContent.replace(/\s+/g, " ").trim()),
    clusterTexts: [...doc.querySelectorAll("g.cluster")].map((node) => node.textContent.replace(/\s+/g, " ").trim()),
    links: doc.querySelectorAll("a").length,
    scripts: doc.querySelectorAll("script").length,
    handlers: all.flatMap((element) => element.getAttributeNames().filter((name) => /^on/i.test(name))),
    javascriptUrls: all.flatMap((element) =>
      element.getAttributeNames().filter((name) => /javascript:/i.test(element.getAttribute(name) ?? "")),
    ),
  };
}

async function check({ name, text }, index) {
  try {
    const parsed = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const flowchart = parsed.diagramType.startsWith("flowchart") ? parsedFlowchart(diagram.db) : undefined;
    const { svg } = await mermaid.render(`diagram${index}`, text);
    const { diagramType, config } = parsed;
    return { name, ok: true, diagramType, config, flowchart, svg: svgFacts(svg) };
  } catch (error) {
    return { name, ok: false, error: String(error?.message ?? error) };
  }
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const [index, diagram] of JSON.parse(input).entries()) results.push(await check(diagram, index));
process.stdout.write(JSON.stringify(results));
