/**
 * gzip (RFC 1952): one or more members, each a header, raw deflate data and a CRC-32/size trailer.
 * The header and trailer are parsed here (node's gunzip would swallow trailing garbage or fail on it,
 * and hides where the stream ended); the deflate data goes through node:zlib.
 */
import type { SniffInput } from "../types.js";
import { crc32 } from "./crc.js";
import { corrupt } from "./errors.js";
import type { CompressionFormat, DecodeFacts } from "./format.js";
import type { ByteInput } from "./input.js";
import { inflate } from "./node-inflate.js";

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const RESERVED_FLAGS = 0xe0;
/** Longest stored file name or comment read; real ones are short, and the header must stay bounded. */
const MAX_HEADER_STRING = 64 * 1024;

export const gzipFormat: CompressionFormat = {
  id: "gzip",
  suffixes: [[".tgz", ".tar"], [".gzip", ""], [".gz", ""]],
  sniff,
  decode,
};

/** Magic 1f 8b, method 8 (deflate, the only one defined) and no reserved flag bits. */
function sniff({ head }: SniffInput): number {
  if (head.length < 4 || head[0] !== 0x1f || head[1] !== 0x8b) return 0;
  return head[2] === 8 && (head[3]! & RESERVED_FLAGS) === 0 ? 90 : 0;
}

async function* decode(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  let members = 0;
  do {
    const header = await readHeader(input);
    if (members === 0 && header.name !== undefined) facts.name = header.name;
    let crc = 0;
    let size = 0;
    for await (const chunk of inflate(input, "raw", "gzip")) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
    await checkTrailer(input, crc, size);
    members++;
    facts.members = members;
  } while (await startsAnotherMember(input));
}

interface MemberHeader {
  name?: string;
}

/** Reads a member header up to the deflate data, checking its optional header CRC. */
async function readHeader(input: ByteInput): Promise<MemberHeader> {
  const start = input.offset;
  const parts: Uint8Array[] = [];
  const take = async (n: number, what: string): Promise<Uint8Array> => {
    await input.require(n, what);
    const bytes = input.take(n);
    parts.push(bytes);
    return bytes;
  };
  const fixed = await take(10, "the gzip header");
  if (fixed[0] !== 0x1f || fixed[1] !== 0x8b) throw corrupt("gzip", start, "bad magic");
  if (fixed[2] !== 8) throw corrupt("gzip", start + 2, `compression method ${fixed[2]} is not deflate`);
  const flags = fixed[3]!;
  if (flags & RESERVED_FLAGS) throw corrupt("gzip", start + 3, "reserved header flags are set");
  if (flags & FEXTRA) {
    const len = await take(2, "the gzip extra field length");
    await take(len[0]! | (len[1]! << 8), "the gzip extra field");
  }
  const header: MemberHeader = {};
  if (flags & FNAME) header.name = latin1(await readZeroTerminated(input, parts, "the stored file name"));
  if (flags & FCOMMENT) await readZeroTerminated(input, parts, "the gzip comment");
  if (flags & FHCRC) {
    const expected = crc32(concat(parts)) & 0xffff;
    await input.require(2, "the gzip header CRC");
    const stored = input.take(2);
    if ((stored[0]! | (stored[1]! << 8)) !== expected) throw corrupt("gzip", input.offset - 2, "header CRC mismatch");
  }
  return header;
}

/** A NUL-terminated latin-1 string of the header (without the NUL), bounded in length. */
async function readZeroTerminated(input: ByteInput, parts: Uint8Array[], what: string): Promise<Uint8Array> {
  for (let want = 1; ; want = input.available + 1) {
    await input.require(want, what);
    const nul = input.buf.subarray(input.pos, Math.min(input.end, input.pos + MAX_HEADER_STRING + 1)).indexOf(0);
    if (nul >= 0) {
      const bytes = input.take(nul + 1);
      parts.push(bytes);
      return bytes.subarray(0, nul);
    }
    if (input.available > MAX_HEADER_STRING) throw corrupt("gzip", input.offset, `${what} is longer than ${MAX_HEADER_STRING} bytes`);
  }
}

/** The trailer holds the CRC-32 and the length (mod 2^32) of the member's decompressed bytes. */
async function checkTrailer(input: ByteInput, crc: number, size: number): Promise<void> {
  await input.require(8, "the gzip trailer");
  const at = input.offset;
  const t = input.take(8);
  const storedCrc = (t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24)) >>> 0;
  const storedSize = (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24)) >>> 0;
  if (storedCrc !== crc) throw corrupt("gzip", at, "CRC-32 of the decompressed data does not match the trailer");
  if (storedSize !== size % 2 ** 32) throw corrupt("gzip", at + 4, "decompressed length does not match the trailer");
}

/** Concatenated members are one gzip file (gzip -c a b > ab.gz); anything else after the trailer is not ours. */
async function startsAnotherMember(input: ByteInput): Promise<boolean> {
  await input.fill(2);
  return input.peek(0) === 0x1f && input.peek(1) === 0x8b;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
