/**
 * The LZMA decoder proper (the algorithm of the LZMA SDK's reference decoder, LzmaSpec): literals
 * and matches decoded from a range coder into an OutWindow. Used by the legacy .lzma format (one
 * long range-coded stream) and by LZMA2 (chunks that reset parts of this state).
 *
 * `decodeSymbol` decodes one literal or match and reads at most MAX_SYMBOL_INPUT compressed bytes, so
 * a caller that keeps that many buffered can run it synchronously.
 */
import { corrupt } from "../errors.js";
import type { ByteInput } from "../input.js";
import { PROB_INIT, RangeDecoder } from "./range-decoder.js";
import type { OutWindow } from "./window.js";

/** Upper bound of compressed bytes one symbol consumes (about 50 bit decodes, at most one byte each). */
export const MAX_SYMBOL_INPUT = 64;

const NUM_STATES = 12;
const POS_BITS_MAX = 4;
const NUM_LEN_TO_POS_STATES = 4;
const END_POS_MODEL_INDEX = 14;
const NUM_FULL_DISTANCES = 1 << (END_POS_MODEL_INDEX >> 1);
const NUM_ALIGN_BITS = 4;
const MATCH_MIN_LEN = 2;
/** Distance value of the end-of-stream marker. */
const END_MARKER = 0xffffffff;

export interface LzmaProperties {
  lc: number;
  lp: number;
  pb: number;
}

/** Decodes the lc/lp/pb properties byte: (pb * 5 + lp) * 9 + lc. */
export function decodeProperties(byte: number): LzmaProperties | undefined {
  if (byte >= 9 * 5 * 5) return undefined;
  return { lc: byte % 9, lp: Math.floor(byte / 9) % 5, pb: Math.floor(byte / 45) };
}

/** Length decoder: 2..273 as choice bits and three bit trees (low and mid per position state). */
class LenDecoder {
  private readonly choice = new Uint16Array(2);
  private readonly low = new Uint16Array(16 << 3);
  private readonly mid = new Uint16Array(16 << 3);
  private readonly high = new Uint16Array(256);

  reset(): void {
    for (const a of [this.choice, this.low, this.mid, this.high]) a.fill(PROB_INIT);
  }

  /** The match length minus MATCH_MIN_LEN (0..271). */
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.decodeBit(this.choice, 0) === 0) return rc.bitTree(this.low, posState << 3, 3);
    if (rc.decodeBit(this.choice, 1) === 0) return 8 + rc.bitTree(this.mid, posState << 3, 3);
    return 16 + rc.bitTree(this.high, 0, 8);
  }
}

export class LzmaDecoder {
  readonly rc: RangeDecoder;
  private lc = 0;
  private lp = 0;
  private pb = 0;
  private literalProbs = new Uint16Array(0x300);
  private readonly isMatch = new Uint16Array(NUM_STATES << POS_BITS_MAX);
  private readonly isRep = new Uint16Array(NUM_STATES);
  private readonly isRepG0 = new Uint16Array(NUM_STATES);
  private readonly isRepG1 = new Uint16Array(NUM_STATES);
  private readonly isRepG2 = new Uint16Array(NUM_STATES);
  private readonly isRep0Long = new Uint16Array(NUM_STATES << POS_BITS_MAX);
  private readonly posSlot = new Uint16Array(NUM_LEN_TO_POS_STATES << 6);
  private readonly posDecoders = new Uint16Array(1 + NUM_FULL_DISTANCES - END_POS_MODEL_INDEX);
  private readonly align = new Uint16Array(1 << NUM_ALIGN_BITS);
  private readonly lenDecoder = new LenDecoder();
  private readonly repLenDecoder = new LenDecoder();
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  constructor(
    private readonly input: ByteInput,
    readonly window: OutWindow,
  ) {
    this.rc = new RangeDecoder(input);
  }

  /** Sets lc/lp/pb; the probability tables are sized by lc + lp. Follow with `resetState`. */
  setProperties(p: LzmaProperties): void {
    this.lc = p.lc;
    this.lp = p.lp;
    this.pb = p.pb;
    const size = 0x300 << (p.lc + p.lp);
    if (this.literalProbs.length !== size) this.literalProbs = new Uint16Array(size);
  }

