/**
 * Throwaway X.509 hierarchies for the certificate-method tests, made fresh by each test run with
 * @peculiar/x509 over Node's WebCrypto: a root CA, an intermediate CA and a leaf, each with the
 * validity window, key usage and key the test asks for. Nothing here is committed as a fixture:
 * every key is generated, so no private key ever sits in the repository.
 */
import { KeyObject, webcrypto } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface CertOptions {
  /** Validity window; default: from a year ago to in a year. */
  notBefore?: Date;
  notAfter?: Date;
  /** Key usage flags of the leaf; default digitalSignature. */
  keyUsage?: number;
  /** Extended key usage OIDs of the leaf; default none. */
  extKeyUsage?: string[];
}

async function keys(curve: "P-256" | "P-384" = "P-256"): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"])) as CryptoKeyPair;
}

let serial = 1;

async function issue(subject: string, issuer: Issued | undefined, ca: boolean, o: CertOptions & { curve?: "P-256" | "P-384" } = {}): Promise<Issued> {
  const k = await keys(o.curve);
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(ca, undefined, true),
    new x509.KeyUsagesExtension(ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : (o.keyUsage ?? x509.KeyUsageFlags.digitalSignature), true),
    await x509.SubjectKeyIdentifierExtension.create(k.publicKey),
  ];
  if (issuer !== undefined) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.cert));
  if (o.extKeyUsage !== undefined) extensions.push(new x509.ExtendedKeyUsageExtension(o.extKeyUsage, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, "0"),
    subject: `CN=${subject}`,
    issuer: issuer === undefined ? `CN=${subject}` : issuer.cert.subject,
    notBefore: o.notBefore ?? new Date(now - 365 * DAY),
    notAfter: o.notAfter ?? new Date(now + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: k.publicKey,
    signingKey: (issuer ?? { keys: k }).keys.privateKey,
    extensions,
  });
  return { cert, keys: k };
}

export interface Pki {
  dir: string;
  /** PEM files. */
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  leafKeyPem: string;
}

/** Root -> intermediate -> leaf, written as PEM files in a fresh folder. */
export async function makePki(leaf: CertOptions & { curve?: "P-256" | "P-384" } = {}, intermediate: CertOptions = {}): Promise<Pki> {
  const root = await issue("Vouch Test Root", undefined, true);
  const inter = await issue("Vouch Test Intermediate", root, true, intermediate);
  const signer = await issue("model-signer@example.com", inter, false, leaf);
  const dir = mkdtempSync(join(tmpdir(), "vouch-pki-"));
  const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  return {
    dir,
    rootPem: write("root.pem", root.cert.toString("pem")),
    intermediatePem: write("intermediate.pem", inter.cert.toString("pem")),
    leafPem: write("leaf.pem", signer.cert.toString("pem")),
    leafKeyPem: write("leaf.key", KeyObject.from(signer.keys.privateKey).export({ type: "pkcs8", format: "pem" }).toString()),
  };
}

export const KeyUsage = x509.KeyUsageFlags;
export const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
export const DAY_MS = DAY;
