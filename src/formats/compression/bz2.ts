/** bzip2 files (`bzip2`, `bz2.compress()`, joblib `compress='bz2'`): "BZh" + level, then a block or end magic. */
import type { SniffInput } from "../types.js";
import type { CompressionFormat } from "./format.js";
import { decodeBzip2 } from "./bzip2/decoder.js";

export const bz2Format: CompressionFormat = {
  id: "bz2",
  suffixes: [[".tbz2", ".tar"], [".tbz", ".tar"], [".bz2", ""], [".bz", ""]],
  sniff,
  decode: decodeBzip2,
};

const BLOCK_MAGIC = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const END_MAGIC = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

function sniff({ head }: SniffInput): number {
  if (head.length < 10 || head[0] !== 0x42 || head[1] !== 0x5a || head[2] !== 0x68) return 0;
  if (head[3]! < 0x31 || head[3]! > 0x39) return 0;
  const magic = (m: number[]): boolean => m.every((b, i) => head[4 + i] === b);
  return magic(BLOCK_MAGIC) || magic(END_MAGIC) ? 90 : 0;
}
