import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { explainArmFailure } from "../../src/io/azure/failures.js";
import { cliSettings, CLI_FLAGS, parseCommandLine, UsageError } from "../../src/entry/cli/args.js";
import { runCli, type TerminalStream } from "../../src/entry/cli/main.js";
import { usage, USAGE } from "../../src/entry/cli/usage.js";
import { describeError } from "../../src/core/errors.js";
import { cliOptions, OPTIONS } from "../../src/app/options.js";

const PACKAGE = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

function settingsError(args: string[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), "gate-cli-args-"));
  try {
    cliSettings(parseCommandLine(args), cwd, {});
  } catch (error) {
    return describeError(error);
  }
  throw new Error(`cliSettings took ${args.join(" ")}`);
}

function capture(): TerminalStream & { text: string } {
  const target = { text: "", isTTY: false, columns: undefined, write: (text: string) => void (target.text += text) };
  return target;
}

/** Runs the CLI in-process with a command line that never reaches Azure (help, version, bad usage). */
async function offline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const io = { env: {}, cwd: tmpdir(), stdout, stderr, now: () => new Date(), sleep: async () => undefined };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("parseCommandLine", () => {
  it("reads the command, value flags in both spellings and switches", () => {
    const line = parseCommandLine(["check", "--baseline", "b.yml", "--shard=2/8", "--json", "--no-color"]);
    expect(line.command).toBe("check");
    expect(Object.fromEntries(line.values)).toEqual({ baseline: "b.yml", shard: "2/8" });
    expect([...line.switches].sort()).toEqual(["json", "no-color"]);
  });

  it("takes a value that starts with a dash after =, and help without a command", () => {
    expect(parseCommandLine(["check", "--cluster-name=-odd"]).values.get("cluster-name")).toBe("-odd");
    expect(parseCommandLine(["-h"])).toMatchObject({ command: undefined, switches: new Set(["help"]) });
    expect(parseCommandLine(["help"])).toMatchObject({ command: undefined, switches: new Set(["help"]) });
    expect(parseCommandLine(["help", "capture"])).toMatchObject({ command: "capture", switches: new Set(["help"]) });
    expect(parseCommandLine(["check", "--help"])).toMatchObject({ command: "check", switches: new Set(["help"]) });
    expect(parseCommandLine(["--version"])).toMatchObject({ command: undefined, switches: new Set(["version"]) });
  });

  it.each([
    [["check", "--cluster"], "Unknown option '--cluster'. Did you mean --cluster-name?"],
    [["check", "--jsn"], "Unknown option '--jsn'. Did you mean --json?"],
    [["check", "--zzzzzz"], "Unknown option '--zzzzzz'."],
    [["check", "-x"], "Unknown option '-x'."],
    [["check", "--json=yes"], "Option --json takes no value."],
    [["check", "--client-id", "x"], "Unknown option '--client-id'."],
    [["check", "--create-issue"], "Unknown option '--create-issue'."],
    [["check", "--concurrency="], "Option --concurrency is given an empty value."],
    [["check", "--shard"], "Option --shard needs a value: --shard I/N."],
    [["check", "--baseline", "--json"], "Option --baseline needs a value: --baseline PATH."],
    [["check", "--fail-on", "warning", "--fail-on", "never"], "Option --fail-on is given twice."],
    [["check", "capture"], "Only one command is allowed; got 'check' and 'capture'."],
    [["check", "extra"], "Unexpected argument 'extra' after the command 'check'."],
    [["verify"], "Unknown command 'verify'. Expected check or capture."],
    [["help", "verify"], "Unknown command 'verify'. Expected check or capture."],
    [[], "Missing command: check or capture."],
  ])("refuses %j: %s", (args, message) => {
    expect(() => parseCommandLine(args)).toThrow(new UsageError(message));
  });
});

describe("cliSettings", () => {
  it("reads the command as the mode and each flag as its option, in the current directory, faking no workflow", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "gate-cli-args-"));
    const elsewhere = mkdtempSync(path.join(tmpdir(), "gate-cli-elsewhere-"));
    const line = parseCommandLine(["check", "--shard", "2/8", "--fail-on", "WARNING", "--baseline", "b.yml"]);
    const settings = cliSettings(line, cwd, { GITHUB_WORKSPACE: elsewhere });
    expect(settings).toMatchObject({ mode: "check", shard: { index: 2, count: 8 }, failOn: "warning" });
    expect(settings.workspace).toBe(cwd);
    expect(settings.baselinePath).toBe(path.join(cwd, "b.yml"));
    expect(settings.auth).toEqual({ kind: "default" });
  });

  it("gives an option without a flag the table's default, as the action does when the input is unset", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "gate-cli-args-"));
    const settings = cliSettings(parseCommandLine(["check"]), cwd, {});
    expect(settings.concurrency).toBe(8);
    expect(settings.timeoutMs).toBe(15 * 60_000);
    expect(settings.issues.token).toBeUndefined();
  });
});

