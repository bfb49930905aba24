/**
 * The 7z format: the real 7-Zip (7z-wasm) lists and extracts the archive in an in-memory file system,
 * within size, count and write caps; every extracted file is scanned as a member.
 */
export { sevenZipHandler, sniffSevenZip, SEVENZIP_LIMITS } from "./handler.js";
export { SevenZipSession, ARCHIVE_PATH, OUT_DIR, type RunResult } from "./engine.js";
export { ListingParser, type SevenZipEntry, type SevenZipListing } from "./listing.js";
