/**
 * Where GGUF tensor data lies. After the tensor infos comes padding to `general.alignment` (default
 * 32, a power of two), then the data section; each tensor's offset is relative to its start, aligned,
 * and its byte size follows from its shape and ggml type. llama.cpp rejects files whose tensors are
 * misaligned, overlap or run past the end; bytes no tensor owns are where a second payload would hide.
 * All arithmetic is on bigint: offsets and dimensions are uint64 in the file.
 */
import { GGML_TYPES, ValueType } from "./ggml-types.js";
import type { GgufContents, TensorInfo } from "./parse.js";

export const DEFAULT_ALIGNMENT = 32;

export type LayoutRule = "gguf/invalid-alignment" | "gguf/invalid-tensor-info" | "gguf/tensor-layout" | "gguf/unowned-bytes";

export interface LayoutIssue {
  ruleId: LayoutRule;
  message: string;
  /** File offset the issue points at (a tensor info, the alignment entry, or the first unowned byte). */
  offset?: number;
  evidence?: string;
}

export interface Layout {
  alignment: number;
  /** File offset of the data section. */
  dataStart: number;
  /** Elements across all tensors of known shape (the parameter count). */
  elements: bigint;
  issues: LayoutIssue[];
}

const INT64_MAX = (1n << 63n) - 1n;

/** Checks alignment, tensor sizes and placement against a file of `size` bytes. Needs a fully parsed header. */
export function checkLayout(contents: GgufContents, size: number): Layout {
  const issues: LayoutIssue[] = [];
  const alignment = readAlignment(contents, issues);
  const infoEnd = BigInt(contents.infoEnd ?? size);
  const dataStart = alignUp(infoEnd, BigInt(alignment));
  const placed: Placed[] = [];
  let elements = 0n;
  for (const t of contents.tensors) {
    const measured = measure(t, issues);
    if (!measured) continue;
    elements += measured.elements;
    placed.push({ t, start: t.offset, end: t.offset + measured.bytes });
  }
  checkPlacement(placed, dataStart, BigInt(alignment), BigInt(size), issues);
  // bytes look unowned only when every tensor's extent is known
  if (placed.length === contents.tensors.length) checkUnowned(placed, infoEnd, dataStart, BigInt(alignment), BigInt(size), issues);
  return { alignment, dataStart: Number(dataStart), elements, issues };
}

interface Placed {
  t: TensorInfo;
  /** Offsets relative to the data section. */
  start: bigint;
  end: bigint;
}

/** `general.alignment`: a uint32 power of two, else the default (after reporting why it was not used). */
function readAlignment(contents: GgufContents, issues: LayoutIssue[]): number {
  const entry = contents.kv.get("general.alignment");
  if (!entry) return DEFAULT_ALIGNMENT;
  const v = entry.value;
  const ok = entry.type === ValueType.UINT32 && typeof v === "number" && v > 0 && (v & (v - 1)) === 0;
  if (ok) return v;
  issues.push({
    ruleId: "gguf/invalid-alignment",
    message: `general.alignment must be a power of two stored as uint32; it is ${describe(v)} (type ${entry.type}), so llama.cpp refuses the file. Tensor placement was checked against the default of ${DEFAULT_ALIGNMENT}`,
    offset: entry.offset,
  });
  return DEFAULT_ALIGNMENT;
}

function describe(v: unknown): string {
  return typeof v === "object" && v !== null ? `a ${(v as { kind: string }).kind}` : String(v);
}

