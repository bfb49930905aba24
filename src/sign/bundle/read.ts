/**
 * Reading a signature file: JSON, then the bundle's structure (the OMS bundle schema's
 * requirements), then the method from the verification material. Every structural problem is a
 * verification failure with its own message, so a truncated or edited signature says what is wrong.
 */
import { readFile } from "node:fs/promises";
import { VouchError } from "../../core/errors.js";
import { errnoCode, malformedBundle } from "../errors.js";
import type { Envelope } from "../intoto/envelope.js";
import type { ModelBundle, SigningMethod } from "./types.js";

type Json = Record<string, unknown>;

export async function readBundleFile(path: string): Promise<ModelBundle> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = errnoCode(e);
    throw new VouchError(code === "ENOENT" ? "E_NOT_FOUND" : "E_READ", `the signature ${path} ${code === "ENOENT" ? "does not exist" : `could not be read (${code ?? String(e)})`}`, {
      file: path,
      cause: e,
      hint: "Give the signature file with --signature (default: model.sig in the working directory)",
    });
  }
  return parseBundle(text, path);
}

export function parseBundle(text: string, file?: string): ModelBundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw malformedBundle(text.trim() === "" ? "the file is empty" : `it is not JSON (${e instanceof Error ? e.message : String(e)}); truncated?`, file);
  }
  const bundle = object(parsed, "the bundle", file);
  const mediaType = bundle.mediaType;
  if (typeof mediaType !== "string" || !mediaType.startsWith("application/vnd.dev.sigstore.bundle")) {
    throw malformedBundle(`mediaType ${JSON.stringify(mediaType)} is not a Sigstore bundle's`, file);
  }
  if (bundle.verificationMaterial === undefined) throw malformedBundle("it has no verificationMaterial (no key, certificate or Sigstore material)", file);
  if (bundle.dsseEnvelope === undefined) {
    throw malformedBundle(bundle.messageSignature !== undefined ? "it signs a blob (messageSignature), not a model statement (dsseEnvelope)" : "it has no dsseEnvelope", file);
  }
  const material = object(bundle.verificationMaterial, "verificationMaterial", file);
  const tlogEntries = material.tlogEntries === undefined ? [] : list(material.tlogEntries, "verificationMaterial.tlogEntries", file);
  const envelope = readEnvelope(object(bundle.dsseEnvelope, "dsseEnvelope", file), file);
  const base = { json: bundle, mediaType, envelope, tlogEntries };

  if (material.publicKey !== undefined) {
    const pk = object(material.publicKey, "verificationMaterial.publicKey", file);
    const hint = typeof pk.hint === "string" && pk.hint !== "" ? pk.hint : undefined;
    const rawBytes = pk.rawBytes === undefined ? undefined : base64(pk.rawBytes, "verificationMaterial.publicKey.rawBytes", file);
    if (hint === undefined && rawBytes === undefined) throw malformedBundle("verificationMaterial.publicKey has neither a hint nor rawBytes", file);
    return { ...base, method: "key", publicKey: { hint, rawBytes }, certificates: [] };
  }
  if (material.x509CertificateChain !== undefined) {
    const chain = object(material.x509CertificateChain, "verificationMaterial.x509CertificateChain", file);
    const certs = list(chain.certificates, "x509CertificateChain.certificates", file);
    if (certs.length === 0) throw malformedBundle("x509CertificateChain has no certificates", file);
    const certificates = certs.map((c, i) => base64(object(c, `certificates[${i}]`, file).rawBytes, `certificates[${i}].rawBytes`, file));
    return { ...base, method: "certificate", certificates };
  }
  if (material.certificate !== undefined) {
    const certificate = base64(object(material.certificate, "verificationMaterial.certificate", file).rawBytes, "certificate.rawBytes", file);
    if (tlogEntries.length === 0) {
      throw malformedBundle("a Sigstore (keyless) signature needs at least one transparency log entry, and tlogEntries is empty or missing", file);
    }
    return { ...base, method: "sigstore" satisfies SigningMethod, certificates: [certificate] };
  }
  throw malformedBundle("verificationMaterial holds no publicKey, x509CertificateChain or certificate", file);
}

function readEnvelope(env: Json, file?: string): Envelope {
  const payload = base64(env.payload, "dsseEnvelope.payload", file);
  if (typeof env.payloadType !== "string") throw malformedBundle("dsseEnvelope.payloadType is missing", file);
  const sigs = list(env.signatures, "dsseEnvelope.signatures", file);
  if (sigs.length === 0) throw malformedBundle("dsseEnvelope has no signatures", file);
  const signatures = sigs.map((s, i) => {
    const o = object(s, `dsseEnvelope.signatures[${i}]`, file);
    return { sig: base64(o.sig, `dsseEnvelope.signatures[${i}].sig`, file), keyid: typeof o.keyid === "string" ? o.keyid : undefined };
  });
  return { payload, payloadType: env.payloadType, signatures };
}

/** Protobuf JSON bytes: standard or URL-safe base64, padding optional. Empty is an error here. */
function base64(value: unknown, where: string, file?: string): Buffer {
  if (typeof value !== "string" || value === "" || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    throw malformedBundle(`${where} is missing or not base64`, file);
  }
  return Buffer.from(value.replaceAll("-", "+").replaceAll("_", "/"), "base64");
}

function object(value: unknown, where: string, file?: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformedBundle(`${where} is not an object`, file);
  return value as Json;
}

function list(value: unknown, where: string, file?: string): unknown[] {
  if (!Array.isArray(value)) throw malformedBundle(`${where} is not a list`, file);
  return value;
}
