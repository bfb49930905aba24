/**
 * bzip2 decoding (the format libbzip2 writes; no published specification, so the checks mirror
 * libbzip2's decompress.c). A stream is "BZh" + level, then blocks, each the Burrows-Wheeler
 * transform of up to level * 100 000 bytes: Huffman-coded move-to-front symbols with run-length
 * coded zeros, then the inverse BWT and a final run-length stage (4 equal bytes + a repeat count).
 *
 * A block is decoded from fully buffered input: MAX_BLOCK_INPUT bounds the compressed size of any
 * block a real encoder writes, so the decoder buffers that much (or to the end) before each block,
 * and a block that needs more is corrupt. Output leaves in chunks as the final stage produces it, so
 * a block that expands to tens of megabytes of repeats never sits in memory.
 */
import { bzip2Crc } from "../crc.js";
import { corrupt, unsupported } from "../errors.js";
import type { DecodeFacts } from "../format.js";
import type { ByteInput } from "../input.js";
import { BitReader } from "./bits.js";
import { HuffmanTable, MAX_CODE_LEN } from "./huffman.js";

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
/** 900 001 symbols of at most 20 bits, plus tables and selectors: under 2.4 MB. */
const MAX_BLOCK_INPUT = 3 * 1024 * 1024;
const GROUP_SIZE = 50;
const MAX_GROUPS = 6;
const MAX_SELECTORS = 18002;
const RUNA = 0;
const RUNB = 1;
const OUT_CHUNK = 64 * 1024;

/** Decodes concatenated bzip2 streams (as `bzip2 a b` or pbzip2 write); stops when no stream header follows. */
export async function* decodeBzip2(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  let streams = 0;
  do {
    yield* decodeStream(input, facts);
    facts.streams = ++streams;
  } while (await startsStream(input));
}

async function startsStream(input: ByteInput): Promise<boolean> {
  await input.fill(4);
  return input.peek(0) === 0x42 && input.peek(1) === 0x5a && input.peek(2) === 0x68 && input.peek(3) >= 0x31 && input.peek(3) <= 0x39;
}

async function* decodeStream(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  await input.require(4, "the bzip2 stream header");
  const at = input.offset;
  const header = input.take(4);
  const level = header[3]! - 0x30;
  if (header[0] !== 0x42 || header[1] !== 0x5a || header[2] !== 0x68 || level < 1 || level > 9) {
    throw corrupt("bz2", at, "bad stream header (expected BZh1..BZh9)");
  }
  facts.blockSize = level * 100_000;
  const bits = new BitReader(input);
  const tt = new Uint32Array(level * 100_000);
  let combinedCrc = 0;
  for (;;) {
    await input.fill(MAX_BLOCK_INPUT);
    const blockAt = bits.offset;
    const hi = bits.read(24);
    const lo = bits.read(24);
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      const stored = bits.read32();
      if (stored !== combinedCrc) throw corrupt("bz2", blockAt, "stream CRC does not match its blocks");
      bits.alignToByte();
      return;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw corrupt("bz2", blockAt, "bad block magic");
    const block = readBlock(bits, tt, blockAt);
    const crc = yield* emitBlock(block, tt);
    if (crc !== block.crc) throw corrupt("bz2", blockAt, "block CRC does not match its data");
    combinedCrc = (((combinedCrc << 1) | (combinedCrc >>> 31)) ^ crc) >>> 0;
  }
}

interface Block {
  crc: number;
  origPtr: number;
  /** Number of BWT bytes in tt (each in tt[i] & 0xff). */
  length: number;
  /** Count of each byte value in the block, for the inverse BWT. */
  counts: Int32Array;
}

/** Reads a block's header, tables and symbols into tt (the BWT output, one byte per entry). */
function readBlock(bits: BitReader, tt: Uint32Array, at: number): Block {
  const crc = bits.read32();
  if (bits.bit()) throw unsupported("bz2", at, "a randomised block (written only by bzip2 before 0.9.5)");
  const origPtr = bits.read(24);
  const alphabet = readSymbolMap(bits, at);
  const groups = bits.read(3);
  if (groups < 2 || groups > MAX_GROUPS) throw corrupt("bz2", at, `${groups} Huffman tables (must be 2..6)`);
  const selectors = readSelectors(bits, groups, at);
  const tables = Array.from({ length: groups }, () => new HuffmanTable(readCodeLengths(bits, alphabet.length + 2, at)));
  const counts = new Int32Array(256);
  const length = readSymbols(bits, tt, tables, selectors, alphabet, counts, at);
  if (origPtr >= length) throw corrupt("bz2", at, "BWT origin pointer outside the block");
  return { crc, origPtr, length, counts };
}

/** Which byte values occur: 16 bits for ranges of 16, then 16 bits per used range. */
function readSymbolMap(bits: BitReader, at: number): Uint8Array {
  const used: number[] = [];
  const ranges = bits.read(16);
  for (let i = 0; i < 16; i++) {
    if (!(ranges & (0x8000 >>> i))) continue;
    const values = bits.read(16);
    for (let j = 0; j < 16; j++) if (values & (0x8000 >>> j)) used.push(i * 16 + j);
  }
  if (used.length === 0) throw corrupt("bz2", at, "block uses no byte values");
  return Uint8Array.from(used);
}

