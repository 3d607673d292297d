/**
 * Azure Stack's metadata document: what the gate takes from it, what it
 * refuses, and how it reads it (anonymously, with the api-version of
 * `az cloud register`).
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { azureStackCloud, cloudSettings, loadCloud } from "../../src/io/azure/clouds.js";
import { metadataUrl, parseStackMetadata, readStackMetadata } from "../../src/io/azure/stack-metadata.js";
import { GateError } from "../../src/core/errors.js";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { makeCertificate, type SandboxCertificate } from "../../sandbox/cert.js";
import { trustCertificateInProcess } from "../../sandbox/trust.js";
import { World } from "../../sandbox/world.js";

const URL_ = "https://management.local.azurestack.external/metadata/endpoints?api-version=2015-01-01";
const AUDIENCE = "https://management.adfs.azurestack.local/4de154de-f8a8-4017-af41-df619da68155";
/** An AD FS stamp's document, fields as Azure/go-autorest metadata_environment.go names them. */
const ADFS_DOCUMENT = {
  galleryEndpoint: "https://providers.local.azurestack.external:30016/",
  graphEndpoint: "https://graph.local.azurestack.external/",
  portalEndpoint: "https://portal.local.azurestack.external/",
  authentication: { loginEndpoint: "https://adfs.local.azurestack.external/adfs/", audiences: [AUDIENCE] },
};
const NO_RETRY = { retry: { maxRetries: 0 } };

/** The GateError a read ends in; a read that succeeds fails the test. */
function failure(read: Promise<unknown>): Promise<GateError> {
  return read.then(
    () => {
      throw new Error("the metadata was read");
    },
    (error: unknown) => error as GateError,
  );
}

function withAuthentication(authentication: unknown): string {
  return JSON.stringify({ ...ADFS_DOCUMENT, authentication });
}

describe("parseStackMetadata", () => {
  it("takes the login endpoint (no trailing slash) and the first audience as written", () => {
    expect(parseStackMetadata(URL_, JSON.stringify(ADFS_DOCUMENT))).toEqual({
      loginEndpoint: "https://adfs.local.azurestack.external/adfs",
      audience: AUDIENCE,
    });
    const entra = withAuthentication({
      loginEndpoint: "https://login.microsoftonline.com/",
      audiences: ["https://management.contoso.onmicrosoft.com/81d5d5e2-0c8f-4f0b-9e2b-9d9c2f3f1a11", "https://x/"],
    });
    expect(parseStackMetadata(URL_, entra)).toEqual({
      loginEndpoint: "https://login.microsoftonline.com",
      audience: "https://management.contoso.onmicrosoft.com/81d5d5e2-0c8f-4f0b-9e2b-9d9c2f3f1a11",
    });
  });

  it.each([
    ["an HTML page", "<html>Service Unavailable</html>", /is not JSON/],
    ["the list of clouds of later api-versions", JSON.stringify([ADFS_DOCUMENT]), /no 'authentication' object/],
    ["no authentication", JSON.stringify({ graphEndpoint: "https://graph/" }), /no 'authentication' object/],
    [
      "no login endpoint",
      withAuthentication({ audiences: [AUDIENCE] }),
      /'authentication\.loginEndpoint' is undefined, not an https URL/,
    ],
    [
      "a plain-HTTP login endpoint",
      withAuthentication({ loginEndpoint: "http://adfs/adfs", audiences: [AUDIENCE] }),
      /'authentication\.loginEndpoint' is "http:\/\/adfs\/adfs"/,
    ],
    [
      "no audience",
      withAuthentication({ loginEndpoint: "https://adfs/adfs", audiences: [] }),
      /'authentication\.audiences' is \[\], not a non-empty list/,
    ],
    [
      "audiences that are not a list",
      withAuthentication({ loginEndpoint: "https://adfs/adfs", audiences: AUDIENCE }),
      /'authentication\.audiences' is "https:/,
    ],
    [
      "an audience that is not a URL",
      withAuthentication({ loginEndpoint: "https://adfs/adfs", audiences: [42] }),
      /'authentication\.audiences\[0\]' is 42, not an https URL/,
    ],
  ])("refuses %s, naming the URL and the field", (_label, text, problem) => {
    const error = (() => {
      try {
        parseStackMetadata(URL_, text);
      } catch (thrown) {
        return thrown as GateError;
      }
      throw new Error("parsed");
    })();
    expect(error).toBeInstanceOf(GateError);
    expect(error.message).toContain(`Azure Stack's metadata at ${URL_} is not usable`);
    expect(error.message).toMatch(problem);
    expect(error.hint).toContain("'arm-endpoint'");
  });

  it("builds the URL az cloud register reads, from an ARM URL with or without a trailing slash", () => {
    expect(metadataUrl("https://management.local.azurestack.external/")).toBe(URL_);
    expect(metadataUrl("https://management.local.azurestack.external")).toBe(URL_);
  });
});

