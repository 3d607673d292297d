import { readFile } from "node:fs/promises";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { explainArmFailure } from "../../src/io/azure/failures.js";
import { inputReader, parseCommandLine, SWITCHES, UsageError, VALUE_FLAGS } from "../../src/entry/cli/args.js";
import { USAGE } from "../../src/entry/cli/usage.js";
import { inCliTerms } from "../../src/entry/cli/wording.js";
import { describeError } from "../../src/core/errors.js";
import { readSettings } from "../../src/app/settings.js";

const ACTION_YML = new URL("../../action.yml", import.meta.url);

function settingsError(args: string[]): string {
  const workspace = mkdtempSync(path.join(tmpdir(), "gate-cli-args-"));
  try {
    readSettings(inputReader(parseCommandLine(args)), { GITHUB_WORKSPACE: workspace });
  } catch (error) {
    return inCliTerms(describeError(error));
  }
  throw new Error(`readSettings took ${args.join(" ")}`);
}

describe("parseCommandLine", () => {
  it("reads the command, value flags in both spellings and switches", () => {
    const line = parseCommandLine(["check", "--baseline", "b.yml", "--shard=2/8", "--json", "--no-color"]);
    expect(line.command).toBe("check");
    expect(Object.fromEntries(line.values)).toEqual({ baseline: "b.yml", shard: "2/8" });
    expect([...line.switches].sort()).toEqual(["json", "no-color"]);
  });

  it("takes a value that starts with a dash after =, and -h for help without a command", () => {
    expect(parseCommandLine(["check", "--cluster-name=-odd"]).values.get("cluster-name")).toBe("-odd");
    expect(parseCommandLine(["-h"])).toMatchObject({ command: undefined, switches: new Set(["help"]) });
  });

  it.each([
    [["check", "--cluster"], "Unknown option '--cluster'. Did you mean --cluster-name?"],
    [["check", "--jsn"], "Unknown option '--jsn'. Did you mean --json?"],
    [["check", "--zzzzzz"], "Unknown option '--zzzzzz'."],
    [["check", "--json=yes"], "Unknown option '--json=yes'. Did you mean --json?"],
    [["check", "--client-id", "x"], "Unknown option '--client-id'."],
    [["check", "--create-issue"], "Unknown option '--create-issue'."],
    [["check", "--concurrency="], "Option --concurrency is given an empty value."],
    [["check", "capture"], "Only one command is allowed; got 'check' and 'capture'."],
  ])("refuses %j: %s", (args, message) => {
    expect(() => parseCommandLine(args)).toThrow(new UsageError(message));
  });
});

describe("inputReader", () => {
  it("answers the action's inputs: the command as mode, flags by name, issues and artifacts off", () => {
    const read = inputReader(parseCommandLine(["capture", "--fail-on", "warning"]));
    expect(read("mode")).toBe("capture");
    expect(read("fail-on")).toBe("warning");
    expect(read("baseline")).toBe("");
    expect(read("create-issue")).toBe("false");
    expect(read("upload-evidence")).toBe("false");
    expect(read("github-token")).toBe("");
  });

  it("gives readSettings what it needs: no issue is written from the CLI", () => {
    const workspace = mkdtempSync(path.join(tmpdir(), "gate-cli-args-"));
    const settings = readSettings(inputReader(parseCommandLine(["check", "--shard", "2/8"])), {
      GITHUB_WORKSPACE: workspace,
      GITHUB_TOKEN: "ghs_x",
    });
    expect(settings.shard).toEqual({ index: 2, count: 8 });
    expect(settings.issues.enabled).toBe(false);
    expect(settings.auth).toEqual({ kind: "default" });
  });
});

describe("flags and the action's inputs", () => {
  it("every value flag is an input of action.yml, and --help names every flag", async () => {
    const action = parse(await readFile(ACTION_YML, "utf8")) as { inputs: Record<string, unknown> };
    for (const flag of VALUE_FLAGS) expect(Object.keys(action.inputs)).toContain(flag);
    for (const flag of [...VALUE_FLAGS, ...SWITCHES]) expect(USAGE).toContain(`--${flag}`);
  });
});

describe("messages in the CLI's words", () => {
  it.each([
    [["check", "--concurrency", "abc"], "--concurrency has the value 'abc'; expected a whole number from 1 to 64."],
    [["check", "--fail-on", "always"], "--fail-on has the value 'always', which is not allowed."],
    [["capture"], "--subscription, --resource-group, --cluster-name is required with the capture command."],
    [["check", "--environment", "AzureStack"], "--arm-endpoint is required when --environment is 'AzureStack'."],
    [["check", "--baseline", "../elsewhere.yml"], "outside the current directory"],
  ])("%j says %s", (args, text) => {
    expect(settingsError(args)).toContain(text);
  });

  it("tells a CLI user how to sign in, not to run azure/login", () => {
    const credentialError = Object.assign(new Error("az login needed"), { name: "CredentialUnavailableError" });
    const message = inCliTerms(describeError(explainArmFailure("/subscriptions/x", credentialError)));
    expect(message).toContain(
      "Sign in with 'az login', or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET.",
    );
    expect(message).not.toContain("azure/login");
  });

  it("turns the 404 hint's input names into flags", () => {
    const notFound = Object.assign(new Error("not found"), {
      name: "RestError",
      statusCode: 404,
      code: "ResourceNotFound",
    });
    const message = inCliTerms(describeError(explainArmFailure("/subscriptions/x", notFound)));
    expect(message).toContain("Check the --subscription, --resource-group and --cluster-name options");
  });
});
