/**
 * The in-toto Statement v1 a model signature signs: one subject (the model's name and root digest)
 * and the OMS predicate (`https://model_signing/signature/v1.0`) listing every resource and the
 * serialization. Written as `model_signing` writes it (protobuf JSON: two-space indent, non-ASCII
 * escaped), with a fixed key order so the same model always gives the same bytes.
 */
import { rootDigest } from "../manifest/root-digest.js";
import type { Manifest } from "../manifest/types.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const PREDICATE_TYPE = "https://model_signing/signature/v1.0";
/** The experimental predicate of `model_signing` 0.2: one subject per file, no serialization. */
export const PREDICATE_TYPE_V01 = "https://model_signing/Digests/v0.1";

export function encodeStatement(m: Manifest): Buffer {
  const s = m.serialization;
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: m.modelName, digest: { sha256: rootDigest(m.resources) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      resources: m.resources.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest })),
      serialization: {
        method: s.method,
        hash_type: s.hashType,
        ...(s.method === "shards" ? { shard_size: s.shardSize } : {}),
        allow_symlinks: s.allowSymlinks,
        ...(s.ignorePaths.length > 0 ? { ignore_paths: s.ignorePaths } : {}),
      },
    },
  };
  return Buffer.from(asciiJson(statement), "utf8");
}

/**
 * JSON as Python's `json.dumps(indent=2)` with `ensure_ascii` (what protobuf's MessageToJson calls):
 * every character outside printable ASCII becomes `\uXXXX` (UTF-16 units, lower-case hex).
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
