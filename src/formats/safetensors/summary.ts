/**
 * What the BOM and policies learn about a safetensors file, recorded as the artifact's `safetensors`
 * metadata. Computed from the header alone.
 */
import { numel, type HeaderContents } from "./entries.js";

/** Longest `__metadata__` value kept, in UTF-8 bytes: the map is free text and may be huge. */
export const METADATA_VALUE_LIMIT = 1024;

export interface SafetensorsSummary {
  /** Tensor entries in the header (valid or not). */
  tensors: number;
  /** Sum of the element counts of tensors with a valid shape; a decimal string past 2^53. */
  parameters: number | string;
  /** Tensors per dtype, for tensors with a known dtype, keys sorted. */
  dtypes: Record<string, number>;
  /** The `__metadata__` map (empty when absent), values cut to METADATA_VALUE_LIMIT bytes. */
  metadata: Record<string, string>;
  /** N, the header's length in bytes. */
  headerBytes: number;
}

export function summarize(contents: HeaderContents, headerBytes: number): SafetensorsSummary {
  let parameters = 0n;
  const dtypes = new Map<string, number>();
  for (const t of contents.tensors) {
    if (t.shape) parameters += numel(t.shape);
    if (t.dtype) dtypes.set(t.dtype, (dtypes.get(t.dtype) ?? 0) + 1);
  }
  return {
    tensors: contents.tensors.length,
    parameters: parameters <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(parameters) : parameters.toString(),
    dtypes: Object.fromEntries([...dtypes].sort(([a], [b]) => (a < b ? -1 : 1))),
    // fromEntries defines own properties, so a key named `__proto__` stays a key
    metadata: Object.fromEntries(contents.metadata.map(([k, v]) => [k, truncate(v)])),
    headerBytes,
  };
}

/** Cuts `v` to at most METADATA_VALUE_LIMIT UTF-8 bytes on a character boundary, saying how long it was. */
export function truncate(v: string): string {
  const bytes = Buffer.from(v, "utf8");
  if (bytes.length <= METADATA_VALUE_LIMIT) return v;
  let cut = METADATA_VALUE_LIMIT;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--; // back off a continuation byte
  return `${bytes.subarray(0, cut).toString("utf8")}… [${bytes.length} bytes, truncated]`;
}
