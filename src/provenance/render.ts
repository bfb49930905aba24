/**
 * The provenance report for people (text, Markdown) and for machines (canonical JSON: sorted keys,
 * the same bytes for the same facts). Text and Markdown show the same sections in the same order:
 * origin, card, lineage, datasets, files, warnings.
 */
import { canonicalJson } from "../report/json.js";
import type { SecurityStatus } from "../sources/hub-types.js";
import type { LineageEntry } from "./lineage.js";
import type { FileProvenance, ProvenanceReport, ProvenanceWarning } from "./types.js";

export const PROVENANCE_FORMATS = ["text", "markdown", "json"] as const;
export type ProvenanceFormat = (typeof PROVENANCE_FORMATS)[number];

export function renderProvenance(report: ProvenanceReport, format: ProvenanceFormat): string {
  if (format === "json") return canonicalJson(report);
  return format === "markdown" ? renderMarkdown(report) : renderText(report);
}

/**
 * The Hub's scan status in words. `unscanned` and `queued` are not verdicts and are never shown as
 * anything that reads like one; a file the Hub was not asked about says so.
 */
export function hubScanLabel(scan: SecurityStatus | undefined): string {
  if (scan === undefined) return "not reported";
  const s = scan.status;
  if (s === "unscanned") return "unscanned (no verdict)";
  if (s === "queued") return "queued (no verdict yet)";
  if (s === "error") return "error (no verdict)";
  return `${s} (per the Hub)`;
}

// --- shared pieces

function sourceLine(r: ProvenanceReport): string {
  switch (r.source.kind) {
    case "hub":
      return "Hugging Face Hub, downloaded into the local cache";
    case "hf-cache":
      return "Hugging Face cache snapshot";
    case "git":
      return "local git clone";
    case "directory":
      return "local folder (nothing published to check against)";
    case "file":
      return "local file (nothing published to check against)";
  }
}

function revisionLine(r: ProvenanceReport): string | undefined {
  const repo = r.repository;
  if (!repo) return undefined;
  const asked = repo.requestedRevision !== undefined && repo.requestedRevision !== repo.commit ? `${repo.requestedRevision} -> ` : "";
  return `${asked}${repo.commit} (${repo.pinned ? "pinned" : "unpinned: the branch or tag can move"})`;
}

function licenseLine(r: ProvenanceReport): string {
  const c = r.card;
  if (c.license === undefined) return "none declared";
  const spdx = c.licenseSpdx ? `SPDX ${c.licenseSpdx}` : "not SPDX";
  const custom = [c.licenseName, c.licenseLink].filter(Boolean).join(", ");
  return `${c.license} (${spdx}; commercial use ${c.commercialUse ?? "unknown"})${custom ? ` - ${custom}` : ""}`;
}

function baseLine(r: ProvenanceReport): string {
  if (r.card.baseModels.length === 0) return "none declared";
  return `${r.card.baseModels.join(", ")}${r.card.baseModelRelation ? ` (${r.card.baseModelRelation})` : ""}`;
}

function lineageStatus(e: LineageEntry): string {
  const where = e.source === "unavailable" ? "unavailable" : `${e.source === "hub" ? "from the Hub" : "from the local cache"}${e.commit ? `, main = ${e.commit}` : ""}`;
  return [where, e.license ? `license ${e.license}` : undefined, e.note].filter(Boolean).join("; ");
}

function filesHeading(r: ProvenanceReport): string {
  const s = r.summary;
  const parts = [
    `${s.verified} verified`,
    s.mismatched ? `${s.mismatched} MISMATCHED` : undefined,
    s.notPulled ? `${s.notPulled} not pulled` : undefined,
    s.unverified ? `${s.unverified} unverified` : undefined,
  ].filter(Boolean);
  return `Files (${s.files}: ${parts.join(", ")})`;
}

function verificationLabel(f: FileProvenance): string {
  const against = f.verifiedAgainst ? ` against ${f.verifiedAgainst}` : "";
  return f.verification === "mismatch" ? `MISMATCH${against}` : `${f.verification}${against}`;
}

function warningsHeading(ws: ProvenanceWarning[]): string {
  return `Warnings (${ws.length})`;
}

function cardFields(r: ProvenanceReport): [string, string][] {
  const c = r.card;
  if (!c.present) return [["card", "none (no README.md)"]];
  return [
    ["license", licenseLine(r)],
    ["base model", baseLine(r)],
    ["datasets", c.datasets.length > 0 ? c.datasets.join(", ") : "none declared"],
    ["library", c.library ?? "not stated"],
    ["pipeline", c.pipeline ?? "not stated"],
    ["language", c.languages.length > 0 ? c.languages.join(", ") : "not stated"],
    ["missing", c.missing.length > 0 ? c.missing.join(", ") : "nothing"],
    ...(c.lastChanged ? [["last changed", `${c.lastChanged.date} (commit ${c.lastChanged.commit})`] as [string, string]] : []),
  ];
}

function originFields(r: ProvenanceReport): [string, string][] {
  const repo = r.repository;
  const fields: [string, string][] = [["source", sourceLine(r)]];
  if (repo) {
    fields.push(["repository", `${repo.id} (${repo.url})`], ["revision", revisionLine(r)!], ["author", repo.author]);
    if (repo.lastModified) fields.push(["last modified", repo.lastModified]);
    if (repo.gated !== undefined) fields.push(["gated", repo.gated === false ? "no" : `yes (${repo.gated})`]);
    if (repo.private) fields.push(["private", "yes"]);
  }
  if (r.source.hubNote) fields.push(["note", r.source.hubNote]);
  return fields;
}

