/**
 * bzip2's canonical Huffman tables, decoded the way libbzip2 does (limit/base/perm per code length):
 * read the shortest code length's bits, then one more bit at a time until the value is within the
 * limit of its length. A lookup table indexed by the next LOOKUP_BITS bits short-cuts that walk for
 * the common short codes; it is built by running the same walk, so both paths decode identically.
 */
import { corrupt } from "../errors.js";
import type { BitReader } from "./bits.js";

export const MAX_CODE_LEN = 20;
const LOOKUP_BITS = 10;

export class HuffmanTable {
  private readonly limit = new Int32Array(MAX_CODE_LEN + 2);
  private readonly base = new Int32Array(MAX_CODE_LEN + 2);
  private readonly perm: Uint16Array;
  private readonly minLen: number;
  private readonly maxLen: number;
  /** By the next LOOKUP_BITS bits: (symbol << 5) | code length, or 0 when the code is longer. */
  private readonly lookup = new Uint32Array(1 << LOOKUP_BITS);

  /** `lengths[i]` is the code length (1..20) of symbol i. */
  constructor(lengths: Uint8Array) {
    const n = lengths.length;
    this.perm = new Uint16Array(n);
    let minLen = MAX_CODE_LEN;
    let maxLen = 0;
    for (const len of lengths) {
      minLen = Math.min(minLen, len);
      maxLen = Math.max(maxLen, len);
    }
    this.minLen = minLen;
    this.maxLen = maxLen;
    let pp = 0;
    for (let len = minLen; len <= maxLen; len++) for (let s = 0; s < n; s++) if (lengths[s] === len) this.perm[pp++] = s;
    const count = new Int32Array(MAX_CODE_LEN + 2);
    for (const len of lengths) count[len]!++;
    // Canonical codes: each length's codes follow the previous length's, shifted left by one.
    let code = 0;
    let index = 0;
    this.limit.fill(-1);
    for (let len = minLen; len <= maxLen; len++) {
      this.base[len] = code - index;
      code += count[len]!;
      index += count[len]!;
      this.limit[len] = code - 1;
      code <<= 1;
    }
    this.fillLookup();
  }

  /** Decodes one symbol. */
  decode(bits: BitReader): number {
    const entry = this.lookup[bits.peek(LOOKUP_BITS)]!;
    if (entry !== 0) {
      bits.skip(entry & 31);
      return entry >>> 5;
    }
    return this.decodeSlowly(bits);
  }

  private decodeSlowly(bits: BitReader): number {
    let len = this.minLen;
    let v = bits.read(len);
    while (v > this.limit[len]!) {
      if (++len > this.maxLen) throw corrupt("bz2", bits.offset, "invalid Huffman code");
      v = (v << 1) | bits.bit();
    }
    const i = v - this.base[len]!;
    if (i < 0 || i >= this.perm.length) throw corrupt("bz2", bits.offset, "invalid Huffman code");
    return this.perm[i]!;
  }

  /** Runs decodeSlowly's walk on every LOOKUP_BITS-bit prefix and records the walks that end within it. */
  private fillLookup(): void {
    for (let prefix = 0; prefix < this.lookup.length; prefix++) {
      for (let len = this.minLen; len <= Math.min(this.maxLen, LOOKUP_BITS); len++) {
        const v = prefix >>> (LOOKUP_BITS - len);
        if (v > this.limit[len]!) continue;
        const i = v - this.base[len]!;
        if (i >= 0 && i < this.perm.length) this.lookup[prefix] = (this.perm[i]! << 5) | len;
        break;
      }
    }
  }
}
