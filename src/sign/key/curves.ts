/**
 * The elliptic curves a model signature may use, and the hash each one signs with: the pairs the
 * Sigstore protobuf specs define and `model_signing` enforces (P-256/SHA-256, P-384/SHA-384,
 * P-521/SHA-512). Anything else is refused, on signing and on verifying.
 */
import type { KeyObject } from "node:crypto";
import { VouchError } from "../../core/errors.js";

export type Curve = "P-256" | "P-384" | "P-521";

interface CurveInfo {
  /** OpenSSL's name, as `KeyObject.asymmetricKeyDetails.namedCurve` reports it. */
  openssl: string;
  hash: "sha256" | "sha384" | "sha512";
  /** Size of a compressed public point: 1 prefix byte + the field size. */
  compressedSize: number;
}

export const CURVES: Record<Curve, CurveInfo> = {
  "P-256": { openssl: "prime256v1", hash: "sha256", compressedSize: 33 },
  "P-384": { openssl: "secp384r1", hash: "sha384", compressedSize: 49 },
  "P-521": { openssl: "secp521r1", hash: "sha512", compressedSize: 67 },
};

export function isCurve(name: string): name is Curve {
  return Object.hasOwn(CURVES, name);
}

/** The curve of an EC key, or an error saying why the key cannot sign a model. */
export function curveOf(key: KeyObject, what: string): Curve {
  if (key.asymmetricKeyType !== "ec") {
    throw new VouchError("E_KEY_TYPE", `${what} is a ${key.asymmetricKeyType ?? "symmetric"} key; model signatures use elliptic-curve keys`, {
      hint: "Use an ECDSA key on P-256, P-384 or P-521 (vouch keygen makes one)",
    });
  }
  const named = key.asymmetricKeyDetails?.namedCurve;
  for (const [curve, info] of Object.entries(CURVES)) if (info.openssl === named) return curve as Curve;
  throw new VouchError("E_KEY_CURVE", `${what} is on the curve ${named ?? "(unknown)"}, which model signatures do not use`, {
    hint: "Use P-256, P-384 or P-521",
  });
}

/** The hash an ECDSA signature with this key is computed with. */
export function hashForKey(key: KeyObject, what: string): CurveInfo["hash"] {
  return CURVES[curveOf(key, what)].hash;
}
