/**
 * The verdict rule, in one place: `malicious` when any counted finding is critical or high; else
 * `error` when the artifact could not be read to its end; else `suspicious` when any counted finding is
 * medium; else `clean`. Suppressed findings do not count. A malformed file is therefore never `clean`.
 */
import type { ArtifactReport, Finding, Verdict } from "../core/types.js";

export function deriveVerdict(a: Pick<ArtifactReport, "findings" | "complete">): Verdict {
  const counted = a.findings.filter((f) => !f.suppressed);
  if (counted.some((f) => f.severity === "critical" || f.severity === "high")) return "malicious";
  if (!a.complete) return "error";
  if (counted.some((f) => f.severity === "medium")) return "suspicious";
  return "clean";
}

/** Worst first, then by member, offset and rule, so reports are deterministic. */
export function compareFindings(a: Finding, b: Finding): number {
  const rank = ["critical", "high", "medium", "low", "info"];
  return (
    rank.indexOf(a.severity) - rank.indexOf(b.severity) ||
    (a.location.member ?? "").localeCompare(b.location.member ?? "") ||
    (a.location.offset ?? -1) - (b.location.offset ?? -1) ||
    (a.location.line ?? -1) - (b.location.line ?? -1) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}
