/**
 * Protocol Buffers wire format, the part every protobuf-based model format shares: tags, varints and
 * the four wire types a message may use. Pure functions over byte arrays; the positioned reader in
 * `reader.ts` and the head parser in `head.ts` are built on them.
 *
 * Reference: https://protobuf.dev/programming-guides/encoding/
 */
import { malformed, type VouchError } from "../../core/errors.js";

/** The wire types. 3 and 4 (groups) are deprecated and rejected; 6 and 7 do not exist. */
export const WIRE = { varint: 0, i64: 1, len: 2, i32: 5 } as const;
export type WireType = (typeof WIRE)[keyof typeof WIRE];

/** A varint holds at most 64 bits: 10 bytes of 7 bits. A longer run is malformed, not a bigger number. */
export const MAX_VARINT_BYTES = 10;

/** Field numbers are 29 bits (1 .. 2^29 - 1); 0 is invalid. */
export const MAX_FIELD_NUMBER = 2 ** 29 - 1;

/** A decoded varint and the offset just after it. */
export interface Varint {
  value: bigint;
  next: number;
}

/**
 * Decodes the varint at `pos` in `bytes` (the byte at index 0 lying at file offset `base`), reading no
 * further than index `limit`. Returns undefined when the bytes end before the varint does (the caller
 * decides whether that is a truncation or the end of a sniffing window); throws on an over-long varint.
 */
export function decodeVarint(bytes: Uint8Array, pos: number, limit: number, base = 0): Varint | undefined {
  let value = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos + i >= limit) return undefined;
    const b = bytes[pos + i];
    // the tenth byte may only carry the 64th bit: anything more would not fit in 64 bits
    if (i === MAX_VARINT_BYTES - 1 && b > 1) throw overlongVarint(base + pos);
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw overlongVarint(base + pos);
}

function overlongVarint(offset: number): VouchError {
  return malformed("E_PROTOBUF_VARINT", "a varint runs longer than 10 bytes", offset, "The file is not valid protobuf (or was corrupted)");
}

/** A field key split into its number and wire type. */
export interface Tag {
  field: number;
  wire: WireType;
}

/**
 * Splits a decoded tag, rejecting field number 0, numbers beyond 29 bits, groups and the unused wire
 * types. `offset` is where the tag starts, for the error.
 */
export function splitTag(raw: bigint, offset: number): Tag {
  const wire = Number(raw & 7n);
  const fieldBig = raw >> 3n;
  if (fieldBig === 0n || fieldBig > BigInt(MAX_FIELD_NUMBER)) {
    throw malformed("E_PROTOBUF_FIELD", `invalid field number ${fieldBig}`, offset, "The file is not valid protobuf (or was corrupted)");
  }
  if (wire === 3 || wire === 4) {
    throw malformed("E_PROTOBUF_GROUP", `field ${fieldBig} uses the deprecated group encoding`, offset,
      "No model format Vouch reads uses groups; the file is not what it claims or was crafted");
  }
  if (wire !== WIRE.varint && wire !== WIRE.i64 && wire !== WIRE.len && wire !== WIRE.i32) {
    throw malformed("E_PROTOBUF_WIRETYPE", `field ${fieldBig} has invalid wire type ${wire}`, offset, "The file is not valid protobuf (or was corrupted)");
  }
  return { field: Number(fieldBig), wire };
}

/** Reads a little-endian fixed-width value of `width` (4 or 8) bytes as an unsigned bigint. */
export function decodeFixed(bytes: Uint8Array, pos: number, width: 4 | 8): bigint {
  let value = 0n;
  for (let i = width - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[pos + i]);
  return value;
}

/** An int64 field's value (varints are decoded unsigned; negative int64s use the full 10 bytes). */
export function asInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** A varint as a JavaScript number when it fits exactly, else undefined. */
export function asSafeNumber(v: bigint): number | undefined {
  const n = asInt64(v);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}
