/**
 * Legacy .lzma files ("LZMA alone": joblib `compress='lzma'`, `lzma.compress(format=FORMAT_ALONE)`).
 * The format has no magic; the header is recognised by its common shape: properties 0x5D (lc=3, lp=0,
 * pb=2, every encoder's default), a dictionary size that is a multiple of 64 KiB, a plausible
 * uncompressed size (or "unknown") and the zero byte that starts the range coder.
 */
import type { SniffInput } from "../types.js";
import type { CompressionFormat } from "./format.js";
import { ALONE_HEADER, decodeAlone, parseAloneHeader } from "./lzma/alone.js";

const DEFAULT_PROPS = 0x5d;
/** Larger declared sizes (1 PiB) are not plausible for a real file: a sign this is not .lzma at all. */
const MAX_PLAUSIBLE_SIZE = 2 ** 50;

export const lzmaFormat: CompressionFormat = {
  id: "lzma",
  suffixes: [[".tlz", ".tar"], [".lzma", ""]],
  sniff,
  decode: decodeAlone,
};

function sniff({ head }: SniffInput): number {
  if (head.length < ALONE_HEADER + 1 || head[0] !== DEFAULT_PROPS || head[1] !== 0 || head[2] !== 0) return 0;
  const header = parseAloneHeader(head);
  if (!header || header.dictSize === 0 || head[ALONE_HEADER] !== 0) return 0;
  if (header.size !== undefined && header.size > MAX_PLAUSIBLE_SIZE) return 0;
  return 60;
}
