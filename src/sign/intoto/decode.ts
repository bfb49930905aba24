/**
 * Reads the manifest back out of a verified payload, checking everything a verifier relies on: the
 * statement and predicate types, one subject, well-formed resources with safe names, a serialization
 * Vouch can recompute, and the subject's root digest against the listed resources. Unknown extra
 * fields are ignored (the OMS predicate says verifiers of v1.0 must ignore them).
 */
import { VouchError } from "../../core/errors.js";
import { relativeNameProblem } from "../../walk/index.js";
import { malformedBundle, VerificationFailure } from "../errors.js";
import { rootDigest } from "../manifest/root-digest.js";
import { parseShardName, sortResources } from "../manifest/serialize.js";
import { HASH_TYPES, type HashType, type Manifest, type Resource, type Serialization } from "../manifest/types.js";
import { PREDICATE_TYPE, PREDICATE_TYPE_V01, STATEMENT_TYPE } from "./statement.js";

export interface DecodedStatement {
  manifest: Manifest;
  /** The subject's sha256: the model's root digest as signed (absent for the 0.2 predicate). */
  rootDigest?: string;
  /** Set when the payload uses the experimental 0.2 predicate (no root digest, no serialization). */
  legacy?: "v0.1";
}

type Json = Record<string, unknown>;

const HEX = /^[0-9a-f]+$/;

export function decodeStatement(payload: Uint8Array): DecodedStatement {
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    throw malformedBundle("the signed payload is not JSON");
  }
  const st = object(statement, "the signed payload");
  if (st._type !== STATEMENT_TYPE) {
    throw new VerificationFailure("E_SIG_PAYLOAD", `the signed payload is not an in-toto Statement v1 (_type ${JSON.stringify(st._type)})`, {
      hint: "This signature was not made for a model",
    });
  }
  if (st.predicateType === PREDICATE_TYPE_V01) return decodeV01(st);
  if (st.predicateType !== PREDICATE_TYPE) {
    throw new VerificationFailure("E_SIG_PREDICATE", `the signed statement is not a model signature (predicate type ${JSON.stringify(st.predicateType)}, expected ${PREDICATE_TYPE})`, {
      hint: "This is an attestation of another kind (provenance, SBOM, ...), not an OpenSSF model signature",
    });
  }
  const subjects = array(st.subject, "subject");
  if (subjects.length !== 1) throw malformedBundle(`the statement has ${subjects.length} subjects, a model signature has exactly one`);
  const subject = object(subjects[0], "subject[0]");
  const expectedRoot = hex(object(subject.digest, "subject[0].digest").sha256, "subject[0].digest.sha256");
  const predicate = object(st.predicate, "predicate");
  const serialization = decodeSerialization(object(predicate.serialization, "predicate.serialization"));
  const resources = array(predicate.resources, "predicate.resources").map((r, i) => decodeResource(r, i, serialization));
  checkUnique(resources);
  const actualRoot = rootDigest(resources);
  if (actualRoot !== expectedRoot) {
    throw new VerificationFailure("E_SIG_ROOT_DIGEST", `the signed manifest is inconsistent: the subject digest is ${expectedRoot}, but the listed resources hash to ${actualRoot}`, {
      hint: "The statement was built wrongly or edited before signing; sign the model again",
    });
  }
  const modelName = typeof subject.name === "string" ? subject.name : "";
  return { manifest: { modelName, serialization, resources }, rootDigest: expectedRoot };
}

