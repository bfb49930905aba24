/**
 * The safetensors format handler. A safetensors file cannot run code on load, so what matters is
 * that it is what it claims: a header every reader parses the same way, describing tensors that tile
 * the data section exactly. The handler reads the header with positioned reads and never the tensor
 * data (the orchestrator hashes the file alongside).
 */
import type { ByteSource } from "../../core/source.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { readHeader, type Issue } from "./entries.js";
import { HEADER_START, headerLength, MIN_HEADER_BYTES, readFrame } from "./header.js";
import { checkLayout } from "./layout.js";
import { summarize } from "./summary.js";

/** Sniffing accepts header lengths up to 100 MiB, a little over the scan's cap, so oversize headers are reported as such. */
const SNIFF_MAX_HEADER = 100 * 1024 * 1024;

/** Findings of the same kind past this many are summarised in one, so a hostile header cannot flood the report. */
export const MAX_REPORTED_ISSUES = 100;

export const safetensorsHandler: FormatHandler = {
  id: "safetensors",
  access: "random",
  sniff: sniffSafetensors,
  async scan(source: ByteSource, ctx: ScanContext) {
    const size = await byteLength(source, ctx);
    if (size === undefined) return;
    const frame = await readFrame(source, size);
    const issues: Issue[] = [];
    const contents = readHeader(frame.header, issues);
    checkLayout(contents.tensors, frame.dataStart, frame.dataBytes, issues);
    reportIssues(issues, ctx);
    ctx.setMetadata("safetensors", summarize(contents, frame.headerBytes));
  },
};

/**
 * 70 when the first 8 bytes are a plausible header length and the header opens a JSON object (after
 * optional spaces). 20 when the header opens like one (`{"`) but the length is impossible, so a file
 * with a corrupt or hostile length field is reported as broken safetensors rather than unknown; the
 * length bytes must then hold a non-text byte, which keeps text files (which merely have a `{` at
 * offset 8) out.
 */
export function sniffSafetensors({ head, size }: SniffInput): number {
  if (head.length < HEADER_START + MIN_HEADER_BYTES) return 0;
  const n = headerLength(head);
  if (n >= BigInt(MIN_HEADER_BYTES) && n <= BigInt(Math.min(size - HEADER_START, SNIFF_MAX_HEADER))) {
    return opensObject(head, Number(n)) ? 70 : 0;
  }
  const brokenLength = head[HEADER_START] === 0x7b && head[HEADER_START + 1] === 0x22 && !isText(head.subarray(0, HEADER_START));
  return brokenLength ? 20 : 0;
}

/** True when the header (of length n) starts with `{`, after spaces that lie within the header and the head. */
function opensObject(head: Uint8Array, n: number): boolean {
  const end = Math.min(head.length, HEADER_START + n);
  for (let i = HEADER_START; i < end; i++) {
    if (head[i] === 0x7b) return true;
    if (head[i] !== 0x20) return false;
  }
  return false;
}

function isText(bytes: Uint8Array): boolean {
  return bytes.every((c) => (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d);
}

/**
 * The source's length. A decompressed member may not know it up front; then it is measured by
 * streaming (unavoidable: the data section's length is what the layout is checked against).
 * Undefined when the scan's time ran out meanwhile.
 */
async function byteLength(source: ByteSource, ctx: ScanContext): Promise<number | undefined> {
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

/** Reports issues in file order, at most MAX_REPORTED_ISSUES per rule, then one summary finding. */
function reportIssues(issues: Issue[], ctx: ScanContext): void {
  const perRule = new Map<string, number>();
  for (const issue of [...issues].sort((a, b) => a.offset - b.offset)) {
    const count = (perRule.get(issue.ruleId) ?? 0) + 1;
    perRule.set(issue.ruleId, count);
    if (count > MAX_REPORTED_ISSUES) continue;
    ctx.report({
      ruleId: issue.ruleId,
      message: issue.message,
      location: { offset: issue.offset },
      ...(issue.evidence !== undefined ? { evidence: issue.evidence } : {}),
    });
  }
  for (const [ruleId, count] of perRule) {
    if (count <= MAX_REPORTED_ISSUES) continue;
    ctx.report({ ruleId, message: `${count - MAX_REPORTED_ISSUES} more findings of this kind were left out of the report` });
  }
}
