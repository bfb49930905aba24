/** Reads bzip2's big-endian bit stream from a ByteInput. Holds fewer than 32 unread bits between reads. */
import type { ByteInput } from "../input.js";

export class BitReader {
  /** The `count` unread bits, right-aligned. */
  private bits = 0;
  private count = 0;

  constructor(readonly input: ByteInput) {}

  /** The next `n` bits (n <= 24) as an unsigned number, most significant first. */
  read(n: number): number {
    const v = this.peek(n);
    this.skip(n);
    return v;
  }

  bit(): number {
    return this.read(1);
  }

  read32(): number {
    return (this.read(16) * 65536 + this.read(16)) >>> 0;
  }

  /** The next `n` bits (n <= 24) without consuming them. */
  peek(n: number): number {
    while (this.count < n) {
      this.bits = ((this.bits << 8) | this.input.byte()) & 0x7fffffff;
      this.count += 8;
    }
    return (this.bits >>> (this.count - n)) & ((1 << n) - 1);
  }

  /** Consumes `n` bits that `peek` has loaded. */
  skip(n: number): void {
    this.count -= n;
    this.bits &= (1 << this.count) - 1;
  }

  /** Drops the unread bits of the current byte (a stream ends on a byte boundary). */
  alignToByte(): void {
    this.input.unread(this.count >>> 3);
    this.bits = 0;
    this.count = 0;
  }

  /** Approximate position for error messages: the byte holding the next bit. */
  get offset(): number {
    return this.input.offset - (this.count >>> 3) - (this.count & 7 ? 1 : 0);
  }
}