  /** Resets probabilities, state and repeat distances (start of stream, LZMA2 state reset). */
  resetState(): void {
    for (const a of [this.literalProbs, this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2,
      this.isRep0Long, this.posSlot, this.posDecoders, this.align]) a.fill(PROB_INIT);
    this.lenDecoder.reset();
    this.repLenDecoder.reset();
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /**
   * Decodes one literal or match, producing at most `limit` bytes (a match longer than that is an
   * error: in .lzma with a known size and in LZMA2 chunks, matches never cross the end). Returns the
   * number of bytes produced, or -1 for the end-of-stream marker.
   */
  decodeSymbol(limit: number): number {
    const w = this.window;
    const posState = w.total & ((1 << this.pb) - 1);
    const state = this.state;
    if (this.rc.decodeBit(this.isMatch, (state << POS_BITS_MAX) + posState) === 0) {
      if (limit < 1) throw this.corrupt("data continues past the declared size");
      this.decodeLiteral();
      this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      return 1;
    }
    let len: number;
    if (this.rc.decodeBit(this.isRep, state) !== 0) {
      if (limit < 1) throw this.corrupt("data continues past the declared size");
      if (w.isEmpty) throw this.corrupt("a repeated match before any data");
      if (this.rc.decodeBit(this.isRepG0, state) === 0) {
        if (this.rc.decodeBit(this.isRep0Long, (state << POS_BITS_MAX) + posState) === 0) {
          this.state = state < 7 ? 9 : 11;
          w.putByte(w.getByte(this.rep0 + 1));
          return 1;
        }
      } else {
        let dist: number;
        if (this.rc.decodeBit(this.isRepG1, state) === 0) {
          dist = this.rep1;
        } else {
          if (this.rc.decodeBit(this.isRepG2, state) === 0) {
            dist = this.rep2;
          } else {
            dist = this.rep3;
            this.rep3 = this.rep2;
          }
          this.rep2 = this.rep1;
        }
        this.rep1 = this.rep0;
        this.rep0 = dist;
      }
      len = this.repLenDecoder.decode(this.rc, posState);
      this.state = state < 7 ? 8 : 11;
    } else {
      this.rep3 = this.rep2;
      this.rep2 = this.rep1;
      this.rep1 = this.rep0;
      len = this.lenDecoder.decode(this.rc, posState);
      this.state = state < 7 ? 7 : 10;
      this.rep0 = this.decodeDistance(len);
      if (this.rep0 === END_MARKER) {
        if (!this.rc.finishedOk) throw this.corrupt("end marker with data left in the range coder");
        return -1;
      }
      if (limit < 1) throw this.corrupt("data continues past the declared size");
      if (this.rep0 >= w.dictSize || !w.hasDistance(this.rep0 + 1, this.input.offset)) {
        throw this.corrupt(`match distance ${this.rep0 + 1} reaches before the start of the data`);
      }
    }
    len += MATCH_MIN_LEN;
    if (len > limit) throw this.corrupt("a match runs past the declared size");
    w.copyMatch(this.rep0 + 1, len);
    return len;
  }

  private corrupt(message: string): Error {
    return corrupt(this.input.format, this.input.offset, message);
  }

  private decodeLiteral(): void {
    const w = this.window;
    const prevByte = w.isEmpty ? 0 : w.getByte(1);
    const litState = ((w.total & ((1 << this.lp) - 1)) << this.lc) + (prevByte >>> (8 - this.lc));
    const base = 0x300 * litState;
    const probs = this.literalProbs;
    let symbol = 1;
    if (this.state >= 7) {
      let matchByte = w.getByte(this.rep0 + 1);
      do {
        const matchBit = (matchByte >>> 7) & 1;
        matchByte <<= 1;
        const bit = this.rc.decodeBit(probs, base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | bit;
        if (matchBit !== bit) break;
      } while (symbol < 0x100);
    }
    while (symbol < 0x100) symbol = (symbol << 1) | this.rc.decodeBit(probs, base + symbol);
    w.putByte(symbol - 0x100);
  }

  /** Decodes a match distance (0-based); `len` is the match length minus MATCH_MIN_LEN. */
  private decodeDistance(len: number): number {
    const lenState = Math.min(len, NUM_LEN_TO_POS_STATES - 1);
    const posSlot = this.rc.bitTree(this.posSlot, lenState << 6, 6);
    if (posSlot < 4) return posSlot;
    const numDirectBits = (posSlot >>> 1) - 1;
    // The distance can use all 32 bits: >>> 0 reads the shifted value back as unsigned.
    const dist = ((2 | (posSlot & 1)) << numDirectBits) >>> 0;
    if (posSlot < END_POS_MODEL_INDEX) return dist + this.rc.bitTreeReverse(this.posDecoders, dist - posSlot, numDirectBits);
    const high = this.rc.directBits(numDirectBits - NUM_ALIGN_BITS) << NUM_ALIGN_BITS;
    return (dist + high + this.rc.bitTreeReverse(this.align, 0, NUM_ALIGN_BITS)) >>> 0;
  }
}