/** The tensor's element count and byte size, or undefined (after reporting) when its info is invalid. */
function measure(t: TensorInfo, issues: LayoutIssue[]): { elements: bigint; bytes: bigint } | undefined {
  const bad = (why: string) => {
    issues.push({ ruleId: "gguf/invalid-tensor-info", message: `Tensor ${JSON.stringify(t.name)} ${why}`, offset: t.at, evidence: shapeText(t) });
    return undefined;
  };
  const type = GGML_TYPES.get(t.type);
  if (!type) return bad(`has unknown ggml type ${t.type}, so its size cannot be checked`);
  if (t.dims.some((d) => d > INT64_MAX)) return bad("has a dimension larger than int64 allows");
  const elements = t.dims.reduce((a, d) => a * d, 1n);
  if (elements > INT64_MAX) return bad("has more elements than int64 can count");
  const first = t.dims[0] ?? 1n;
  if (first % BigInt(type.blockSize) !== 0n) return bad(`has a first dimension of ${first}, not a multiple of ${type.name}'s block of ${type.blockSize}`);
  if (t.offset > INT64_MAX) return bad("has a data offset larger than int64 allows");
  return { elements, bytes: (elements / BigInt(type.blockSize)) * BigInt(type.typeSize) };
}

function checkPlacement(placed: readonly Placed[], dataStart: bigint, alignment: bigint, size: bigint, issues: LayoutIssue[]): void {
  for (const p of placed) {
    if (p.start % alignment !== 0n) {
      issues.push(layout(p.t, `has data offset ${p.start}, not a multiple of the alignment ${alignment}`));
    }
    if (dataStart + p.end > size) {
      issues.push(layout(p.t, `needs bytes ${dataStart + p.start}..${dataStart + p.end} but the file ends at ${size}`));
    }
  }
  // in offset order, each tensor must start after every earlier one ends (`reach`: the one ending last so far)
  let reach: Placed | undefined;
  for (const cur of byStart(placed)) {
    if (cur.end === cur.start) continue; // an empty tensor owns no bytes
    if (reach && cur.start < reach.end) {
      issues.push(layout(cur.t, `overlaps tensor ${JSON.stringify(reach.t.name)} (data ${cur.start}..${cur.end} and ${reach.start}..${reach.end})`));
    }
    if (!reach || cur.end > reach.end) reach = cur;
  }
}

function byStart(placed: readonly Placed[]): Placed[] {
  return [...placed].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

function layout(t: TensorInfo, why: string): LayoutIssue {
  return { ruleId: "gguf/tensor-layout", message: `Tensor ${JSON.stringify(t.name)} ${why}`, offset: t.at, evidence: shapeText(t) };
}

/**
 * Bytes that no tensor owns: between tensors beyond each one's alignment padding, or after the last
 * (padded) tensor. Writers place tensors back to back from offset 0, so these bytes were put there by
 * something else.
 */
function checkUnowned(placed: readonly Placed[], infoEnd: bigint, dataStart: bigint, alignment: bigint, size: bigint, issues: LayoutIssue[]): void {
  let owned = 0n; // relative to the data section: everything below is a tensor or its padding
  for (const p of byStart(placed)) {
    if (p.start > owned) {
      issues.push({
        ruleId: "gguf/unowned-bytes",
        message: `${p.start - owned} bytes before tensor ${JSON.stringify(p.t.name)} belong to no tensor`,
        offset: safeNumber(dataStart + owned),
      });
    }
    const paddedEnd = alignUp(p.end, alignment);
    if (paddedEnd > owned) owned = paddedEnd;
  }
  const end = placed.length > 0 ? dataStart + owned : alignUp(infoEnd, alignment);
  if (size > end) {
    issues.push({
      ruleId: "gguf/unowned-bytes",
      message: `${size - end} bytes after the ${placed.length > 0 ? "last tensor's data" : "header"} belong to no tensor`,
      offset: safeNumber(end),
    });
  }
}

function alignUp(v: bigint, a: bigint): bigint {
  return ((v + a - 1n) / a) * a;
}

function safeNumber(v: bigint): number | undefined {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

function shapeText(t: TensorInfo): string {
  const type = GGML_TYPES.get(t.type)?.name ?? `type ${t.type}`;
  return `${t.name} ${type} [${t.dims.join(", ")}] @ ${t.offset}`;
}
