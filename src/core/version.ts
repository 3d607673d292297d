/**
 * The version of the gate, from package.json: the one source of truth that the
 * release workflow tags (tools/release.ts). The CLI's `--version`, the evidence
 * manifest, the issue footer and the SARIF tool section all say it, so that a
 * result names the rules that judged it. esbuild inlines it into dist/
 * (esbuild.config.mjs keeps only that field of package.json).
 */
import manifest from "../../package.json" with { type: "json" };

/** The gate's version, e.g. `1.0.0` (no leading `v`). */
export const GATE_VERSION: string = manifest.version;

/** Where the gate is published: the repository that README's `uses: contoso/aks-network-gate@v1` names. */
export const GATE_HOME = "https://github.com/contoso/aks-network-gate";
