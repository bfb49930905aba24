/**
 * A model signature as read from disk: a Sigstore bundle holding a DSSE envelope, with the
 * verification material decoded. Which signing method made it follows from that material.
 */
import type { Envelope } from "../intoto/envelope.js";

export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** `key`: a bare public key; `certificate`: an X.509 chain to the user's CA; `sigstore`: keyless (Fulcio + Rekor). */
export type SigningMethod = "key" | "certificate" | "sigstore";

export const SIGNING_METHODS: readonly SigningMethod[] = ["key", "certificate", "sigstore"];

export interface ModelBundle {
  /** The bundle exactly as parsed, for the Sigstore verifier. */
  json: Record<string, unknown>;
  mediaType: string;
  /** The method the verification material belongs to. */
  method: SigningMethod;
  envelope: Envelope;
  /** `key`: the key hint (hex SHA-256 of the SPKI PEM); older bundles carry the key itself instead. */
  publicKey?: { hint?: string; rawBytes?: Buffer };
  /** `certificate`: DER certificates, signing certificate first. `sigstore`: the one Fulcio certificate. */
  certificates: Buffer[];
  /** Transparency log entries (only `sigstore` has any). */
  tlogEntries: unknown[];
}
