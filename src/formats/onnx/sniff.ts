/**
 * Recognising ONNX by content. A ModelProto has no magic number, but writers emit fields in number
 * order, so a model starts with `ir_version` (field 1, varint: byte 0x08), then producer strings and the
 * graph (field 7) or opset imports (field 8). The head must parse as exactly that: every field a
 * ModelProto field with its proper wire type, strings printable, and the graph or an opset import
 * present. A file that merely starts with 0x08 fails one of these within a few bytes.
 */
import { headPayload, isPrintable, parseHead, type HeadField } from "../protobuf/index.js";
import type { SniffInput } from "../types.js";
import { GRAPH, MODEL, MODEL_WIRE } from "./schema.js";

/** Confident: the head parsed as a ModelProto with its graph or opsets. Below zip and pickle magic. */
export const ONNX_CONFIDENCE = 50;
/** The head parsed as a ModelProto but ended before the graph (a long doc string): still likelier ONNX than text. */
export const ONNX_WEAK_CONFIDENCE = 20;

/** IR versions published so far are 1..11; leave room for future ones, none for garbage. */
const MAX_IR_VERSION = 100n;

const STRING_FIELDS: ReadonlySet<number> = new Set([MODEL.producerName, MODEL.producerVersion, MODEL.domain]);

export function sniffOnnx({ head, size }: SniffInput): number {
  if (head.length < 2 || head[0] !== 0x08) return 0;
  const { fields, status } = parseHead(head, 0, size);
  if (status === "invalid" || fields.length === 0) return 0;
  const ir = fields[0];
  if (ir.no !== MODEL.irVersion || ir.value < 1n || ir.value > MAX_IR_VERSION) return 0;
  if (!fields.every((f) => fieldFits(head, f))) return 0;
  const body = fields.find((f) => f.no === MODEL.graph || f.no === MODEL.opsetImport);
  if (body && (body.no !== MODEL.graph || graphStartsWell(head, body))) return ONNX_CONFIDENCE;
  return status === "cut" && fields.length >= 2 ? ONNX_WEAK_CONFIDENCE : 0;
}

/** A known ModelProto field, with its wire type, and printable when it is one of the strings. */
function fieldFits(head: Uint8Array, f: HeadField): boolean {
  if (MODEL_WIRE[f.no] !== f.wire) return false;
  return !STRING_FIELDS.has(f.no) || isPrintable(headPayload(head, f), f.cut);
}

/** The graph's first field is a GraphProto field of the right kind (a node, name, initializer, input...). */
function graphStartsWell(head: Uint8Array, graph: HeadField): boolean {
  const inner = parseHead(head, graph.start, graph.end, 1);
  if (inner.status === "invalid") return false;
  if (inner.fields.length === 0) return inner.status === "cut" || graph.end === graph.start;
  const first = inner.fields[0];
  return first.wire === 2 && (first.no === GRAPH.node || GRAPH_LEN_FIELDS.has(first.no));
}

/** GraphProto's length-delimited fields: name, initializer, doc_string, input, output, value_info, ... */
const GRAPH_LEN_FIELDS: ReadonlySet<number> = new Set([2, 5, 10, 11, 12, 13, 14, 15, 16]);
