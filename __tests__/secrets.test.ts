/**
 * The secret registry: what is registered is redacted in every form it takes
 * in text (as is, JSON-escaped, URL-encoded), and tokens the registry never
 * saw are redacted by their shape (a JWT, a quoted bearer token).
 */
import { redact, REDACTED, registerEnvironmentSecrets, registerSecret } from "../src/core/secrets.js";

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe("registered secrets", () => {
  it.each([
    ["as is", "opaque-secret-a1b2c3d4", (secret: string) => `error: ${secret} was refused`],
    ["inside a JSON string", 'with"quote\\and-more', (secret: string) => JSON.stringify({ message: secret })],
    ["URL-encoded", "a b/c?d=e&f-g1", (secret: string) => `GET /x?token=${encodeURIComponent(secret)}`],
    ["one line of a multi-line value", "line-one-9z8y7x\nline-two-6w5v4u", () => "echoed line-two-6w5v4u only"],
  ])("are redacted %s", (_, secret, quote) => {
    registerSecret(secret);
    const text = quote(secret);
    expect(redact(text)).toContain(REDACTED);
    for (const line of secret.split("\n")) expect(redact(text)).not.toContain(line);
  });

  it("redacts a secret that contains another one whole", () => {
    registerSecret("short-secret-1");
    registerSecret("short-secret-1-and-longer");
    expect(redact("x short-secret-1-and-longer y")).toBe(`x ${REDACTED} y`);
  });

  it("ignores values too short to be secrets the gate holds", () => {
    registerSecret("true");
    registerSecret("");
    registerSecret(undefined);
    expect(redact("true or false")).toBe("true or false");
  });

  it("takes the client secrets and runner tokens from the environment, and nothing else", () => {
    registerEnvironmentSecrets({
      AZURE_CLIENT_SECRET: "env-client-secret-0001",
      AZURE_CLIENT_CERTIFICATE_PASSWORD: "env-cert-password-0002",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "env-request-token-0003",
      ACTIONS_RUNTIME_TOKEN: "env-runtime-token-0004",
      GITHUB_REPOSITORY: "contoso/platform-network",
    });
    const text = "env-client-secret-0001 env-cert-password-0002 env-request-token-0003 env-runtime-token-0004";
    expect(redact(text)).toBe([REDACTED, REDACTED, REDACTED, REDACTED].join(" "));
    expect(redact("contoso/platform-network")).toBe("contoso/platform-network");
  });
});

describe("tokens redacted by their shape", () => {
  it("redacts a JWT that was never registered", () => {
    const token = jwt({ aud: "https://management.azure.com", tid: "t" });
    expect(redact(`The token ${token} has expired.`)).toBe(`The token ${REDACTED} has expired.`);
  });

  it("redacts a registered JWT whole wherever it appears: as is, in JSON, URL-encoded, next to other text", () => {
    const token = jwt({ aud: "https://management.azure.com", oid: "registered" });
    registerSecret(token);
    expect(redact(`a${token}, b`)).toBe(`a${REDACTED}, b`);
    expect(redact(JSON.stringify({ token }))).toBe(JSON.stringify({ token: REDACTED }));
    expect(redact(`?t=${encodeURIComponent(token)}&x=1`)).toBe(`?t=${REDACTED}&x=1`);
  });

  it("redacts a quoted bearer token, and leaves the word Bearer alone", () => {
    expect(redact("Authorization: Bearer AbCdEfGhIjKlMnOpQrStUv0123")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact("a Bearer token is required")).toBe("a Bearer token is required");
  });

  it("leaves resource IDs, CIDRs and GUIDs alone", () => {
    const text =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks 10.244.0.0/16";
    expect(redact(text)).toBe(text);
  });
});
