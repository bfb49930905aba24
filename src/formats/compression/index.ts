/**
 * Compressed single-stream formats: gzip, zlib (and joblib's Z-file), bzip2, xz and legacy .lzma.
 * Each handler decompresses as a stream, within the expansion budget, and scans the result as one
 * member; see `handler.ts` for the shared algorithm and each format's file for its framing.
 */
import type { FormatHandler } from "../types.js";
import { bz2Format } from "./bz2.js";
import { gzipFormat } from "./gzip.js";
import { compressionHandler } from "./handler.js";
import { lzmaFormat } from "./lzma.js";
import { xzFormat } from "./xz.js";
import { zlibFormat } from "./zlib.js";

export const gzipHandler: FormatHandler = compressionHandler(gzipFormat);
export const zlibHandler: FormatHandler = compressionHandler(zlibFormat);
export const bz2Handler: FormatHandler = compressionHandler(bz2Format);
export const xzHandler: FormatHandler = compressionHandler(xzFormat);
export const lzmaHandler: FormatHandler = compressionHandler(lzmaFormat);

/** All compression handlers, in the order a registry should list them. */
export const compressionHandlers: readonly FormatHandler[] = [gzipHandler, zlibHandler, bz2Handler, xzHandler, lzmaHandler];
