/**
 * The LZMA dictionary: the last `dictSize` decoded bytes, which matches copy from. It doubles as the
 * output buffer: decoded bytes are handed out in chunks before the window wraps over them. The buffer
 * grows with the output up to the dictionary size (capped), so a header that claims a 1.5 GiB
 * dictionary costs memory only when that much is actually decoded.
 */
import { unsupported } from "../errors.js";

/** Largest window allocated. xz -9 and Python's presets use at most 64 MiB. */
export const MAX_WINDOW = 256 * 1024 * 1024;
/** Decoded bytes are handed out in chunks of about this size. */
export const OUT_CHUNK = 64 * 1024;
const INITIAL_WINDOW = 1 << 20;

export class OutWindow {
  private buf: Uint8Array;
  /** Write position in buf. */
  private pos = 0;
  /** Start of the bytes not yet handed out (buf[flushed, pos)). */
  private flushed = 0;
  /** True once the buffer has wrapped: every byte of it is history. */
  private full = false;
  /** Bytes decoded since the last reset (LZMA's position for literal and position-state contexts). */
  total = 0;
  /** Decoded chunks ready to be yielded. */
  readonly ready: Uint8Array[] = [];
  private readonly limit: number;

  constructor(readonly dictSize: number, private readonly format: string) {
    this.limit = Math.min(Math.max(dictSize, 4096), MAX_WINDOW);
    this.buf = new Uint8Array(Math.min(this.limit, INITIAL_WINDOW));
  }

  /** Forgets the history (LZMA2 dictionary reset); bytes not yet handed out are handed out first. */
  reset(): void {
    this.flush();
    this.pos = 0;
    this.flushed = 0;
    this.full = false;
    this.total = 0;
  }

  get isEmpty(): boolean {
    return this.total === 0;
  }

  putByte(b: number): void {
    this.buf[this.pos++] = b;
    this.total++;
    if (this.pos === this.buf.length) this.wrapOrGrow();
    else if (this.pos - this.flushed >= OUT_CHUNK) this.flush();
  }

  /** The byte `dist` positions back (1 = the last one). The caller checks `hasDistance` first. */
  getByte(dist: number): number {
    const i = this.pos - dist;
    return this.buf[i >= 0 ? i : i + this.buf.length]!;
  }

  /** Whether a match `dist` bytes back (1-based) reaches only decoded history. */
  hasDistance(dist: number, at: number): boolean {
    if (dist > this.total) return false;
    if (dist > this.buf.length) throw unsupported(this.format, at, `a match distance beyond the ${MAX_WINDOW}-byte window Vouch allocates`);
    return true;
  }

  /** Copies `len` bytes from `dist` back; the hot loop runs up to the end of the buffer at a time. */
  copyMatch(dist: number, len: number): void {
    while (len > 0) {
      const buf = this.buf;
      const n = Math.min(len, buf.length - this.pos);
      let src = this.pos - dist;
      if (src < 0) src += buf.length;
      let dst = this.pos;
      for (let k = 0; k < n; k++) {
        buf[dst++] = buf[src++]!;
        if (src === buf.length) src = 0;
      }
      this.pos = dst;
      this.total += n;
      len -= n;
      if (this.pos === buf.length) this.wrapOrGrow();
    }
    if (this.pos - this.flushed >= OUT_CHUNK) this.flush();
  }

  /** Appends stored bytes (LZMA2 uncompressed chunks), keeping them as history. */
  putBytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.putByte(bytes[i]!);
  }

  /** Moves the decoded bytes not yet handed out to `ready`. */
  flush(): void {
    if (this.pos > this.flushed) this.ready.push(this.buf.slice(this.flushed, this.pos));
    this.flushed = this.pos;
  }

  private wrapOrGrow(): void {
    if (!this.full && this.buf.length < this.limit) {
      const bigger = new Uint8Array(Math.min(this.limit, this.buf.length * 2));
      bigger.set(this.buf);
      this.buf = bigger;
      if (this.pos - this.flushed >= OUT_CHUNK) this.flush();
      return;
    }
    this.flush();
    this.pos = 0;
    this.flushed = 0;
    this.full = true;
  }
}
