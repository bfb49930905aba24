/**
 * The summary block of a scan report, derived from its artifacts and nothing else, so anything that
 * changes findings (suppressions, a policy re-run) recomputes it here instead of patching counts.
 */
import { SEVERITIES, type ArtifactReport, type ScanReport, type Severity, type Verdict } from "./types.js";

export type ScanSummary = ScanReport["summary"];

const VERDICTS: readonly Verdict[] = ["malicious", "suspicious", "clean", "error"];

/**
 * Counts artifacts per verdict and findings per severity. Suppressed findings are counted only in
 * `suppressed`, never under their severity. Every verdict and severity key is present, zero or not,
 * so the JSON shape does not depend on what was found.
 */
export function summarize(artifacts: readonly ArtifactReport[]): ScanSummary {
  const verdicts = zeroes(VERDICTS);
  const findings = zeroes<Severity>(SEVERITIES);
  let suppressed = 0;
  for (const artifact of artifacts) {
    verdicts[artifact.verdict] += 1;
    for (const f of artifact.findings) {
      if (f.suppressed) suppressed += 1;
      else findings[f.severity] += 1;
    }
  }
  return { artifacts: artifacts.length, verdicts, findings, suppressed };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
