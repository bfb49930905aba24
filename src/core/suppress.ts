/**
 * Suppressions: a reviewed decision that a finding is acceptable, with who decided, why, and until
 * when. One model for every domain: the scanner's findings here, and later the dependency audit
 * (rule = advisory id) and the policy gate reuse `Suppression`, `suppressionSchema` and
 * `matchSuppression`.
 *
 * Matching rules:
 * - `rule` is an exact rule id, or a family `prefix/*` matching every id under `prefix/`.
 * - `path` is a POSIX glob relative to the scan target, matched against the artifact's path: `*`
 *   matches within one segment, `**` (a whole segment) matches any number of segments, every other
 *   character is literal. Findings inside archive members match by their artifact's path.
 * - `digest` (`sha256:<hex>`) matches the artifact's SHA-256, so a suppression can follow one exact
 *   file wherever it is copied, and stops matching the moment its bytes change. It never matches an
 *   artifact scanned without a digest.
 * - When several of rule, path and digest are given, all must match.
 * - `expires` (ISO date or date-time) ends the suppression by itself; a date without a time means the
 *   end of that day, UTC.
 *
 * Scope rule: a family rule (`pickle/*`) must name a path or a digest, because "ignore every pickle
 * finding everywhere" is a switch-off, not a reviewed exception. A specific rule may stand alone:
 * silencing one well-understood rule across a project (`pickle/multiple-pickles`) is a legitimate,
 * reviewable decision.
 */
import { z } from "zod";
import { relativeNameProblem } from "../walk/paths.js";
import type { Clock } from "./clock.js";
import { VouchError } from "./errors.js";
import { summarize } from "./summary.js";
import type { ArtifactReport, Finding, ScanReport, Verdict } from "./types.js";

export interface Suppression {
  /** Rule id (`pickle/unknown-class`) or family (`pickle/*`). For the dependency audit, an advisory id. */
  rule: string;
  /** POSIX glob relative to the scan target (`models/*.pt`, `models/**`). Absent: any path. */
  path?: string;
  /** `sha256:<64 lower-case hex>` of the artifact. Absent: any content. */
  digest?: string;
  /** Why the finding is acceptable (a ticket, a review). Shown next to the suppressed finding. */
  reason: string;
  /** Who decided and answers for it. */
  owner: string;
  /** ISO date (`2027-01-31`, through the end of that day UTC) or date-time after which it stops applying. */
  expires?: string;
}

/** What a suppression is matched against: one finding (or advisory, or policy violation). */
export interface SuppressionSubject {
  ruleId: string;
  /** Artifact path relative to the target. A suppression with a `path` never matches a subject without one. */
  path?: string;
  /** SHA-256 of the artifact, `sha256:<hex>` or bare hex. */
  digest?: string;
}

const RULE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*(?:\/\*)?$/;
const DIGEST_PATTERN = /^sha256:[0-9a-fA-F]{64}$/;

const requiredString = z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

/** Validation of one suppression as written in a config file; other domains reuse it for theirs. */
export const suppressionSchema = z
  .strictObject({
    rule: requiredString.regex(RULE_PATTERN, {
      error: "must be a rule id like `pickle/unknown-class` or a family like `pickle/*`",
    }),
    path: z.string().refine((p) => globProblem(p) === undefined, {
      error: (issue) => `path glob ${globProblem(String(issue.input))}`,
    }).optional(),
    digest: z
      .string()
      .regex(DIGEST_PATTERN, { error: "must be `sha256:` followed by 64 hex digits" })
      .transform((d) => d.toLowerCase())
      .optional(),
    reason: requiredString.trim().min(1, { error: "must say why the finding is acceptable" }),
    owner: requiredString.trim().min(1, { error: "must name who answers for the suppression" }),
    expires: z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: "must be an ISO date (2027-01-31) or date-time (2027-01-31T12:00:00Z)",
    }).optional(),
  })
  .refine((s) => !isFamily(s.rule) || s.path !== undefined || s.digest !== undefined, {
    error: "a family rule (ending in /*) must also name a path or a digest",
    path: ["rule"],
  });

/** True when the suppression has passed its expiry at `now`. */
export function isExpired(s: Suppression, now: Date): boolean {
  const end = expiryInstant(s);
  return end !== undefined && end.getTime() < now.getTime();
}

/** The last instant the suppression applies: a date-only value means 23:59:59.999 UTC that day. */
export function expiryInstant(s: Suppression): Date | undefined {
  if (s.expires === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s.expires) ? `${s.expires}T23:59:59.999Z` : s.expires;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    throw new VouchError("E_CONFIG", `suppression for ${s.rule} has an invalid expiry ${JSON.stringify(s.expires)}`, {
      hint: "Validate suppressions with suppressionSchema; write dates as 2027-01-31",
    });
  }
  return d;
}

