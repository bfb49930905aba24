/**
 * Small pieces several format handlers need: the length of a source whose size may only be known
 * after reading it, and reporting a long list of issues without flooding the report.
 */
import type { ByteSource } from "../core/source.js";
import type { ScanContext } from "./types.js";

/**
 * The source's length. A decompressed member may not know it up front; then it is measured by
 * streaming (formats that check offsets against the length need it). Undefined when the scan's time
 * ran out meanwhile (the artifact is then marked incomplete).
 */
export async function measuredLength(source: ByteSource, ctx: ScanContext): Promise<number | undefined> {
  if (source.sizeKnown !== false) return source.size;
  let n = 0;
  for await (const chunk of source.stream()) {
    if (ctx.signal.aborted) {
      ctx.markIncomplete();
      return undefined;
    }
    n += chunk.length;
  }
  return n;
}

export interface LocatedIssue {
  ruleId: string;
  message: string;
  offset?: number;
  evidence?: string;
}

/**
 * Reports issues in the given order, at most `maxPerRule` per rule, then one finding per rule that
 * counts the rest: a hostile file can produce millions of issues, the report stays readable.
 */
export function reportCapped(issues: readonly LocatedIssue[], ctx: ScanContext, maxPerRule: number): void {
  const perRule = new Map<string, number>();
  for (const issue of issues) {
    const n = (perRule.get(issue.ruleId) ?? 0) + 1;
    perRule.set(issue.ruleId, n);
    if (n > maxPerRule) continue;
    ctx.report({
      ruleId: issue.ruleId,
      message: issue.message,
      location: issue.offset !== undefined ? { offset: issue.offset } : {},
      ...(issue.evidence !== undefined ? { evidence: issue.evidence } : {}),
    });
  }
  for (const [ruleId, n] of perRule) {
    if (n > maxPerRule) ctx.report({ ruleId, message: `${n - maxPerRule} more findings of this kind are not listed` });
  }
}
