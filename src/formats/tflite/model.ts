/**
 * Reading a TFLite Model table: its operator codes, every subgraph's tensors and operators, its
 * buffers and metadata. Each index (opcode, tensor, buffer) is checked against the table it indexes,
 * and each byte range (buffer data at a file offset, large custom options) against the file, with the
 * violations collected for reporting. Structural damage (an offset outside the file) throws.
 */
import { malformed } from "../../core/errors.js";
import type { FlatView, Table } from "./flatbuffer.js";
import { BUFFER, BUILTIN_CUSTOM, FILE_IDENTIFIER, METADATA, MODEL, OPERATOR, OPERATOR_CODE, SUBGRAPH, TENSOR, builtinName } from "./schema.js";

/** One OperatorCode entry. */
export interface OpCode {
  /** The builtin operator (the larger of builtin_code and deprecated_builtin_code, as the runtime reads it). */
  builtin: number;
  /** custom_code, for CUSTOM operators. */
  custom?: string;
  /** Offset of the OperatorCode table. */
  at: number;
}

/** Something an index or a range points past. */
export interface RangeIssue {
  message: string;
  at: number;
}

export interface TfliteModel {
  version: number;
  description?: string;
  opcodes: OpCode[];
  subgraphs: number;
  tensors: number;
  operators: number;
  /** How many operators use each opcode index. */
  uses: number[];
  buffers: number;
  /** Bytes of buffer data (inline vectors and file-offset ranges). */
  bufferBytes: number;
  metadata: string[];
  issues: RangeIssue[];
}

/** Issues kept for reporting; past this they are counted. */
const MAX_ISSUES = 50;

export function readModel(view: FlatView): TfliteModel {
  checkIdentifier(view);
  const root = view.table(view.u32(0));
  const m: TfliteModel = {
    version: readU32(view, root, MODEL.version, 0),
    opcodes: readOpcodes(view, root),
    subgraphs: 0, tensors: 0, operators: 0, uses: [], buffers: 0, bufferBytes: 0, metadata: [], issues: [],
  };
  const description = view.string(root, MODEL.description);
  if (description !== undefined) m.description = description;
  m.uses = m.opcodes.map(() => 0);
  const buffers = view.vector(root, MODEL.buffers, 4);
  m.buffers = buffers?.length ?? 0;
  readSubgraphs(view, root, m);
  if (buffers) readBuffers(view, buffers, m);
  readMetadata(view, root, m);
  return m;
}

function checkIdentifier(view: FlatView): void {
  view.check(0, 8, "the file header");
  const id = String.fromCharCode(...view.bytes.subarray(4, 8));
  if (id !== FILE_IDENTIFIER) throw malformed("E_TFLITE_IDENTIFIER", `file identifier is ${JSON.stringify(id)}, not "TFL3"`, 4, "Not a TFLite model");
}

function readOpcodes(view: FlatView, root: Table): OpCode[] {
  const v = view.vector(root, MODEL.operatorCodes, 4);
  if (!v) return [];
  const out: OpCode[] = [];
  for (const t of view.tables(v)) {
    const deprecated = readI8(view, t, OPERATOR_CODE.deprecatedBuiltinCode, 0);
    const builtin = Math.max(deprecated, readI32(view, t, OPERATOR_CODE.builtinCode, 0));
    const custom = view.string(t, OPERATOR_CODE.customCode);
    out.push({ builtin, at: t.pos, ...(custom !== undefined ? { custom } : {}) });
  }
  return out;
}

function readSubgraphs(view: FlatView, root: Table, m: TfliteModel): void {
  const v = view.vector(root, MODEL.subgraphs, 4);
  if (!v) return;
  for (const sg of view.tables(v)) {
    m.subgraphs++;
    const tensors = readTensors(view, sg, m);
    const ops = view.vector(sg, SUBGRAPH.operators, 4);
    if (ops) for (const op of view.tables(ops)) readOperator(view, op, tensors, m);
  }
}

