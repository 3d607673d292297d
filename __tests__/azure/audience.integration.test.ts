/**
 * The token's audience, end to end in process: the real SDK clients (through
 * SdkArmReader) against the ARM sandbox, which checks `aud` as ARM does. A
 * token for another audience is the sign-in's setup, never a retry.
 */
import { captureCluster, type ClusterRef } from "../../src/app/capture-cluster.js";
import { cloudSettings, loadCloud, resolveCloud } from "../../src/io/azure/clouds.js";
import { TransientError } from "../../src/io/azure/failures.js";
import { SdkArmReader } from "../../src/io/azure/sdk-reader.js";
import { GateError } from "../../src/core/errors.js";
import { type ArmSandbox, entraAccessToken, startArmSandbox } from "../../sandbox/arm.js";
import { makeCertificate } from "../../sandbox/cert.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { kubenetCluster, World } from "../../sandbox/world.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const STACK_AUDIENCE = "https://management.adfs.azurestack.local/4de154de-f8a8-4017-af41-df619da68155";
const REF: ClusterRef = { subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-kubenet" };
const now = () => new Date("2026-11-23T10:00:00Z");

function world(): World {
  return new World(
    ...kubenetCluster({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg1", name: "aks-kubenet" }).resources,
  );
}

async function captureError(reader: SdkArmReader): Promise<GateError> {
  return captureCluster(reader, REF, now).then(
    () => {
      throw new Error("the capture succeeded");
    },
    (error: unknown) => error as GateError,
  );
}

describe("the token's audience", () => {
  let publicArm: ArmSandbox;
  let stackArm: ArmSandbox;
  let untrust: () => void;

  beforeAll(async () => {
    const certificate = await makeCertificate();
    publicArm = await startArmSandbox(world(), { certificate });
    stackArm = await startArmSandbox(world(), { certificate, azureStack: { audience: STACK_AUDIENCE } });
    untrust = trustCertificateInProcess(certificate.cert);
  });

  afterAll(async () => {
    untrust();
    await Promise.all([publicArm.close(), stackArm.close()]);
  });

  it("reads an Azure Stack stamp with a token for the audience its metadata names", async () => {
    const cloud = await loadCloud(cloudSettings("AzureStack", stackArm.url, undefined));
    const snapshot = await captureCluster(new SdkArmReader(staticTokenCredential(), cloud), REF, now);
    expect(snapshot.networkProfile.networkPlugin).toBe("kubenet");
    expect(stackArm.requests.filter((request) => request.status === 401)).toEqual([]);
  });

  it("says the sign-in is for the wrong audience when a public-cloud token meets the stamp", async () => {
    const publicScope = resolveCloud("AzureCloud", stackArm.url, undefined);
    const error = await captureError(new SdkArmReader(staticTokenCredential(), publicScope));
    expect(error).toBeInstanceOf(GateError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toContain("it was issued for another audience than this Resource Manager");
    expect(error.message).toContain(
      "401 InvalidAuthenticationTokenAudience: The access token has been obtained for wrong audience or resource 'https://management.azure.com'.",
    );
    expect(error.hint).toContain("'environment'");
    expect(error.hint).toContain("'arm-endpoint'");
  });

  it("refuses a token for another resource on the public cloud the same way", async () => {
    const graphToken = staticTokenCredential(entraAccessToken("https://graph.windows.net/"));
    const error = await captureError(
      new SdkArmReader(graphToken, resolveCloud("AzureCloud", publicArm.url, undefined)),
    );
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toContain("wrong audience or resource 'https://graph.windows.net/'");
    expect(publicArm.requests.filter((request) => request.status === 401)).toHaveLength(1);
  });
});