function decodeSerialization(s: Json): Serialization {
  const method = s.method;
  if (method !== "files" && method !== "shards") throw malformedBundle(`unknown serialization method ${JSON.stringify(method)}`);
  const hashType = s.hash_type;
  if (typeof hashType !== "string") throw malformedBundle("predicate.serialization.hash_type is missing");
  if (!(HASH_TYPES as readonly string[]).includes(hashType)) {
    throw new VouchError("E_UNSUPPORTED_HASH", `the signature hashes files with ${hashType}, which Vouch does not compute`, {
      hint: `Vouch computes ${HASH_TYPES.join(" and ")}; sign the model with one of them`,
    });
  }
  // Older signers wrote `allow_symlinks` through a protobuf Struct, some as the string "false".
  const allowSymlinks = s.allow_symlinks === true || s.allow_symlinks === "true";
  const ignorePaths = s.ignore_paths === undefined ? [] : array(s.ignore_paths, "ignore_paths").map((p, i) => safeName(p, `ignore_paths[${i}]`));
  if (method === "files") return { method, hashType: hashType as HashType, allowSymlinks, ignorePaths };
  // A protobuf Struct stores numbers as doubles: 1e9 may come back as 1000000000.0.
  const shardSize = s.shard_size;
  if (typeof shardSize !== "number" || !Number.isSafeInteger(shardSize) || shardSize <= 0) {
    throw malformedBundle(`the shard size ${JSON.stringify(shardSize)} is not a positive integer`);
  }
  return { method, hashType: hashType as HashType, shardSize, allowSymlinks, ignorePaths };
}

function decodeResource(value: unknown, i: number, s: Serialization): Resource {
  const where = `predicate.resources[${i}]`;
  const r = object(value, where);
  if (typeof r.name !== "string") throw malformedBundle(`${where}.name is missing`);
  const digest = hex(r.digest, `${where}.digest`);
  const algorithm = r.algorithm;
  const accepted = s.method === "files" ? [s.hashType] : [s.hashType, `${s.hashType}-sharded-${s.shardSize}`];
  if (typeof algorithm !== "string" || !accepted.includes(algorithm)) {
    throw malformedBundle(`${where} (${r.name}) is hashed with ${JSON.stringify(algorithm)}, but the serialization says ${accepted.join(" or ")}`);
  }
  if (s.method === "files") {
    if (r.name !== ".") safeName(r.name, where);
  } else {
    const shard = parseShardName(r.name);
    if (!(shard.start < shard.end) || shard.end - shard.start > (s.shardSize ?? 0)) {
      throw malformedBundle(`${where} ${JSON.stringify(r.name)} is not a shard name path:start:end with start < end <= start + shard_size`);
    }
    if (shard.path !== ".") safeName(shard.path, where);
  }
  return { name: r.name, algorithm, digest };
}

/** The 0.2 predicate: every file is a subject; there is no root digest to check. */
function decodeV01(st: Json): DecodedStatement {
  const resources = array(st.subject, "subject").map((value, i): Resource => {
    const s = object(value, `subject[${i}]`);
    if (typeof s.name !== "string") throw malformedBundle(`subject[${i}].name is missing`);
    if (s.name !== ".") safeName(s.name, `subject[${i}]`);
    return { name: s.name, algorithm: "sha256", digest: hex(object(s.digest, `subject[${i}].digest`).sha256, `subject[${i}].digest.sha256`) };
  });
  checkUnique(resources);
  const serialization: Serialization = { method: "files", hashType: "sha256", allowSymlinks: false, ignorePaths: [] };
  return { manifest: { modelName: "", serialization, resources: sortResources(resources, "files") }, legacy: "v0.1" };
}

/** A name from a signature is joined to the model root: it must not be able to leave it. */
function safeName(value: unknown, where: string): string {
  if (typeof value !== "string") throw malformedBundle(`${where} is not a string`);
  const problem = relativeNameProblem(value);
  if (problem !== undefined || value.endsWith("/")) {
    throw new VerificationFailure("E_SIG_BAD_NAME", `the signature names a file ${JSON.stringify(value)} that ${problem ?? "ends with `/`"}`, {
      hint: "A model signature lists POSIX paths relative to the model root; this one was crafted or corrupted",
    });
  }
  return value;
}

function checkUnique(resources: Resource[]): void {
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.name)) throw malformedBundle(`the manifest lists ${JSON.stringify(r.name)} twice`);
    seen.add(r.name);
  }
}

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformedBundle(`${where} is missing or not an object`);
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw malformedBundle(`${where} is missing or not a list`);
  return value;
}

function hex(value: unknown, where: string): string {
  if (typeof value !== "string" || !HEX.test(value) || value.length % 2 !== 0) throw malformedBundle(`${where} is not a lower-case hex digest`);
  return value;
}