/** Counts the subgraph's tensors and checks each one's buffer index; returns the count. */
function readTensors(view: FlatView, sg: Table, m: TfliteModel): number {
  const v = view.vector(sg, SUBGRAPH.tensors, 4);
  if (!v) return 0;
  for (const t of view.tables(v)) {
    const buffer = readU32(view, t, TENSOR.buffer, 0);
    if (buffer >= m.buffers && !(buffer === 0 && m.buffers === 0)) issue(m, `a tensor refers to buffer ${buffer} of ${m.buffers}`, t.pos);
  }
  m.tensors += v.length;
  return v.length;
}

function readOperator(view: FlatView, op: Table, tensors: number, m: TfliteModel): void {
  m.operators++;
  const index = readU32(view, op, OPERATOR.opcodeIndex, 0);
  if (index < m.opcodes.length) m.uses[index]++;
  else issue(m, `an operator uses opcode ${index} of ${m.opcodes.length}`, op.pos);
  for (const slot of [OPERATOR.inputs, OPERATOR.outputs]) {
    const v = view.vector(op, slot, 4);
    if (!v) continue;
    // -1 marks an omitted optional input
    const bad = view.ints(v).find((i) => i < -1 || i >= tensors);
    if (bad !== undefined) issue(m, `an operator refers to tensor ${bad} of ${tensors}`, op.pos);
  }
  const offset = readU64(view, op, OPERATOR.largeCustomOptionsOffset);
  const size = readU64(view, op, OPERATOR.largeCustomOptionsSize);
  checkRange(view, m, "an operator's large custom options", offset, size, op.pos);
}

function readBuffers(view: FlatView, v: { start: number; length: number }, m: TfliteModel): void {
  for (const b of view.tables(v)) {
    const data = view.vector(b, BUFFER.data, 1);
    const offset = readU64(view, b, BUFFER.offset);
    const size = readU64(view, b, BUFFER.size);
    m.bufferBytes += (data?.length ?? 0) + (offset > 1 && Number.isFinite(size) ? size : 0);
    checkRange(view, m, "a buffer", offset, size, b.pos);
  }
}

/** A (offset, size) pair locating data in the file; offsets 0 and 1 mean "not used" in the schema. */
function checkRange(view: FlatView, m: TfliteModel, what: string, offset: number, size: number, at: number): void {
  if (offset <= 1) return;
  if (offset + size > view.fileSize) issue(m, `${what} spans bytes ${offset}..${offset + size} of a ${view.fileSize}-byte file`, at);
}

function readMetadata(view: FlatView, root: Table, m: TfliteModel): void {
  const v = view.vector(root, MODEL.metadata, 4);
  if (!v) return;
  for (const t of view.tables(v)) {
    m.metadata.push(view.string(t, METADATA.name, 256) ?? "");
    const buffer = readU32(view, t, METADATA.buffer, 0);
    if (buffer >= m.buffers) issue(m, `metadata refers to buffer ${buffer} of ${m.buffers}`, t.pos);
  }
}

function issue(m: TfliteModel, message: string, at: number): void {
  if (m.issues.length < MAX_ISSUES) m.issues.push({ message, at });
}

function readU32(view: FlatView, t: Table, i: number, dflt: number): number {
  const p = view.field(t, i, 4);
  return p === undefined ? dflt : view.u32(p);
}

function readI32(view: FlatView, t: Table, i: number, dflt: number): number {
  const p = view.field(t, i, 4);
  return p === undefined ? dflt : view.i32(p);
}

function readI8(view: FlatView, t: Table, i: number, dflt: number): number {
  const p = view.field(t, i, 1);
  return p === undefined ? dflt : (view.u8(p) << 24) >> 24;
}

function readU64(view: FlatView, t: Table, i: number): number {
  const p = view.field(t, i, 8);
  return p === undefined ? 0 : view.u64(p);
}

/** The op's name for the histogram: the builtin's, or `CUSTOM:<custom_code>`. */
export function opName(code: OpCode): string {
  return code.builtin === BUILTIN_CUSTOM ? `CUSTOM:${code.custom ?? "?"}` : builtinName(code.builtin);
}
