/** Key pairs for `vouch sign key`: ECDSA on a supported curve, PKCS#8 PEM (encrypted when a password is given). */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { CURVES, type Curve } from "./curves.js";
import { publicKeyHint, publicKeyPem } from "./keys.js";

export interface GeneratedKeyPair {
  curve: Curve;
  /** PKCS#8 PEM; encrypted with AES-256-CBC under the password when one was given. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  publicKeyPem: string;
  /** The key hint its signatures will carry (hex SHA-256 of the public key PEM). */
  hint: string;
}

export function generateKeyPair(curve: Curve = "P-256", password?: string): GeneratedKeyPair {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: CURVES[curve].openssl });
  const publicKey = createPublicKey(privateKey);
  const privateKeyPem = privateKey
    .export({ type: "pkcs8", format: "pem", ...(password !== undefined ? { cipher: "aes-256-cbc", passphrase: password } : {}) })
    .toString();
  return { curve, privateKeyPem, publicKeyPem: publicKeyPem(publicKey), hint: publicKeyHint(publicKey) };
}
