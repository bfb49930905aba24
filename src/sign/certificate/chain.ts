/**
 * Certificate-method trust: the signing certificate must chain, through the intermediates in the
 * bundle, to a certificate in the user's CA bundle, every link valid at the signing certificate's
 * notBefore (what `model_signing` does: the bundle has no trusted timestamp, and notBefore is the
 * latest moment the signer can be shown to have held the key), and the signing certificate must be
 * meant for signing. A certificate in the CA bundle is an anchor whether or not it is self-signed,
 * so an organisation can trust its intermediate CA alone.
 */
import { VerificationFailure } from "../errors.js";
import { validAt, type Certificate } from "./pem.js";

const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
const MAX_DEPTH = 8;

/** Checks the chain; returns the certificates from the leaf to the anchor. */
export function verifyChain(leaf: Certificate, intermediates: Certificate[], anchors: Certificate[]): Certificate[] {
  const at = leaf.notBefore;
  const expired: Certificate[] = [];
  const path = findPath(leaf, intermediates, anchors, at, [leaf], expired);
  if (path !== undefined) return path;
  const late = expired[0];
  if (late !== undefined) {
    throw new VerificationFailure("E_SIG_CERT_EXPIRED", `the certificate ${late.label} was not valid when the signing certificate was issued (${at.toISOString()}; it is valid ${late.notBefore.toISOString()} to ${late.notAfter.toISOString()})`, {
      hint: "An expired or not-yet-valid CA cannot vouch for a signature; re-sign with a current certificate",
    });
  }
  throw new VerificationFailure("E_SIG_UNTRUSTED_CA", `the signing certificate ${leaf.label} does not chain to any certificate in the CA bundle`, {
    hint: "Give the CA that issued it with --certificate-chain (PEM); the chain in the signature is only a path, never trusted by itself",
  });
}

function findPath(cert: Certificate, pool: Certificate[], anchors: Certificate[], at: Date, path: Certificate[], expired: Certificate[]): Certificate[] | undefined {
  if (!validAt(cert, at)) {
    expired.push(cert);
    return undefined;
  }
  if (anchors.some((a) => a.der.equals(cert.der))) return path;
  if (path.length > MAX_DEPTH) return undefined;
  for (const anchor of anchors) {
    if (!issued(anchor, cert)) continue;
    if (validAt(anchor, at)) return [...path, anchor];
    expired.push(anchor);
  }
  for (const next of pool) {
    if (path.includes(next) || !issued(next, cert)) continue;
    const found = findPath(next, pool, anchors, at, [...path, next], expired);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `issuer` is a CA whose name, key identifiers and key usage match, and whose key signed `cert`. */
function issued(issuer: Certificate, cert: Certificate): boolean {
  return issuer.node.ca && cert.node.checkIssued(issuer.node) && cert.node.verify(issuer.node.publicKey);
}

/** The signing certificate must allow signing: key usage digitalSignature, or extended key usage codeSigning. */
export function checkSigningPurpose(leaf: Certificate): void {
  if (leaf.digitalSignature === true || leaf.extKeyUsage.includes(CODE_SIGNING)) return;
  throw new VerificationFailure("E_SIG_CERT_PURPOSE", `the signing certificate ${leaf.label} is not meant for signing (no digitalSignature key usage, no codeSigning extended key usage)`, {
    hint: "Issue the signing certificate with keyUsage digitalSignature or extendedKeyUsage codeSigning",
  });
}
