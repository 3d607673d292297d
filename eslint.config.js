import js from "@eslint/js";
import tseslint from "typescript-eslint";

const LAYERS = ["core", "present", "io", "app", "entry"];
/** What each layer may not import: the layers above it, and its siblings. */
const FORBIDDEN = {
  core: ["present", "io", "app", "entry"],
  present: ["io", "app", "entry"],
  io: ["present", "app", "entry"],
  app: ["entry"],
  entry: [],
};
/** Modules that reach outside the process: not for the pure layers. */
const WORLD = ["node:fs", "node:fs/*", "node:http", "node:https", "node:net", "node:child_process", "node:dns"];
const SDKS = ["@azure/*", "@azure-rest/*", "@actions/*", "@octokit/*"];

function layerRules() {
  return LAYERS.map((layer) => {
    const pure = layer === "core" || layer === "present";
    const group = FORBIDDEN[layer].flatMap((other) => [`**/${other}/*`, `**/${other}/**`]);
    const patterns = [
      ...(group.length > 0
        ? [
            {
              group,
              message: `src/${layer}/ may not import ${FORBIDDEN[layer].join(", ")}: imports go entry → app → present | io → core.`,
            },
          ]
        : []),
      ...(pure
        ? [{ group: [...WORLD, ...SDKS], message: `src/${layer}/ is pure: no file system, network or SDK.` }]
        : []),
    ];
    return {
      files: [`src/${layer}/**/*.ts`],
      rules: patterns.length > 0 ? { "no-restricted-imports": ["error", { patterns }] } : {},
    };
  });
}

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "no-console": "off",
    },
  },
  // The layers of src/, one way: entry → app → (present | io) → core. A file may import its own
  // layer and those below it; core and present also stay off the network, the file system and
  // the SDKs. __tests__/architecture.test.ts fails on any import cycle.
  ...layerRules(),
  {
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