/** Which table codes each group of 50 symbols: unary move-to-front indexes. */
function readSelectors(bits: BitReader, groups: number, at: number): Uint8Array {
  const count = bits.read(15);
  if (count < 1) throw corrupt("bz2", at, "no selectors");
  const selectors = new Uint8Array(Math.min(count, MAX_SELECTORS));
  const mtf = Array.from({ length: groups }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    let j = 0;
    while (bits.bit()) if (++j >= groups) throw corrupt("bz2", at, "selector out of range");
    // Like libbzip2, selectors past the useful maximum are read and ignored.
    if (i >= MAX_SELECTORS) continue;
    const v = mtf[j]!;
    mtf.splice(j, 1);
    mtf.unshift(v);
    selectors[i] = v;
  }
  return selectors;
}

/** A table's code lengths: a 5-bit start, then per symbol a delta coded as 1x bits (10 = +1, 11 = -1), ended by 0. */
function readCodeLengths(bits: BitReader, alphaSize: number, at: number): Uint8Array {
  const lengths = new Uint8Array(alphaSize);
  let len = bits.read(5);
  for (let i = 0; i < alphaSize; i++) {
    for (;;) {
      if (len < 1 || len > MAX_CODE_LEN) throw corrupt("bz2", at, "Huffman code length out of range");
      if (!bits.bit()) break;
      len += bits.bit() ? -1 : 1;
    }
    lengths[i] = len;
  }
  return lengths;
}

/**
 * Decodes the move-to-front symbols into tt: RUNA/RUNB spell a run of the front value in bijective
 * base 2, other symbols move a value to the front. Returns the number of bytes.
 */
function readSymbols(
  bits: BitReader,
  tt: Uint32Array,
  tables: HuffmanTable[],
  selectors: Uint8Array,
  alphabet: Uint8Array,
  counts: Int32Array,
  at: number,
): number {
  const endOfBlock = alphabet.length + 1;
  const mtf = Uint8Array.from(alphabet.keys());
  const max = tt.length;
  let n = 0;
  let group = -1;
  let left = 0;
  let table = tables[0]!;
  let run = 0;
  let runWeight = 1;
  for (;;) {
    if (left === 0) {
      if (++group >= selectors.length) throw corrupt("bz2", at, "block has more symbols than selectors");
      table = tables[selectors[group]!]!;
      left = GROUP_SIZE;
    }
    left--;
    const sym = table.decode(bits);
    if (sym === RUNA || sym === RUNB) {
      if (runWeight >= 1 << 21) throw corrupt("bz2", at, "run length too long");
      run += (sym + 1) * runWeight;
      runWeight <<= 1;
      continue;
    }
    if (run > 0) {
      if (n + run > max) throw corrupt("bz2", at, "block larger than its declared size");
      const b = alphabet[mtf[0]!]!;
      counts[b]! += run;
      tt.fill(b, n, n + run);
      n += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === endOfBlock) return n;
    if (sym > endOfBlock) throw corrupt("bz2", at, "symbol outside the alphabet");
    if (n >= max) throw corrupt("bz2", at, "block larger than its declared size");
    const index = mtf[sym - 1]!;
    mtf.copyWithin(1, 0, sym - 1);
    mtf[0] = index;
    const b = alphabet[index]!;
    counts[b]!++;
    tt[n++] = b;
  }
}

/**
 * Inverts the BWT (tt[i] gains the successor link in its upper 24 bits), then undoes the final
 * run-length stage while computing the block CRC. Yields the block's bytes in chunks and returns
 * the CRC.
 */
async function* emitBlock(block: Block, tt: Uint32Array): AsyncGenerator<Uint8Array, number> {
  linkSuccessors(block, tt);
  const output = new BlockOutput(block, tt);
  let crc = 0xffffffff;
  while (!output.done) {
    const chunk = output.fill(new Uint8Array(OUT_CHUNK));
    crc = bzip2Crc(crc, chunk);
    if (chunk.length > 0) yield chunk;
  }
  return ~crc >>> 0;
}

/**
 * Walks the BWT successor links and expands the runs: after four equal bytes the next byte is a
 * repeat count, not data. Synchronous and resumable, so the walk runs as a tight loop per chunk.
 */
class BlockOutput {
  /** BWT bytes still to walk. */
  private left: number;
  private pos: number;
  private last = -1;
  private same = 0;
  /** Repeats of `last` still owed from a count byte that did not fit in the previous chunk. */
  private owed = 0;

  constructor(block: Block, private readonly tt: Uint32Array) {
    this.left = block.length;
    this.pos = tt[block.origPtr]! >>> 8;
  }

  get done(): boolean {
    return this.left === 0 && this.owed === 0;
  }

  /** Fills `out` as far as the block goes and returns the filled part. */
  fill(out: Uint8Array): Uint8Array {
    const tt = this.tt;
    let o = 0;
    let { left, pos, last, same, owed } = this;
    for (;;) {
      if (owed > 0) {
        const n = Math.min(owed, out.length - o);
        out.fill(last, o, o + n);
        o += n;
        owed -= n;
      }
      if (o === out.length || left === 0) break;
      const entry = tt[pos]!;
      const b = entry & 0xff;
      pos = entry >>> 8;
      left--;
      if (same === 4) {
        owed = b;
        same = 0;
        continue;
      }
      out[o++] = b;
      if (b === last) same++;
      else {
        last = b;
        same = 1;
      }
    }
    Object.assign(this, { left, pos, last, same, owed });
    return out.subarray(0, o);
  }
}

/** For each position, the position of the byte that follows it in the original text. */
function linkSuccessors(block: Block, tt: Uint32Array): void {
  const next = new Int32Array(256);
  for (let i = 0, sum = 0; i < 256; i++) {
    next[i] = sum;
    sum += block.counts[i]!;
  }
  for (let i = 0; i < block.length; i++) {
    const b = tt[i]! & 0xff;
    tt[next[b]!]! |= i << 8;
    next[b]!++;
  }
}