/** Whether `s` applies to `subject` at `now`: not expired, and rule, path and digest all match. */
export function matchSuppression(s: Suppression, subject: SuppressionSubject, now: Date): boolean {
  if (isExpired(s, now) || !ruleMatches(s.rule, subject.ruleId)) return false;
  if (s.path !== undefined && (subject.path === undefined || !globMatches(s.path, subject.path))) return false;
  if (s.digest !== undefined && (subject.digest === undefined || !digestsEqual(s.digest, subject.digest))) return false;
  return true;
}

/** `pickle/*` matches every id under `pickle/` (not `pickle` itself); anything else matches exactly. */
export function ruleMatches(pattern: string, ruleId: string): boolean {
  return isFamily(pattern) ? ruleId.startsWith(pattern.slice(0, -1)) : pattern === ruleId;
}

function isFamily(rule: string): boolean {
  return rule.endsWith("/*");
}

function digestsEqual(a: string, b: string): boolean {
  const bare = (d: string) => d.toLowerCase().replace(/^sha256:/, "");
  return bare(a) === bare(b);
}

/** Why `glob` is not a valid suppression path, or undefined when it is. */
export function globProblem(glob: string): string | undefined {
  if (glob.endsWith("/")) return `${JSON.stringify(glob)} ends with \`/\`; write \`${glob}**\` for everything under a folder`;
  const problem = relativeNameProblem(glob);
  if (problem !== undefined) return `${JSON.stringify(glob)} ${problem}; write it relative to the scan target`;
  if (glob.split("/").some((seg) => seg !== "**" && seg.includes("**"))) {
    return `${JSON.stringify(glob)} uses \`**\` inside a segment; \`**\` must stand alone between slashes`;
  }
  return undefined;
}

const globCache = new Map<string, RegExp>();

/** Whether the POSIX `path` matches `glob` (`*` within a segment, `**` across segments). */
export function globMatches(glob: string, path: string): boolean {
  let re = globCache.get(glob);
  if (re === undefined) {
    re = compileGlob(glob);
    globCache.set(glob, re);
  }
  return re.test(path);
}

function compileGlob(glob: string): RegExp {
  const segments = glob.split("/");
  let source = "";
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === "**") {
      // Trailing `**`: at least one more segment (everything under the folder, not the folder).
      // Elsewhere: zero or more whole segments, so `a/**/b` matches `a/b` and `a/x/y/b`.
      source += last ? "[^/]+(?:/[^/]+)*" : "(?:[^/]+/)*";
    } else {
      source += seg.split("*").map(escapeRegExp).join("[^/]*") + (last ? "" : "/");
    }
  });
  return new RegExp(`^${source}$`, "u");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface SuppressionResult {
  /** A copy of the report with matching findings marked and the summary recomputed. */
  report: ScanReport;
  /** Suppressions past their expiry: they no longer apply, and the owner should renew or delete them. */
  expired: Suppression[];
  /** Suppressions in force that matched no finding: stale, or mistyped (a rule id that does not exist). */
  unused: Suppression[];
}

export interface ApplyOptions {
  /**
   * Re-derives an artifact's verdict after its findings were marked (pass `scan/verdict.ts`'s
   * function). Without it verdicts are left as they were, for callers that derive verdicts later.
   */
  deriveVerdict?: (artifact: ArtifactReport) => Verdict;
}

/**
 * Marks each finding matched by a suppression in force with `{ reason, owner, expires }` from the
 * first matching suppression in list order. Marks are computed from scratch: a mark already in the
 * input is replaced, so re-applying an updated list (one that expired meanwhile) gives the right
 * answer. Suppressed findings stay in the report; the summary counts them only as `suppressed`.
 * The input report is never modified. A suppression counts as used when it matched any finding,
 * even one an earlier suppression already claimed.
 */
export function applySuppressions(
  report: ScanReport,
  suppressions: readonly Suppression[],
  clock: Clock,
  options: ApplyOptions = {},
): SuppressionResult {
  const now = clock.now();
  const active = suppressions.filter((s) => !isExpired(s, now));
  const used = new Set<Suppression>();
  const copy = structuredClone(report);
  for (const artifact of copy.artifacts) {
    artifact.findings = artifact.findings.map((f) => markFinding(f, artifact, active, used, now));
    if (options.deriveVerdict) artifact.verdict = options.deriveVerdict(artifact);
  }
  copy.summary = summarize(copy.artifacts);
  return {
    report: copy,
    expired: suppressions.filter((s) => isExpired(s, now)),
    unused: active.filter((s) => !used.has(s)),
  };
}

function markFinding(
  finding: Finding,
  artifact: ArtifactReport,
  active: readonly Suppression[],
  used: Set<Suppression>,
  now: Date,
): Finding {
  const { suppressed: _previous, ...unmarked } = finding;
  const subject: SuppressionSubject = { ruleId: finding.ruleId, path: artifact.path, digest: artifact.sha256 };
  const matching = active.filter((s) => matchSuppression(s, subject, now));
  for (const s of matching) used.add(s);
  const first = matching[0];
  if (first === undefined) return unmarked;
  return {
    ...unmarked,
    suppressed: { reason: first.reason, owner: first.owner, ...(first.expires !== undefined ? { expires: first.expires } : {}) },
  };
}
