/** Renderers of an AuditReport: each a pure function from report to text. */
import { canonicalJson } from "../../report/json.js";
import type { AuditReport } from "../types.js";
import { renderAuditCycloneDx } from "./cyclonedx.js";
import { renderAuditSarif } from "./sarif.js";
import { renderAuditText, type AuditTextOptions } from "./text.js";

export { renderAuditText, auditSummaryLine, type AuditTextOptions } from "./text.js";
export { auditToSarif, renderAuditSarif, AUDIT_FINGERPRINT_KEY } from "./sarif.js";
export { auditToCycloneDx, renderAuditCycloneDx, CYCLONEDX_SPEC_VERSION } from "./cyclonedx.js";

export const AUDIT_FORMATS = ["text", "json", "sarif", "cyclonedx"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** `--format json` prints canonical JSON (sorted keys): the same audit gives the same bytes. */
export function renderAudit(report: AuditReport, format: AuditFormat, options: AuditTextOptions = {}): string {
  switch (format) {
    case "json":
      return canonicalJson(report);
    case "sarif":
      return renderAuditSarif(report);
    case "cyclonedx":
      return renderAuditCycloneDx(report);
    case "text":
      return renderAuditText(report, options);
  }
}
