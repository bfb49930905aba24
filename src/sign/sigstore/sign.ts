/**
 * Keyless signing through the sigstore library: an ephemeral key, a Fulcio certificate for the OIDC
 * identity, a Rekor entry, and optionally an RFC 3161 timestamp, wrapped in a v0.3 bundle around the
 * DSSE envelope of the statement. The service URLs are options so a private deployment, or a local
 * stand-in in tests, can be used.
 */
import { attest } from "sigstore";
import { VouchError } from "../../core/errors.js";
import { IN_TOTO_PAYLOAD_TYPE } from "../intoto/dsse.js";
import { serializeBundleJson } from "../bundle/write.js";

export interface SigstoreSignOptions {
  /**
   * The OIDC identity token (a JWT) Fulcio binds the certificate to. Without one, the sigstore
   * library asks the CI environment for an ambient token (GitHub Actions with `id-token: write`).
   */
  identityToken?: string;
  /** Default: the public-good instance (https://fulcio.sigstore.dev). */
  fulcioURL?: string;
  /** Default: https://rekor.sigstore.dev. */
  rekorURL?: string;
  /** An RFC 3161 timestamp authority; none by default (the Rekor entry's time is enough). */
  tsaURL?: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

/** Signs the statement bytes; returns the bundle's JSON text. */
export async function signWithSigstore(statement: Buffer, opts: SigstoreSignOptions): Promise<string> {
  try {
    const bundle = await attest(statement, IN_TOTO_PAYLOAD_TYPE, {
      ...(opts.identityToken !== undefined ? { identityToken: opts.identityToken } : {}),
      ...(opts.fulcioURL !== undefined ? { fulcioURL: opts.fulcioURL } : {}),
      ...(opts.rekorURL !== undefined ? { rekorURL: opts.rekorURL } : {}),
      ...(opts.tsaURL !== undefined ? { tsaServerURL: opts.tsaURL } : {}),
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      // One attempt: a failing service should fail the command, not stall it.
      retry: 0,
    });
    return serializeBundleJson(bundle);
  } catch (e) {
    throw new VouchError("E_SIGSTORE_SIGN", `Sigstore signing failed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      hint:
        opts.identityToken === undefined
          ? "Give an OIDC identity token with --identity-token (or SIGSTORE_ID_TOKEN), or run in CI with an ambient identity"
          : "Check the token (not expired, audience sigstore) and that the Fulcio and Rekor URLs are reachable",
    });
  }
}
