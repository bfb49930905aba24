/**
 * Exit codes, as the architecture fixes them: 0 nothing at or above `--fail-on`; 1 findings at or
 * above it; 2 a usage error or an input that could not be judged. Findings win over errors: a run
 * that found a payload in one file and could not read another still reports the payload.
 */
import type { ScanReport, Severity } from "../core/types.js";
import { blockingFindings, erroredArtifacts } from "../report/gate.js";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export function scanExitCode(report: ScanReport, failOn: Severity): number {
  if (blockingFindings(report, failOn).length > 0) return EXIT_FINDINGS;
  if (erroredArtifacts(report).length > 0) return EXIT_ERROR;
  return EXIT_OK;
}
