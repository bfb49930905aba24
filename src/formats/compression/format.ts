/**
 * What one compression format supplies to the shared handler: how to recognise it, how to decode it
 * as a stream, and which file-name suffixes it strips to name the decompressed member.
 */
import type { SniffInput } from "../types.js";
import type { ByteInput } from "./input.js";

/** What a decoder learned besides the bytes (member count, stored name, check type), for metadata. */
export type DecodeFacts = Record<string, unknown>;

export interface CompressionFormat {
  /** Handler id, as reported (`gzip`, `bz2`, ...). */
  readonly id: string;
  /** Suffixes of compressed file names and what replaces them (`.tgz` -> `.tar`), lower case. */
  readonly suffixes: ReadonlyArray<readonly [suffix: string, replacement: string]>;
  sniff(input: SniffInput): number;
  /**
   * Decodes the stream starting at the input's position and yields the decompressed bytes in order.
   * It stops at the end of the compressed data (bytes after it stay unread in `input`) and throws a
   * VouchError when the data is truncated or corrupt, after yielding everything decoded before.
   */
  decode(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array, void, undefined>;
}
