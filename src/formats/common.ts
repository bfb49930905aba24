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

/**
 * The whole source as bytes, read through `stream()` (so the orchestrator hashes it on the way), or
 * undefined when it is larger than `cap`. A source known to be too large is not read at all; one of
 * unknown size (a decompressed stream) is read only until it passes the cap.
 */
export async function readCapped(source: ByteSource, cap: number, signal?: AbortSignal): Promise<Uint8Array | undefined> {
  if (source.sizeKnown !== false && source.size > cap) return undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source.stream()) {
    signal?.throwIfAborted();
    total += chunk.length;
    if (total > cap) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Formats read from the end or bounded by the file (zip, HDF5, protobuf, flatbuffers) need the size.
 * A source whose size is not known yet (a decompressed member) is read once to learn it; positioned
 * reads on it may then replay the stream, which the scan's time budget bounds.
 */
export async function withKnownSize(source: ByteSource, signal: AbortSignal): Promise<ByteSource> {
  if (source.sizeKnown !== false) return source;
  let size = 0;
  for await (const chunk of source.stream()) {
    signal.throwIfAborted();
    size += chunk.length;
  }
  return { size, read: (offset, length) => source.read(offset, length), stream: (start, end = size) => source.stream(start, end) };
}
