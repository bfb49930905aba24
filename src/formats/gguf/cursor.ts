/**
 * Reads a GGUF header front to back with positioned reads in bounded chunks. Every length the file
 * states is checked against the bytes left before anything is read or allocated, so a string length
 * of 2^63 is an error, not an allocation. Skipping (values nobody needs) only moves the position.
 */
import { malformed } from "../../core/errors.js";
import type { ByteSource } from "../../core/source.js";

/** Bytes fetched per refill: enough for many small fields, small enough that memory stays flat. */
export const CHUNK = 1 << 20;

export class Cursor {
  pos = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private bufStart = 0;

  constructor(private readonly source: ByteSource, readonly size: number, public littleEndian = true) {}

  /** Bytes between the position and the end of the file. */
  remaining(): number {
    return Math.max(0, this.size - this.pos);
  }

  async u8(): Promise<number> {
    await this.ensure(1);
    return this.buf[this.advance(1)];
  }

  async u32(): Promise<number> {
    await this.ensure(4);
    return this.view.getUint32(this.advance(4), this.littleEndian);
  }

  async u64(): Promise<bigint> {
    await this.ensure(8);
    return this.view.getBigUint64(this.advance(8), this.littleEndian);
  }

  /**
   * A length or count field (uint32, or uint64 when `wide`) as a number. Values past 2^53 lose
   * precision, which does not matter: no file is that large, so callers reject them as too long.
   * Synchronous when the bytes are buffered (the common case in long arrays of strings).
   */
  lengthSync(wide: boolean): number | undefined {
    const n = wide ? 8 : 4;
    if (this.pos < this.bufStart || this.pos + n > this.bufStart + this.buf.length) return undefined;
    const at = this.advance(n);
    if (!wide) return this.view.getUint32(at, this.littleEndian);
    const lo = this.view.getUint32(at + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.view.getUint32(at + (this.littleEndian ? 4 : 0), this.littleEndian);
    return hi * 0x1_0000_0000 + lo;
  }

  async length(wide: boolean): Promise<number> {
    const v = this.lengthSync(wide);
    if (v !== undefined) return v;
    await this.ensure(wide ? 8 : 4);
    return this.lengthSync(wide) as number;
  }

  /** Reads a fixed-size scalar of `size` bytes as a number (integers past 2^53 lose precision; they are only reported). */
  async scalar(kind: "u" | "i" | "f" | "bool", size: number): Promise<number | bigint | boolean> {
    await this.ensure(size);
    const at = this.advance(size);
    const v = this.view;
    const le = this.littleEndian;
    if (kind === "bool") return v.getUint8(at) !== 0;
    if (kind === "f") return size === 4 ? v.getFloat32(at, le) : v.getFloat64(at, le);
    if (size === 1) return kind === "u" ? v.getUint8(at) : v.getInt8(at);
    if (size === 2) return kind === "u" ? v.getUint16(at, le) : v.getInt16(at, le);
    if (size === 4) return kind === "u" ? v.getUint32(at, le) : v.getInt32(at, le);
    return kind === "u" ? v.getBigUint64(at, le) : v.getBigInt64(at, le);
  }

  /** Reads `n` bytes; the caller has checked `n` against `remaining()` (so the allocation is bounded by the file). */
  async bytes(n: number): Promise<Uint8Array> {
    this.need(n);
    if (n > CHUNK) {
      const out = await this.source.read(this.pos, n);
      if (out.length < n) throw truncated(this.pos + out.length);
      this.pos += n;
      return out;
    }
    await this.ensure(n);
    const at = this.advance(n);
    return this.buf.slice(at, at + n);
  }

  /** Moves past `n` bytes without reading them. */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Throws unless `n` bytes remain: the check every stated length goes through before use. */
  need(n: number, what = "data"): void {
    if (n > this.remaining()) {
      throw malformed("E_GGUF_TRUNCATED", `The ${what} needs ${n} bytes but only ${this.remaining()} remain`, this.pos,
        "The file is truncated or a length field is corrupt; re-download it");
    }
  }

  private advance(n: number): number {
    const at = this.pos - this.bufStart;
    this.pos += n;
    return at;
  }

  private async ensure(n: number): Promise<void> {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    this.need(n);
    const chunk = await this.source.read(this.pos, Math.max(n, Math.min(CHUNK, this.size - this.pos)));
    if (chunk.length < n) throw truncated(this.pos + chunk.length);
    this.buf = chunk;
    this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.bufStart = this.pos;
  }
}

function truncated(offset: number) {
  return malformed("E_GGUF_TRUNCATED", "The file ends inside its header", offset, "The file is truncated; re-download it");
}
