/**
 * Ignores: the shared suppression model (`core/suppress.ts`: reason, owner, expiry) with `rule` an
 * advisory id or any of its aliases and `path` a glob over the manifest paths the package came
 * from; plus OpenVEX statements. An ignore that has expired stops applying by itself and is
 * reported, so nobody has to remember to delete it. Suppressed vulnerabilities stay in the report.
 */
import { isExpired, matchSuppression, type Suppression } from "../../core/suppress.js";
import type { PackageResult, Vulnerability } from "../types.js";
import { decidingStatement, type VexStatement } from "./vex.js";

export interface IgnoreResult {
  expired: Suppression[];
  unused: Suppression[];
}

/** Marks the vulnerabilities of `results` in place; config ignores first (their reason is reviewed), then VEX. */
export function applyIgnores(results: PackageResult[], ignores: readonly Suppression[], vex: readonly VexStatement[], now: Date): IgnoreResult {
  const active = ignores.filter((s) => !isExpired(s, now));
  const used = new Set<Suppression>();
  for (const result of results) {
    const paths = result.package.sources.map((s) => s.path);
    for (const v of result.vulnerabilities) {
      delete v.suppressed;
      const ids = [...v.ids, ...v.aliases];
      const matching = active.filter((s) => ids.some((id) => paths.some((path) => matchSuppression(s, { ruleId: id, path }, now))));
      for (const s of matching) used.add(s);
      const first = matching[0];
      if (first !== undefined) {
        v.suppressed = { reason: first.reason, owner: first.owner, ...(first.expires ? { expires: first.expires } : {}), via: "config" };
        continue;
      }
      const statement = decidingStatement(vex, ids, result.package.purl);
      if (statement && (statement.status === "not_affected" || statement.status === "fixed")) {
        v.suppressed = { reason: statement.reason, owner: statement.owner, via: "vex" };
      }
    }
  }
  return { expired: ignores.filter((s) => isExpired(s, now)), unused: active.filter((s) => !used.has(s)) };
}

/** Unsuppressed vulnerabilities. */
export function activeVulnerabilities(result: PackageResult): Vulnerability[] {
  return result.vulnerabilities.filter((v) => v.suppressed === undefined);
}
