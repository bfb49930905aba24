/**
 * Front-to-back reading of a source's single stream: the header is taken in exact byte counts, and
 * what follows is handed on (as one continuing stream) or counted, without a second read.
 */
export class StreamCursor {
  private readonly it: AsyncIterator<Uint8Array>;
  /** Bytes pulled from the stream but not yet taken. */
  private pending: Uint8Array = new Uint8Array(0);
  /** Bytes taken so far: the offset of the next byte. */
  offset = 0;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** The next `n` bytes, or fewer when the stream ends first. */
  async take(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < n) {
      if (this.pending.length === 0) {
        const r = await this.it.next();
        if (r.done) break;
        this.pending = r.value;
        continue;
      }
      const part = this.pending.subarray(0, n - got);
      this.pending = this.pending.subarray(part.length);
      parts.push(part);
      got += part.length;
    }
    this.offset += got;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Everything not yet taken, as a stream continuing the same read. */
  async *rest(): AsyncGenerator<Uint8Array> {
    if (this.pending.length > 0) {
      const first = this.pending;
      this.pending = new Uint8Array(0);
      this.offset += first.length;
      yield first;
    }
    for (;;) {
      const r = await this.it.next();
      if (r.done) return;
      this.offset += r.value.length;
      yield r.value;
    }
  }

  /** Reads to the end and returns how many bytes were left. */
  async countRest(): Promise<number> {
    const start = this.offset;
    for await (const _ of this.rest());
    return this.offset - start;
  }
}
