/**
 * `audit()`: the dependency audit as one function, reading as its steps:
 * extract packages -> open the local OSV database -> detect per package -> apply ignores ->
 * find each package's smallest fixing upgrade -> summarise. No network: the database is local
 * (`vouch db update` is the only command that downloads anything).
 */
import { systemClock, type Clock } from "../../core/clock.js";
import { VouchError } from "../../core/errors.js";
import type { Suppression } from "../../core/suppress.js";
import { SEVERITIES, severityRank, type Severity } from "../../core/types.js";
import { TOOL_NAME, TOOL_VERSION } from "../../version.js";
import { databaseInfo, DEFAULT_MAX_DB_AGE_DAYS } from "../db/status.js";
import { openGeneration, type GenerationReader } from "../db/store.js";
import { extractPackages } from "../extract/index.js";
import { sortUnique } from "../osv/match.js";
import type { AuditReport, AuditSummary, Extraction, Package, PackageResult, Vulnerability } from "../types.js";
import { AUDITED_ECOSYSTEMS } from "../types.js";
import { versionScheme } from "../version/index.js";
import { detect, RECORDS, stillAffects } from "./detect.js";
import { activeVulnerabilities, applyIgnores } from "./ignore.js";
import type { VexStatement } from "./vex.js";

/** Version of the audit report's JSON shape. */
export const AUDIT_SCHEMA_VERSION = "1.0.0";

export interface AuditOptions {
  /** The database directory (see `resolveDbDir`). */
  dbDir: string;
  clock?: Clock;
  /** Ignores from vouch.yaml (`audit.ignore`): rule = advisory id or alias, path = manifest glob. */
  ignores?: readonly Suppression[];
  /** Statements from OpenVEX documents (`readVexFile`). */
  vex?: readonly VexStatement[];
  /** The database counts as stale past this many days (a warning, not a failure). */
  maxDbAgeDays?: number;
}

export interface AuditResult {
  report: AuditReport;
  /** Ignores past their expiry: they no longer apply. */
  expiredIgnores: Suppression[];
  /** Ignores in force that matched nothing. */
  unusedIgnores: Suppression[];
}

/** Audits the manifests and lock files under `targets`. */
export async function audit(targets: readonly string[], options: AuditOptions): Promise<AuditResult> {
  const extraction = await extractPackages(targets);
  return auditExtraction(targets, extraction, options);
}

/** Audits packages that were already extracted (or built by a caller, e.g. from an ML-BOM). */
export async function auditExtraction(targets: readonly string[], extraction: Extraction, options: AuditOptions): Promise<AuditResult> {
  const clock = options.clock ?? systemClock;
  const db = await openDatabase(options.dbDir);
  try {
    const results = extraction.packages.map((p) => auditPackage(p, db));
    const ignored = applyIgnores(results, options.ignores ?? [], options.vex ?? [], clock.now());
    for (const r of results) setFixVersion(r);
    const report: AuditReport = {
      schemaVersion: AUDIT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      generatedAt: clock.now().toISOString(),
      targets: [...targets],
      database: databaseInfo(options.dbDir, db.manifest, clock, options.maxDbAgeDays ?? DEFAULT_MAX_DB_AGE_DAYS),
      files: extraction.files,
      packages: results,
      problems: extraction.problems,
      summary: summarizeAudit(results),
    };
    return { report, expiredIgnores: ignored.expired, unusedIgnores: ignored.unused };
  } finally {
    db.close();
  }
}

async function openDatabase(dir: string): Promise<GenerationReader> {
  const db = await openGeneration(dir);
  if (db === undefined) {
    throw new VouchError("E_DB_MISSING", `no vulnerability database in ${dir}`, {
      hint: "Run `vouch db update` (downloads OSV's PyPI and npm data) or `vouch db import PATH` first",
    });
  }
  return db;
}

function auditPackage(pkg: Package, db: GenerationReader): PackageResult {
  if (!(AUDITED_ECOSYSTEMS as readonly string[]).includes(pkg.ecosystem)) return { package: pkg, status: "unaudited", vulnerabilities: [] };
  if (pkg.version === undefined) return { package: pkg, status: "unresolved", vulnerabilities: [] };
  const scheme = versionScheme(pkg.ecosystem)!;
  const vulnerabilities = detect(pkg, db.lookup(pkg.ecosystem, pkg.normalizedName), scheme);
  return { package: pkg, status: vulnerabilities.length > 0 ? "vulnerable" : "clean", vulnerabilities };
}

/**
 * The smallest version that fixes every unsuppressed vulnerability at once: the lowest of their
 * fixed versions that none of their records still affects. Absent when nothing needs fixing or no
 * single known version does it.
 */
function setFixVersion(result: PackageResult): void {
  const active = activeVulnerabilities(result);
  const pkg = result.package;
  if (active.length === 0 || pkg.version === undefined) return;
  const scheme = versionScheme(pkg.ecosystem)!;
  const records = active.flatMap((v) => RECORDS.get(v) ?? []);
  const candidates = sortUnique(active.flatMap((v) => v.fixedIn), scheme);
  const fix = candidates.find((c) => !stillAffects(records, pkg, c, scheme));
  if (fix !== undefined) result.fixVersion = fix;
}

export function summarizeAudit(results: readonly PackageResult[]): AuditSummary {
  const vulnerabilities = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const r of results) {
    for (const v of r.vulnerabilities) {
      if (v.suppressed) suppressed += 1;
      else vulnerabilities[v.severity.level] += 1;
    }
  }
  return {
    packages: results.length,
    vulnerablePackages: results.filter((r) => r.status === "vulnerable").length,
    unresolved: results.filter((r) => r.status === "unresolved").length,
    unaudited: results.filter((r) => r.status === "unaudited").length,
    vulnerabilities,
    suppressed,
  };
}

/**
 * The vulnerabilities that fail the audit: every unsuppressed one by default (as pip-audit and
 * osv-scanner do), or those at or above `failOn`. Severity-less advisories are `high` already.
 */
export function failingVulnerabilities(report: AuditReport, failOn?: Severity): { result: PackageResult; vulnerability: Vulnerability }[] {
  const threshold = failOn === undefined ? -Infinity : severityRank(failOn);
  return report.packages.flatMap((result) =>
    activeVulnerabilities(result).filter((v) => severityRank(v.severity.level) >= threshold).map((vulnerability) => ({ result, vulnerability })),
  );
}
