/**
 * Recognising TensorFlow protobufs by content. Neither a SavedModel nor a GraphDef has a magic number;
 * both are recognised by their first fields parsing as the expected messages, in the order TensorFlow
 * writes them (protobuf serializers emit fields by number):
 *
 * - SavedModel: `saved_model_schema_version` (field 1, varint, 1 today), then a MetaGraphDef (field 2)
 *   that opens with its MetaInfoDef (field 1), whose first field is one of its own.
 * - GraphDef: the first NodeDef (field 1) opens with its name (field 1) and op (field 2), both text,
 *   the op an identifier; or, for a graph of functions only, the library (field 2) opens with a
 *   FunctionDef whose signature (an OpDef) opens with a printable name.
 *
 * Confidence is below ONNX's: the evidence is a few fields, not a format-specific header.
 */
import { headPayload, isPrintable, parseHead, type HeadField } from "../protobuf/index.js";
import type { SniffInput } from "../types.js";

export const SAVED_MODEL_CONFIDENCE = 40;
export const GRAPH_DEF_CONFIDENCE = 30;

/** MetaInfoDef field numbers with their wire types (2 length-delimited, 0 varint). */
const META_INFO_WIRE: Record<number, number> = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 0, 8: 2 };
const META_INFO_STRINGS: ReadonlySet<number> = new Set([1, 4, 5, 6]);

export function sniffSavedModel({ head, size }: SniffInput): number {
  if (head.length < 4 || head[0] !== 0x08) return 0;
  const top = parseHead(head, 0, size, 2);
  const [version, meta] = top.fields;
  if (top.status === "invalid" || !version || !meta) return 0;
  if (version.no !== 1 || version.wire !== 0 || version.value > 10n || meta.no !== 2 || meta.wire !== 2) return 0;
  const info = firstField(head, meta);
  if (!info || info.no !== 1 || info.wire !== 2) return 0;
  const first = firstField(head, info);
  if (!first || META_INFO_WIRE[first.no] !== first.wire) return 0;
  if (META_INFO_STRINGS.has(first.no) && !isPrintable(headPayload(head, first), first.cut)) return 0;
  return SAVED_MODEL_CONFIDENCE;
}

export function sniffGraphDef({ head, size }: SniffInput): number {
  if (head.length < 4 || (head[0] !== 0x0a && head[0] !== 0x12)) return 0;
  const top = parseHead(head, 0, size, 1);
  const first = top.fields[0];
  if (top.status === "invalid" || !first || first.wire !== 2) return 0;
  if (first.no === 1) return nodeStartsWell(head, first) ? GRAPH_DEF_CONFIDENCE : 0;
  if (first.no === 2) return libraryStartsWell(head, first) ? GRAPH_DEF_CONFIDENCE : 0;
  return 0;
}

/** A NodeDef whose first two fields are its name (printable, non-empty) and its op (an identifier). */
function nodeStartsWell(head: Uint8Array, node: HeadField): boolean {
  const { fields, status } = parseHead(head, node.start, node.end, 2);
  const [name, op] = fields;
  if (status === "invalid" || !name || !op) return false;
  if (name.no !== 1 || name.wire !== 2 || name.end === name.start || name.cut || !isPrintable(headPayload(head, name))) return false;
  if (op.no !== 2 || op.wire !== 2 || op.cut) return false;
  return /^[A-Za-z_][A-Za-z0-9_>.-]*$/.test(new TextDecoder().decode(headPayload(head, op)));
}

/** A FunctionDefLibrary whose first FunctionDef opens with a signature whose name is printable. */
function libraryStartsWell(head: Uint8Array, library: HeadField): boolean {
  const fn = firstField(head, library);
  if (!fn || fn.no !== 1 || fn.wire !== 2) return false;
  const signature = firstField(head, fn);
  if (!signature || signature.no !== 1 || signature.wire !== 2) return false;
  const name = firstField(head, signature);
  return !!name && name.no === 1 && name.wire === 2 && name.end > name.start && isPrintable(headPayload(head, name), name.cut);
}

function firstField(head: Uint8Array, parent: HeadField): HeadField | undefined {
  const inner = parseHead(head, parent.start, parent.end, 1);
  return inner.status === "invalid" ? undefined : inner.fields[0];
}
