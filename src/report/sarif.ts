/**
 * SARIF 2.1.0 rendering of a ScanReport, for code-scanning dashboards (GitHub, Azure DevOps, IDE
 * viewers). One run; rule metadata comes from the rule catalogue, so scanners only name rule ids.
 *
 * The driver lists every rule in the catalogue, not only those that fired: a run then documents what
 * was checked (a rule without results passed), `ruleIndex` is the same for a rule in every log of one
 * ruleset version, and dashboards can close alerts whose rule still exists. The catalogue is a few
 * dozen entries, so the cost is a few kilobytes.
 *
 * Archive members are nested artifacts (see `sarif-artifacts.ts`); a result in a member points at the
 * member's entry and names the scanned file as its `analysisTarget`.
 */
import { createHash } from "node:crypto";
import { allRules, type Rule } from "../core/rules.js";
import type { ArtifactReport, Finding, Location, ScanReport, Severity } from "../core/types.js";
import { canonicalJson } from "./json.js";
import { ArtifactTable } from "./sarif-artifacts.js";
import type {
  SarifInvocation,
  SarifLevel,
  SarifLog,
  SarifNotification,
  SarifRegion,
  SarifReportingDescriptor,
  SarifResult,
  SarifSuppression,
} from "./sarif-types.js";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** Where people learn about the tool (the driver's `informationUri`): the package's registry page. */
export const VOUCH_INFORMATION_URI = "https://www.npmjs.com/package/vouch";

/** Key of the one partial fingerprint Vouch computes; the suffix versions the hashed fields. */
export const FINGERPRINT_KEY = "vouchFindingHash/v1";

export interface SarifOptions {
  /** Overrides the driver's `informationUri` (a fork or a private registry). */
  informationUri?: string;
}

/** SARIF levels: anything that should block a merge is an error, a probable problem a warning. */
const LEVEL: Record<Severity, SarifLevel> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/**
 * GitHub code scanning ranks security alerts by `security-severity` (a CVSS-like score as a string):
 * above 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
 */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.0",
  low: "3.0",
  info: "0.0",
};

/**
 * CWE tags for rule families with an unambiguous weakness: every pickle finding is about
 * deserialising untrusted data; traversal and bombs have their own entries. Dashboards group by them.
 */
const CWE_TAGS: { match: (id: string) => boolean; tag: string }[] = [
  { match: (id) => id.startsWith("pickle/") || id === "numpy/object-array" || id.startsWith("joblib/"), tag: "external/cwe/cwe-502" },
  { match: (id) => id === "zip/path-traversal", tag: "external/cwe/cwe-22" },
  { match: (id) => id.endsWith("/budget-exceeded"), tag: "external/cwe/cwe-409" },
];

/** The SARIF log as an object (for callers that post-process it). */
export function toSarif(report: ScanReport, options: SarifOptions = {}): SarifLog {
  const rules = allRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const table = new ArtifactTable();
  for (const artifact of report.artifacts) table.addTopLevel(artifact);
  const results = report.artifacts.flatMap((artifact) =>
    artifact.findings.map((finding) => toResult(finding, artifact, table, indexOfRule(ruleIndex, finding.ruleId))),
  );
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: options.informationUri ?? VOUCH_INFORMATION_URI,
            rules: rules.map(toDescriptor),
          },
        },
        invocations: [toInvocation(report, table)],
        artifacts: table.artifacts,
        results,
        columnKind: "unicodeCodePoints",
        properties: {
          schemaVersion: report.schemaVersion,
          rulesetVersion: report.rulesetVersion,
          generatedAt: report.generatedAt,
          targets: report.targets,
        },
      },
    ],
  };
}

/** The `--format sarif` rendering: the log as canonical JSON. */
export function renderSarif(report: ScanReport, options: SarifOptions = {}): string {
  return canonicalJson(toSarif(report, options));
}

function indexOfRule(ruleIndex: ReadonlyMap<string, number>, id: string): number {
  const index = ruleIndex.get(id);
  if (index === undefined) throw new Error(`unknown rule id ${id}: add it to src/core/rules.ts`);
  return index;
}

