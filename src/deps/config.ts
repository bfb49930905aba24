/**
 * The `audit:` section of vouch.yaml. Validated with the same strictness as the rest of the file
 * (unknown keys are errors); ignores are the shared suppressions (`core/suppress.ts`) with `rule`
 * an advisory id or alias and `path` a glob over manifest paths.
 */
import { z } from "zod";
import { suppressionSchema, type Suppression } from "../core/suppress.js";
import { SEVERITIES, type Severity } from "../core/types.js";
import { DEFAULT_MAX_DB_AGE_DAYS } from "./db/status.js";

export interface AuditConfig {
  /** Lowest severity that fails the audit; absent: every known vulnerability fails (the default). */
  failOn?: Severity;
  /** Warn when the database is older than this many days. */
  maxDbAgeDays: number;
  /** Database directory (relative to the config file's folder); absent: VOUCH_DB_DIR or the cache folder. */
  db?: string;
  /** Base URL for `vouch db update`. */
  updateUrl?: string;
  /** Reviewed ignores. */
  ignore: Suppression[];
  /** OpenVEX documents (paths relative to the config file's folder). */
  vex: string[];
}

export const auditConfigSchema = z.strictObject({
  failOn: z.enum(SEVERITIES as [Severity, ...Severity[]], { error: `must be one of ${SEVERITIES.join(", ")}` }).optional(),
  maxDbAgeDays: z.int({ error: "must be a whole number of days" }).positive({ error: "must be a positive number of days" }).default(DEFAULT_MAX_DB_AGE_DAYS),
  db: z.string().min(1).optional(),
  updateUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  ignore: z.array(suppressionSchema).default(() => []),
  vex: z.array(z.string().min(1)).default(() => []),
});

export function defaultAuditConfig(): AuditConfig {
  return auditConfigSchema.parse({});
}
