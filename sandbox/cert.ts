/**
 * The sandbox's TLS certificate, made at run time: the Azure SDK refuses bearer
 * tokens over plain HTTP, so the stand-in serves HTTPS on loopback.
 */
import { generate } from "selfsigned";

export interface SandboxCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate; it is its own CA, so trusting it trusts the server. */
  cert: string;
}

const ONE_HOUR_MS = 3600_000;

/** A self-signed certificate for 127.0.0.1, ::1 and localhost, valid for a day. */
export async function makeCertificate(): Promise<SandboxCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "AKS Network Gate sandbox" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - ONE_HOUR_MS),
    notAfterDate: new Date(now + 24 * ONE_HOUR_MS),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
