/**
 * Little-endian reads over one block of HDF5 metadata (an object header chunk, a heap, a B-tree node),
 * each checked against the block's end. Errors carry the file offset of the byte that was missing, so
 * a report points into the file rather than into a buffer.
 */
import { VouchError } from "../../core/errors.js";

export class Cursor {
  pos = 0;
  private readonly view: DataView;

  /**
   * @param bytes the block
   * @param fileOffset absolute file offset of `bytes[0]`, for error messages
   * @param offsetSize bytes per file address ("size of offsets" in the superblock)
   * @param lengthSize bytes per length field ("size of lengths")
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly fileOffset: number,
    readonly offsetSize = 8,
    readonly lengthSize = 8,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Absolute file offset of the current position. */
  get at(): number {
    return this.fileOffset + this.pos;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw hdf5Error("E_HDF5_TRUNCATED", `${what} needs ${n} bytes, the structure has ${Math.max(0, this.remaining)} left`, this.at);
    }
  }

  skip(n: number, what = "field"): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what = "byte"): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  u16(what = "u16"): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what = "u32"): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An unsigned integer of `size` bytes (1..8) as a number; undefined when all bits are set (HDF5's "undefined address"). */
  uint(size: number, what: string): number | undefined {
    this.need(size, what);
    let v = 0n;
    let allOnes = true;
    for (let i = size - 1; i >= 0; i--) {
      const b = this.bytes[this.pos + i];
      if (b !== 0xff) allOnes = false;
      v = (v << 8n) | BigInt(b);
    }
    const at = this.at;
    this.pos += size;
    if (allOnes) return undefined;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw hdf5Error("E_HDF5_RANGE", `${what} ${v} is beyond any real file`, at);
    return Number(v);
  }

  /** A file address (relative to the base address); undefined for the undefined address. */
  address(what = "address"): number | undefined {
    return this.uint(this.offsetSize, what);
  }

  /** A length field; an all-ones length is as impossible as any other over-large one. */
  length(what = "length"): number {
    const at = this.at;
    const v = this.uint(this.lengthSize, what);
    if (v === undefined) throw hdf5Error("E_HDF5_RANGE", `${what} is all ones`, at);
    return v;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Checks a 4-byte ASCII signature (`OHDR`, `TREE`, `SNOD`, `GCOL`...). */
  signature(sig: string, what: string): void {
    const at = this.at;
    const got = Buffer.from(this.take(4, what)).toString("latin1");
    if (got !== sig) throw hdf5Error("E_HDF5_SIGNATURE", `${what}: expected signature ${sig}, found ${JSON.stringify(got)}`, at);
  }
}

/** An HDF5 structure error with a stable code, its file offset and what to do about it. */
export function hdf5Error(code: string, message: string, offset?: number): VouchError {
  return new VouchError(code, `HDF5: ${message}`, {
    offset,
    hint: "The file is truncated or damaged; h5py and Keras would fail to read it at this point",
  });
}
