/**
 * The action's run() in process, with a recording ActionIO, against the ARM
 * sandbox (signed in with GitHub OIDC at its Entra stand-in) and the GitHub
 * stand-in: a run that says more warnings after its findings than GitHub
 * shows of a step annotates no more than GitHub keeps, and loses none.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { type ActionIO, run } from "../../src/app/run.js";
import type { Logger } from "../../src/core/logger.js";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { type GitHubSandbox, githubError, startGitHubSandbox } from "../../sandbox/github.js";
import { actionsIdToken } from "../../sandbox/identity-endpoints.js";
import { trustCertificateInProcess } from "../../sandbox/trust.js";
import { type BuiltCluster, kubenetCluster, World } from "../../sandbox/world.js";
import { newWorkspace } from "../helpers/e2e-world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TOKEN = "ghs_budget_token";
const CLUSTERS = 12;

interface Said {
  level: "info" | "warning" | "error" | "fail";
  message: string;
}

let arm: ArmSandbox;
let github: GitHubSandbox;
let untrust: () => void;
let clusters: BuiltCluster[];

function fleet(): World {
  clusters = Array.from({ length: CLUSTERS }, (_, index) =>
    kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: `rg-${index}`, name: `aks-${index}` }),
  );
  return new World(...clusters.flatMap((cluster) => cluster.resources));
}

/** What the runner would see of one run of the action: its log lines, annotations, failure and outputs. */
async function action(workspace: string, inputs: Record<string, string>) {
  const said: Said[] = [];
  const outputs: Record<string, string> = {};
  const logger: Logger = {
    info: (message) => said.push({ level: "info", message }),
    debug: () => undefined,
    warning: (message) => said.push({ level: "warning", message }),
    error: (message) => said.push({ level: "error", message }),
    mask: () => undefined,
  };
  const io: ActionIO = {
    input: (name) => inputs[name] ?? "",
    env: {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: "contoso/platform-network",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: github.url,
      GITHUB_RUN_ID: "1001",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      AZURE_AUTHORITY_HOST: arm.url,
    },
    logger,
    setOutput: (name, value) => (outputs[name] = value),
    writeSummary: async () => undefined,
    idToken: async (audience) => actionsIdToken(audience),
    fail: (message) => said.push({ level: "fail", message }),
    now: () => new Date(),
    sleep: async () => undefined,
  };
  await run(io);
  const of = (level: Said["level"]) => said.filter((each) => each.level === level).map((each) => each.message);
  return { said, outputs, of };
}

const SIGN_IN = { "client-id": "11111111-2222-3333-4444-555555555555", "tenant-id": "contoso-tenant" };

beforeAll(async () => {
  arm = await startArmSandbox(fleet());
  untrust = trustCertificateInProcess(arm.ca);
  github = await startGitHubSandbox({ token: TOKEN });
});

afterAll(async () => {
  untrust();
  await Promise.all([arm.close(), github.close()]);
});

describe("a run with more warnings than GitHub shows of a step", () => {
  it("annotates at most 10 warnings and 10 errors (its failure among them), and logs the rest", async () => {
    const workspace = await newWorkspace("gate-annotations-");
    const inputs = { ...SIGN_IN, "arm-endpoint": arm.url };
    for (let index = 0; index < CLUSTERS; index++) {
      const target = { subscription: SUBSCRIPTION, "resource-group": `rg-${index}`, "cluster-name": `aks-${index}` };
      const captured = await action(workspace, { ...inputs, ...target, mode: "capture" });
      expect(captured.said.filter((each) => each.level !== "info")).toEqual([]);
    }

    for (const cluster of clusters) {
      arm.world.patch(cluster.clusterId, (body) => {
        const profile = (body.properties as { networkProfile: Record<string, unknown> }).networkProfile;
        profile.podCidr = "10.245.0.0/16";
        profile.podCidrs = ["10.245.0.0/16"];
      });
    }
    github.faults.add({ method: "POST", path: "/issues", status: 422, body: githubError("Validation Failed") });
    // Two issues at most: GitHub's client paces writes that notify 3 s apart.
    const checked = await action(workspace, { ...inputs, "github-token": TOKEN, "max-issues": "2" });

    expect(checked.outputs.result).toBe("drift");
    const warnings = checked.of("warning");
    const demoted = checked.of("info").filter((line) => line.startsWith("Warning, not annotated: "));
    expect(warnings).toHaveLength(10);
    expect(warnings.at(-1)).toBe(
      `${demoted.length} more warnings of this run are only in the step's log, on lines that start "Warning, not annotated": GitHub shows 10 warning annotations per step.`,
    );
    const said = [...warnings, ...demoted];
    for (const index of [0, 1]) {
      const refused = `No GitHub issue for aks-${index} (drift): GitHub rejected the request (HTTP 422: Validation Failed).`;
      expect(said.filter((line) => line.endsWith(refused))).toHaveLength(1);
    }
    expect(demoted.at(-1)).toBe(
      "Warning, not annotated: 10 cluster(s) got no GitHub issue: 'max-issues' (2) gate issues are open.",
    );
    expect(checked.of("error").length + checked.of("fail").length).toBeLessThanOrEqual(10);
    expect(checked.of("info").filter((line) => line.startsWith("Error, not annotated"))).toEqual([]);
    expect(checked.said.at(-1)).toMatchObject({ level: "fail", message: expect.stringMatching(/^AKS network drift/) });
  }, 60_000);
});
