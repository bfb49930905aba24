/**
 * Byte sources: the one way scanners read bytes. A source offers positioned reads (for formats with
 * a directory at the end, like zip) and a sequential stream (for formats read front to back, like
 * pickle). Neither ever loads a whole large file into memory.
 */
import { open, type FileHandle } from "node:fs/promises";

export const DEFAULT_CHUNK = 1 << 20; // 1 MiB: large enough for throughput, small enough for constant memory

export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Reads up to `length` bytes at `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Streams bytes from `start` (default 0) to `end` (default size), in chunks. */
  stream(start?: number, end?: number): AsyncIterable<Uint8Array>;
}

/** A file on disk, read through one file handle with positioned reads. */
export class FileSource implements ByteSource {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly chunkSize: number,
  ) {}

  static async open(path: string, chunkSize = DEFAULT_CHUNK): Promise<FileSource> {
    const fh = await open(path, "r");
    try {
      const st = await fh.stat();
      return new FileSource(fh, st.size, chunkSize);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.fh.read(buf, got, n - got, offset + got);
      if (bytesRead === 0) break; // file shrank underneath us: return what we have
      got += bytesRead;
    }
    return got === n ? buf : buf.subarray(0, got);
  }

  async *stream(start = 0, end = this.size): AsyncIterable<Uint8Array> {
    // Two buffers alternate so the next read is in flight while the caller works on the current one.
    let pos = start;
    let pending = pos < end ? this.read(pos, Math.min(this.chunkSize, end - pos)) : undefined;
    while (pending) {
      const chunk = await pending;
      pos += chunk.length;
      pending = chunk.length > 0 && pos < end ? this.read(pos, Math.min(this.chunkSize, end - pos)) : undefined;
      if (chunk.length > 0) yield chunk;
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** Bytes already in memory (small members, decompressed streams under a size cap, tests). */
export class BufferSource implements ByteSource {
  constructor(private readonly bytes: Uint8Array, private readonly chunkSize = DEFAULT_CHUNK) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.bytes.subarray(offset, Math.min(this.bytes.length, offset + length));
  }

  async *stream(start = 0, end = this.bytes.length): AsyncIterable<Uint8Array> {
    for (let p = start; p < end; p += this.chunkSize) yield this.bytes.subarray(p, Math.min(end, p + this.chunkSize));
  }
}

/** A window [start, start+size) of another source: stored zip members, tar members. */
export class SliceSource implements ByteSource {
  constructor(private readonly parent: ByteSource, private readonly start: number, readonly size: number) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.size - offset));
    return this.parent.read(this.start + offset, n);
  }

  stream(start = 0, end = this.size): AsyncIterable<Uint8Array> {
    return this.parent.stream(this.start + start, this.start + Math.min(end, this.size));
  }
}

/**
 * A source whose bytes only exist as a stream (a compressed member). Positioned reads restart the
 * stream, so they are only cheap near the start: sniffing reads the head, streaming scanners read the rest.
 */
export class StreamOnlySource implements ByteSource {
  constructor(readonly size: number, private readonly open: () => AsyncIterable<Uint8Array>) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    let pos = 0;
    let filled = 0;
    for await (const chunk of this.open()) {
      const from = Math.max(0, offset - pos);
      const to = Math.min(chunk.length, offset + out.length - pos);
      if (to > from) {
        out.set(chunk.subarray(from, to), filled);
        filled += to - from;
      }
      pos += chunk.length;
      if (filled >= out.length) break;
    }
    return filled === out.length ? out : out.subarray(0, filled);
  }

  async *stream(start = 0, end = this.size): AsyncIterable<Uint8Array> {
    let pos = 0;
    for await (const chunk of this.open()) {
      const from = Math.max(0, start - pos);
      const to = Math.min(chunk.length, end - pos);
      if (to > from) yield chunk.subarray(from, to);
      pos += chunk.length;
      if (pos >= end) break;
    }
  }
}
