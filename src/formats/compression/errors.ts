/**
 * The errors a compressed stream can end in. Each carries the offset in the compressed bytes where the
 * decoder stopped, so a report can say how far the stream was good.
 */
import { VouchError } from "../../core/errors.js";

/** The compressed stream ended before its format said it would. */
export function truncated(format: string, offset: number, what = "the compressed data"): VouchError {
  return new VouchError("E_COMPRESSION_TRUNCATED", `${format} stream ends in the middle of ${what}`, {
    offset,
    hint: "The file is truncated; everything decompressed before the break was scanned",
  });
}

/** The compressed bytes break a rule of their format (bad magic, checksum, impossible value). */
export function corrupt(format: string, offset: number, message: string): VouchError {
  return new VouchError("E_COMPRESSION_CORRUPT", `${format} stream is corrupt: ${message}`, {
    offset,
    hint: "The file is damaged or crafted; everything decompressed before the damage was scanned",
  });
}

/** A valid stream that uses a feature Vouch does not decode; failing closed is safer than guessing. */
export function unsupported(format: string, offset: number, message: string): VouchError {
  return new VouchError("E_COMPRESSION_UNSUPPORTED", `${format} stream uses an unsupported feature: ${message}`, {
    offset,
    hint: "Recompress the file with default settings to have it scanned",
  });
}
