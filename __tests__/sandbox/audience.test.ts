/**
 * The sandbox checks a token's audience as ARM does, and stands in for an
 * Azure Stack stamp: its anonymous metadata document names the login endpoint
 * and the one audience its ARM accepts.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { ClientAssertionCredential } from "@azure/identity";
import { type ArmSandbox, entraAccessToken, startArmSandbox } from "../../sandbox/arm.js";
import { makeCertificate } from "../../sandbox/cert.js";
import { jwtClaims } from "../../sandbox/identity-endpoints.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { rawRequest, SUBSCRIPTION, twoClusters } from "./fixtures.js";

const run = promisify(execFile);
const AZ = path.resolve("sandbox/bin/az");
const STACK_AUDIENCE = "https://management.adfs.azurestack.local/4de154de-f8a8-4017-af41-df619da68155";
const CLUSTER = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-cni`;
const READ = `${CLUSTER}?api-version=2026-06-01`;

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

async function azToken(...args: string[]): Promise<string> {
  const env = { ...process.env, SANDBOX_AZ_TOKEN: "" };
  const { stdout } = await run(AZ, ["account", "get-access-token", "--output", "json", ...args], { env });
  return (JSON.parse(stdout) as { accessToken: string }).accessToken;
}

describe("ARM's audience check", () => {
  let publicArm: ArmSandbox;
  let stackArm: ArmSandbox;
  let untrust: () => void;

  beforeAll(async () => {
    const certificate = await makeCertificate();
    publicArm = await startArmSandbox(twoClusters().world, { certificate });
    stackArm = await startArmSandbox(twoClusters().world, { certificate, azureStack: { audience: STACK_AUDIENCE } });
    untrust = trustCertificateInProcess(certificate.cert);
  });

  afterAll(async () => {
    untrust();
    await Promise.all([publicArm.close(), stackArm.close()]);
  });

  it.each([
    "https://management.azure.com",
    "https://management.azure.com/",
    "https://management.core.windows.net",
    "https://management.core.windows.net/",
  ])("accepts a token for %s on the public cloud", async (audience) => {
    const response = await rawRequest(publicArm, "GET", READ, bearer(entraAccessToken(audience)));
    expect(response.status).toBe(200);
  });

  it("answers a token for another resource with ARM's 401 InvalidAuthenticationTokenAudience", async () => {
    const response = await rawRequest(publicArm, "GET", READ, bearer(entraAccessToken("https://graph.windows.net/")));
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer .*error="invalid_token"/);
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: "InvalidAuthenticationTokenAudience",
        message:
          "The access token has been obtained for wrong audience or resource 'https://graph.windows.net/'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
      },
    });
  });

  it("on an Azure Stack stamp accepts only the audience its metadata names", async () => {
    const stack = await rawRequest(stackArm, "GET", READ, bearer(entraAccessToken(STACK_AUDIENCE)));
    expect(stack.status).toBe(200);
    const publicToken = await rawRequest(
      stackArm,
      "GET",
      READ,
      bearer(entraAccessToken("https://management.azure.com")),
    );
    expect(publicToken.status).toBe(401);
    expect(JSON.parse(publicToken.body)).toMatchObject({
      error: {
        code: "InvalidAuthenticationTokenAudience",
        message: expect.stringContaining(`one of the allowed audiences '${STACK_AUDIENCE}'.`),
      },
    });
    expect(jwtClaims(stackArm.accessToken)).toMatchObject({ aud: STACK_AUDIENCE });
  });

  it("serves the stamp's metadata document anonymously, in the 2015-01-01 shape az cloud register reads", async () => {
    const response = await rawRequest(stackArm, "GET", "/metadata/endpoints?api-version=2015-01-01");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      graphEndpoint: expect.any(String),
      authentication: { loginEndpoint: `${stackArm.url}/`, audiences: [STACK_AUDIENCE] },
    });
    const other = await rawRequest(stackArm, "GET", "/metadata/endpoints?api-version=2022-09-01");
    expect(other.status).toBe(400);
    const notAStamp = await rawRequest(publicArm, "GET", "/metadata/endpoints?api-version=2015-01-01");
    expect(notAStamp.status).toBe(404);
  });

  it("has the stand-ins issue tokens for the resource asked for", async () => {
    expect(jwtClaims(await azToken("--resource", STACK_AUDIENCE))).toMatchObject({ aud: STACK_AUDIENCE });
    expect(jwtClaims(await azToken("--scope", "https://management.core.windows.net//.default"))).toMatchObject({
      aud: "https://management.core.windows.net/",
    });
    const fixed = await staticTokenCredential().getToken(`${STACK_AUDIENCE}/.default`);
    expect(jwtClaims(fixed.token)).toMatchObject({ aud: STACK_AUDIENCE });
    const entra = new ClientAssertionCredential("contoso", "client", async () => "assertion", {
      authorityHost: stackArm.url,
      disableInstanceDiscovery: true,
    });
    const token = await entra.getToken(`${STACK_AUDIENCE}/.default`);
    expect(jwtClaims(token.token)).toMatchObject({ aud: STACK_AUDIENCE, tid: "contoso" });
    expect((await rawRequest(stackArm, "GET", READ, bearer(token.token))).status).toBe(200);
  });
});
