/**
 * Provenance: where a model came from (Hub, cache, git), what its card declares, its lineage, the
 * check of every file against what was published, the warnings a reviewer wants, and SLSA output.
 */
export { provenance, type ProvenanceOptions } from "./collect.js";
export { renderProvenance, hubScanLabel, PROVENANCE_FORMATS, type ProvenanceFormat } from "./render.js";
export { slsaStatement, BUILD_TYPE, SLSA_PREDICATE_TYPE, STATEMENT_TYPE, type SlsaStatement, type ModelDigestFn } from "./slsa.js";
export { parseModelCard, readModelCard, cardFromData, type ModelCard } from "./card.js";
export { classifyLicense, type LicenseInfo, type CommercialUse } from "./license.js";
export { lookAlikes, skeleton, editDistance, WELL_KNOWN_ORGS, WELL_KNOWN_REPOS, type LookAlike } from "./typosquat.js";
export { traceLineage, MAX_LINEAGE_DEPTH, type LineageEntry } from "./lineage.js";
export { HubMetadata, type MetadataSource, type RepoMetadata } from "./metadata.js";
export { PROVENANCE_SCHEMA_VERSION } from "./types.js";
export type * from "./types.js";