// --- text

function renderText(r: ProvenanceReport): string {
  const lines: string[] = [`Provenance of ${r.target}`, ""];
  const kv = (fields: [string, string][]) => {
    const w = Math.max(...fields.map(([k]) => k.length));
    for (const [k, v] of fields) lines.push(`  ${k.padEnd(w)}  ${v}`);
  };
  kv(originFields(r));
  lines.push("", "Model card (README.md)");
  kv(cardFields(r));

  lines.push("", "Lineage");
  if (r.lineage.length === 0) lines.push("  no base model declared");
  for (const e of r.lineage) lines.push(`  ${"  ".repeat(e.depth - 1)}<- ${e.id}${e.relation ? ` [${e.relation}]` : ""}: ${lineageStatus(e)}`);

  if (r.datasets.length > 0) {
    lines.push("", "Datasets");
    for (const d of r.datasets) lines.push(`  ${d.id}: ${d.source === "unavailable" ? `unavailable; ${d.note ?? ""}` : `from the ${d.source === "hub" ? "Hub" : "local cache"}, main = ${d.commit}`}`);
  }

  lines.push("", filesHeading(r));
  for (const f of r.files) {
    lines.push(`  ${f.path}  ${f.size} bytes  ${f.role}`);
    lines.push(`    sha256 ${f.sha256}`);
    lines.push(`    ${verificationLabel(f)}${f.expected ? ` (${f.expected})` : ""}`);
    if (f.hubScan || f.lastCommit) lines.push(`    Hub scan: ${hubScanLabel(f.hubScan)}${f.lastCommit ? `; last changed ${f.lastCommit.date} (${f.lastCommit.id.slice(0, 12)} "${f.lastCommit.title}")` : ""}`);
    for (const c of f.history ?? []) {
      lines.push(`    ${c.id.slice(0, 12)} ${c.date} ${c.author} <${c.authorEmail}> ${c.signed ? `signed (${c.signature})` : "unsigned"}: ${c.subject}`);
    }
  }

  lines.push("", warningsHeading(r.warnings));
  if (r.warnings.length === 0) lines.push("  none");
  for (const w of r.warnings) lines.push(`  ${w.severity.padEnd(8)} ${w.code}: ${w.message}`);
  return `${lines.join("\n")}\n`;
}

// --- Markdown

function renderMarkdown(r: ProvenanceReport): string {
  const out: string[] = [`# Provenance of \`${r.target}\``, ""];
  const table = (fields: [string, string][]) => {
    out.push("| | |", "| --- | --- |");
    for (const [k, v] of fields) out.push(`| ${cell(k)} | ${cell(v)} |`);
    out.push("");
  };
  table(originFields(r));
  out.push("## Model card", "");
  table(cardFields(r));

  out.push("## Lineage", "");
  if (r.lineage.length === 0) out.push("No base model declared.", "");
  else {
    for (const e of r.lineage) out.push(`${"  ".repeat(e.depth - 1)}- \`${e.id}\`${e.relation ? ` (${e.relation})` : ""}: ${lineageStatus(e)}`);
    out.push("");
  }

  if (r.datasets.length > 0) {
    out.push("## Datasets", "");
    for (const d of r.datasets) out.push(`- \`${d.id}\`: ${d.source === "unavailable" ? `unavailable; ${d.note ?? ""}` : `from the ${d.source === "hub" ? "Hub" : "local cache"}, main = \`${d.commit}\``}`);
    out.push("");
  }

  // The Hub scan column only when the Hub was asked: for a local clone it would say nothing eight times.
  const scans = r.files.some((f) => f.hubScan !== undefined);
  out.push(`## ${filesHeading(r)}`, "", `| file | size | role | sha256 | checked |${scans ? " Hub scan |" : ""}`, `| --- | ---: | --- | --- | --- |${scans ? " --- |" : ""}`);
  for (const f of r.files) {
    const scan = scans ? ` ${cell(hubScanLabel(f.hubScan))} |` : "";
    out.push(`| \`${cell(f.path)}\` | ${f.size} | ${f.role} | \`${f.sha256}\` | ${cell(verificationLabel(f))} |${scan}`);
  }
  out.push("");
  const histories = r.files.filter((f) => f.history && f.history.length > 0);
  if (histories.length > 0) {
    out.push("### History of the weights", "", "| file | commit | date | author | signature | message |", "| --- | --- | --- | --- | --- | --- |");
    for (const f of histories) {
      for (const c of f.history!) out.push(`| \`${cell(f.path)}\` | \`${c.id.slice(0, 12)}\` | ${c.date} | ${cell(c.author)} | ${c.signed ? c.signature : "unsigned"} | ${cell(c.subject)} |`);
    }
    out.push("");
  }

  out.push(`## ${warningsHeading(r.warnings)}`, "");
  if (r.warnings.length === 0) out.push("None.");
  for (const w of r.warnings) out.push(`- **${w.severity}** \`${w.code}\`: ${w.message}`);
  out.push("");
  return out.join("\n");
}

/** Table cells: pipes escaped, newlines flattened. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
