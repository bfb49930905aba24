/**
 * The .xz container (xz file format specification 1.x): streams of blocks, each block an LZMA2
 * payload with an integrity check, followed by an index of the blocks and a footer. Everything the
 * container states about itself is checked (header CRCs, sizes, index, footer), since a scanner must
 * not accept what xz itself would refuse.
 *
 * Only the LZMA2 filter is decoded; BCJ and delta filter chains fail as unsupported.
 */
import { createHash, type Hash } from "node:crypto";
import { Crc64, crc32 } from "../crc.js";
import { corrupt, unsupported } from "../errors.js";
import type { DecodeFacts } from "../format.js";
import type { ByteInput } from "../input.js";
import { decodeLzma2 } from "./lzma2.js";
import { OutWindow } from "./window.js";

export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const LZMA2_FILTER_ID = 0x21;
const CHECK_NAMES: Record<number, string> = { 0: "none", 1: "crc32", 4: "crc64", 10: "sha256" };
/** Check field size by check type (types without a defined algorithm still have a size). */
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];

interface IndexRecord {
  unpadded: number;
  uncompressed: number;
}

/** Decodes concatenated .xz streams with their padding; stops when what follows is not another stream. */
export async function* decodeXz(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  let streams = 0;
  do {
    yield* decodeStream(input, facts);
    facts.streams = ++streams;
    await skipStreamPadding(input);
  } while (await startsWith(input, XZ_MAGIC));
}

async function* decodeStream(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  const flags = await readStreamHeader(input);
  const check = flags[1]! & 0x0f;
  facts.check = CHECK_NAMES[check] ?? `type-${check}`;
  const records: IndexRecord[] = [];
  for (;;) {
    await input.require(1, "a block header or the index");
    if (input.peek() === 0) break;
    records.push(yield* decodeBlock(input, check));
  }
  const indexSize = await readIndex(input, records);
  await readStreamFooter(input, flags, indexSize);
}

/** The 12-byte stream header: magic, two flag bytes (the check type) and their CRC-32. Returns the flags. */
async function readStreamHeader(input: ByteInput): Promise<Uint8Array> {
  await input.require(12, "the xz stream header");
  const at = input.offset;
  const h = input.take(12);
  if (!XZ_MAGIC.every((b, i) => h[i] === b)) throw corrupt("xz", at, "bad stream header magic");
  const flags = h.subarray(6, 8);
  if (crc32(flags) !== u32(h, 8)) throw corrupt("xz", at + 8, "stream header CRC mismatch");
  if (flags[0] !== 0 || flags[1]! & 0xf0) throw unsupported("xz", at + 6, "reserved stream flags are set");
  return flags;
}

interface BlockHeader {
  size: number;
  compressedSize?: number;
  uncompressedSize?: number;
  dictSize: number;
}

/** One block: header, LZMA2 data, padding to 4 bytes, check. Returns its index record. */
async function* decodeBlock(input: ByteInput, check: number): AsyncGenerator<Uint8Array, IndexRecord> {
  const header = await readBlockHeader(input);
  const window = new OutWindow(header.dictSize, "xz");
  const checker = new BlockCheck(check);
  const start = input.offset;
  let uncompressed = 0;
  for await (const chunk of decodeLzma2(input, window)) {
    checker.update(chunk);
    uncompressed += chunk.length;
    yield chunk;
  }
  const compressed = input.offset - start;
  if (header.compressedSize !== undefined && header.compressedSize !== compressed) {
    throw corrupt("xz", start, `block holds ${compressed} compressed bytes, its header says ${header.compressedSize}`);
  }
  if (header.uncompressedSize !== undefined && header.uncompressedSize !== uncompressed) {
    throw corrupt("xz", start, `block decodes to ${uncompressed} bytes, its header says ${header.uncompressedSize}`);
  }
  await skipZeros(input, (4 - (compressed % 4)) % 4, "block padding");
  await checker.verify(input);
  return { unpadded: header.size + compressed + CHECK_SIZES[check]!, uncompressed };
}

