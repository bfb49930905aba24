/**
 * The tar format: a streaming reader over tar-stream, the handler that scans every entry as a member
 * while the archive streams by, and the extraction-path checks shared with the 7z handler.
 */
export { tarHandler } from "./handler.js";
export { sniffTar, checksumMatches } from "./sniff.js";
export { readTar, padded, type TarEntry, type TarEntryType, type TarReadResult, type EntryVisitor, type VisitResult } from "./reader.js";
export { TarMemberSource } from "./member.js";
export { LinkTracker, isAbsoluteName, nameEscapes } from "./paths.js";
export { isPytorchLegacyTar, LEGACY_TORCH_MEMBERS } from "./legacy.js";
