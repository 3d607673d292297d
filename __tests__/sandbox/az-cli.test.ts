import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { DefaultAzureCredential } from "@azure/identity";
import { get as getManagedCluster } from "@azure/arm-containerservice/api/managedClusters";
import { createContainerService } from "@azure/arm-containerservice/api";
import { startArmSandbox, type ArmSandbox } from "../../sandbox/arm.js";
import { trustCertificateInProcess } from "../../sandbox/trust.js";
import { SUBSCRIPTION, twoClusters } from "./fixtures.js";

const run = promisify(execFile);
const BIN = path.resolve("sandbox/bin");
const AZ = path.join(BIN, "az");

describe("the az stand-in", () => {
  let logDir: string;
  let logFile: string;
  const savedEnv = { ...process.env };

  beforeEach(async () => {
    logDir = await mkdtemp(path.join(tmpdir(), "sandbox-az-"));
    logFile = path.join(logDir, "az.log");
  });

  afterEach(async () => {
    process.env = { ...savedEnv };
    await rm(logDir, { recursive: true, force: true });
  });

  it("answers get-access-token with the token from SANDBOX_AZ_TOKEN and logs its arguments", async () => {
    const env = { ...process.env, SANDBOX_AZ_TOKEN: "cli-token", SANDBOX_AZ_LOG: logFile };
    const args = [
      "account",
      "get-access-token",
      "--output",
      "json",
      "--resource",
      "https://management.azure.com",
      "--tenant",
      "t1",
    ];
    const { stdout } = await run(AZ, args, { env });
    const answer = JSON.parse(stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({ accessToken: "cli-token", tenant: "t1", tokenType: "Bearer" });
    expect(Number(answer["expires_on"]) * 1000).toBeGreaterThan(Date.now() + 3000_000);
    expect(String(answer["expiresOn"])).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(await readFile(logFile, "utf8")).toBe(`${args.join(" ")}\n`);
  });

  it("fails any other command with a message on stderr", async () => {
    const failure = await run(AZ, ["group", "list"]).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("only knows 'az account get-access-token'");
  });

  it("feeds DefaultAzureCredential pinned to AzureCliCredential, whose token the sandbox accepts", async () => {
    const sandbox: ArmSandbox = await startArmSandbox(twoClusters().world, { tokens: ["cli-token"] });
    const untrust = trustCertificateInProcess(sandbox.ca);
    try {
      process.env["PATH"] = `${BIN}${path.delimiter}${process.env["PATH"] ?? ""}`;
      process.env["AZURE_TOKEN_CREDENTIALS"] = "AzureCliCredential";
      process.env["SANDBOX_AZ_TOKEN"] = "cli-token";
      process.env["SANDBOX_AZ_LOG"] = logFile;
      const credential = new DefaultAzureCredential();
      const token = await credential.getToken("https://management.azure.com/.default");
      expect(token.token).toBe("cli-token");
      const client = createContainerService(credential, SUBSCRIPTION, { endpoint: sandbox.url });
      const cluster = await getManagedCluster(client, "rg-aks", "aks-cni");
      expect(cluster.networkProfile?.networkPluginMode).toBe("overlay");
      const log = await readFile(logFile, "utf8");
      expect(log).toContain("account get-access-token --output json --resource https://management.azure.com");
    } finally {
      untrust();
      await sandbox.close();
    }
  });
});
