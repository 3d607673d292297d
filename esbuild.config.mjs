import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

// `--metafile FILE` (npm run licenses) writes only what the bundle is made of, and leaves dist/ alone.
const metafileAt = process.argv.indexOf("--metafile");
const metafile = metafileAt >= 0 ? process.argv[metafileAt + 1] : undefined;

// dist/ is rebuilt from nothing, so no chunk of an earlier build lingers.
if (metafile === undefined) rmSync("dist", { recursive: true, force: true });

// src/core/version.ts imports package.json for its version: the bundle gets that field alone,
// so dist/ changes with the version and not with every script or dependency of package.json.
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const versionOnly = {
  name: "package-version",
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]package\.json$/ }, (file) =>
      path.resolve(file.path) === path.resolve("package.json")
        ? { contents: JSON.stringify({ version }), loader: "json" }
        : undefined,
    );
  },
};

// Bundled CommonJS dependencies still call require() for Node built-ins.
const requireBanner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

// The baseline schema's validator is compiled now, as ajv's standalone code, and takes the place of
// src/core/baseline/schema-validator.ts in the bundle, so that a run does not compile it (~100 ms).
const VALIDATOR = path.resolve("src/core/baseline/schema-validator.ts");
async function validatorSource() {
  const scratch = mkdtempSync(path.join(tmpdir(), "gate-build-"));
  try {
    const file = path.join(scratch, "schema-validator.mjs");
    await build({
      entryPoints: [VALIDATOR],
      outfile: file,
      bundle: true,
      platform: "node",
      format: "esm",
      logLevel: "warning",
      banner: requireBanner,
    });
    const { standaloneValidatorSource } = await import(pathToFileURL(file).href);
    return standaloneValidatorSource();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
const compiledValidator = {
  name: "compiled-schema-validator",
  async setup(plugin) {
    const contents = await validatorSource();
    plugin.onLoad({ filter: /[\\/]schema-validator\.ts$/ }, (file) =>
      path.resolve(file.path) === VALIDATOR
        ? { contents, loader: "ts", resolveDir: path.dirname(VALIDATOR) }
        : undefined,
    );
  },
};

const result = await build({
  entryPoints: {
    index: "src/entry/index.ts",
    "action-thread": "src/entry/action-thread.ts",
    "baseline-thread": "src/entry/baseline-thread.ts",
    cli: "src/entry/cli.ts",
  },
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
  // The licenses of everything bundled are in licenses/THIRD_PARTY.md (npm run licenses), in full.
  legalComments: "none",
  logLevel: "warning",
  plugins: [versionOnly, compiledValidator],
  banner: requireBanner,
  ...(metafile === undefined ? {} : { write: false, metafile: true }),
});
if (metafile !== undefined) writeFileSync(metafile, JSON.stringify(result.metafile));