async function readBlockHeader(input: ByteInput): Promise<BlockHeader> {
  const at = input.offset;
  const size = (input.peek() + 1) * 4;
  await input.require(size, "a block header");
  const h = input.take(size);
  if (crc32(h.subarray(0, size - 4)) !== u32(h, size - 4)) throw corrupt("xz", at, "block header CRC mismatch");
  const flags = h[1]!;
  if (flags & 0x3c) throw unsupported("xz", at + 1, "reserved block flags are set");
  const fields = new VliReader(h.subarray(0, size - 4), 2, at);
  const compressedSize = flags & 0x40 ? fields.next() : undefined;
  const uncompressedSize = flags & 0x80 ? fields.next() : undefined;
  const filters: { id: number; props: Uint8Array }[] = [];
  for (let i = 0; i <= (flags & 0x03); i++) {
    const id = fields.next();
    const propsSize = fields.next();
    filters.push({ id, props: fields.bytes(propsSize) });
  }
  if (!fields.restIsZero()) throw corrupt("xz", at, "block header padding is not zero");
  if (filters.length !== 1 || filters[0]!.id !== LZMA2_FILTER_ID) {
    throw unsupported("xz", at, `filter chain ${filters.map((f) => `0x${f.id.toString(16)}`).join(",")} (only LZMA2 alone is decoded)`);
  }
  return { size, dictSize: lzma2DictSize(filters[0]!.props, at), ...(compressedSize !== undefined ? { compressedSize } : {}), ...(uncompressedSize !== undefined ? { uncompressedSize } : {}) };
}

/** LZMA2's one property byte: the dictionary size as 2 or 3 times a power of two. */
function lzma2DictSize(props: Uint8Array, at: number): number {
  const bits = props[0] ?? 0xff;
  if (props.length !== 1 || bits > 40) throw corrupt("xz", at, "invalid LZMA2 filter properties");
  return bits === 40 ? 0xffffffff : (2 | (bits & 1)) * 2 ** ((bits >>> 1) + 11);
}

/** The integrity check after each block; check types without a known algorithm are skipped, as xz does. */
class BlockCheck {
  private crc = 0;
  private crc64?: Crc64;
  private sha?: Hash;

  constructor(private readonly type: number) {
    if (type === 4) this.crc64 = new Crc64();
    if (type === 10) this.sha = createHash("sha256");
  }

  update(chunk: Uint8Array): void {
    if (this.type === 1) this.crc = crc32(chunk, this.crc);
    this.crc64?.update(chunk);
    this.sha?.update(chunk);
  }

  async verify(input: ByteInput): Promise<void> {
    const size = CHECK_SIZES[this.type]!;
    await input.require(size, "the block check");
    const at = input.offset;
    const stored = input.take(size);
    const expected = this.expected();
    if (expected && !Buffer.from(stored).equals(Buffer.from(expected))) {
      throw corrupt("xz", at, `block ${CHECK_NAMES[this.type]} check does not match the decompressed data`);
    }
  }

  private expected(): Uint8Array | undefined {
    if (this.type === 1) {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, this.crc, true);
      return out;
    }
    return this.crc64?.value() ?? this.sha?.digest();
  }
}

/** The index: a record per block, which must agree with the blocks decoded. Returns its size in bytes. */
async function readIndex(input: ByteInput, records: IndexRecord[]): Promise<number> {
  const at = input.offset;
  const reader = new StreamedIndex(input);
  await reader.byte(); // the 0x00 indicator, already checked by the caller
  const count = await reader.vli();
  if (count !== records.length) throw corrupt("xz", at, `index lists ${count} blocks, the stream holds ${records.length}`);
  for (const [i, r] of records.entries()) {
    const unpadded = await reader.vli();
    const uncompressed = await reader.vli();
    if (unpadded !== r.unpadded || uncompressed !== r.uncompressed) throw corrupt("xz", at, `index record ${i} disagrees with block ${i}`);
  }
  while (reader.length % 4 !== 0) {
    if ((await reader.byte()) !== 0) throw corrupt("xz", input.offset - 1, "index padding is not zero");
  }
  const crc = reader.crc;
  await input.require(4, "the index CRC");
  if (u32(input.take(4), 0) !== crc) throw corrupt("xz", input.offset - 4, "index CRC mismatch");
  return reader.length + 4;
}

