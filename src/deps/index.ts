/**
 * The dependency audit as a library: extraction (manifests and lock files -> Package), the local OSV
 * database, detection, and rendering. `vouch audit` and `vouch db` are thin faces over these.
 */
export type * from "./types.js";
export { AUDITED_ECOSYSTEMS } from "./types.js";
export { extractPackages, filesOf, mergePackages, EXTRACTORS, extractorFor, extractorById, makePackage, purl, parseRequirement, pinnedVersion } from "./extract/index.js";
export type { Extractor, ExtractInput, ExtractResult, Requirement } from "./extract/index.js";
export { audit, auditExtraction, failingVulnerabilities, summarizeAudit, AUDIT_SCHEMA_VERSION, type AuditOptions, type AuditResult } from "./audit/audit.js";
export { readVexFile, parseVex, type VexStatement } from "./audit/vex.js";
export { parseOsvRecord, type ParsedRecord } from "./osv/record.js";
export { isAffected } from "./osv/match.js";
export { scoreCvss, bestCvss, levelOfScore, UNKNOWN_SEVERITY_LEVEL, type CvssScore } from "./osv/severity.js";
export { versionScheme, normalizeName, comparePep440, canonicalPep440, isPep440, normalizePypiName, compareNpm, type VersionScheme } from "./version/index.js";
export * from "./db/index.js";
export { renderAudit, renderAuditText, renderAuditSarif, renderAuditCycloneDx, auditToSarif, auditToCycloneDx, auditSummaryLine, AUDIT_FORMATS, type AuditFormat } from "./report/index.js";
export { auditConfigSchema, defaultAuditConfig, type AuditConfig } from "./config.js";
