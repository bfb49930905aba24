/**
 * What a reviewer should look at, derived from the collected facts and nothing else. Each check is
 * one function returning its warnings; `deriveWarnings` runs them all and sorts worst first.
 */
import { compareStrings } from "./sort.js";
import { SEVERITIES, severityRank, type Severity } from "../core/types.js";
import { isConventionalFile } from "./files.js";
import { classifyLicense } from "./license.js";
import type { ModelCard } from "./card.js";
import { lookAlikes } from "./typosquat.js";
import type { FileProvenance, ProvenanceReport, ProvenanceWarning } from "./types.js";

type Facts = Pick<ProvenanceReport, "target" | "source" | "repository" | "card" | "lineage" | "files">;

/** Every warning for a report's facts, worst first, then by code and file. */
export function deriveWarnings(facts: Facts, card: ModelCard): ProvenanceWarning[] {
  const all = [
    ...integrity(facts.files),
    ...unpinned(facts),
    ...license(facts),
    ...datasets(facts),
    ...cardPresence(card),
    ...weightsAfterCard(facts),
    ...unmentioned(facts.files, card),
    ...typosquatting(facts),
    ...hubScan(facts.files),
  ];
  return all.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareStrings(a.code, b.code) || compareStrings(a.file ?? "", b.file ?? ""));
}

export function countBySeverity(warnings: readonly ProvenanceWarning[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const w of warnings) counts[w.severity] += 1;
  return counts;
}

function integrity(files: FileProvenance[]): ProvenanceWarning[] {
  const out: ProvenanceWarning[] = [];
  for (const f of files) {
    if (f.verification === "not-pulled") {
      out.push({ code: "lfs-not-pulled", severity: "medium", file: f.path, message: `${f.path} is a Git LFS pointer: its content (${f.expected}) was never downloaded` });
    } else if (f.verification === "mismatch" && f.verifiedAgainst === "git-index") {
      out.push({ code: "modified-since-commit", severity: "medium", file: f.path, message: `${f.path} differs from the committed version (${f.expected}): changed locally, or converted by git filters` });
    } else if (f.verification === "mismatch") {
      const against = AGAINST[f.verifiedAgainst ?? "hub"];
      out.push({ code: "hash-mismatch", severity: "high", file: f.path, message: `${f.path} does not match ${against} (${f.expected}): these are not the published bytes` });
    }
  }
  return out;
}

const AGAINST: Record<NonNullable<FileProvenance["verifiedAgainst"]>, string> = {
  hub: "the digest the Hub publishes",
  "cache-blob": "its cache blob's name",
  "lfs-pointer": "its LFS pointer",
  "git-index": "the committed blob",
};

function unpinned(facts: Facts): ProvenanceWarning[] {
  const repo = facts.repository;
  if (facts.source.kind !== "hub" || !repo || repo.pinned) return [];
  return [{
    code: "unpinned-revision",
    severity: "medium",
    message: `${facts.target} follows "${repo.requestedRevision}", which can move; this report is for commit ${repo.commit}: pin hf://${repo.id}@${repo.commit}`,
  }];
}

function license(facts: Facts): ProvenanceWarning[] {
  const id = facts.card.license;
  if (!facts.card.present) return [];
  if (id === undefined) return [{ code: "license-missing", severity: "medium", message: "The model card declares no license: nobody has granted you the right to use this model" }];
  const info = classifyLicense(id);
  const out: ProvenanceWarning[] = [];
  if (info.spdx === undefined) {
    const what = [facts.card.licenseName, facts.card.licenseLink].filter(Boolean).join(", ");
    out.push({ code: "license-not-spdx", severity: "low", message: `License "${id}" is not an SPDX identifier (${info.note ?? "unknown"})${what ? `: ${what}` : ""}; read its terms` });
  }
  if (info.commercial === "forbidden") {
    out.push({ code: "license-noncommercial", severity: "medium", message: `License "${id}" forbids commercial use${info.note ? ` (${info.note})` : ""}` });
  } else if (info.commercial === "restricted") {
    out.push({ code: "license-restricted", severity: "info", message: `License "${id}" restricts how the model may be used (${info.note})` });
  }
  return out;
}