function toDescriptor(r: Rule): SarifReportingDescriptor {
  return {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.description },
    fullDescription: { text: `${r.description} ${r.help}` },
    help: { text: r.help },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { "security-severity": SECURITY_SEVERITY[r.severity], tags: ruleTags(r.id) },
  };
}

/** `pickle/dangerous-global` -> `PickleDangerousGlobal`: SARIF viewers show `name` as the rule's title. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

function ruleTags(id: string): string[] {
  const family = id.split("/")[0]!;
  return ["security", family, ...CWE_TAGS.filter((c) => c.match(id)).map((c) => c.tag)];
}

function toResult(finding: Finding, artifact: ArtifactReport, table: ArtifactTable, ruleIndex: number): SarifResult {
  const top = table.addTopLevel(artifact);
  const member = finding.location.member ?? "";
  const at = member === "" ? top : table.addMember(artifact, member);
  const region = toRegion(finding.location, table.artifacts[at]?.length);
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation: table.locationOf(at), ...(region ? { region } : {}) } }],
    ...(at !== top ? { analysisTarget: table.locationOf(top) } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding, artifact.path) },
    ...(finding.suppressed ? { suppressions: [toSuppression(finding.suppressed)] } : {}),
    properties: resultProperties(finding),
  };
}

/**
 * A region needs at least one anchor; opcode indices have no SARIF equivalent and go to properties.
 * A finding with no anchor is about the whole file or member, which SARIF expresses as the byte range
 * covering all of it (when its length is known).
 */
function toRegion(loc: Location, wholeLength: number | undefined): SarifRegion | undefined {
  const region: SarifRegion = {};
  if (loc.offset !== undefined) region.byteOffset = loc.offset;
  if (loc.line !== undefined) {
    region.startLine = loc.line;
    if (loc.column !== undefined) region.startColumn = loc.column;
  }
  if (Object.keys(region).length > 0) return region;
  return wholeLength !== undefined ? { byteOffset: 0, byteLength: wholeLength } : undefined;
}

/**
 * Stable across runs and across unrelated edits: rule, file, member and evidence, but not the byte
 * offset, which moves whenever anything before the finding changes.
 */
function fingerprint(finding: Finding, path: string): string {
  const fields = [finding.ruleId, path, finding.location.member ?? "", finding.evidence ?? ""];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

function toSuppression(s: NonNullable<Finding["suppressed"]>): SarifSuppression {
  const properties: Record<string, string> = {};
  if (s.owner !== undefined) properties.owner = s.owner;
  if (s.expires !== undefined) properties.expires = s.expires;
  return {
    kind: "external",
    status: "accepted",
    justification: s.reason,
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

/** What SARIF has no slot for: the instance severity, the evidence and the pickle coordinates. */
function resultProperties(finding: Finding): Record<string, unknown> {
  const { member, opcodeIndex, pickleIndex } = finding.location;
  return {
    severity: finding.severity,
    "security-severity": SECURITY_SEVERITY[finding.severity],
    ...(finding.evidence !== undefined ? { evidence: finding.evidence } : {}),
    ...(member ? { member } : {}),
    ...(opcodeIndex !== undefined ? { opcodeIndex } : {}),
    ...(pickleIndex !== undefined ? { pickleIndex } : {}),
  };
}

/**
 * The run succeeded when every artifact could be judged; an artifact with verdict `error` (unreadable,
 * truncated, over budget) makes it unsuccessful and is named in a notification.
 */
function toInvocation(report: ScanReport, table: ArtifactTable): SarifInvocation {
  const failed = report.artifacts.filter((a) => a.verdict === "error");
  const notifications: SarifNotification[] = failed.map((a) => ({
    level: "error",
    message: { text: `${a.path} could not be scanned to its end; its verdict is error.` },
    locations: [{ physicalLocation: { artifactLocation: table.locationOf(table.addTopLevel(a)) } }],
  }));
  return {
    executionSuccessful: failed.length === 0,
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
}
