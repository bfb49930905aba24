/**
 * The frame of a safetensors file: an 8-byte little-endian header length N, N bytes of JSON header,
 * then the data section (the tensors' bytes, addressed relative to its start). Only the length and
 * the header are ever read; the data section is known by its length alone.
 */
import { malformed } from "../../core/errors.js";
import type { ByteSource } from "../../core/source.js";

/** Where the header starts in the file. */
export const HEADER_START = 8;

/** Largest header accepted, as the reference crate's MAX_HEADER_SIZE (100 MB): a bigger one is a memory bomb. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Smallest header that can hold a JSON object (`{}`). */
export const MIN_HEADER_BYTES = 2;

export interface Frame {
  /** N, the header's length in bytes. */
  headerBytes: number;
  /** The header itself, padding included. */
  header: Uint8Array;
  /** Where the data section starts in the file (8 + N). */
  dataStart: number;
  /** Length of the data section: everything after the header. */
  dataBytes: number;
}

/** The 8-byte header length as an unsigned 64-bit integer (it can exceed 2^53 in hostile files). */
export function headerLength(prefix: Uint8Array): bigint {
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  return view.getBigUint64(0, true);
}

/** Reads and checks the frame of a file of `size` bytes. Throws VouchError when it does not fit. */
export async function readFrame(source: ByteSource, size: number): Promise<Frame> {
  if (size < HEADER_START) {
    throw malformed("E_SAFETENSORS_TOO_SMALL", `the file has ${size} bytes, fewer than the 8-byte header length`, 0);
  }
  const n = headerLength(await source.read(0, HEADER_START));
  checkHeaderLength(n, size);
  const headerBytes = Number(n);
  const header = await source.read(HEADER_START, headerBytes);
  if (header.length !== headerBytes) {
    throw malformed("E_SAFETENSORS_TRUNCATED", `the header ends after ${header.length} of ${headerBytes} bytes`, HEADER_START + header.length);
  }
  const dataStart = HEADER_START + headerBytes;
  return { headerBytes, header, dataStart, dataBytes: size - dataStart };
}

function checkHeaderLength(n: bigint, size: number): void {
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw malformed("E_SAFETENSORS_HEADER_TOO_LARGE", `the header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte cap`, 0,
      "The reference loader refuses headers this large; the length field is corrupt or hostile");
  }
  if (n > BigInt(size - HEADER_START)) {
    throw malformed("E_SAFETENSORS_HEADER_LENGTH", `the header length ${n} runs past the end of the ${size}-byte file`, 0,
      "The file is truncated or its length field is corrupt");
  }
  if (n < BigInt(MIN_HEADER_BYTES)) {
    throw malformed("E_SAFETENSORS_HEADER_LENGTH", `the header length ${n} is too short to hold a JSON object`, 0);
  }
}
