/**
 * The name of a decompressed member: the compressed file's name without its compression suffix
 * (`model.pkl.gz` -> `model.pkl`, `data.tgz` -> `data.tar`). Names only break sniffing ties and
 * explain extension mismatches, so a name that says nothing is fine: `<decompressed>`.
 */
import type { CompressionFormat } from "./format.js";

export const UNNAMED = "<decompressed>";

export function innerName(outerPath: string, format: Pick<CompressionFormat, "suffixes">): string {
  const base = outerPath.split("/").pop() ?? "";
  const lower = base.toLowerCase();
  for (const [suffix, replacement] of format.suffixes) {
    if (lower.endsWith(suffix) && base.length > suffix.length) return base.slice(0, base.length - suffix.length) + replacement;
  }
  return UNNAMED;
}
