/**
 * The audit for people: vulnerable packages first with each vulnerability, its ids, severity and
 * fixes, then what could not be judged (unresolved and unaudited packages, problems), then one
 * summary line. Clean packages are listed only with `verbose`.
 */
import type { AuditReport, PackageResult, PackageSource, Vulnerability } from "../types.js";
import { SEVERITIES } from "../../core/types.js";

export interface AuditTextOptions {
  verbose?: boolean;
}

export function renderAuditText(report: AuditReport, options: AuditTextOptions = {}): string {
  const lines: string[] = [];
  for (const r of report.packages) {
    if (r.status === "vulnerable") lines.push(...vulnerableBlock(r));
    else if (r.status === "clean" && options.verbose) lines.push(`clean       ${label(r)}  ${where(r.package.sources)}`);
  }
  const unresolved = report.packages.filter((r) => r.status === "unresolved");
  if (unresolved.length > 0) {
    lines.push("", `Not audited, no exact version (pin it, or audit the lock file):`);
    for (const r of unresolved) lines.push(`  ${r.package.name} ${describeUnresolved(r)}  ${where(r.package.sources)}`);
  }
  const unaudited = report.packages.filter((r) => r.status === "unaudited");
  if (unaudited.length > 0) {
    lines.push("", `Not audited, no OSV data for the ecosystem:`);
    for (const r of unaudited) lines.push(`  ${r.package.ecosystem} ${label(r)}  ${where(r.package.sources)}`);
  }
  if (report.problems.length > 0) {
    lines.push("", "Problems:");
    for (const p of report.problems) lines.push(`  ${p.path}${p.line ? `:${p.line}` : ""}: ${p.code}: ${p.message}${p.hint ? `. ${p.hint}` : ""}`);
  }
  if (lines.length > 0) lines.push("");
  lines.push(auditSummaryLine(report));
  return `${lines.join("\n")}\n`;
}

function vulnerableBlock(r: PackageResult): string[] {
  const out = [`VULNERABLE  ${label(r)}  ${where(r.package.sources)}`];
  for (const v of r.vulnerabilities) out.push(...vulnerabilityLines(v));
  if (r.fixVersion !== undefined) out.push(`  fix: upgrade to ${r.fixVersion}`);
  else if (r.vulnerabilities.some((v) => !v.suppressed)) out.push("  fix: no known version fixes every vulnerability above");
  return out;
}

function vulnerabilityLines(v: Vulnerability): string[] {
  const ids = [...v.ids.slice(1), ...v.aliases];
  const severity = `${v.severity.level}${v.severity.score !== undefined ? ` ${v.severity.score.toFixed(1)}` : v.severity.source === "none" ? " (no severity given)" : ""}`;
  const out = [`  ${severity.padEnd(26)}${v.id}${ids.length ? ` (${ids.join(", ")})` : ""}${v.fixedIn.length ? `  fixed in ${v.fixedIn.join(", ")}` : "  no fix known"}`];
  if (v.summary) out.push(`  ${"".padEnd(26)}${v.summary}`);
  if (v.suppressed) out.push(`  ${"".padEnd(26)}ignored (${v.suppressed.via}): ${v.suppressed.reason}${v.suppressed.owner ? `, owner ${v.suppressed.owner}` : ""}${v.suppressed.expires ? `, until ${v.suppressed.expires}` : ""}`);
  return out;
}

function label(r: PackageResult): string {
  return `${r.package.name} ${r.package.version ?? ""}`.trim();
}

function describeUnresolved(r: PackageResult): string {
  const u = r.package.unresolved!;
  return u.detail ? `(${u.reason}: ${u.detail})` : `(${u.reason === "unpinned" ? "any version" : u.reason})`;
}

function where(sources: readonly PackageSource[]): string {
  const shown = sources.slice(0, 3).map((s) => `${s.path}${s.line ? `:${s.line}` : ""}`);
  return shown.join(", ") + (sources.length > 3 ? ` and ${sources.length - 3} more` : "");
}

/** `12 packages: 2 vulnerable, 1 unresolved; 3 vulnerabilities: 2 high, 1 medium; 1 ignored`. */
export function auditSummaryLine(report: AuditReport): string {
  const s = report.summary;
  const total = SEVERITIES.reduce((n, k) => n + s.vulnerabilities[k], 0);
  const bySeverity = SEVERITIES.filter((k) => s.vulnerabilities[k] > 0).map((k) => `${s.vulnerabilities[k]} ${k}`);
  const pkgs = [`${s.vulnerablePackages} vulnerable`, ...(s.unresolved ? [`${s.unresolved} unresolved`] : []), ...(s.unaudited ? [`${s.unaudited} unaudited`] : [])];
  const vulns = `${total} ${total === 1 ? "vulnerability" : "vulnerabilities"}${bySeverity.length ? `: ${bySeverity.join(", ")}` : ""}`;
  return `${s.packages} package${s.packages === 1 ? "" : "s"}: ${pkgs.join(", ")}; ${vulns}${s.suppressed ? `; ${s.suppressed} ignored` : ""}`;
}
