/**
 * The dtypes the safetensors format defines, with their size in bits, as in the `Dtype` enum of the
 * reference Rust crate (huggingface/safetensors). Sub-byte types (F4, F6_*) are packed: a tensor of
 * them must fill a whole number of bytes.
 */
const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ["BOOL", 8],
  ["F4", 4],
  ["F6_E2M3", 6],
  ["F6_E3M2", 6],
  ["U8", 8],
  ["I8", 8],
  ["F8_E5M2", 8],
  ["F8_E4M3", 8],
  ["F8_E8M0", 8],
  // AMD's FNUZ variants, added to the crate after the OCP FP8 types
  ["F8_E4M3FNUZ", 8],
  ["F8_E5M2FNUZ", 8],
  ["I16", 16],
  ["U16", 16],
  ["F16", 16],
  ["BF16", 16],
  ["I32", 32],
  ["U32", 32],
  ["F32", 32],
  ["C64", 64],
  ["F64", 64],
  ["I64", 64],
  ["U64", 64],
]);

/** Bits per element of a dtype, or undefined for a name the format does not define. */
export function dtypeBits(name: string): number | undefined {
  // A Map, not an object literal: header text like "constructor" must not resolve to an inherited member.
  return DTYPE_BITS.get(name);
}

/** Every dtype name, for messages. */
export function knownDtypes(): string[] {
  return [...DTYPE_BITS.keys()];
}
