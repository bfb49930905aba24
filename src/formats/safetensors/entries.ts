/**
 * The header's meaning: a JSON object mapping tensor names to `{dtype, shape, data_offsets}` and the
 * reserved key `__metadata__` to a string-to-string map. Every problem is collected as an issue (so a
 * report lists all of them, not only the first); only invalid JSON or a header that is not an object throws.
 */
import { malformed } from "../../core/errors.js";
import { dtypeBits } from "./dtypes.js";
import { HEADER_START } from "./header.js";
import { parseStrictJson, type JsonEntry, type JsonNode } from "./json.js";

type JsonArray = Extract<JsonNode, { kind: "array" }>;
type JsonNumber = Extract<JsonNode, { kind: "number" }>;

export const METADATA_KEY = "__metadata__";

/** A real header nests three levels (header, tensor, shape); anything much deeper is a parser bomb. */
export const MAX_JSON_DEPTH = 32;

/** The keys a tensor entry has, no more and no fewer. */
const TENSOR_FIELDS = ["dtype", "shape", "data_offsets"] as const;

const UINT = /^(?:0|[1-9][0-9]*)$/;

/** One thing wrong with the file, as the finding it becomes (offsets are file offsets). */
export interface Issue {
  ruleId: "format/malformed" | "safetensors/unknown-key" | "safetensors/trailing-bytes";
  message: string;
  offset: number;
  evidence?: string;
}

/** A tensor entry as far as it could be read: fields that failed validation are absent. */
export interface TensorEntry {
  name: string;
  /** File offset of the entry's key. */
  offset: number;
  dtype?: string;
  shape?: number[];
  /** [start, end) relative to the data section. */
  span?: { start: bigint; end: bigint; offset: number };
}

export interface HeaderContents {
  tensors: TensorEntry[];
  /** The `__metadata__` map's string entries, in header order (absent: empty). */
  metadata: [string, string][];
}

/**
 * Parses the header bytes and reads every entry as the parser completes it (so the JSON tree of a
 * huge header is never held whole). Throws when the JSON is invalid or not an object; collects every
 * other problem into `issues`.
 */
export function readHeader(header: Uint8Array, issues: Issue[]): HeaderContents {
  const contents: HeaderContents = { tensors: [], metadata: [] };
  const onTopLevelEntry = (entry: JsonEntry) => {
    if (entry.key === METADATA_KEY) contents.metadata = readMetadata(entry, issues);
    else contents.tensors.push(readTensor(entry, issues));
  };
  const root = parseStrictJson(header, { maxDepth: MAX_JSON_DEPTH, base: HEADER_START, onTopLevelEntry });
  if (root.kind !== "object") {
    throw malformed("E_SAFETENSORS_NOT_OBJECT", `the header is a JSON ${root.kind}, not an object`, root.offset);
  }
  return contents;
}

/**
 * A structural problem as an issue, worded as VouchError.describe() words a thrown one (built by hand:
 * a hostile header can hold millions of problems, and an Error per problem captures a stack each).
 */
export function problem(code: string, message: string, offset: number): Issue {
  return { ruleId: "format/malformed", message: `${code}: ${message} (offset ${offset})`, offset };
}

function readMetadata(entry: JsonEntry, issues: Issue[]): [string, string][] {
  const v = entry.value;
  // The reference loader reads the map as Option<HashMap<String, String>>, so null means "no metadata".
  if (v.kind === "null") return [];
  if (v.kind !== "object") {
    issues.push(problem("E_SAFETENSORS_METADATA", `${METADATA_KEY} is a JSON ${v.kind}, not an object of strings`, v.offset));
    return [];
  }
  const out: [string, string][] = [];
  for (const e of v.entries) {
    if (e.value.kind === "string") out.push([e.key, e.value.value]);
    else issues.push(problem("E_SAFETENSORS_METADATA", `${METADATA_KEY} value of ${JSON.stringify(e.key)} is a JSON ${e.value.kind}, not a string`, e.value.offset));
  }
  return out;
}

function readTensor(entry: JsonEntry, issues: Issue[]): TensorEntry {
  const t: TensorEntry = { name: entry.key, offset: entry.keyOffset };
  const label = `tensor ${JSON.stringify(entry.key)}`;
  const v = entry.value;
  if (v.kind !== "object") {
    issues.push(problem("E_SAFETENSORS_TENSOR", `${label} is a JSON ${v.kind}, not an object`, v.offset));
    return t;
  }
  const fields = tensorFields(v.entries, label, issues);
  const missing = TENSOR_FIELDS.filter((f) => !fields.has(f));
  if (missing.length > 0) issues.push(problem("E_SAFETENSORS_TENSOR", `${label} lacks ${missing.join(", ")}`, t.offset));
  const dtype = fields.get("dtype");
  const shape = fields.get("shape");
  const offsets = fields.get("data_offsets");
  if (dtype) t.dtype = readDtype(dtype, label, issues);
  if (shape) t.shape = readShape(shape, label, issues);
  if (offsets) t.span = readOffsets(offsets, label, issues);
  checkSize(t, label, issues);
  return t;
}

