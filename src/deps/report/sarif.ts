/**
 * The audit as SARIF 2.1.0, following the scan's conventions (`src/report/sarif.ts`): levels from
 * severities, `security-severity` for GitHub code scanning, partial fingerprints that survive
 * unrelated edits, suppressions as `external`/`accepted`. Advisories are not a fixed catalogue, so
 * the driver lists one rule per vulnerability found (its primary id), with the summary and links as
 * help. A result points at every manifest line that declares the package.
 */
import { createHash } from "node:crypto";
import type { Severity } from "../../core/types.js";
import { canonicalJson } from "../../report/json.js";
import { SARIF_SCHEMA_URI, VOUCH_INFORMATION_URI, ruleName } from "../../report/sarif.js";
import type { SarifLevel, SarifLog, SarifReportingDescriptor, SarifResult } from "../../report/sarif-types.js";
import type { AuditReport, PackageResult, Vulnerability } from "../types.js";

export const AUDIT_FINGERPRINT_KEY = "vouchAuditHash/v1";

const LEVEL: Record<Severity, SarifLevel> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.0", low: "3.0", info: "0.0" };

export function auditToSarif(report: AuditReport): SarifLog {
  const rules = new Map<string, SarifReportingDescriptor>();
  const found = report.packages.flatMap((r) => r.vulnerabilities.map((v) => ({ r, v })));
  for (const { v } of [...found].sort((a, b) => (a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0))) if (!rules.has(v.id)) rules.set(v.id, descriptor(v));
  const ruleIds = [...rules.keys()];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, informationUri: VOUCH_INFORMATION_URI, rules: [...rules.values()] } },
        invocations: [{ executionSuccessful: report.problems.length === 0, ...(report.problems.length ? { toolExecutionNotifications: report.problems.map((p) => ({ level: "error" as const, message: { text: `${p.code}: ${p.message}` }, locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(p.path), uriBaseId: "%SRCROOT%" }, ...(p.line ? { region: { startLine: p.line } } : {}) } }] })) } : {}) }],
        artifacts: [],
        results: found.map(({ r, v }) => result(r, v, ruleIds.indexOf(v.id))),
        columnKind: "unicodeCodePoints",
        properties: { schemaVersion: report.schemaVersion, generatedAt: report.generatedAt, targets: report.targets, database: report.database },
      },
    ],
  };
}

export function renderAuditSarif(report: AuditReport): string {
  return canonicalJson(auditToSarif(report));
}

function descriptor(v: Vulnerability): SarifReportingDescriptor {
  const text = v.summary || `Known vulnerability ${v.id}`;
  const help = [text, v.aliases.length ? `Also known as ${v.aliases.join(", ")}.` : "", ...v.references.slice(0, 5)].filter(Boolean).join("\n");
  return {
    id: v.id,
    name: ruleName(v.id),
    shortDescription: { text },
    fullDescription: { text: `${text}${v.aliases.length ? ` (${v.aliases.join(", ")})` : ""}` },
    help: { text: help },
    defaultConfiguration: { level: LEVEL[v.severity.level] },
    properties: { "security-severity": securitySeverity(v), tags: ["security", "dependency", "vulnerability"] },
  };
}

function result(r: PackageResult, v: Vulnerability, ruleIndex: number): SarifResult {
  const p = r.package;
  const fix = v.fixedIn.length ? ` Fixed in ${v.fixedIn.join(", ")}.` : " No fixed version is known.";
  return {
    ruleId: v.id,
    ruleIndex,
    level: LEVEL[v.severity.level],
    message: { text: `${p.name} ${p.version} is affected by ${v.id}${v.aliases.length ? ` (${v.aliases.join(", ")})` : ""}: ${v.summary || "known vulnerability"}.${fix}` },
    locations: p.sources.map((s) => ({
      physicalLocation: {
        artifactLocation: { uri: encodeURI(s.path), uriBaseId: "%SRCROOT%" },
        // A package no line could be found for is about the whole file: its first line stands for it.
        region: { startLine: s.line ?? 1 },
      },
    })),
    partialFingerprints: { [AUDIT_FINGERPRINT_KEY]: createHash("sha256").update(JSON.stringify([v.id, p.ecosystem, p.normalizedName, p.version])).digest("hex") },
    ...(v.suppressed
      ? { suppressions: [{ kind: "external" as const, status: "accepted" as const, justification: v.suppressed.reason, ...(v.suppressed.owner ? { properties: { owner: v.suppressed.owner, ...(v.suppressed.expires ? { expires: v.suppressed.expires } : {}) } } : {}) }] }
      : {}),
    properties: {
      severity: v.severity.level,
      "security-severity": securitySeverity(v),
      package: p.name,
      ecosystem: p.ecosystem,
      version: p.version,
      purl: p.purl,
      ids: v.ids,
      aliases: v.aliases,
      fixedIn: v.fixedIn,
      ...(r.fixVersion ? { fixVersion: r.fixVersion } : {}),
      ...(v.severity.vector ? { cvss: v.severity.vector } : {}),
    },
  };
}

function securitySeverity(v: Vulnerability): string {
  return v.severity.score !== undefined ? v.severity.score.toFixed(1) : SECURITY_SEVERITY[v.severity.level];
}
