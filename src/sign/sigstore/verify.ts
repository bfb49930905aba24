/**
 * Keyless verification with @sigstore/verify, fully offline against an explicit trusted root:
 * the Fulcio certificate must chain to a trusted CA and be valid at the time the transparency log
 * or a timestamp authority vouches for (not now: Fulcio certificates live ten minutes), carry an
 * SCT, the Rekor entry must be included and match the envelope, the envelope signature must
 * verify, and the certificate's identity and OIDC issuer must be exactly the expected ones.
 */
import { bundleFromJSON } from "@sigstore/bundle";
import type { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, VerificationError, Verifier, type Signer } from "@sigstore/verify";
import { malformedBundle, VerificationFailure } from "../errors.js";
import type { ModelBundle } from "../bundle/types.js";

export interface SigstorePolicy {
  /** The certificate's subject alternative name: an email, or a URI such as a CI workflow's. */
  identity: string;
  /** The OIDC issuer that authenticated the signer (https://accounts.google.com, https://token.actions.githubusercontent.com, ...). */
  issuer: string;
}

/** What the Sigstore verifier proved about the signer. */
export interface SigstoreSigner {
  identity: string;
  issuer: string;
}

export function verifySigstoreBundle(bundle: ModelBundle, trustedRoot: TrustedRoot, policy: SigstorePolicy): SigstoreSigner {
  const entity = signedEntity(bundle);
  // An SCT is required whenever the trusted root names CT logs (the public-good one does); a private
  // deployment without certificate transparency lists none, and its certificates carry no SCT.
  const ctlogThreshold = trustedRoot.ctlogs.length > 0 ? 1 : 0;
  const verifier = new Verifier(toTrustMaterial(trustedRoot), { tlogThreshold: 1, ctlogThreshold, timestampThreshold: 1 });
  let signer: Signer;
  try {
    signer = verifier.verify(entity);
  } catch (e) {
    throw sigstoreFailure(e);
  }
  return checkIdentity(signer, policy);
}

function signedEntity(bundle: ModelBundle): ReturnType<typeof toSignedEntity> {
  try {
    return toSignedEntity(bundleFromJSON(bundle.json));
  } catch (e) {
    throw malformedBundle(`Sigstore rejects its structure (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Exact matches, checked here rather than by the library so the message can name what was found. */
function checkIdentity(signer: Signer, policy: SigstorePolicy): SigstoreSigner {
  const identity = signer.identity?.subjectAlternativeName ?? "";
  const issuer = signer.identity?.extensions?.issuer ?? "";
  if (identity !== policy.identity) {
    throw new VerificationFailure("E_SIG_IDENTITY", `the model was signed by ${JSON.stringify(identity)}, not ${JSON.stringify(policy.identity)}`, {
      hint: "Check --identity: it must equal the certificate's subject alternative name exactly",
    });
  }
  if (issuer !== policy.issuer) {
    throw new VerificationFailure("E_SIG_ISSUER", `the signer's identity was issued by ${JSON.stringify(issuer)}, not ${JSON.stringify(policy.issuer)}`, {
      hint: "Check --issuer: it must equal the OIDC issuer recorded in the certificate exactly",
    });
  }
  return { identity, issuer };
}

const CODES: Record<string, [code: string, hint: string]> = {
  CERTIFICATE_ERROR: ["E_SIG_CERTIFICATE", "The Fulcio certificate is not trusted by this trusted root, or was not valid when the signature was logged"],
  SIGNATURE_ERROR: ["E_SIG_SIGNATURE", "The signed statement was altered after signing"],
  TIMESTAMP_ERROR: ["E_SIG_TIMESTAMP", "No trusted time for the signature: the log entry or timestamp is missing or untrusted"],
  PUBLIC_KEY_ERROR: ["E_SIG_CERTIFICATE", "Sigstore verification needs a certificate, not a key"],
};

function sigstoreFailure(e: unknown): VerificationFailure {
  if (!(e instanceof VerificationError)) {
    return new VerificationFailure("E_SIG_SIGSTORE", `Sigstore verification failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const [code, hint] = CODES[e.code] ?? ["E_SIG_TLOG", "The transparency log entry does not verify against the trusted root, or does not match this signature"];
  return new VerificationFailure(code, `Sigstore verification failed (${e.code}): ${e.message}`, { cause: e, hint });
}
