/**
 * Signing a model: build its manifest, turn it into the in-toto statement, sign that with the
 * chosen method, write the bundle. The bundle is what `model_signing` writes for the same method,
 * and the statement is byte-for-byte the same for the same model and options (ECDSA signatures
 * themselves are randomised; Sigstore adds certificates and log entries of the moment).
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { VouchError } from "../core/errors.js";
import { errnoCode } from "./errors.js";
import { certificateMaterial, encodeBundle, keyMaterial } from "./bundle/write.js";
import { parsePemCertificates, type Certificate } from "./certificate/pem.js";
import { signEnvelope } from "./intoto/envelope.js";
import { encodeStatement } from "./intoto/statement.js";
import { loadPrivateKey, publicKeyHint, readInput } from "./key/keys.js";
import { rootDigest } from "./manifest/root-digest.js";
import { buildManifest, type ManifestOptions } from "./manifest/serialize.js";
import type { Manifest } from "./manifest/types.js";
import { signWithSigstore, type SigstoreSignOptions } from "./sigstore/sign.js";
import type { SigningMethod } from "./bundle/types.js";

/** Key material given as a file path, or as the file's bytes. */
export type KeySource = string | Buffer;

export type SignerOptions =
  | { method: "key"; privateKey: KeySource; password?: string }
  | { method: "certificate"; privateKey: KeySource; password?: string; signingCertificate: KeySource; certificateChain?: KeySource[] }
  | ({ method: "sigstore" } & SigstoreSignOptions);

export type SignOptions = Omit<ManifestOptions, "signaturePath"> & {
  /** Where the bundle is written; left out of the manifest when it lies inside the model. */
  signaturePath: string;
  signer: SignerOptions;
};

export interface SignResult {
  method: SigningMethod;
  signaturePath: string;
  manifest: Manifest;
  /** `sha256:<hex>`: the statement's subject digest. For the `files` serialization, the model identity. */
  rootDigest: string;
  /** The bundle's JSON text, as written. */
  bundle: string;
}

export async function signModel(modelPath: string, opts: SignOptions): Promise<SignResult> {
  // Load keys first: a wrong password should fail before minutes of hashing.
  const sign = await prepareSigner(opts.signer);
  const manifest = await buildManifest(modelPath, opts);
  const statement = encodeStatement(manifest);
  const bundle = await sign(statement);
  await writeSignature(opts.signaturePath, bundle);
  return { method: opts.signer.method, signaturePath: opts.signaturePath, manifest, rootDigest: `sha256:${rootDigest(manifest.resources)}`, bundle };
}

type SignFn = (statement: Buffer) => Promise<string>;

async function prepareSigner(s: SignerOptions): Promise<SignFn> {
  switch (s.method) {
    case "key": {
      const key = loadPrivateKey(await source(s.privateKey, "private key"), s.password);
      const hint = publicKeyHint(createPublicKey(key));
      return async (statement) => encodeBundle(keyMaterial(hint), signEnvelope(statement, key));
    }
    case "certificate": {
      const key = loadPrivateKey(await source(s.privateKey, "private key"), s.password);
      const leaf = await certificates(s.signingCertificate, "signing certificate");
      checkCertificateKey(leaf[0], key);
      const chain = (await Promise.all((s.certificateChain ?? []).map((c) => certificates(c, "certificate chain")))).flat();
      const material = certificateMaterial([leaf[0], ...chain].map((c) => c.der));
      return async (statement) => encodeBundle(material, signEnvelope(statement, key));
    }
    case "sigstore":
      return (statement) => signWithSigstore(statement, s);
  }
}

async function source(s: KeySource, what: string): Promise<Buffer> {
  return typeof s === "string" ? readInput(s, what) : s;
}

async function certificates(s: KeySource, what: string): Promise<Certificate[]> {
  return parsePemCertificates((await source(s, what)).toString("utf8"), typeof s === "string" ? s : `the ${what}`);
}

/** A certificate for another key would make a signature nobody can verify: refuse it up front. */
function checkCertificateKey(cert: Certificate, privateKey: KeyObject): void {
  const fromKey = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const fromCert = cert.node.publicKey.export({ type: "spki", format: "der" });
  if (!fromKey.equals(fromCert)) {
    throw new VouchError("E_CERT_KEY", `the signing certificate ${cert.label} is for another key than the private key given`, {
      hint: "Give the certificate issued for this private key",
    });
  }
}

async function writeSignature(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (e) {
    throw new VouchError("E_OUTPUT", `cannot write the signature to ${path} (${errnoCode(e) ?? String(e)})`, {
      file: path,
      cause: e,
      hint: "Check that the folder exists and is writable",
    });
  }
}
