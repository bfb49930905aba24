/**
 * LZMA's range decoder: arithmetic decoding of bits against adaptive 11-bit probabilities.
 *
 * `range` and `code` are unsigned 32-bit quantities kept in signed int32 form (`| 0`), so V8 keeps
 * them as small integers instead of boxed doubles (a several-fold speed difference in this, the
 * hottest code of the LZMA decoders). Unsigned comparisons flip the sign bit of both sides first.
 */
import { corrupt } from "../errors.js";
import type { ByteInput } from "../input.js";

const TOP_MASK = 0xff000000 | 0;
const PROB_BITS = 11;
export const PROB_INIT = 1 << (PROB_BITS - 1);
const MOVE_BITS = 5;
const SIGN = 0x80000000 | 0;

export class RangeDecoder {
  private range = -1;
  private code = 0;

  constructor(private readonly input: ByteInput) {}

  /** Starts a range-coded unit: a zero byte, then the 32-bit initial code. */
  init(): void {
    const at = this.input.offset;
    if (this.input.byte() !== 0) throw corrupt(this.input.format, at, "range coder does not start with a zero byte");
    this.range = -1;
    this.code = 0;
    for (let i = 0; i < 4; i++) this.code = (this.code << 8) | this.input.byte();
    if (this.code === this.range) throw corrupt(this.input.format, at, "range coder initial code is out of range");
  }

  /** A valid end: the encoder flushed so that the code is exactly zero. */
  get finishedOk(): boolean {
    return this.code === 0;
  }

  decodeBit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = Math.imul(this.range >>> PROB_BITS, p);
    let bit: number;
    if ((this.code ^ SIGN) < (bound ^ SIGN)) {
      this.range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >>> MOVE_BITS);
      bit = 0;
    } else {
      this.range = (this.range - bound) | 0;
      this.code = (this.code - bound) | 0;
      probs[i] = p - (p >>> MOVE_BITS);
      bit = 1;
    }
    if ((this.range & TOP_MASK) === 0) {
      this.range <<= 8;
      this.code = (this.code << 8) | this.input.byte();
    }
    return bit;
  }

  /** `count` bits with probability one half each, most significant first (count <= 26). */
  directBits(count: number): number {
    let res = 0;
    for (let i = 0; i < count; i++) {
      this.range = this.range >>> 1;
      let bit = 0;
      if ((this.code ^ SIGN) >= (this.range ^ SIGN)) {
        this.code = (this.code - this.range) | 0;
        bit = 1;
      }
      res = (res << 1) | bit;
      if ((this.range & TOP_MASK) === 0) {
        this.range <<= 8;
        this.code = (this.code << 8) | this.input.byte();
      }
    }
    return res;
  }

  /** A `numBits`-bit symbol coded most significant bit first through the tree probs[base + 1 ..]. */
  bitTree(probs: Uint16Array, base: number, numBits: number): number {
    let m = 1;
    for (let i = 0; i < numBits; i++) m = (m << 1) + this.decodeBit(probs, base + m);
    return m - (1 << numBits);
  }

  /** Like bitTree, least significant bit first (distance low bits, alignment bits). */
  bitTreeReverse(probs: Uint16Array, base: number, numBits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < numBits; i++) {
      const bit = this.decodeBit(probs, base + m);
      m = (m << 1) + bit;
      symbol |= bit << i;
    }
    return symbol;
  }
}