function datasets(facts: Facts): ProvenanceWarning[] {
  if (!facts.card.present || facts.card.datasets.length > 0) return [];
  return [{ code: "no-dataset-disclosure", severity: "low", message: "The model card names no training datasets (`datasets:`): what the model learned from is undisclosed" }];
}

function cardPresence(card: ModelCard): ProvenanceWarning[] {
  if (!card.present) return [{ code: "card-missing", severity: "medium", message: "The model has no model card (README.md): no licence, lineage or datasets are declared" }];
  if (card.frontMatterError !== undefined) return [{ code: "card-unreadable", severity: "low", message: `The model card's front matter is not valid YAML (${card.frontMatterError})` }];
  return [];
}

/** Weights whose last change is later than the card's: the card may describe other weights. */
function weightsAfterCard(facts: Facts): ProvenanceWarning[] {
  const cardChanged = facts.card.lastChanged;
  if (!cardChanged) return [];
  const out: ProvenanceWarning[] = [];
  for (const f of facts.files) {
    if (f.role !== "weights") continue;
    const changed = f.lastCommit ? { commit: f.lastCommit.id, date: f.lastCommit.date } : f.history?.[0] ? { commit: f.history[0].id, date: f.history[0].committedAt } : undefined;
    if (changed && Date.parse(changed.date) > Date.parse(cardChanged.date)) {
      out.push({
        code: "weights-after-card",
        severity: "medium",
        file: f.path,
        message: `${f.path} changed (${changed.date}, commit ${changed.commit.slice(0, 12)}) after the model card was last written (${cardChanged.date}): the card may describe other weights`,
      });
    }
  }
  return out;
}

/** Files outside the conventional set that the card's text never names. */
function unmentioned(files: FileProvenance[], card: ModelCard): ProvenanceWarning[] {
  if (!card.present) return [];
  const text = card.text.toLowerCase();
  return files
    .filter((f) => !isConventionalFile(f.path) && !text.includes(f.path.toLowerCase()) && !text.includes(baseName(f.path).toLowerCase()))
    .map((f) => ({
      code: "unmentioned-file",
      severity: f.role === "weights" || f.role === "code" ? "medium" : "low",
      file: f.path,
      message: `The model card never mentions ${f.path} (${f.role}): ask what it is for`,
    }));
}

function typosquatting(facts: Facts): ProvenanceWarning[] {
  const out: ProvenanceWarning[] = [];
  const check = (id: string, what: string, severity: Severity) => {
    for (const hit of lookAlikes(id)) {
      const how = hit.kind === "confusable" ? "looks like" : "is one typo away from";
      out.push({ code: "typosquat", severity, message: `${what} ${hit.name} ${how} the well-known ${hit.imitates}: check that this is really who you think it is` });
    }
  };
  if (facts.repository) check(facts.repository.id, "The repository", "high");
  for (const base of new Set(facts.lineage.map((l) => l.id))) if (base.includes("/")) check(base, "The base model", "medium");
  return out;
}

/** Files the Hub's own scanners flagged, reported as the Hub reports them. */
function hubScan(files: FileProvenance[]): ProvenanceWarning[] {
  const out: ProvenanceWarning[] = [];
  for (const f of files) {
    const status = f.hubScan?.status;
    if (status !== "unsafe" && status !== "suspicious" && status !== "caution") continue;
    const imports = f.hubScan!.flaggedImports.length > 0 ? ` (imports: ${f.hubScan!.flaggedImports.join(", ")})` : "";
    out.push({ code: "hub-scan-flagged", severity: status === "unsafe" ? "high" : "medium", file: f.path, message: `The Hub's scanners report ${f.path} as ${status}${imports}` });
  }
  return out;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