describe("the flags and the options table", () => {
  it("every option of the table with a flag is taken by the parser and named in --help with its placeholder", () => {
    for (const option of cliOptions()) {
      const value = option.kind === "shard" ? "1/2" : option.kind === "url" ? "https://x" : "1";
      expect(parseCommandLine(["check", `--${option.name}`, value]).values.get(option.name)).toBe(value);
      expect(USAGE).toContain(`--${option.name} ${option.cli.value}`);
    }
    for (const flag of CLI_FLAGS) expect(USAGE).toContain(`--${flag.name}`);
  });

  it("--help shows each option's default and allowed values from the table", () => {
    const help = USAGE.replace(/\s+/gu, " ");
    expect(help).toContain("--baseline PATH the baseline file (default .github/aks-network-baseline.yml)");
    expect(help).toContain("AzureCloud, AzureUSGovernment, AzureChinaCloud or AzureStack (default AzureCloud)");
    expect(help).toContain("--concurrency N clusters read at once, 1 to 64 (default 8)");
    expect(help).toContain("--timeout-minutes N the run's time budget in minutes, at most 360 (default 15)");
  });

  it("has no flag for the options of a workflow run (issues, artifacts, OIDC, the pull-request plan), nor for the mode (the command)", () => {
    const withoutFlag = OPTIONS.filter((option) => !("cli" in option)).map((option) => option.name);
    expect(withoutFlag).toEqual([
      "mode",
      "client-id",
      "tenant-id",
      "audience",
      "create-issue",
      "github-token",
      "issue-labels",
      "owner",
      "owner-tag",
      "max-issues",
      "issue-on-error",
      "pr-plan",
      "upload-evidence",
      "retention-days",
    ]);
  });
});

describe("help and version", () => {
  it("--version prints the version of package.json", async () => {
    expect(await offline(["--version"])).toEqual({
      code: 0,
      stdout: `aks-network-gate ${PACKAGE.version}\n`,
      stderr: "",
    });
  });

  it("--help and help print the usage of every command", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      expect(await offline(args)).toEqual({ code: 0, stdout: USAGE, stderr: "" });
    }
    expect(USAGE).toMatch(/^Usage: aks-network-gate COMMAND \[options\]\n/u);
  });

  it("help check and check --help print the usage of check; capture's names the flags it needs", async () => {
    expect(await offline(["help", "check"])).toEqual({ code: 0, stdout: usage("check"), stderr: "" });
    expect(await offline(["check", "--help"])).toEqual({ code: 0, stdout: usage("check"), stderr: "" });
    expect(usage("check")).toMatch(/^Usage: aks-network-gate check \[options\]\n\nCompare the live network/u);
    expect((await offline(["capture", "--help"])).stdout).toMatch(
      /^Usage: aks-network-gate capture --subscription ID --resource-group RG --cluster-name NAME \[options\]\n/u,
    );
  });

  it("a bad command line exits 2 with the problem and a pointer to --help", async () => {
    expect(await offline(["check", "--jsn"])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "aks-network-gate: Unknown option '--jsn'. Did you mean --json?\nRun 'aks-network-gate --help' for the options.\n",
    });
  });
});

describe("messages in the CLI's words", () => {
  it.each([
    [["check", "--concurrency", "abc"], "--concurrency has the value 'abc'; expected a whole number from 1 to 64."],
    [["check", "--fail-on", "always"], "--fail-on has the value 'always', which is not allowed."],
    [["capture"], "--subscription, --resource-group and --cluster-name are required by the capture command."],
    [
      ["capture", "--subscription", "s"],
      "Or, to capture every cluster of a fleet, give --scope in place of --subscription, --resource-group and --cluster-name.",
    ],
    [["capture", "--subscription", "s"], "--resource-group and --cluster-name are required by the capture command."],
    [["check", "--environment", "AzureStack"], "--arm-endpoint is required when --environment is 'AzureStack'."],
    [["check", "--baseline", "../elsewhere.yml"], "outside the current directory"],
    [["check", "--baseline", "../elsewhere.yml"], "Use a path inside the current directory."],
  ])("%j says %s", (args, text) => {
    expect(settingsError(args)).toContain(text);
  });

  it("tells how to sign in on a terminal as well as in a workflow", () => {
    const credentialError = Object.assign(new Error("az login needed"), { name: "CredentialUnavailableError" });
    const message = describeError(explainArmFailure("/subscriptions/x", credentialError));
    expect(message).toContain("on a terminal, 'az login' or AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET");
    expect(message).toContain("in a workflow, azure/login before this step");
  });

  it("names options in Azure's hints by the name both front ends give them", () => {
    const notFound = Object.assign(new Error("not found"), { name: "RestError", statusCode: 404, code: "NotFound" });
    const message = describeError(explainArmFailure("/subscriptions/x", notFound));
    expect(message).toContain("Check 'subscription', 'resource-group' and 'cluster-name'");
    expect(message).not.toMatch(/\binputs?\b/u);
  });
});
