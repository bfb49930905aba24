/**
 * The severity gate every face shares (CLI exit code, GitHub Action, registry admission): which
 * findings block, given the lowest severity that fails a run. Suppressed findings never block; that
 * is what a suppression is for.
 */
import { severityRank, type ArtifactReport, type Finding, type ScanReport, type Severity } from "../core/types.js";

export interface BlockingFinding {
  artifact: ArtifactReport;
  finding: Finding;
}

/** Unsuppressed findings at or above `failOn`, in report order. */
export function blockingFindings(report: ScanReport, failOn: Severity): BlockingFinding[] {
  const threshold = severityRank(failOn);
  return report.artifacts.flatMap((artifact) =>
    artifact.findings.filter((f) => !f.suppressed && severityRank(f.severity) >= threshold).map((finding) => ({ artifact, finding })),
  );
}

/** Artifacts that could not be judged (unreadable, truncated, over budget): verdict `error`. */
export function erroredArtifacts(report: ScanReport): ArtifactReport[] {
  return report.artifacts.filter((a) => a.verdict === "error");
}
