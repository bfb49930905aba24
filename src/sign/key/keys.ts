/**
 * Loading signing and verification keys in the forms `model_signing` accepts: private keys as PEM
 * (PKCS#8 or SEC1, optionally encrypted with a password), public keys as PEM, DER or a compressed
 * EC point. And the key hint a key-signed bundle carries: hex SHA-256 of the SPKI PEM text.
 */
import { createHash, createPrivateKey, createPublicKey, ECDH, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { VouchError } from "../../core/errors.js";
import { errnoCode } from "../errors.js";
import { CURVES, curveOf } from "./curves.js";

/** Reads a file given on the command line (a key, a certificate, a CA bundle). */
export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = errnoCode(e);
    throw new VouchError(code === "ENOENT" ? "E_NOT_FOUND" : "E_READ", `the ${what} ${path} ${code === "ENOENT" ? "does not exist" : `could not be read (${code ?? String(e)})`}`, {
      file: path,
      cause: e,
      hint: "check the path",
    });
  }
}

export function loadPrivateKey(pem: Buffer, password: string | undefined, what = "private key"): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem", ...(password !== undefined ? { passphrase: password } : {}) });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (pem.includes("ENCRYPTED")) {
      throw new VouchError("E_KEY_PASSWORD", password === undefined ? `the ${what} is encrypted and no password was given` : `the ${what} could not be decrypted with the password given`, {
        cause: e,
        hint: "Give the key's password with --password",
      });
    }
    throw new VouchError("E_KEY", `the ${what} could not be loaded (${reason})`, { cause: e, hint: "Give a PEM private key (PKCS#8 or SEC1 EC PRIVATE KEY)" });
  }
  curveOf(key, `the ${what}`);
  return key;
}

/** A public key from PEM, DER (SPKI) or a compressed EC point (33, 49 or 67 bytes). */
export function loadPublicKey(bytes: Buffer, what = "public key"): KeyObject {
  const key = parsePublicKey(bytes, what);
  curveOf(key, `the ${what}`);
  return key;
}

function parsePublicKey(bytes: Buffer, what: string): KeyObject {
  const curve = Object.values(CURVES).find((c) => c.compressedSize === bytes.length && (bytes[0] === 2 || bytes[0] === 3));
  if (curve !== undefined) return fromCompressedPoint(bytes, curve.openssl, what);
  try {
    if (bytes.includes("-----BEGIN")) return createPublicKey({ key: bytes, format: "pem" });
    return createPublicKey({ key: bytes, format: "der", type: "spki" });
  } catch (e) {
    throw new VouchError("E_KEY", `the ${what} could not be loaded (${e instanceof Error ? e.message : String(e)})`, {
      cause: e,
      hint: "Give a PEM or DER public key (SubjectPublicKeyInfo) or a compressed EC point",
    });
  }
}

function fromCompressedPoint(bytes: Buffer, opensslCurve: string, what: string): KeyObject {
  try {
    const point = ECDH.convertKey(bytes, opensslCurve, undefined, undefined, "uncompressed") as Buffer;
    const size = (point.length - 1) / 2;
    const crv = Object.entries(CURVES).find(([, c]) => c.openssl === opensslCurve)![0];
    return createPublicKey({
      key: { kty: "EC", crv, x: point.subarray(1, 1 + size).toString("base64url"), y: point.subarray(1 + size).toString("base64url") },
      format: "jwk",
    });
  } catch (e) {
    throw new VouchError("E_KEY", `the ${what} is not a valid compressed point on ${opensslCurve}`, { cause: e, hint: "check the key file" });
  }
}

/** The SubjectPublicKeyInfo PEM text, exactly as OpenSSL (and Python's cryptography) writes it. */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }).toString();
}

/**
 * `verificationMaterial.publicKey.hint` as `model_signing` computes it: the hex SHA-256 of the PEM
 * text (not of the DER), so a verifier can tell a wrong key from a bad signature.
 */
export function publicKeyHint(key: KeyObject): string {
  return createHash("sha256").update(publicKeyPem(key)).digest("hex");
}
