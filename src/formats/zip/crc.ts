/**
 * CRC-32 of a member computed on the bytes its scanner reads anyway, so verifying it costs no extra
 * read: the source wrapper feeds every byte range that continues the checked prefix into a running CRC.
 */
import { crc32 } from "node:zlib";
import type { ByteSource } from "../../core/source.js";

export class CrcTrackingSource implements ByteSource {
  private crc = 0;
  /** Length of the prefix [0, checked) already folded into `crc`. */
  private checked = 0;
  /** Where the content really ended, when a read or stream met its end before `size` (a short deflate stream). */
  private contentEnd: number | undefined;

  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length);
    this.feed(offset, bytes);
    if (bytes.length < Math.min(length, this.size - offset)) this.contentEnd = offset + bytes.length;
    return bytes;
  }

  async *stream(start = 0, end = this.size): AsyncIterable<Uint8Array> {
    let pos = start;
    for await (const chunk of this.inner.stream(start, end)) {
      this.feed(pos, chunk);
      pos += chunk.length;
      yield chunk;
    }
    // Reached only when the consumer read to the end (breaking out of the loop skips this).
    if (end >= this.size && pos < this.size) this.contentEnd = pos;
  }

  /** The CRC-32 of the whole content, or undefined when the scanner did not read all of it. */
  result(): number | undefined {
    const end = this.contentEnd ?? this.size;
    return this.checked >= end ? this.crc : undefined;
  }

  /** Folds the part of [at, at + bytes.length) that extends the checked prefix into the CRC. */
  private feed(at: number, bytes: Uint8Array): void {
    if (at > this.checked || at + bytes.length <= this.checked) return;
    this.crc = crc32(bytes.subarray(this.checked - at), this.crc);
    this.checked = at + bytes.length;
  }
}
