/**
 * The safetensors format handler. A safetensors file cannot run code on load, so what matters is
 * that it is what it claims: a header every reader parses the same way, describing tensors that tile
 * the data section exactly. The handler reads the header with positioned reads and never the tensor
 * data (the orchestrator hashes the file alongside).
 */
import type { ByteSource } from "../../core/source.js";
import { measuredLength, reportCapped } from "../common.js";
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
    const size = await measuredLength(source, ctx);
    if (size === undefined) return;
    const frame = await readFrame(source, size);
    const issues: Issue[] = [];
    const contents = readHeader(frame.header, issues);
    checkLayout(contents.tensors, frame.dataStart, frame.dataBytes, issues);
    reportCapped([...issues].sort((a, b) => a.offset - b.offset), ctx, MAX_REPORTED_ISSUES);
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


