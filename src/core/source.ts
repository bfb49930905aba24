/**
 * Byte sources: the one way scanners read bytes. A source offers positioned reads (for formats with
 * a directory at the end, like zip) and a sequential stream (for formats read front to back, like
 * pickle). Neither ever loads a whole large file into memory.
 */
import { open, type FileHandle } from "node:fs/promises";

export const DEFAULT_CHUNK = 1 << 20; // 1 MiB: large enough for throughput, small enough for constant memory

export interface ByteSource {
  /**
   * Total length in bytes. When `sizeKnown` is false (a decompressed stream not yet read to its end),
   * this is only an upper bound (`Number.MAX_SAFE_INTEGER`): read the stream to learn the length.
   */
  readonly size: number;
  /** False while `size` is an upper bound rather than the length. Absent means known. */
  readonly sizeKnown?: boolean;
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

/** Bytes a OnePassSource keeps from the start of its live pass, to answer sniffing reads. */
export const ONE_PASS_HEAD_LIMIT = 1 << 20;

/**
 * A source whose bytes are produced once, front to back: a decompressor's output, or the rest of a
 * file that a stream handler is already reading. Unlike StreamOnlySource it does not restart for the
 * first pass: reads near the start (sniffing) are served from a head cache filled from the live
 * iterator, and the first `stream()` continues that same iterator, so the underlying bytes are
 * produced (and the underlying file read and hashed) once. Only a second `stream()`, or a read beyond
 * the cached head, replays the bytes through `replay`.
 *
 * The size may be unknown up front (a compressed stream does not say how far it expands): then
 * `sizeKnown` is false and `size` is an upper bound until the live pass has ended.
 *
 * The owner calls `drain()` after handing the source on, to finish the live pass whatever the
 * consumer read: it keeps the single read of the underlying file complete.
 */
export class OnePassSource implements ByteSource {
  private readonly live: AsyncIterator<Uint8Array>;
  /** Chunks pulled from the live iterator by `read()` before streaming began, in order. */
  private readonly head: Uint8Array[] = [];
  private headBytes = 0;
  /** Bytes pulled from the live iterator so far (head included). */
  private produced = 0;
  private liveDone = false;
  /** Set once `stream()` or `drain()` has taken over the live iterator: the head cache stops growing. */
  private liveTaken = false;

  constructor(
    private readonly knownSize: number | undefined,
    live: AsyncIterable<Uint8Array>,
    private readonly replay: () => AsyncIterable<Uint8Array>,
  ) {
    this.live = live[Symbol.asyncIterator]();
  }

  get size(): number {
    if (this.knownSize !== undefined) return this.knownSize;
    return this.liveDone ? this.produced : Number.MAX_SAFE_INTEGER;
  }

  get sizeKnown(): boolean {
    return this.knownSize !== undefined || this.liveDone;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(length, this.size - offset));
    const end = offset + want;
    if (!this.liveTaken && end <= ONE_PASS_HEAD_LIMIT) await this.growHead(end);
    if (end <= this.headBytes || (this.liveDone && this.headBytes === this.produced)) return this.fromHead(offset, end);
    return new StreamOnlySource(Number.MAX_SAFE_INTEGER, this.replay).read(offset, want);
  }

  async *stream(start = 0, end = this.size): AsyncIterable<Uint8Array> {
    if (this.liveTaken) {
      yield* new StreamOnlySource(Number.MAX_SAFE_INTEGER, this.replay).stream(start, end);
      return;
    }
    this.liveTaken = true;
    let pos = 0;
    for (const chunk of this.head) {
      yield* window(chunk, pos, start, end);
      pos += chunk.length;
    }
    while (pos < end) {
      const chunk = await this.pullLive();
      if (!chunk) return;
      yield* window(chunk, pos, start, end);
      pos += chunk.length;
    }
  }

  /** Finishes the live pass (discarding what nobody read) and returns the total length. */
  async drain(): Promise<number> {
    this.liveTaken = true;
    while (await this.pullLive());
    return this.produced;
  }

  private async growHead(end: number): Promise<void> {
    while (this.headBytes < end) {
      const chunk = await this.pullLive();
      if (!chunk) return;
      this.head.push(chunk);
      this.headBytes += chunk.length;
    }
  }

  private async pullLive(): Promise<Uint8Array | undefined> {
    if (this.liveDone) return undefined;
    const r = await this.live.next();
    if (r.done) {
      this.liveDone = true;
      return undefined;
    }
    this.produced += r.value.length;
    return r.value;
  }

  private fromHead(offset: number, end: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(end, this.headBytes) - offset));
    let pos = 0;
    for (const chunk of this.head) {
      const from = Math.max(0, offset - pos);
      const to = Math.min(chunk.length, end - pos);
      if (to > from) out.set(chunk.subarray(from, to), pos + from - offset);
      pos += chunk.length;
      if (pos >= end) break;
    }
    return out;
  }
}

/** The part of `chunk` (which starts at `pos`) inside [start, end), as zero or one chunk. */
function* window(chunk: Uint8Array, pos: number, start: number, end: number): Iterable<Uint8Array> {
  const from = Math.max(0, start - pos);
  const to = Math.min(chunk.length, end - pos);
  if (to > from) yield chunk.subarray(from, to);
}
