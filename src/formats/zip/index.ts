/**
 * The zip format: a lenient reader that lists every member any zip reader could see, and the handler
 * that scans them. PyTorch, TorchScript, npz and Keras 3 archives are zips; the handler refines the id.
 */
export { zipHandler, sniffZip } from "./handler.js";
export { readZip, type ReadZipOptions, type MemberOrigin, type ZipEntry, type ZipListing } from "./reader.js";
export { openMember, unreadableReason, ExpansionBudget, type MemberState, type OpenedMember } from "./member.js";
export { CrcTrackingSource } from "./crc.js";
export { classifyMembers, escapesArchive, isTensorStorage, type ZipFormat, type ZipLayout } from "./layout.js";
