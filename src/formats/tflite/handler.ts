/**
 * The TFLite handler. Builtin operators are compiled into the interpreter; a model runs foreign code
 * only through custom operators, which the application must register (native code outside the model),
 * and Flex operators, which run full TensorFlow kernels. The other risk is the format itself: the
 * interpreter follows the file's offsets, so every one is checked.
 *
 * Steps: read the file (whole up to READ_CAP), verify and read the model table by table, then report
 * custom operators and out-of-range indices, then record the metadata.
 */
import type { ByteSource } from "../../core/source.js";
import type { Severity } from "../../core/types.js";
import { withKnownSize } from "../protobuf/index.js";
import { classifyOp } from "../tensorflow/ops.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { BeyondView, FlatView } from "./flatbuffer.js";
import { opName, readModel, type OpCode, type TfliteModel } from "./model.js";
import { BUILTIN_CUSTOM, FILE_IDENTIFIER } from "./schema.js";

/**
 * Bytes read into memory. FlatBuffers address their content by offset, so the structure is checked in
 * memory; past this size only the first READ_CAP bytes are held (models over 2 GiB keep their weights
 * after the flatbuffer, addressed by buffer offsets that are checked as numbers without reading them).
 */
export const READ_CAP = 256 * 1024 * 1024;

/** A file identifier at a fixed offset is strong evidence, though 4 bytes are not a long magic. */
export const TFLITE_CONFIDENCE = 70;

/** Op names listed in the metadata histogram. */
const TOP_OPS = 30;

export const tfliteHandler: FormatHandler = {
  id: "tflite",
  access: "random",
  sniff: sniffTflite,
  scan: scanTflite,
};

export function sniffTflite({ head, size }: SniffInput): number {
  if (head.length < 8 || String.fromCharCode(...head.subarray(4, 8)) !== FILE_IDENTIFIER) return 0;
  const root = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
  return root >= 8 && root < size ? TFLITE_CONFIDENCE : 0;
}

function scanTflite(input: ByteSource, ctx: ScanContext): Promise<void> {
  return scanTfliteWithCap(input, ctx, READ_CAP);
}

/** The scan, with the in-memory cap as a parameter (tests use a small one). */
export async function scanTfliteWithCap(input: ByteSource, ctx: ScanContext, cap: number): Promise<void> {
  const source = await withKnownSize(input, ctx.signal);
  const bytes = await source.read(0, Math.min(source.size, cap));
  let model: TfliteModel;
  try {
    model = readModel(new FlatView(bytes, source.size));
  } catch (e) {
    if (!(e instanceof BeyondView)) throw e;
    ctx.report({
      ruleId: "tflite/partially-checked",
      message: `The model is ${source.size} bytes and its structure refers past the first ${bytes.length} bytes, which is all that was read`,
      location: { offset: e.offset },
    });
    return;
  }
  reportCustomOps(ctx, model);
  reportIssues(ctx, model);
  ctx.setMetadata("tflite", metadata(model));
}

/** One finding per custom operator code, with how many operators use it. */
function reportCustomOps(ctx: ScanContext, m: TfliteModel): void {
  m.opcodes.forEach((code, i) => {
    if (code.builtin !== BUILTIN_CUSTOM) return;
    const name = code.custom ?? "";
    const flex = flexSeverity(name);
    ctx.report({
      ruleId: "tflite/custom-op",
      ...(flex ? { severity: flex } : {}),
      message: flex
        ? `Operator ${JSON.stringify(name)} runs the TensorFlow kernel ${name.slice(4)} through the Flex delegate (used ${m.uses[i]} time(s))`
        : `Custom operator ${JSON.stringify(name)} runs only with an implementation the application registers (used ${m.uses[i]} time(s))`,
      evidence: name,
      location: { offset: code.at },
    });
  });
}

/**
 * Flex ops (`Flex` + a TensorFlow op name) run that TensorFlow kernel: high, or the TensorFlow op's own
 * severity when that is worse (FlexPyFunc would call Python). Undefined for other custom ops.
 */
function flexSeverity(name: string): Severity | undefined {
  if (!name.startsWith("Flex")) return undefined;
  return classifyOp(name.slice(4))?.severity === "critical" ? "critical" : "high";
}

function reportIssues(ctx: ScanContext, m: TfliteModel): void {
  for (const issue of m.issues) {
    ctx.report({ ruleId: "tflite/out-of-range", message: `In the model, ${issue.message}`, location: { offset: issue.at } });
  }
}

function metadata(m: TfliteModel): Record<string, unknown> {
  return {
    version: m.version,
    ...(m.description !== undefined ? { description: m.description } : {}),
    subgraphs: m.subgraphs,
    tensors: m.tensors,
    operators: m.operators,
    ops: histogram(m.opcodes, m.uses),
    customOps: m.opcodes.filter((c) => c.builtin === BUILTIN_CUSTOM).map((c) => c.custom ?? ""),
    buffers: m.buffers,
    bufferBytes: m.bufferBytes,
    ...(m.metadata.length > 0 ? { metadata: m.metadata } : {}),
  };
}

/** Operator uses by op name, most used first (ties by name), TOP_OPS of them. */
function histogram(opcodes: OpCode[], uses: number[]): Record<string, number> {
  const counts = new Map<string, number>();
  opcodes.forEach((c, i) => {
    if (uses[i] > 0) counts.set(opName(c), (counts.get(opName(c)) ?? 0) + uses[i]);
  });
  return Object.fromEntries([...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, TOP_OPS));
}
