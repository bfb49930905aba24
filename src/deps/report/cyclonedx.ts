/**
 * The audit as a CycloneDX 1.6 BOM with `vulnerabilities` (the VDR form): every package with an
 * exact version is a component (bom-ref = its purl), every vulnerability an entry that `affects`
 * it, with CVSS ratings, aliases as references, the fix as a recommendation, and ignores as an
 * `analysis`: OpenVEX `not_affected` and `fixed` map to CycloneDX `not_affected` and `resolved`; a
 * reviewed ignore from vouch.yaml is an accepted risk, `exploitable` with response `will_not_fix`.
 *
 * Deterministic: the serial number is derived from the content, the timestamp is the report's.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../report/json.js";
import type { AuditReport, PackageResult, Vulnerability } from "../types.js";

export const CYCLONEDX_SPEC_VERSION = "1.6";

export function auditToCycloneDx(report: AuditReport): Record<string, unknown> {
  const withVersion = report.packages.filter((r) => r.package.version !== undefined);
  const components = dedupe(withVersion.map((r) => component(r)), (c) => c["bom-ref"] as string);
  const vulnerabilities = withVersion.flatMap((r) => r.vulnerabilities.map((v) => vulnerability(r, v)));
  const body = {
    bomFormat: "CycloneDX",
    specVersion: CYCLONEDX_SPEC_VERSION,
    version: 1,
    metadata: {
      timestamp: report.generatedAt,
      tools: { components: [{ type: "application", name: report.tool.name, version: report.tool.version }] },
      properties: [
        { name: "vouch:audit:database-age-days", value: String(report.database.ageDays) },
        ...report.database.sources.map((s) => ({ name: "vouch:audit:database-source", value: `${s.name} (as of ${s.asOf})` })),
      ],
    },
    components,
    vulnerabilities,
  };
  return { ...body, serialNumber: serialFor(canonicalJson(body)) };
}

export function renderAuditCycloneDx(report: AuditReport): string {
  return canonicalJson(auditToCycloneDx(report));
}

function component(r: PackageResult): Record<string, unknown> {
  const p = r.package;
  return {
    type: "library",
    "bom-ref": p.purl,
    name: p.name,
    version: p.version,
    purl: p.purl,
    ...(p.groups?.length ? { scope: p.groups.every((g) => g === "dev" || g === "optional") ? "optional" : "required" } : {}),
    properties: p.sources.map((s) => ({ name: "vouch:source", value: `${s.path}${s.line ? `:${s.line}` : ""}` })),
  };
}

function vulnerability(r: PackageResult, v: Vulnerability): Record<string, unknown> {
  const p = r.package;
  return {
    "bom-ref": `${v.id}@${p.purl}`,
    id: v.id,
    source: source(v.id),
    references: [...v.ids.slice(1), ...v.aliases].map((id) => ({ id, source: source(id) })),
    ratings: [rating(v)],
    ...(v.summary ? { description: v.summary } : {}),
    advisories: v.references.slice(0, 10).map((url) => ({ url })),
    ...(r.fixVersion || v.fixedIn.length ? { recommendation: `Upgrade ${p.name} to ${r.fixVersion ?? v.fixedIn[0]}` } : {}),
    affects: [{ ref: p.purl, versions: [{ version: p.version, status: "affected" }] }],
    ...(v.suppressed ? { analysis: analysis(v) } : {}),
    properties: v.fixedIn.map((f) => ({ name: "vouch:fixed-in", value: f })),
  };
}

function rating(v: Vulnerability): Record<string, unknown> {
  const s = v.severity;
  if (s.source === "cvss" && s.vector !== undefined && s.score !== undefined) {
    const method = s.vector.startsWith("CVSS:4.0/") ? "CVSSv4" : s.vector.startsWith("CVSS:3.1/") ? "CVSSv31" : s.vector.startsWith("CVSS:3.0/") ? "CVSSv3" : "CVSSv2";
    return { score: s.score, severity: s.level === "info" ? "none" : s.level, method, vector: s.vector };
  }
  if (s.source === "database") return { severity: s.level, method: "other", justification: `database severity ${Object.values(s.database ?? {}).join(", ")}` };
  return { severity: "unknown", method: "other", justification: "no severity given; Vouch gates it as high" };
}

function analysis(v: Vulnerability): Record<string, unknown> {
  const s = v.suppressed!;
  const detail = `${s.reason}${s.owner ? ` (owner ${s.owner})` : ""}${s.expires ? ` until ${s.expires}` : ""}`;
  if (s.via === "vex") return { state: s.reason.startsWith("OpenVEX fixed") ? "resolved" : "not_affected", detail };
  return { state: "exploitable", response: ["will_not_fix"], detail };
}

/** Where an id is documented. */
function source(id: string): { name: string; url: string } {
  if (id.startsWith("CVE-")) return { name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith("GHSA-")) return { name: "GitHub", url: `https://github.com/advisories/${id}` };
  return { name: "OSV", url: `https://osv.dev/vulnerability/${id}` };
}

/** A UUID (version 5 layout) from the content: the same audit gives the same serial number. */
function serialFor(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(key(i)) && (seen.add(key(i)), true));
}
