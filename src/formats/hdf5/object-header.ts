/**
 * Object headers: the list of messages (attributes, links, datatype, dataspace...) that describe a
 * group or dataset. Version 1 (prefix + 8-byte aligned messages) and version 2 (`OHDR`, compact
 * message headers) are read, following continuation chunks with a visited set (a cycle of
 * continuations is an error, not a loop) and caps on chunks and bytes.
 */
import { Cursor, hdf5Error } from "./cursor.js";
import type { Hdf5File } from "./file.js";

/** Message types this reader uses (HDF5 spec, section IV.A.2). */
export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  link: 0x06,
  layout: 0x08,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
} as const;

/** Message flag: the message is stored in the shared-message table, not here. */
export const FLAG_SHARED = 0x02;

export interface Message {
  type: number;
  flags: number;
  data: Uint8Array;
  /** Absolute file offset of `data`. */
  offset: number;
}

export interface ObjectHeader {
  /** Relative address of the header. */
  address: number;
  version: 1 | 2;
  messages: Message[];
}

/** Chunks (the first one plus continuations) and message bytes read per object header at most. */
const MAX_CHUNKS = 1024;
const MAX_HEADER_BYTES = 16 << 20;

export async function readObjectHeader(file: Hdf5File, address: number): Promise<ObjectHeader> {
  const prefix = await file.upTo(address, 40);
  if (prefix.remaining >= 4 && Buffer.from(prefix.bytes.subarray(0, 4)).toString("latin1") === "OHDR") {
    return readV2(file, address, prefix);
  }
  return readV1(file, address, prefix);
}

/** Version 1: version, reserved, message count, reference count, chunk size, 4 bytes of padding. */
async function readV1(file: Hdf5File, address: number, c: Cursor): Promise<ObjectHeader> {
  const version = c.u8("object header version");
  if (version !== 1) throw hdf5Error("E_HDF5_OHDR", `object header version ${version} at address ${address} (expected 1 or OHDR)`, c.fileOffset);
  c.skip(1, "reserved");
  const count = c.u16("message count");
  c.skip(4, "reference count");
  const size = c.u32("object header size");
  const chunks = new ChunkWalker(file, false);
  const messages: Message[] = [];
  await chunks.walk(address + 16, size, messages, (cur, out) => readV1Messages(cur, out, count));
  return { address, version: 1, messages };
}

/** Version 1 messages: type u16, size u16, flags u8, 3 reserved bytes, data (sizes are multiples of 8). */
function readV1Messages(c: Cursor, out: Message[], count: number): void {
  while (c.remaining >= 8 && out.length < count) {
    const type = c.u16("message type");
    const size = c.u16("message size");
    const flags = c.u8("message flags");
    c.skip(3, "reserved");
    const offset = c.at;
    out.push({ type, flags, data: c.take(size, `message 0x${type.toString(16)}`), offset });
  }
}

/** Version 2: `OHDR`, version, flags, optional times and attribute phase limits, chunk size of 1-8 bytes. */
async function readV2(file: Hdf5File, address: number, c: Cursor): Promise<ObjectHeader> {
  c.skip(4, "signature");
  const version = c.u8("object header version");
  if (version !== 2) throw hdf5Error("E_HDF5_OHDR", `OHDR version ${version} (expected 2)`, c.at - 1);
  const flags = c.u8("object header flags");
  if (flags & 0x20) c.skip(16, "times");
  if (flags & 0x10) c.skip(4, "attribute phase change values");
  const size = c.uint(1 << (flags & 0x03), "chunk size") ?? 0;
  const creationOrder = (flags & 0x04) !== 0;
  const chunks = new ChunkWalker(file, true);
  const messages: Message[] = [];
  await chunks.walk(address + c.pos, size, messages, (cur, out) => readV2Messages(cur, out, creationOrder));
  return { address, version: 2, messages };
}

/** Version 2 messages: type u8, size u16, flags u8, optional creation order u16, data; a short tail is a gap. */
function readV2Messages(c: Cursor, out: Message[], creationOrder: boolean): void {
  const headerSize = creationOrder ? 6 : 4;
  while (c.remaining >= headerSize) {
    const type = c.u8("message type");
    const size = c.u16("message size");
    const flags = c.u8("message flags");
    if (creationOrder) c.skip(2, "creation order");
    const offset = c.at;
    out.push({ type, flags, data: c.take(size, `message 0x${type.toString(16)}`), offset });
  }
}

/** Reads the first chunk and every continuation chunk it leads to, breadth first. */
class ChunkWalker {
  private readonly seen = new Set<number>();
  private bytes = 0;

  /** @param framed version 2 headers: continuation chunks start with `OCHK` and end with a checksum */
  constructor(private readonly file: Hdf5File, private readonly framed: boolean) {}

  async walk(first: number, size: number, out: Message[], parse: (c: Cursor, out: Message[]) => void): Promise<void> {
    const queue: { address: number; length: number; continuation: boolean }[] = [{ address: first, length: size, continuation: false }];
    while (queue.length > 0) {
      const { address, length, continuation } = queue.shift()!;
      if (this.seen.has(address)) throw hdf5Error("E_HDF5_CYCLE", `object header continuation at ${address} is visited twice`, this.file.sb.offset + address);
      this.seen.add(address);
      if (this.seen.size > MAX_CHUNKS || (this.bytes += length) > MAX_HEADER_BYTES) {
        throw hdf5Error("E_HDF5_BLOCK", `an object header spans more than ${MAX_CHUNKS} chunks or ${MAX_HEADER_BYTES} bytes`, this.file.sb.offset + address);
      }
      const c = await this.file.block(address, length, "object header chunk");
      const from = out.length;
      parse(this.chunkBody(c, continuation), out);
      for (const m of out.slice(from)) if (m.type === MSG.continuation) queue.push({ ...this.continuation(m), continuation: true });
    }
  }

  /** Version 2 continuation chunks are framed by `OCHK` and a checksum; version 1 chunks are bare. */
  private chunkBody(c: Cursor, continuation: boolean): Cursor {
    if (!continuation || !this.framed) return c;
    c.signature("OCHK", "continuation chunk");
    return this.file.cursor(c.bytes.subarray(4, Math.max(4, c.bytes.length - 4)), c.fileOffset + 4);
  }

  private continuation(m: Message): { address: number; length: number } {
    const c = this.file.cursor(m.data, m.offset);
    const address = c.address("continuation address");
    const length = c.length("continuation length");
    if (address === undefined) throw hdf5Error("E_HDF5_OHDR", "a continuation message has no address", m.offset);
    return { address, length };
  }
}
