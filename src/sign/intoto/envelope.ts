/**
 * The DSSE envelope of a key- or certificate-signed model signature: signing the statement bytes
 * with an EC private key, and checking the signature with the matching public key. The signature is
 * always checked over the payload bytes exactly as they stand in the bundle, never over a
 * re-serialization of the statement.
 */
import { sign, verify, type KeyObject } from "node:crypto";
import { VerificationFailure } from "../errors.js";
import { hashForKey } from "../key/curves.js";
import { IN_TOTO_PAYLOAD_TYPE, pae, paeCompat } from "./dsse.js";

export interface Envelope {
  /** The statement bytes (base64 in JSON). */
  payload: Buffer;
  payloadType: string;
  /** DER-encoded ECDSA signatures (base64 in JSON). `keyid` is written empty and never read. */
  signatures: Array<{ sig: Buffer; keyid?: string | null }>;
}

export function signEnvelope(payload: Buffer, privateKey: KeyObject): Envelope {
  const sig = sign(hashForKey(privateKey, "the private key"), pae(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
  return { payload, payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ sig, keyid: "" }] };
}

/**
 * Checks the first signature (the one `model_signing` checks) over the PAE of the payload, and
 * failing that over the 0.2 release's faulty encoding. Returns which one matched.
 */
export function verifyEnvelope(env: Envelope, publicKey: KeyObject, keyName: string): "dsse" | "dsse-0.2-compat" {
  checkPayloadType(env);
  const hash = hashForKey(publicKey, keyName);
  const sig = env.signatures[0].sig;
  if (verify(hash, pae(env.payloadType, env.payload), publicKey, sig)) return "dsse";
  if (verify(hash, paeCompat(env.payloadType, env.payload), publicKey, sig)) return "dsse-0.2-compat";
  throw new VerificationFailure("E_SIG_SIGNATURE", `the signature does not verify with ${keyName}`, {
    hint: "The signed statement was altered, or it was signed with another key",
  });
}

export function checkPayloadType(env: Envelope): void {
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new VerificationFailure("E_SIG_PAYLOAD", `the envelope's payload type is ${JSON.stringify(env.payloadType)}, expected ${IN_TOTO_PAYLOAD_TYPE}`, {
      hint: "This signature does not hold an in-toto statement",
    });
  }
}