/** The 12-byte footer: CRC-32, backward size (the index size), the header's flags again, magic `YZ`. */
async function readStreamFooter(input: ByteInput, flags: Uint8Array, indexSize: number): Promise<void> {
  await input.require(12, "the xz stream footer");
  const at = input.offset;
  const f = input.take(12);
  if (!FOOTER_MAGIC.every((b, i) => f[10 + i] === b)) throw corrupt("xz", at + 10, "bad stream footer magic");
  if (crc32(f.subarray(4, 10)) !== u32(f, 0)) throw corrupt("xz", at, "stream footer CRC mismatch");
  if ((u32(f, 4) + 1) * 4 !== indexSize) throw corrupt("xz", at + 4, "footer backward size does not match the index");
  if (f[8] !== flags[0] || f[9] !== flags[1]) throw corrupt("xz", at + 8, "footer flags differ from the header's");
}

/** Stream padding: zero bytes in groups of four between and after streams. */
async function skipStreamPadding(input: ByteInput): Promise<void> {
  while ((await input.fill(4)) && input.peek(0) === 0 && input.peek(1) === 0 && input.peek(2) === 0 && input.peek(3) === 0) input.take(4);
}

async function skipZeros(input: ByteInput, n: number, what: string): Promise<void> {
  await input.require(n, what);
  const at = input.offset;
  if (input.take(n).some((b) => b !== 0)) throw corrupt("xz", at, `${what} is not zero`);
}

async function startsWith(input: ByteInput, magic: number[]): Promise<boolean> {
  await input.fill(magic.length);
  return magic.every((b, i) => input.peek(i) === b);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Multibyte integers (7 bits a byte, low first, at most 9 bytes) inside a buffered header. */
class VliReader {
  constructor(private readonly b: Uint8Array, private pos: number, private readonly at: number) {}

  next(): number {
    let value = 0;
    for (let i = 0; i < 9; i++) {
      if (this.pos >= this.b.length) throw corrupt("xz", this.at, "block header field runs past the header");
      const byte = this.b[this.pos++]!;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (!(byte & 0x80)) {
        if (byte === 0 && i > 0) throw corrupt("xz", this.at, "non-minimal integer encoding");
        if (value > Number.MAX_SAFE_INTEGER) throw unsupported("xz", this.at, "a size above 2^53");
        return value;
      }
    }
    throw corrupt("xz", this.at, "integer longer than 9 bytes");
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw corrupt("xz", this.at, "filter properties run past the header");
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  restIsZero(): boolean {
    return this.b.subarray(this.pos).every((x) => x === 0);
  }
}

/** Reads the index byte by byte from the input, keeping its length and running CRC-32. */
class StreamedIndex {
  length = 0;
  crc = 0;
  private readonly one = new Uint8Array(1);

  constructor(private readonly input: ByteInput) {}

  async byte(): Promise<number> {
    await this.input.require(1, "the xz index");
    const b = this.input.byte();
    this.one[0] = b;
    this.crc = crc32(this.one, this.crc);
    this.length++;
    return b;
  }

  async vli(): Promise<number> {
    let value = 0;
    for (let i = 0; i < 9; i++) {
      const byte = await this.byte();
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (!(byte & 0x80)) {
        if (byte === 0 && i > 0) throw corrupt("xz", this.input.offset - 1, "non-minimal integer encoding in the index");
        return value;
      }
    }
    throw corrupt("xz", this.input.offset, "index integer longer than 9 bytes");
  }
}
