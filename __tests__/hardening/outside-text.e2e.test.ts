/**
 * Outside text never becomes a command or markup, and secrets are redacted
 * everywhere, through the bundled action (dist/index.js) and CLI
 * (dist/cli.js) against the ARM sandbox and the GitHub stand-in:
 * - an ARM 503 whose message carries workflow commands: no line of the log
 *   is a command the gate did not write;
 * - a tag, and an ARM error, with ESC, bidirectional controls, GH-1 and #1:
 *   the summary, the issue, the annotations and the CLI's output show
 *   escapes, and no reference, heading, link or image is live;
 * - an ARM error that echoes the access token: the token is in no output,
 *   summary, evidence file or issue.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ArmSandbox, armErrorBody, type FaultSpec, startArmSandbox } from "../../sandbox/arm.js";
import { type GitHubSandbox, startGitHubSandbox } from "../../sandbox/github.js";
import { type ActionRun, runAction } from "../../sandbox/run-action.js";
import { type CliRun, runCli } from "../../sandbox/run-cli.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TARGET = { subscription: SUBSCRIPTION, "resource-group": "rg-payments", "cluster-name": "aks-payments-prod" };
const GITHUB_TOKEN = "ghs_outside_text_e2e_token";
/** An opaque token (not JWT-shaped), so only the registry can redact it. */
const ACCESS_TOKEN = `opaque-arm-token-${randomBytes(12).toString("hex")}`;
/** Characters that must never reach a reader raw: ESC, C1 CSI, the bidi embeddings, overrides and isolates. */
const RAW_CONTROLS = [
  "\u001b",
  "\u009b",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
];
const HOSTILE = "\u001b[31mred\u001b[0m \u202egnp.exe\u202c \u2066iso\u2069 \u009b2J GH-1 #1 fixes GH-2";

let arm: ArmSandbox;
let github: GitHubSandbox;
let cluster: BuiltCluster;

function freshWorld(tags: Record<string, string> = { owner: "@contoso/payments" }): World {
  cluster = kubenetCluster({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-payments",
    name: "aks-payments-prod",
    pools: [{ name: "nodepool1", count: 3, autoscale: { min: 1, max: 5 } }],
    tags,
  });
  return new World(...cluster.resources);
}

function gate(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace,
    armEndpoint: arm.url,
    ca: arm.ca,
    inputs: { "github-token": GITHUB_TOKEN, ...inputs },
    env: { GITHUB_API_URL: github.url, SANDBOX_AZ_TOKEN: ACCESS_TOKEN },
  });
}

async function capturedWorkspace(): Promise<string> {
  const workspace = await mkdtemp(path.join(tmpdir(), "gate-outside-text-"));
  await mkdir(path.join(workspace, ".github"));
  const run = await gate(workspace, { ...TARGET, mode: "capture" });
  expect(run).toMatchObject({ code: 0, outputs: { result: "pass" } });
  return workspace;
}

async function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  const caFile = path.join(cwd, "sandbox-ca.pem");
  await writeFile(caFile, arm.ca);
  return runCli({
    cwd,
    caFile,
    args: [...args, "--arm-endpoint", arm.url],
    env: { SANDBOX_AZ_TOKEN: ACCESS_TOKEN },
  });
}

/** A fault on the managed cluster's GET, forever. */
function clusterFault(status: number, code: string, message: string): FaultSpec {
  return { method: "GET", path: /managedClusters\/aks-payments-prod$/i, status, body: armErrorBody(code, message) };
}

/** Would the runner take this line as a workflow command? (actions/runner ActionCommand.TryParseV2 and TryParse) */
function commandOf(line: string): string | undefined {
  return /^::([a-z-]+)[^:]*::(.*)$/i.exec(line.trimStart())?.[2] ?? /##\[([a-z-]+)/i.exec(line)?.[0];
}

/** The raw control characters in a text. */
function rawControls(text: string): string[] {
  return [...text].filter((char) => RAW_CONTROLS.includes(char));
}

