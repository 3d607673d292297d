import { rmSync } from "node:fs";
import { build } from "esbuild";

// dist/ is rebuilt from nothing, so no chunk of an earlier build lingers.
rmSync("dist", { recursive: true, force: true });

await build({
  entryPoints: { index: "src/index.ts", cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  minify: true,
  // What is loaded with import() (the GitHub client) becomes a chunk that a run
  // which writes no issue never reads.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "linked",
  logLevel: "warning",
  // Bundled CommonJS dependencies still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