/** The known fields of a tensor entry; unknown keys become issues (loaders ignore them, so they can hide data). */
function tensorFields(entries: JsonEntry[], label: string, issues: Issue[]): Map<string, JsonNode> {
  const fields = new Map<string, JsonNode>();
  for (const e of entries) {
    if ((TENSOR_FIELDS as readonly string[]).includes(e.key)) {
      fields.set(e.key, e.value);
    } else {
      issues.push({
        ruleId: "safetensors/unknown-key",
        message: `${label} has the unknown key ${JSON.stringify(e.key)}, which loaders ignore`,
        offset: e.keyOffset,
        evidence: e.key,
      });
    }
  }
  return fields;
}

function readDtype(node: JsonNode, label: string, issues: Issue[]): string | undefined {
  if (node.kind === "string" && dtypeBits(node.value) !== undefined) return node.value;
  const shown = node.kind === "string" ? JSON.stringify(node.value) : `a JSON ${node.kind}`;
  issues.push(problem("E_SAFETENSORS_DTYPE", `${label} has dtype ${shown}, which the format does not define`, node.offset));
  return undefined;
}

function readShape(node: JsonNode, label: string, issues: Issue[]): number[] | undefined {
  const problemWith = shapeProblem(node);
  if (problemWith === undefined) return (node as JsonArray).items.map((d) => Number((d as JsonNumber).raw));
  issues.push(problem("E_SAFETENSORS_SHAPE", `${label} has a shape ${problemWith}`, node.offset));
  return undefined;
}

/** What is wrong with a shape node, or undefined when it is an array of non-negative safe integers. */
function shapeProblem(node: JsonNode): string | undefined {
  if (node.kind !== "array") return `that is a JSON ${node.kind}, not an array`;
  for (const d of node.items) {
    // Only plain integer tokens: `4.0`, `-1` and `4e0` are rejected, as by the reference (serde usize) reader.
    if (d.kind !== "number") return `dimension of JSON ${d.kind}, not a non-negative integer`;
    if (!UINT.test(d.raw)) return `dimension ${d.raw}, not a non-negative integer`;
    if (!Number.isSafeInteger(Number(d.raw))) return `dimension ${d.raw} past 2^53 - 1, the largest exact integer`;
  }
  return undefined;
}

function readOffsets(node: JsonNode, label: string, issues: Issue[]): TensorEntry["span"] {
  const problemWith = offsetsProblem(node);
  if (problemWith !== undefined) {
    issues.push(problem("E_SAFETENSORS_OFFSETS", `${label} has data_offsets ${problemWith}`, node.offset));
    return undefined;
  }
  const [s, e] = (node as JsonArray).items as JsonNumber[];
  return { start: BigInt(s.raw), end: BigInt(e.raw), offset: node.offset };
}

/** What is wrong with a data_offsets node, or undefined when it is a [start, end] pair with start <= end. */
function offsetsProblem(node: JsonNode): string | undefined {
  if (node.kind !== "array" || node.items.length !== 2) return "that are not a [start, end] pair";
  const [s, e] = node.items;
  if (s.kind !== "number" || e.kind !== "number" || !UINT.test(s.raw) || !UINT.test(e.raw)) return "that are not non-negative integers";
  return BigInt(s.raw) > BigInt(e.raw) ? `[${s.raw}, ${e.raw}] that begin after they end` : undefined;
}

/** `numel(shape) x bits(dtype)` must be whole bytes and equal the span (BigInt: products overflow 2^53). */
function checkSize(t: TensorEntry, label: string, issues: Issue[]): void {
  if (!t.dtype || !t.shape || !t.span) return;
  const bits = numel(t.shape) * BigInt(dtypeBits(t.dtype) ?? 0);
  const span = t.span.end - t.span.start;
  if (bits % 8n !== 0n) {
    issues.push(problem("E_SAFETENSORS_SIZE_MISMATCH", `${label} has ${numel(t.shape)} ${t.dtype} elements, which do not fill whole bytes`, t.offset));
  } else if (bits / 8n !== span) {
    issues.push(problem("E_SAFETENSORS_SIZE_MISMATCH",
      `${label} of shape [${t.shape.join(", ")}] and dtype ${t.dtype} needs ${bits / 8n} bytes but its data_offsets span ${span}`, t.offset));
  }
}

export function numel(shape: number[]): bigint {
  return shape.reduce((p, d) => p * BigInt(d), 1n);
}
