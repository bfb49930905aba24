/**
 * An open HDF5 file: where its superblock is, how wide its addresses are, and bounded positioned reads
 * of the structures the superblock leads to. Nothing is read that a caller did not ask for by address,
 * so the cost of a scan depends on the metadata visited, never on the size of the datasets.
 */
import type { ByteSource } from "../../core/source.js";
import { Cursor, hdf5Error } from "./cursor.js";

export const HDF5_SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/** The superblock fields the reader needs. */
export interface Superblock {
  /** File offset of the signature: 0, or the size of a user block (512, 1024, 2048, ...). Addresses are relative to it. */
  offset: number;
  /** Superblock version (0 and 1 from the 1.6-compatible layout, 2 and 3 from libver >= 1.8). */
  version: number;
  offsetSize: number;
  lengthSize: number;
  /**
   * Absolute file offset where the writer says the HDF5 data ends; undefined when unset. libhdf5 stores
   * it including the user block, and adjusts it when the base address differs from the superblock's
   * position (a file whose user block was added or removed after writing).
   */
  end?: number;
  /** Address of the root group's object header. */
  rootHeader: number;
}

/** Largest single metadata block read (object header chunk, B-tree node, local heap); HDF5 writers stay far below. */
export const MAX_BLOCK = 1 << 20;

/** True when `head` holds the HDF5 signature at offset 0 or at a user-block offset (512, 1024, 2048...). */
export function hasSignatureIn(head: Uint8Array): boolean {
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    if (signatureAt(head, at)) return true;
  }
  return false;
}

function signatureAt(b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 8; i++) if (b[at + i] !== HDF5_SIGNATURE[i]) return false;
  return true;
}

export class Hdf5File {
  private constructor(private readonly source: ByteSource, readonly sb: Superblock) {}

  /** Finds and parses the superblock: at 0, then at every power of two from 512 below the file size (as libhdf5 searches). */
  static async open(source: ByteSource): Promise<Hdf5File> {
    for (let at = 0; at + 8 <= source.size; at = at === 0 ? 512 : at * 2) {
      if (signatureAt(await source.read(at, 8), 0)) return new Hdf5File(source, await readSuperblock(source, at));
    }
    throw hdf5Error("E_HDF5_SIGNATURE", "no superblock signature at offset 0 or at any user-block offset", 0);
  }

  get size(): number {
    return this.source.size;
  }

  /**
   * A cursor over `length` bytes at relative address `address`. Fails (as truncation) when the file ends
   * first; `length` above MAX_BLOCK is refused before anything is allocated.
   */
  async block(address: number, length: number, what: string): Promise<Cursor> {
    const abs = this.sb.offset + address;
    if (length > MAX_BLOCK) throw hdf5Error("E_HDF5_BLOCK", `${what} claims ${length} bytes, over the ${MAX_BLOCK}-byte limit for metadata`, abs);
    if (abs + length > this.source.size) {
      throw hdf5Error("E_HDF5_TRUNCATED", `${what} at ${abs} needs ${length} bytes but the file ends at ${this.source.size}`, abs);
    }
    return this.cursor(await this.source.read(abs, length), abs);
  }

  /** Like `block`, but returns what exists when the file ends early (for headers whose length is read from them). */
  async upTo(address: number, length: number): Promise<Cursor> {
    const abs = this.sb.offset + address;
    return this.cursor(await this.source.read(abs, Math.min(length, MAX_BLOCK)), abs);
  }

  /** Raw bytes for a value (a string attribute), bounded by the caller's cap. */
  async bytes(address: number, length: number, what: string): Promise<Uint8Array> {
    const abs = this.sb.offset + address;
    if (abs + length > this.source.size) {
      throw hdf5Error("E_HDF5_TRUNCATED", `${what} at ${abs} needs ${length} bytes but the file ends at ${this.source.size}`, abs);
    }
    return this.source.read(abs, length);
  }

  cursor(bytes: Uint8Array, fileOffset: number): Cursor {
    return new Cursor(bytes, fileOffset, this.sb.offsetSize, this.sb.lengthSize);
  }
}

async function readSuperblock(source: ByteSource, at: number): Promise<Superblock> {
  const c = new Cursor(await source.read(at, 256), at);
  c.skip(8, "signature");
  const version = c.u8("superblock version");
  return version <= 1 ? readV0(c, at, version) : version <= 3 ? readV2(c, at, version) : unsupported(version, at);
}

/** Versions 0 and 1: sizes, B-tree K values, four addresses, then the root group's symbol table entry. */
function readV0(c: Cursor, at: number, version: number): Superblock {
  c.skip(4, "free-space, root-table and shared-header versions");
  const offsetSize = checkedSize(c.u8("size of offsets"), c.at - 1);
  const lengthSize = checkedSize(c.u8("size of lengths"), c.at - 1);
  c.skip(1 + 4 + 4, "group K values and flags");
  if (version === 1) c.skip(4, "indexed storage K");
  const s = new Cursor(c.bytes.subarray(c.pos), c.at, offsetSize, lengthSize);
  const base = s.address("base address");
  s.address("free-space address");
  const eofAddress = s.address("end-of-file address");
  s.address("driver information address");
  s.address("root link name offset");
  const rootHeader = s.address("root object header address");
  if (rootHeader === undefined) throw hdf5Error("E_HDF5_ROOT", "the superblock has no root group", s.at);
  return { offset: at, version, offsetSize, lengthSize, rootHeader, ...end(eofAddress, base, at) };
}

/** Versions 2 and 3: sizes, flags, base, extension, end-of-file and root object header addresses, checksum. */
function readV2(c: Cursor, at: number, version: number): Superblock {
  const offsetSize = checkedSize(c.u8("size of offsets"), c.at - 1);
  const lengthSize = checkedSize(c.u8("size of lengths"), c.at - 1);
  c.skip(1, "file consistency flags");
  const s = new Cursor(c.bytes.subarray(c.pos), c.at, offsetSize, lengthSize);
  const base = s.address("base address");
  s.address("superblock extension address");
  const eofAddress = s.address("end-of-file address");
  const rootHeader = s.address("root object header address");
  if (rootHeader === undefined) throw hdf5Error("E_HDF5_ROOT", "the superblock has no root group", s.at);
  return { offset: at, version, offsetSize, lengthSize, rootHeader, ...end(eofAddress, base, at) };
}

/** The recorded end as libhdf5 checks it (H5F__super_read): the stored EOF less any move of the base address. */
function end(eofAddress: number | undefined, base: number | undefined, at: number): { end?: number } {
  return eofAddress === undefined ? {} : { end: eofAddress - ((base ?? at) - at) };
}

function checkedSize(n: number, offset: number): number {
  if (n !== 2 && n !== 4 && n !== 8) throw hdf5Error("E_HDF5_SIZES", `address or length size ${n} (expected 2, 4 or 8)`, offset);
  return n;
}

function unsupported(version: number, at: number): never {
  throw hdf5Error("E_HDF5_VERSION", `superblock version ${version} is unknown (0 to 3 exist)`, at + 8);
}
