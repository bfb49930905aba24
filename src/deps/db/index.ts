/** The local OSV database: import, update, status, and read access for the audit. */
export { resolveDbDir } from "./paths.js";
export { importOsv, type ImportOptions, type ImportResult } from "./import.js";
export { updateDatabase, OSV_BASE_URL, DEFAULT_UPDATE_ECOSYSTEMS, COLLAPSE_RATIO, type UpdateOptions, type UpdateResult } from "./update.js";
export { databaseStatus, databaseInfo, DEFAULT_MAX_DB_AGE_DAYS, type DatabaseStatus } from "./status.js";
export { openGeneration, GenerationReader, DB_FORMAT, type Manifest, type SourceInfo } from "./store.js";
export type { ImportProblem } from "./collect.js";
export { readOsvInputs, type OsvDocument } from "./inputs.js";
