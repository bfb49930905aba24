/**
 * The data types that cross layers: scanners produce them, renderers, the BOM builder and the policy
 * gate consume them. Defined once here; the JSON form is documented in `schemas/scan-report.schema.json`.
 */

/** How bad a finding is. `critical` means loading the artifact runs code. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Rank for comparisons: higher is worse. */
export function severityRank(s: Severity): number {
  return 4 - SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** The one-word answer per artifact. See `scan/verdict.ts` for how it is derived from findings. */
export type Verdict = "malicious" | "suspicious" | "clean" | "error";

/** Where inside an artifact a finding sits. Every field is optional: a scanner fills what it knows. */
export interface Location {
  /** Path of the archive member, `/`-separated, outermost first (`archive/data.pkl`). Empty for the artifact itself. */
  member?: string;
  /** Byte offset within the member (or within the artifact when `member` is absent). */
  offset?: number;
  /** Index of the pickle opcode (0-based, counted within one pickle stream). */
  opcodeIndex?: number;
  /** 0-based index of the pickle within a stream of several concatenated pickles. */
  pickleIndex?: number;
  /** 1-based line and column, for text formats (templates, Python source). */
  line?: number;
  column?: number;
}

/** One thing a scanner noticed. */
export interface Finding {
  /** Stable rule id from the rule catalogue (`src/core/rules.ts`), e.g. `pickle/unsafe-global`. */
  ruleId: string;
  /** Severity; defaults to the rule's, may be raised or lowered by the scanner for this instance. */
  severity: Severity;
  /** One sentence for people: what was found and why it matters. */
  message: string;
  /** Where it was found. */
  location: Location;
  /** The offending thing as reconstructed, e.g. `os.system('id')`. Absent when there is nothing to show. */
  evidence?: string;
  /** Set when a suppression matched: the finding is kept in the report but no longer counts. */
  suppressed?: { reason: string; owner?: string; expires?: string };
}

/** A member of a container artifact (zip, tar, compressed stream), scanned recursively. */
export interface MemberReport {
  /** Member path inside its parent, POSIX. */
  path: string;
  /** Format detected from content. */
  format: string;
  /** Uncompressed size in bytes, when known. */
  size?: number;
  /** Format details of the member (same shape as ArtifactReport.metadata). */
  metadata?: Record<string, unknown>;
  /** Nested members, for containers inside containers. */
  members?: MemberReport[];
}

/** The result for one file. */
export interface ArtifactReport {
  /** POSIX path relative to the scan target root (the file name itself when the target is a file). */
  path: string;
  /** Size of the file in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the file's bytes, computed on the same read pass as the scan. Absent with --no-digest. */
  sha256?: string;
  /** Format detected from the content (`pickle`, `pytorch-zip`, `numpy-npy`, ...; `unknown` when nothing matched). */
  format: string;
  /** The verdict derived from findings and completeness. */
  verdict: Verdict;
  /** False when the scanner could not read the artifact's own format to its end (truncated, malformed, budget hit). */
  complete: boolean;
  /** Format details the BOM and policy use: pickle globals, tensor counts, dtypes, ... Keys are format-specific. */
  metadata: Record<string, unknown>;
  /** Container members (zip/tar/compressed), in archive order. */
  members?: MemberReport[];
  /** Findings, sorted by severity (worst first), then location. */
  findings: Finding[];
}

/** The result for a whole `scan` call. */
export interface ScanReport {
  /** Version of this report's JSON shape; bumped on incompatible change. */
  schemaVersion: string;
  /** Version of the rule catalogue and the built-in allow/deny lists. */
  rulesetVersion: string;
  /** Tool name and version. */
  tool: { name: string; version: string };
  /** When the scan ran, ISO 8601 (pinnable with --now / SOURCE_DATE_EPOCH). */
  generatedAt: string;
  /** The targets as given, in order. */
  targets: string[];
  /** One report per artifact, sorted by path. */
  artifacts: ArtifactReport[];
  /** Counts per verdict and per severity (suppressed findings excluded). */
  summary: {
    artifacts: number;
    verdicts: Record<Verdict, number>;
    findings: Record<Severity, number>;
    suppressed: number;
  };
}
