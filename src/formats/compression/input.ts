/**
 * ByteInput: the compressed side of a decoder. It pulls chunks from an async iterable and offers
 * synchronous byte reads over what it has buffered, so a decoder's inner loops stay synchronous:
 * a decoder awaits `fill(n)` before a unit it knows is at most n bytes long, then decodes it with
 * `byte()` calls. Offsets are absolute positions in the compressed stream, for error messages.
 */
import { VouchError } from "../../core/errors.js";
import { corrupt, truncated } from "./errors.js";

const EMPTY = new Uint8Array(0);
/** Smallest buffer allocated when chunks are merged. */
const MIN_CAPACITY = 64 * 1024;

/** What follows a compressed stream, summarised for a report. */
export interface RestOfInput {
  length: number;
  /** Absolute offset of the first non-zero byte, -1 when all are zero (padding). */
  firstNonZero: number;
  /** The first (up to 16) bytes, as evidence. */
  head: Uint8Array;
}

export class ByteInput {
  /** Buffered bytes; the unread ones are buf[pos, end). Bytes before `end` are never overwritten. */
  buf: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  /** Absolute offset of buf[0]. */
  private base = 0;
  /** True when buf was allocated here (so the space after `end` is free), false for a source chunk. */
  private owned = false;
  private eof = false;
  private readonly it: AsyncIterator<Uint8Array>;

  /** `format` names the stream in error messages. */
  constructor(source: AsyncIterable<Uint8Array>, readonly format: string) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Absolute offset of the next unread byte: how many compressed bytes the decoder has consumed. */
  get offset(): number {
    return this.base + this.pos;
  }

  get available(): number {
    return this.end - this.pos;
  }

  /** True once the source has ended and every byte has been read. */
  get atEnd(): boolean {
    return this.eof && this.pos >= this.end;
  }

  /** Pulls chunks until at least `min` bytes are buffered or the source ends; true if `min` are there. */
  async fill(min: number): Promise<boolean> {
    while (this.available < min && !this.eof) {
      const r = await this.it.next();
      if (r.done) this.eof = true;
      else if (r.value.length > 0) this.append(r.value);
    }
    return this.available >= min;
  }

  /** Like `fill`, but a short stream is an error: the format needs `n` more bytes for `what`. */
  async require(n: number, what: string): Promise<void> {
    if (!(await this.fill(n))) throw truncated(this.format, this.base + this.end, what);
  }

  /** The next byte. Decoders call it only after `fill`, so running dry means the unit was too long. */
  byte(): number {
    if (this.pos >= this.end) throw this.exhausted();
    return this.buf[this.pos++]!;
  }

  /** The next `n` buffered bytes (n <= available), without copying. */
  take(n: number): Uint8Array {
    if (n > this.available) throw this.exhausted();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The byte at `ahead` bytes past the read position, or -1 when not buffered. */
  peek(ahead = 0): number {
    return this.pos + ahead < this.end ? this.buf[this.pos + ahead]! : -1;
  }

  /** Up to `max` bytes: what is buffered, or the next chunk when nothing is. Empty at the end. */
  async slice(max: number): Promise<Uint8Array> {
    if (this.available === 0) await this.fill(1);
    return this.take(Math.min(max, this.available));
  }

  /** Gives back the last `n` bytes taken, when a decoder learns its stream ended before them. */
  unread(n: number): void {
    if (n > this.pos) throw new Error(`ByteInput.unread(${n}) beyond the buffered bytes`);
    this.pos -= n;
  }

  /**
   * Reads everything left (bytes after the compressed stream), keeping only what a report needs:
   * how many there are, where the first non-zero byte is, and the first few bytes as evidence.
   */
  async rest(): Promise<RestOfInput> {
    const start = this.offset;
    const head: number[] = [];
    let firstNonZero = -1;
    for (;;) {
      if (this.available === 0 && !(await this.fill(1))) break;
      const chunk = this.take(this.available);
      for (let i = 0; i < chunk.length && head.length < 16; i++) head.push(chunk[i]!);
      if (firstNonZero < 0) {
        const i = chunk.findIndex((b) => b !== 0);
        if (i >= 0) firstNonZero = this.offset - chunk.length + i;
      }
    }
    return { length: this.offset - start, firstNonZero, head: Uint8Array.from(head) };
  }

  /** The error for reading past the buffer: truncation at the end of the source, corruption before. */
  exhausted(): VouchError {
    const at = this.base + this.end;
    return this.eof ? truncated(this.format, at) : corrupt(this.format, at, "a unit is longer than its format allows");
  }

  /**
   * Adds a chunk behind the unread bytes. Bytes already buffered are never overwritten (callers may
   * hold views of them), so a chunk goes either into free space after `end` of a buffer this class
   * allocated, or into a new buffer with room to spare: copying stays linear however small the chunks.
   */
  private append(chunk: Uint8Array): void {
    const unread = this.end - this.pos;
    if (unread === 0) {
      this.base += this.end;
      // A plain Uint8Array view, never a Buffer subclass: one element type keeps the decoders' loads monomorphic.
      this.buf = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
      this.owned = false;
      this.pos = 0;
      this.end = chunk.length;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    const merged = new Uint8Array(Math.max(2 * (unread + chunk.length), MIN_CAPACITY));
    merged.set(this.buf.subarray(this.pos, this.end), 0);
    merged.set(chunk, unread);
    this.base += this.pos;
    this.buf = merged;
    this.owned = true;
    this.pos = 0;
    this.end = unread + chunk.length;
  }
}
