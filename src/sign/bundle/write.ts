/**
 * Writing the bundle of a key- or certificate-signed model, field for field as `model_signing`
 * writes it: media type v0.3, the verification material, an empty `tlogEntries`, and the DSSE
 * envelope with an empty `keyid`.
 */
import type { Envelope } from "../intoto/envelope.js";
import { BUNDLE_MEDIA_TYPE } from "./types.js";

export type VerificationMaterial =
  | { publicKey: { hint: string }; tlogEntries: [] }
  | { x509CertificateChain: { certificates: Array<{ rawBytes: string }> }; tlogEntries: [] };

export function keyMaterial(hint: string): VerificationMaterial {
  return { publicKey: { hint }, tlogEntries: [] };
}

export function certificateMaterial(derChain: Buffer[]): VerificationMaterial {
  return { x509CertificateChain: { certificates: derChain.map((der) => ({ rawBytes: der.toString("base64") })) }, tlogEntries: [] };
}

export function encodeBundle(material: VerificationMaterial, env: Envelope): string {
  const bundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: material,
    dsseEnvelope: {
      payload: env.payload.toString("base64"),
      payloadType: env.payloadType,
      signatures: env.signatures.map((s) => ({ sig: s.sig.toString("base64"), keyid: s.keyid ?? "" })),
    },
  };
  return serializeBundleJson(bundle);
}

/** Two-space JSON with a final newline: how every bundle Vouch writes is laid out. */
export function serializeBundleJson(bundle: unknown): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}
