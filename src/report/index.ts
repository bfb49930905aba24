/**
 * Renderers of a ScanReport (text for people, canonical JSON, SARIF 2.1.0) and the severity gate.
 * Each renderer is a pure function from report to text; where the text goes is the caller's business.
 */
import type { ScanReport } from "../core/types.js";
import { renderJson } from "./json.js";
import { renderSarif, type SarifOptions } from "./sarif.js";
import { renderText, type TextOptions } from "./text.js";

export { canonicalJson, renderJson } from "./json.js";
export { renderSarif, toSarif, ruleName, FINGERPRINT_KEY, SARIF_SCHEMA_URI, VOUCH_INFORMATION_URI, type SarifOptions } from "./sarif.js";
export type { SarifLog } from "./sarif-types.js";
export { renderText, describeLocation, printable, summaryLine, type TextOptions } from "./text.js";
export { blockingFindings, erroredArtifacts, type BlockingFinding } from "./gate.js";

export const REPORT_FORMATS = ["text", "json", "sarif"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type RenderOptions = Partial<TextOptions> & SarifOptions;

/** Renders `report` in `format`; text options only matter for `text`, SARIF options only for `sarif`. */
export function renderReport(report: ScanReport, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report, options);
    case "text":
      return renderText(report, { ...options, color: options.color ?? false });
  }
}
