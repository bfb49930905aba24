/**
 * X.509 certificates as the signing code needs them: Node's certificate (chain checks, signature
 * verification, extended key usage) and the DER bytes, parsed once. Key usage bits come from
 * @sigstore/core's parser, which Node does not expose.
 */
import { X509Certificate } from "node:crypto";
import { X509Certificate as CoreCertificate } from "@sigstore/core";
import { VouchError } from "../../core/errors.js";

export interface Certificate {
  node: X509Certificate;
  der: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** The keyUsage extension's digitalSignature bit; undefined when the extension is absent. */
  digitalSignature?: boolean;
  /** Extended key usage OIDs; empty when the extension is absent. */
  extKeyUsage: string[];
  /** A short name for messages: the subject (one line). */
  label: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM file (a CA bundle or a chain file), in file order. */
export function parsePemCertificates(text: string, source: string): Certificate[] {
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    throw new VouchError("E_CERT", `${source} holds no PEM certificate`, { file: source, hint: "Give PEM files (-----BEGIN CERTIFICATE-----)" });
  }
  return blocks.map((b, i) => parseCertificate(Buffer.from(new X509Certificate(b).raw), `${source} #${i + 1}`));
}

/** A DER certificate (from a bundle); malformed bytes are the caller's to report. */
export function parseCertificate(der: Buffer, source: string): Certificate {
  let node: X509Certificate;
  let core: CoreCertificate;
  try {
    node = new X509Certificate(der);
    core = CoreCertificate.parse(Buffer.from(der));
  } catch (e) {
    throw new VouchError("E_CERT", `${source} is not a valid X.509 certificate`, { cause: e, hint: "check the certificate file" });
  }
  const ku = core.extKeyUsage;
  return {
    node,
    der,
    notBefore: core.notBefore,
    notAfter: core.notAfter,
    digitalSignature: ku === undefined ? undefined : ku.digitalSignature,
    extKeyUsage: node.keyUsage ?? [],
    label: node.subject.replaceAll("\n", ", ") || "(empty subject)",
  };
}

export function validAt(cert: Certificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}