describe("azureStackCloud", () => {
  const settings = cloudSettings("AzureStack", "https://management.local.azurestack.external/", undefined);

  it("asks for <audience>/.default at the stamp's login endpoint, with instance discovery off", () => {
    const cloud = azureStackCloud(settings, {
      loginEndpoint: "https://adfs.local.azurestack.external/adfs",
      audience: AUDIENCE,
    });
    expect(cloud).toEqual({
      name: "AzureStack",
      armEndpoint: "https://management.local.azurestack.external",
      scope: `${AUDIENCE}/.default`,
      authorityHost: "https://adfs.local.azurestack.external/adfs",
      disableInstanceDiscovery: true,
      oidcAudience: "api://AzureADTokenExchange",
    });
  });

  it("keeps a trailing slash of the audience, as the Azure CLI's resource_to_scopes does", () => {
    const cloud = azureStackCloud(settings, {
      loginEndpoint: "https://login.microsoftonline.com",
      audience: "https://m/",
    });
    expect(cloud.scope).toBe("https://m//.default");
  });

  it("lets AZURE_AUTHORITY_HOST override the metadata's login endpoint", () => {
    const overridden = { ...settings, authorityHost: "https://login.contoso.example" };
    const cloud = azureStackCloud(overridden, {
      loginEndpoint: "https://login.microsoftonline.com",
      audience: AUDIENCE,
    });
    expect(cloud.authorityHost).toBe("https://login.contoso.example");
  });
});

describe("readStackMetadata over HTTPS", () => {
  let certificate: SandboxCertificate;
  let stamp: ArmSandbox;
  let untrust: () => void;

  beforeAll(async () => {
    certificate = await makeCertificate();
    stamp = await startArmSandbox(new World(), { certificate, azureStack: { audience: AUDIENCE } });
    untrust = trustCertificateInProcess(certificate.cert);
  });

  afterAll(async () => {
    untrust();
    await stamp.close();
  });

  beforeEach(() => {
    stamp.faults.clear();
    stamp.requests.length = 0;
  });

  it("reads the stamp's document with api-version 2015-01-01 and resolves the run's cloud from it", async () => {
    const cloud = await loadCloud(cloudSettings("AzureStack", `${stamp.url}/`, undefined), NO_RETRY);
    expect(cloud).toMatchObject({ scope: `${AUDIENCE}/.default`, authorityHost: stamp.url, armEndpoint: stamp.url });
    expect(stamp.requests).toEqual([
      expect.objectContaining({ method: "GET", path: "/metadata/endpoints", query: { "api-version": "2015-01-01" } }),
    ]);
  });

  it("sends no token and no Authorization header", async () => {
    const headers: Record<string, string | string[] | undefined>[] = [];
    const server = createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
      headers.push(request.headers);
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(ADFS_DOCUMENT));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await expect(readStackMetadata(`https://127.0.0.1:${port}`, NO_RETRY)).resolves.toMatchObject({
        audience: AUDIENCE,
      });
      expect(headers).toHaveLength(1);
      expect(headers[0]?.["authorization"]).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("says the arm-endpoint is likely wrong when there is no metadata there (404)", async () => {
    const notAStamp = await startArmSandbox(new World(), { certificate });
    try {
      const error = await failure(readStackMetadata(notAStamp.url, NO_RETRY));
      expect(error).toBeInstanceOf(GateError);
      expect(error.message).toBe(
        `Azure Stack's metadata at ${metadataUrl(notAStamp.url)} answered HTTP 404: there is no Resource Manager metadata there.`,
      );
      expect(error.hint).toContain("'arm-endpoint'");
    } finally {
      await notAStamp.close();
    }
  });

  it("says a 5xx or a closed port is worth a retry, naming the URL", async () => {
    stamp.faults.add({ path: "/metadata/endpoints", status: 503 });
    const busy = await failure(readStackMetadata(stamp.url, NO_RETRY));
    expect(busy.message).toBe(
      `Could not read Azure Stack's metadata at ${metadataUrl(stamp.url)}: it answered HTTP 503.`,
    );
    expect(busy.hint).toContain("retry");
    const closed = await startArmSandbox(new World(), { certificate });
    const url = closed.url;
    await closed.close();
    const down = await failure(readStackMetadata(url, NO_RETRY));
    expect(down).toBeInstanceOf(GateError);
    expect(down.message).toContain(`Could not read Azure Stack's metadata at ${metadataUrl(url)}: `);
    expect(down.hint).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("refuses a malformed document served by the stamp", async () => {
    stamp.faults.add({
      path: "/metadata/endpoints",
      status: 200,
      body: { authentication: { loginEndpoint: stamp.url } },
    });
    await expect(readStackMetadata(stamp.url, NO_RETRY)).rejects.toThrow(
      `Azure Stack's metadata at ${metadataUrl(stamp.url)} is not usable: 'authentication.audiences' is undefined, not a non-empty list.`,
    );
  });
});
