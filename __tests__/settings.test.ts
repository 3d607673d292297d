import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { OPTIONS } from "../src/app/options.js";
import { readSettings, refuseUnknownInputs } from "../src/app/settings.js";

function reader(inputs: Record<string, string>) {
  return (name: string) => inputs[name] ?? "";
}

describe("readSettings", () => {
  const workspace = mkdtempSync(path.join(tmpdir(), "gate-settings-"));
  const env = { GITHUB_WORKSPACE: workspace };

  it("applies the defaults of action.yml", () => {
    const settings = readSettings(reader({}), env);
    expect(settings).toMatchObject({
      mode: "check",
      baselineFile: ".github/aks-network-baseline.yml",
      failOn: "error",
      auth: { kind: "default" },
      cloud: {
        name: "AzureCloud",
        armEndpoint: "https://management.azure.com",
        authorityHost: undefined,
        oidcAudience: "api://AzureADTokenExchange",
      },
    });
    expect(settings.evidenceDir.endsWith(`${path.basename(workspace)}/aks-network-evidence`)).toBe(true);
  });

  it.each([
    ["mode", "verify", /Input 'mode' has the value 'verify'.*Allowed values: check, capture/],
    ["fail-on", "always", /Input 'fail-on' has the value 'always'.*Allowed values: error, warning, never/],
    [
      "environment",
      "AzurePublic",
      /Input 'environment' has the value 'AzurePublic'.*AzureCloud, AzureUSGovernment, AzureChinaCloud, AzureStack/,
    ],
    [
      "arm-endpoint",
      "http://127.0.0.1:8443",
      /Input 'arm-endpoint' has the value 'http:\/\/127.0.0.1:8443', which is not an https URL/,
    ],
    ["arm-endpoint", "not a url", /Input 'arm-endpoint' has the value 'not a url', which is not a URL/],
    ["baseline", "../outside.yml", /Input 'baseline' is '..\/outside.yml'.*outside the workspace/],
    ["evidence-dir", "/etc", /Input 'evidence-dir' is '\/etc'.*outside the workspace/],
    ["shard", "9/8", /Input 'shard' has the value '9\/8'; expected 'INDEX\/COUNT' with 1 <= INDEX <= COUNT/],
    ["shard", "two", /Input 'shard' has the value 'two'/],
    ["concurrency", "0", /Input 'concurrency' has the value '0'; expected a whole number from 1 to 64/],
    ["concurrency", "8.5", /Input 'concurrency' has the value '8.5'/],
    ["timeout-minutes", "-1", /Input 'timeout-minutes' has the value '-1'; expected a number of minutes above 0/],
    ["create-issue", "yes please", /Input 'create-issue'.*'yes please'/],
  ])("names the input, the value and what is allowed: %s=%s", (name, value, message) => {
    expect(() => readSettings(reader({ [name]: value }), env)).toThrow(message);
  });

  it("refuses a symlink that leads out of the workspace", () => {
    const outside = mkdtempSync(path.join(tmpdir(), "gate-outside-"));
    symlinkSync(outside, path.join(workspace, "escape"));
    expect(() => readSettings(reader({ "evidence-dir": "escape/evidence" }), env)).toThrow(/outside the workspace/);
  });

  it("accepts a path inside the workspace that does not exist yet", () => {
    mkdirSync(path.join(workspace, ".github"), { recursive: true });
    const settings = readSettings(reader({ baseline: ".github/new/baseline.yml" }), env);
    expect(settings.baselinePath.endsWith(path.join(".github", "new", "baseline.yml"))).toBe(true);
  });

  it("requires the cluster's three names for capture, or 'scope' in their place for a fleet", () => {
    expect(() => readSettings(reader({ mode: "capture", subscription: "s" }), env)).toThrow(
      expect.objectContaining({
        message: "Inputs 'resource-group' and 'cluster-name' are required when 'mode' is 'capture'.",
        hint: "Or, to capture every cluster of a fleet, give 'scope' in place of 'subscription', 'resource-group' and 'cluster-name'.",
      }),
    );
  });

  it("signs in with OIDC when client-id and tenant-id are both set, with the cloud's audience", () => {
    const settings = readSettings(
      reader({ "client-id": "c", "tenant-id": "t", environment: "AzureUSGovernment" }),
      env,
    );
    expect(settings.auth).toEqual({
      kind: "oidc",
      clientId: "c",
      tenantId: "t",
      audience: "api://AzureADTokenExchangeUSGov",
    });
    expect(settings.cloud.armEndpoint).toBe("https://management.usgovcloudapi.net");
    expect(() => readSettings(reader({ "client-id": "c" }), env)).toThrow(/Input 'tenant-id' is missing/);
  });

  it("takes Azure Stack's ARM endpoint from the input, and needs no AZURE_AUTHORITY_HOST (the stamp's metadata names it)", () => {
    expect(() => readSettings(reader({ environment: "AzureStack" }), env)).toThrow(
      "Input 'arm-endpoint' is required when 'environment' is 'AzureStack'.",
    );
    const settings = readSettings(
      reader({ environment: "azurestack", "arm-endpoint": "https://management.local.azurestack.external/" }),
      env,
    );
    expect(settings.cloud).toEqual({
      name: "AzureStack",
      armEndpoint: "https://management.local.azurestack.external",
      authorityHost: undefined,
      oidcAudience: "api://AzureADTokenExchange",
    });
    const overridden = readSettings(
      reader({ environment: "AzureStack", "arm-endpoint": "https://management.local.azurestack.external" }),
      { ...env, AZURE_AUTHORITY_HOST: "https://adfs.local.azurestack.external/adfs" },
    );
    expect(overridden.cloud.authorityHost).toBe("https://adfs.local.azurestack.external/adfs");
  });

  it("numbers each scope line as the workflow shows the value, blank lines counted", () => {
    const sub = "11111111-1111-4111-8111-111111111111";
    const cluster = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`;
    const settings = readSettings(reader({ scope: `\n/subscriptions/${sub}\n\n${cluster}` }), env);
    expect(settings.fleet.scopes.map((scope) => [scope.kind, scope.line])).toEqual([
      ["subscription", 2],
      ["cluster", 4],
    ]);
  });

  it("builds the workflow run link from the runner's variables", () => {
    const settings = readSettings(reader({}), {
      ...env,
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "contoso/platform",
      GITHUB_RUN_ID: "42",
      GITHUB_SHA: "abc123",
    });
    expect(settings.run).toMatchObject({
      runUrl: "https://github.example/contoso/platform/actions/runs/42",
      commit: "abc123",
    });
  });
});

describe("unknown inputs", () => {
  const env = (extra: Record<string, string>) => ({ GITHUB_WORKSPACE: process.cwd(), ...extra });

  it("refuses azure/login's subscription-id with the input it most likely meant", () => {
    expect(() => refuseUnknownInputs(env({ "INPUT_SUBSCRIPTION-ID": "0000", INPUT_MODE: "check" }))).toThrow(
      "Input 'subscription-id' (did you mean 'subscription'?) is not an input of this action: an unknown input is refused, so that a typo cannot widen or weaken the check.",
    );
  });

  it("names every unknown input, with a suggestion only where one is near", () => {
    expect(() => refuseUnknownInputs(env({ "INPUT_FAIL-ONN": "error", INPUT_CREDS: "{}" }))).toThrow(
      "Inputs 'creds', 'fail-onn' (did you mean 'fail-on'?) are not inputs of this action",
    );
  });

  it("accepts every input action.yml declares", () => {
    const all = Object.fromEntries(OPTIONS.map((option) => [`INPUT_${option.name.toUpperCase()}`, ""]));
    expect(() => refuseUnknownInputs(env(all))).not.toThrow();
  });
});
