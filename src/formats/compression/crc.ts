/**
 * The checksums compressed formats carry: CRC-32 (gzip, xz headers and blocks), the bit-reversed
 * CRC-32 of bzip2 and CRC-64 (xz blocks). Table-driven and incremental: `update(crc, bytes)` continues
 * from a previous value, so a stream is checked chunk by chunk as it is decoded.
 */
import * as zlib from "node:zlib";

function reflectedTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const CRC32_TABLE = reflectedTable(0xedb88320);

/** node:zlib's native CRC-32 (Node >= 20.15), several times faster than the table loop below. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (ISO-HDLC, as in gzip, zip and xz) of `bytes`, continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (nativeCrc32) return nativeCrc32(bytes, crc);
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC32_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** bzip2's CRC-32: the same polynomial, most significant bit first. Raw register: start at ~0, finish with ~. */
const BZIP2_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function bzip2CrcByte(crc: number, byte: number): number {
  return ((crc << 8) ^ BZIP2_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
}

/** bzip2's CRC register updated with `bytes`. */
export function bzip2Crc(crc: number, bytes: Uint8Array): number {
  let c = crc | 0;
  for (let i = 0; i < bytes.length; i++) c = (c << 8) ^ BZIP2_TABLE[((c >>> 24) ^ bytes[i]!) & 0xff]!;
  return c >>> 0;
}

/** CRC-64 (ECMA-182, reflected, as in xz), kept as two 32-bit halves since JS bit operations are 32-bit. */
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
(() => {
  const polyLo = 0xd7870f42;
  const polyHi = 0xc96c5795;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_LO[i] = lo;
    CRC64_HI[i] = hi;
  }
})();

/** Incremental CRC-64; `value()` is the 8-byte little-endian form xz stores. */
export class Crc64 {
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  update(bytes: Uint8Array): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < bytes.length; i++) {
      const idx = (lo ^ bytes[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_HI[idx]!) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
  }

  value(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, ~this.lo >>> 0, true);
    view.setUint32(4, ~this.hi >>> 0, true);
    return out;
  }
}
