/** .xz files (`xz`, `lzma.compress()`, joblib `compress='xz'`): magic FD 37 7A 58 5A 00. */
import type { SniffInput } from "../types.js";
import type { CompressionFormat } from "./format.js";
import { XZ_MAGIC, decodeXz } from "./lzma/xz-container.js";

export const xzFormat: CompressionFormat = {
  id: "xz",
  suffixes: [[".txz", ".tar"], [".xz", ""]],
  sniff: ({ head }: SniffInput) => (XZ_MAGIC.every((b, i) => head[i] === b) ? 90 : 0),
  decode: decodeXz,
};
