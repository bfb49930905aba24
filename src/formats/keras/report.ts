/**
 * Hands a config check to a scan context: findings as they are, a cut-short walk as a budget finding
 * (so the verdict cannot be `clean`), and the summary the BOM shows.
 */
import type { Location } from "../../core/types.js";
import type { ScanContext } from "../types.js";
import { checkKerasConfig, type ConfigCheck, type ConfigCheckOptions, type ConfigSummary } from "./config.js";

/** Checks a parsed config and reports the result into `ctx`; returns the summary. */
export function checkAndReport(ctx: ScanContext, config: unknown, opts: ConfigCheckOptions & { location?: Location } = {}): ConfigSummary {
  const check = checkKerasConfig(config, opts);
  reportCheck(ctx, check, opts.location ?? {});
  return check.summary;
}

export function reportCheck(ctx: ScanContext, check: ConfigCheck, location: Location): void {
  for (const f of check.findings) {
    ctx.report({
      ruleId: f.ruleId,
      message: f.message,
      evidence: f.evidence,
      location,
      ...(f.severity ? { severity: f.severity } : {}),
    });
  }
  if (!check.complete) {
    ctx.report({
      ruleId: "scan/budget-exceeded",
      message: `The Keras config was only partly checked: ${check.incompleteReason}`,
      location,
    });
  }
}

/** The summary as BOM metadata: only what is known (no empty histogram for a config without layers). */
export function summaryMetadata(s: ConfigSummary): Record<string, unknown> {
  return {
    ...(s.modelClass !== undefined ? { modelClass: s.modelClass } : {}),
    layers: s.layers,
    layerClasses: Object.fromEntries(Object.entries(s.layerClasses).sort(([a], [b]) => a.localeCompare(b))),
    models: s.models,
    lambdas: s.lambdas,
    bytecode: s.bytecode,
    ...(s.omittedFindings > 0 ? { omittedFindings: s.omittedFindings } : {}),
  };
}
