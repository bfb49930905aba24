/**
 * Detection: one package's version against the advisories the database holds for its name. Records
 * that are aliases of one another (a PYSEC record and the GHSA record it names, or two records naming
 * the same CVE) become one `Vulnerability`, so a vulnerability is counted and ignored once.
 */
import { severityRank, type Severity } from "../../core/types.js";
import { fixCandidates, isAffected, sortUnique } from "../osv/match.js";
import { bestCvss, levelOfWord, UNKNOWN_SEVERITY_LEVEL } from "../osv/severity.js";
import type { Advisory, Package, Vulnerability, VulnerabilitySeverity } from "../types.js";
import type { VersionScheme } from "../version/index.js";

/** The advisories (already looked up by name) that affect `pkg.version`, merged by alias. */
export function detect(pkg: Package, advisories: readonly Advisory[], scheme: VersionScheme): Vulnerability[] {
  const version = pkg.version;
  if (version === undefined) return [];
  const matched = advisories.filter((a) => entriesFor(a, pkg).some((e) => isAffected(e, version, scheme)));
  return groupByAlias(matched).map((group) => toVulnerability(group, pkg, version, scheme)).sort(byWorstThenId);
}

/** True when any record of `vulnerability`'s group still affects `version` (used to check an upgrade). */
export function stillAffects(records: readonly Advisory[], pkg: Package, version: string, scheme: VersionScheme): boolean {
  return records.some((a) => entriesFor(a, pkg).some((e) => isAffected(e, version, scheme)));
}

export function entriesFor(a: Advisory, pkg: Package) {
  return a.affected.filter((e) => e.ecosystem === pkg.ecosystem);
}

/** Union-find over ids: two records join when one names the other or both name a common id. */
function groupByAlias(records: readonly Advisory[]): Advisory[][] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  records.forEach((r, i) => {
    for (const id of [r.id, ...r.aliases]) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Advisory[]>();
  records.forEach((r, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  });
  return [...groups.values()].map((g) => g.sort((a, b) => cmp(a.id, b.id)));
}

/** The records of each vulnerability, kept out of the report but needed to judge upgrades. */
export const RECORDS = new WeakMap<Vulnerability, Advisory[]>();

function toVulnerability(records: Advisory[], pkg: Package, version: string, scheme: VersionScheme): Vulnerability {
  const ids = records.map((r) => r.id);
  const aliases = [...new Set(records.flatMap((r) => r.aliases))].filter((a) => !ids.includes(a)).sort();
  const candidates = records.flatMap((r) => entriesFor(r, pkg).flatMap((e) => fixCandidates(e, version, scheme)));
  const fixedIn = sortUnique(candidates, scheme).filter((v) => !stillAffects(records, pkg, v, scheme));
  const v: Vulnerability = {
    id: ids[0]!,
    ids,
    aliases,
    summary: records.find((r) => r.summary !== "")?.summary ?? "",
    severity: severityOf(records, pkg),
    fixedIn,
    references: references(records),
  };
  RECORDS.set(v, records);
  return v;
}

/** The newest CVSS version given anywhere in the group wins; else the worst database word; else unknown (high). */
function severityOf(records: readonly Advisory[], pkg: Package): VulnerabilitySeverity {
  const statements = records.flatMap((r) => [...r.severity, ...entriesFor(r, pkg).flatMap((e) => e.severity ?? [])]);
  const database: Record<string, string> = {};
  for (const r of records) {
    const word = r.databaseSeverity ?? entriesFor(r, pkg).find((e) => e.databaseSeverity !== undefined)?.databaseSeverity;
    if (word !== undefined) database[r.id] = word;
  }
  const kept = Object.keys(database).length > 0 ? { database } : {};
  const cvss = bestCvss(statements);
  if (cvss) return { level: cvss.level, score: cvss.score, vector: cvss.vector, source: "cvss", ...kept };
  const words = Object.values(database).map(levelOfWord).filter((l): l is Severity => l !== undefined);
  if (words.length > 0) return { level: words.sort((a, b) => severityRank(b) - severityRank(a))[0]!, source: "database", ...kept };
  return { level: UNKNOWN_SEVERITY_LEVEL, source: "none", ...kept };
}

/** Advisory pages first (the ones people read), then the rest, deduplicated, in record order. */
function references(records: readonly Advisory[]): string[] {
  const refs = records.flatMap((r) => r.references);
  const ordered = [...refs.filter((r) => r.type === "ADVISORY"), ...refs.filter((r) => r.type !== "ADVISORY")];
  return [...new Set(ordered.map((r) => r.url))];
}

export function byWorstThenId(a: Vulnerability, b: Vulnerability): number {
  return severityRank(b.severity.level) - severityRank(a.severity.level) || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
