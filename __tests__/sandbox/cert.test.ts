import { X509Certificate, createPrivateKey } from "node:crypto";
import { makeCertificate } from "../../sandbox/cert.js";

describe("makeCertificate", () => {
  it("makes a fresh self-signed CA certificate for 127.0.0.1, ::1 and localhost", async () => {
    const { key, cert } = await makeCertificate();
    const certificate = new X509Certificate(cert);
    expect(certificate.ca).toBe(true);
    expect(certificate.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(certificate.checkIP("::1")).toBeDefined();
    expect(certificate.checkHost("localhost")).toBe("localhost");
    expect(certificate.checkHost("management.azure.com")).toBeUndefined();
    expect(certificate.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now());
    const other = await makeCertificate();
    expect(other.cert).not.toBe(cert);
  });
});
