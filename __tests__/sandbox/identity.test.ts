import * as core from "@actions/core";
import { ClientAssertionCredential } from "@azure/identity";
import { NetworkManagementClient } from "@azure/arm-network";
import { startArmSandbox, type ArmSandbox } from "../../sandbox/arm.js";
import { trustCertificateInProcess } from "../../sandbox/trust.js";
import { rawRequest, SUBSCRIPTION, twoClusters, type TwoClusters } from "./fixtures.js";

const TENANT = "11111111-2222-3333-4444-555555555555";
const CLIENT_ID = "66666666-7777-8888-9999-000000000000";

function claimsOf(jwt: string): Record<string, unknown> {
  const [, payload = ""] = jwt.split(".");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

/* @actions/core writes ::debug:: and ::add-mask:: lines to stdout; the tests silence them. */
describe("token endpoints of the sandbox", () => {
  let sandbox: ArmSandbox;
  let untrust: () => void;
  let clusters: TwoClusters;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    clusters = twoClusters();
    sandbox = await startArmSandbox(clusters.world, {
      tokens: ["entra-issued-token"],
      actionsRequestToken: "runtime-token",
    });
    untrust = trustCertificateInProcess(sandbox.ca);
  });

  const writeStdout = process.stdout.write.bind(process.stdout);

  beforeEach(() => {
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });

  afterEach(() => {
    process.stdout.write = writeStdout;
    process.env = { ...savedEnv };
  });

  afterAll(async () => {
    untrust();
    await sandbox.close();
  });

  it("lets the real ClientAssertionCredential sign in against the Entra stand-in", async () => {
    const assertions: string[] = [];
    const tokenRequestsBefore = sandbox.tokenRequests.length;
    const credential = new ClientAssertionCredential(
      TENANT,
      CLIENT_ID,
      async () => {
        assertions.push("federated-assertion");
        return "federated-assertion";
      },
      { authorityHost: sandbox.url, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken("https://management.azure.com/.default");
    expect(token.token).toBe("entra-issued-token");
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    expect(assertions.length).toBeGreaterThanOrEqual(1);
    expect(sandbox.tokenRequests.length - tokenRequestsBefore).toBe(1);
    expect(sandbox.tokenRequests.at(-1)).toEqual({
      tenant: TENANT,
      grantType: "client_credentials",
      clientId: CLIENT_ID,
      clientAssertion: "federated-assertion",
      clientAssertionType: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      scope: "https://management.azure.com/.default",
    });
    const discovery = sandbox.requests.filter((request) => request.path.includes("openid-configuration"));
    expect(discovery.length).toBeGreaterThan(0);
    expect(sandbox.requests.filter((request) => request.status >= 400)).toEqual([]);
  });

  it("publishes OpenID metadata pointing back at the sandbox", async () => {
    const response = await rawRequest(sandbox, "GET", `/${TENANT}/v2.0/.well-known/openid-configuration`);
    const metadata = JSON.parse(response.body) as Record<string, string>;
    expect(metadata["token_endpoint"]).toBe(`${sandbox.url}/${TENANT}/oauth2/v2.0/token`);
    expect(metadata["issuer"]).toBe(`${sandbox.url}/${TENANT}/v2.0`);
    for (const key of ["authorization_endpoint", "jwks_uri", "end_session_endpoint"]) {
      expect(metadata[key]?.startsWith(`${sandbox.url}/${TENANT}/`)).toBe(true);
    }
  });

  it("serves core.getIDToken through ACTIONS_ID_TOKEN_REQUEST_URL and records the audience and the token", async () => {
    process.env["ACTIONS_ID_TOKEN_REQUEST_URL"] = sandbox.actionsIdTokenUrl;
    process.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "runtime-token";
    const idToken = await core.getIDToken("api://AzureADTokenExchange");
    expect(claimsOf(idToken)).toMatchObject({
      aud: "api://AzureADTokenExchange",
      iss: "https://token.actions.githubusercontent.com",
    });
    expect(sandbox.idTokenRequests.at(-1)).toEqual({ audience: "api://AzureADTokenExchange", token: idToken });
  });

  it("refuses an ID token request with the wrong runtime token", async () => {
    process.env["ACTIONS_ID_TOKEN_REQUEST_URL"] = sandbox.actionsIdTokenUrl;
    process.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "stolen";
    await expect(core.getIDToken("api://AzureADTokenExchange")).rejects.toThrow(/Failed to get ID Token/);
  });

  it("chains the whole OIDC sign-in: GitHub ID token → Entra token → ARM read", async () => {
    process.env["ACTIONS_ID_TOKEN_REQUEST_URL"] = sandbox.actionsIdTokenUrl;
    process.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "runtime-token";
    const credential = new ClientAssertionCredential(
      TENANT,
      CLIENT_ID,
      () => core.getIDToken("api://AzureADTokenExchange"),
      {
        authorityHost: sandbox.url,
        disableInstanceDiscovery: true,
      },
    );
    const client = new NetworkManagementClient(credential, SUBSCRIPTION, { endpoint: sandbox.url });
    const vnet = await client.virtualNetworks.get("rg-aks-network", "vnet-aks-cni");
    expect(vnet.id).toBe(clusters.cni.virtualNetworkId);
    const assertion = sandbox.tokenRequests.at(-1)?.clientAssertion ?? "";
    expect(claimsOf(assertion)["aud"]).toBe("api://AzureADTokenExchange");
  });

  it("answers a token request without an assertion the way Entra does", async () => {
    const response = await rawRequest(sandbox, "POST", `/${TENANT}/oauth2/v2.0/token`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: "unsupported_grant_type", error_codes: [70003] });
  });
});