/** Markdown with code blocks and spans removed: what GitHub renders as prose. */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "").replace(/`[^`\n]*`/g, "");
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => readFile(path.join(entry.parentPath, entry.name), "utf8")),
  );
}

/** References GitHub would link in prose (GH-1, #1, owner/repo#1), less the gate's own links to its issues (`[#1](url)`). */
function liveReferences(markdown: string): string[] {
  return [...prose(markdown).matchAll(/(?<![\w\u200b\\])(?:GH-\d+|#\d+)(?!\]\()/gi)].map((match) => match[0]);
}

beforeAll(async () => {
  arm = await startArmSandbox(freshWorld(), { tokens: [ACCESS_TOKEN] });
});

afterAll(async () => {
  await arm.close();
});

beforeEach(async () => {
  arm.world = freshWorld();
  arm.faults.clear();
  github = await startGitHubSandbox({ token: GITHUB_TOKEN });
});

afterEach(async () => {
  await github.close();
  expect(Object.keys(arm.countByMethod()).filter((method) => method !== "GET")).toEqual([]);
});

describe("an ARM 503 body with \\n::error:: inside", () => {
  it("logs the message on one line: no workflow command the gate did not write, no legacy ##[ command", async () => {
    const workspace = await capturedWorkspace();
    const injected = [
      "Service is down.",
      "::error::injected-error",
      "::notice title=x::injected-notice",
      "::add-mask::injected-mask",
      "  ::warning::injected-indented",
      "##[warning]injected-legacy",
      "::stop-commands::injected-stop",
    ].join("\n");
    const fault = arm.faults.add({
      ...clusterFault(503, "ServiceUnavailable", injected),
      headers: { "Retry-After": "0" },
    });
    const run = await gate(workspace);
    expect(fault.fired).toBeGreaterThan(1);
    expect(run).toMatchObject({ code: 1, outputs: { result: "error" } });

    const lines = run.stdout.split("\n");
    const commands = lines.map(commandOf).filter((data): data is string => data !== undefined);
    expect(commands.filter((data) => /injected|##\[/.test(data.split("%0A")[0] ?? ""))).toEqual([]);
    expect(lines.filter((line) => /^\s*::(add-mask|stop-commands)/.test(line))).toEqual([
      `::add-mask::${GITHUB_TOKEN}`,
      `::add-mask::${ACCESS_TOKEN}`,
    ]);
    // The retry line shows the whole message, breaks as \n; the gate's own annotation keeps its data escaped.
    expect(run.stdout).toContain("Service is down.\\n::error::injected-error\\n::notice title=x::injected-notice");
    expect(
      lines.some(
        (line) =>
          /^::error [^:]*file=\.github\/aks-network-baseline\.yml,line=\d+::/.test(line) &&
          line.includes("%0A::error::injected-error"),
      ),
    ).toBe(true);
  });
});

describe("a tag with ESC, bidi and GH-1", () => {
  it("reaches the drift issue as visible escapes, with no live reference", async () => {
    arm.world = freshWorld({ owner: HOSTILE });
    const workspace = await capturedWorkspace();
    arm.world = freshWorld({ owner: HOSTILE });
    arm.world.patch(cluster.clusterId, (body) => {
      const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
      profile.podCidr = "10.245.0.0/16";
      profile.podCidrs = ["10.245.0.0/16"];
    });
    const run = await gate(workspace);
    expect(run).toMatchObject({ code: 1, outputs: { result: "drift", "issue-number": "1" } });

    const issue = github.issues.get(1);
    const body = issue?.body ?? "";
    expect(body).toContain("Skipped: the Azure tag 'owner' holds '\\u001b\\[31mred\\u001b\\[0m \\u202egnp.exe\\u202c");
    expect(body).toContain("GH-\u200b1 #\u200b1 fixes GH-\u200b2");
    expect(liveReferences(body)).toEqual([]);
    for (const text of [body, issue?.title ?? "", run.summary, run.stdout]) expect(rawControls(text)).toEqual([]);
    const snapshot = await readFile(path.join(run.outputs.evidence ?? "", "snapshot.json"), "utf8");
    expect(rawControls(snapshot)).toEqual([]);
    expect((JSON.parse(snapshot) as { tags: Record<string, string> }[])[0]?.tags.owner).toBe(HOSTILE);
  });
});

describe("an ARM error with ESC, bidi, GH-1 and Markdown", () => {
  const message = `Denied by policy.\n# Pwned heading\n![img](https://evil.example/x.png) <img src=x onerror=alert(1)> ${HOSTILE}`;

  it("reaches the summary, the annotation and the error issue as inert text with visible escapes", async () => {
    const workspace = await capturedWorkspace();
    arm.faults.add(clusterFault(403, "RequestDisallowedByPolicy", message));
    const run = await gate(workspace, { "issue-on-error": "true" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error", "issue-number": "1" } });

    const body = github.issues.get(1)?.body ?? "";
    for (const markdown of [run.summary, body]) {
      expect(rawControls(markdown)).toEqual([]);
      expect(markdown).toContain("\\u001b");
      expect(markdown).toContain("\\u202egnp.exe\\u202c");
      expect(liveReferences(markdown)).toEqual([]);
      expect(prose(markdown)).not.toMatch(/^#+ Pwned/m);
      expect(prose(markdown)).not.toMatch(/(?<!\\)!?\[img(?<!\\)\]\(https/);
      expect(prose(markdown)).not.toMatch(/(?<!\\)<img/);
    }
    expect(rawControls(run.stdout)).toEqual([]);
    expect(run.stdout).toMatch(/^::error [^:\n]*file=\.github\/aks-network-baseline\.yml[^\n]*\\u202egnp\.exe\\u202c/m);
  });

  it("reaches the CLI's report and its --verbose log on stderr as visible escapes", async () => {
    const workspace = await capturedWorkspace();
    arm.faults.add(clusterFault(403, "RequestDisallowedByPolicy", message));
    const run = await cli(workspace, "check", "--verbose");
    expect(run.code).toBe(2);
    for (const text of [run.stdout, run.stderr]) {
      expect(rawControls(text)).toEqual([]);
      expect(text).toContain("\\u001b[31mred\\u001b[0m");
      expect(text).toContain("\\u202egnp.exe\\u202c \\u2066iso\\u2069 \\u009b2J");
    }
    expect(run.stderr).toMatch(/^error: .*RequestDisallowedByPolicy/m);
  });
});

describe("an error that echoes the token", () => {
  it("leaves the access token in no output, summary, evidence file or issue, and says *** in its place", async () => {
    const workspace = await capturedWorkspace();
    const echo = `The access token ${ACCESS_TOKEN} has no permission to read this cluster (Authorization: Bearer ${ACCESS_TOKEN}).`;
    arm.faults.add(clusterFault(403, "AuthorizationFailed", echo));
    const run = await gate(workspace, { "issue-on-error": "true" });
    expect(run).toMatchObject({ code: 1, outputs: { result: "error", "issue-number": "1" } });

    const issue = github.issues.get(1);
    const log = `${run.stdout}\n${run.stderr}`
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .join("\n");
    const written: [string, string][] = [
      ["log", log],
      ["summary", run.summary],
      ["outputs", JSON.stringify(run.outputs)],
      ["issue", [issue?.title, issue?.body, ...(issue?.comments ?? [])].join("\n")],
      ...(await filesUnder(run.outputs.evidence ?? "")).map((text, index): [string, string] => [
        `evidence ${index}`,
        text,
      ]),
    ];
    expect(written.length).toBeGreaterThan(5);
    for (const [where, text] of written) {
      expect({ where, leaked: text.includes(ACCESS_TOKEN) }).toEqual({ where, leaked: false });
    }
    expect(issue?.body).toContain("The access token *** has no permission");
    expect(run.summary).toContain("The access token \\*\\*\\* has no permission");
  });
});
