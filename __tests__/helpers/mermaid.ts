/** Runs mermaid-check.mjs (the real mermaid library on a jsdom window) on diagrams, in a child process. */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHECKER = path.join(HERE, "mermaid-check.mjs");
const LOOPBACK_GUARD = path.join(HERE, "..", "..", "sandbox", "loopback-guard.cjs");

export interface MermaidVertex {
  id: string;
  /** The label as a reader sees it: entities decoded, lines joined by `<br>`. */
  text: string;
  classes: string[];
  link: string | null;
  callback: boolean;
}

export interface MermaidFlowchart {
  vertices: MermaidVertex[];
  edges: { from: string; to: string; text: string }[];
  subgraphs: { id: string; title: string; nodes: string[]; classes: string[] }[];
  classDefs: string[];
}

export interface SvgFacts {
  nodeTexts: string[];
  clusterTexts: string[];
  links: number;
  scripts: number;
  handlers: string[];
  javascriptUrls: string[];
}

export type MermaidResult =
  | {
      name: string;
      ok: true;
      diagramType: string;
      config: Record<string, unknown>;
      flowchart?: MermaidFlowchart;
      svg: SvgFacts;
    }
  | { name: string; ok: false; error: string };

/** Parses and renders each diagram with mermaid; one result per diagram, in order. */
export function checkWithMermaid(diagrams: { name: string; text: string }[]): Promise<MermaidResult[]> {
  const child = spawn(process.execPath, ["--require", LOOPBACK_GUARD, CHECKER], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify(diagrams));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`mermaid-check exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as MermaidResult[]);
    });
  });
}

/** The bodies of the ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})mermaid\n([\s\S]*?)\n\1$/gmu)].map((match) => match[2] ?? "");
}
