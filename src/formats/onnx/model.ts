/**
 * Walking an ONNX ModelProto: the graph, its nodes and their subgraphs (If, Loop, Scan attributes),
 * initializers and every other TensorProto (attribute tensors, sparse tensor parts), model-local
 * functions and training graphs. What the walk sees goes to a sink; tensor payloads (`raw_data`) are
 * measured, never read.
 */
import { malformed } from "../../core/errors.js";
import { WIRE, asSafeNumber, type Field, type ProtoReader, type Span } from "../protobuf/index.js";
import { ATTRIBUTE, DATA_LOCATION_EXTERNAL, FUNCTION, GRAPH, MODEL, NODE, OPSET, SPARSE, STRING_ENTRY, TENSOR, TRAINING_INFO } from "./schema.js";

/** Subgraph nesting cap (If inside Loop inside Scan ...). Exporters produce a handful of levels. */
export const MAX_GRAPH_DEPTH = 16;

/** Characters of a node name used in subgraph paths. */
const MAX_LABEL = 64;

/** Dims read per tensor; more is reported as a malformed shape rather than held. */
const MAX_DIMS = 64;

/** Longest external-data key or value kept (paths are short; a longer one is cut, and marked). */
const MAX_ENTRY_CHARS = 4096;

/** The model-level facts of a ModelProto. */
export interface ModelHeader {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  opsets: { domain: string; version: number | undefined }[];
}

/** One NodeProto. */
export interface NodeInfo {
  opType: string;
  domain: string;
  name: string;
  /** Offset of the node message. */
  at: number;
  /** Where the node sits: `graph`, `graph/loop_1.body`, `function:custom.Fn`. */
  graph: string;
}

/** Where a TensorProto was found. */
export type TensorRole = "initializer" | "attribute" | "sparse";

/** External-data entries of a TensorProto (StringStringEntryProto key/value pairs). */
export interface ExternalData {
  /** Every `location` value, in order: loaders use the last one, the scanner checks them all. */
  locations: string[];
  offset?: string;
  length?: string;
}

/** One TensorProto, measured. */
export interface TensorInfo {
  name: string;
  role: TensorRole;
  at: number;
  graph: string;
  dataType: number;
  dims: bigint[];
  /** True when the tensor had more than MAX_DIMS dims (the rest were not read). */
  dimsCut: boolean;
  /** Length of `raw_data` when present. */
  rawDataLength?: number;
  /** True when `data_location` is EXTERNAL. */
  externalLocation: boolean;
  /** Present when the tensor has external_data entries. */
  external?: ExternalData;
}

/** Receives what the walk sees, in file order. */
export interface OnnxSink {
  graph(path: string, depth: number): void;
  node(n: NodeInfo): void;
  tensor(t: TensorInfo): void;
  /** A model-local function, which defines operator `name` in `domain`. */
  function(domain: string, name: string): void;
}

/** Walks the ModelProto that spans the whole reader, feeding `sink`; returns the model-level facts. */
export async function walkModel(r: ProtoReader, sink: OnnxSink): Promise<ModelHeader> {
  const header: ModelHeader = { opsets: [] };
  for await (const f of r.fields(r.root())) {
    switch (f.no) {
      case MODEL.irVersion: header.irVersion = varint(f); break;
      case MODEL.producerName: header.producerName = await text(r, f); break;
      case MODEL.producerVersion: header.producerVersion = await text(r, f); break;
      case MODEL.domain: header.domain = await text(r, f); break;
      case MODEL.modelVersion: header.modelVersion = varint(f); break;
      case MODEL.opsetImport: header.opsets.push(await readOpset(r, r.message(f))); break;
      case MODEL.graph: await walkGraph(r, r.message(f), "graph", 0, sink); break;
      case MODEL.trainingInfo: await walkTrainingInfo(r, r.message(f), sink); break;
      case MODEL.functions: await walkFunction(r, r.message(f), sink); break;
    }
  }
  return header;
}

async function readOpset(r: ProtoReader, span: Span): Promise<{ domain: string; version: number | undefined }> {
  let domain = "";
  let version: number | undefined;
  for await (const f of r.fields(span)) {
    if (f.no === OPSET.domain) domain = await text(r, f);
    else if (f.no === OPSET.version) version = varint(f);
  }
  return { domain, version };
}

async function walkGraph(r: ProtoReader, span: Span, path: string, depth: number, sink: OnnxSink): Promise<void> {
  if (depth > MAX_GRAPH_DEPTH) {
    throw malformed("E_ONNX_DEPTH", `subgraphs nest deeper than ${MAX_GRAPH_DEPTH} levels (${path})`, span.start,
      "Exporters nest control flow a few levels deep; this graph is built to exhaust parsers");
  }
  sink.graph(path, depth);
  let index = 0;
  for await (const f of r.fields(span)) {
    if (f.no === GRAPH.node) await walkNode(r, r.message(f), path, depth, index++, sink);
    else if (f.no === GRAPH.initializer) await readTensor(r, r.message(f), "initializer", path, sink);
    else if (f.no === GRAPH.sparseInitializer) await readSparse(r, r.message(f), path, sink);
  }
}

/**
 * A node: its identity first, then its attributes. Protobuf does not promise field order, so attribute
 * fields are remembered by offset and walked once the node's name is known (it names the subgraphs).
 */
async function walkNode(r: ProtoReader, span: Span, graph: string, depth: number, index: number, sink: OnnxSink): Promise<void> {
  const node: NodeInfo = { opType: "", domain: "", name: "", at: span.start, graph };
  const attributes: Field[] = [];
  for await (const f of r.fields(span)) {
    if (f.no === NODE.opType) node.opType = await text(r, f);
    else if (f.no === NODE.domain) node.domain = await text(r, f);
    else if (f.no === NODE.name) node.name = await text(r, f);
    else if (f.no === NODE.attribute) attributes.push(f);
  }
  sink.node(node);
  // labels name subgraphs in messages; a hostile name is cut so nested paths stay short
  const label = (node.name || `${node.opType || "node"}#${index}`).slice(0, MAX_LABEL);
  for (const a of attributes) await walkAttribute(r, r.message(a), `${graph}/${label}`, depth, sink);
}

async function walkAttribute(r: ProtoReader, span: Span, owner: string, depth: number, sink: OnnxSink): Promise<void> {
  let name = "";
  const parts: Field[] = [];
  for await (const f of r.fields(span)) {
    if (f.no === ATTRIBUTE.name) name = await text(r, f);
    else if (f.wire === WIRE.len && ATTRIBUTE_PARTS.has(f.no)) parts.push(f);
  }
  const path = `${owner}.${name || "attribute"}`;
  let graphs = 0;
  for (const f of parts) {
    const sub = r.message(f);
    if (f.no === ATTRIBUTE.g || f.no === ATTRIBUTE.graphs) await walkGraph(r, sub, f.no === ATTRIBUTE.graphs ? `${path}[${graphs++}]` : path, depth + 1, sink);
    else if (f.no === ATTRIBUTE.t || f.no === ATTRIBUTE.tensors) await readTensor(r, sub, "attribute", path, sink);
    else await readSparse(r, sub, path, sink);
  }
}

const ATTRIBUTE_PARTS: ReadonlySet<number> = new Set([ATTRIBUTE.t, ATTRIBUTE.g, ATTRIBUTE.tensors, ATTRIBUTE.graphs, ATTRIBUTE.sparseTensor, ATTRIBUTE.sparseTensors]);

async function readSparse(r: ProtoReader, span: Span, graph: string, sink: OnnxSink): Promise<void> {
  for await (const f of r.fields(span)) {
    if (f.no === SPARSE.values || f.no === SPARSE.indices) await readTensor(r, r.message(f), "sparse", graph, sink);
  }
}

async function readTensor(r: ProtoReader, span: Span, role: TensorRole, graph: string, sink: OnnxSink): Promise<void> {
  const t: TensorInfo = { name: "", role, at: span.start, graph, dataType: 0, dims: [], dimsCut: false, externalLocation: false };
  for await (const f of r.fields(span)) {
    switch (f.no) {
      case TENSOR.dims: {
        if (t.dims.length >= MAX_DIMS) {
          t.dimsCut = true;
          break;
        }
        const { values, more } = await r.varints(f, MAX_DIMS - t.dims.length);
        t.dims.push(...values.map((v) => BigInt.asIntN(64, v)));
        t.dimsCut ||= more;
        break;
      }
      case TENSOR.dataType: t.dataType = varint(f) ?? -1; break;
      case TENSOR.name: t.name = await text(r, f); break;
      case TENSOR.rawData: t.rawDataLength = lengthOf(f); break;
      case TENSOR.externalData: await readEntry(r, r.message(f), (t.external ??= { locations: [] })); break;
      case TENSOR.dataLocation: t.externalLocation = f.wire === WIRE.varint && f.value === DATA_LOCATION_EXTERNAL; break;
    }
  }
  sink.tensor(t);
}

/** One external_data entry. Keys other than location/offset/length (checksum, basepath) are ignored. */
async function readEntry(r: ProtoReader, span: Span, ext: ExternalData): Promise<void> {
  let key = "";
  let value = "";
  for await (const f of r.fields(span)) {
    if (f.no === STRING_ENTRY.key) key = await text(r, f, MAX_ENTRY_CHARS);
    else if (f.no === STRING_ENTRY.value) value = await text(r, f, MAX_ENTRY_CHARS);
  }
  if (key === "location") ext.locations.push(value);
  else if (key === "offset") ext.offset = value;
  else if (key === "length") ext.length = value;
}

async function walkTrainingInfo(r: ProtoReader, span: Span, sink: OnnxSink): Promise<void> {
  for await (const f of r.fields(span)) {
    if (f.no === TRAINING_INFO.initialization) await walkGraph(r, r.message(f), "training.initialization", 0, sink);
    else if (f.no === TRAINING_INFO.algorithm) await walkGraph(r, r.message(f), "training.algorithm", 0, sink);
  }
}

/** A FunctionProto: its nodes are walked like a graph's, under `function:domain.name`. */
async function walkFunction(r: ProtoReader, span: Span, sink: OnnxSink): Promise<void> {
  let name = "";
  let domain = "";
  const nodes: Field[] = [];
  for await (const f of r.fields(span)) {
    if (f.no === FUNCTION.name) name = await text(r, f);
    else if (f.no === FUNCTION.domain) domain = await text(r, f);
    else if (f.no === FUNCTION.node) nodes.push(f);
  }
  sink.function(domain, name);
  const path = `function:${domain ? `${domain}.` : ""}${name}`;
  for (const [i, f] of nodes.entries()) await walkNode(r, r.message(f), path, 1, i, sink);
}

/** A string field's text; a field of the wrong wire type is a schema violation. */
async function text(r: ProtoReader, f: Field, max?: number): Promise<string> {
  if (f.wire !== WIRE.len) throw wrongWire(f, "a string");
  return r.string(f, max);
}

/** An integer field's value, undefined when it does not fit a JS number exactly. */
function varint(f: Field): number | undefined {
  if (f.wire !== WIRE.varint) throw wrongWire(f, "an integer");
  return asSafeNumber(f.value);
}

function lengthOf(f: Field): number {
  if (f.wire !== WIRE.len) throw wrongWire(f, "bytes");
  return f.end - f.start;
}

function wrongWire(f: Field, what: string) {
  return malformed("E_ONNX_SCHEMA", `field ${f.no} should hold ${what} but has wire type ${f.wire}`, f.at,
    "The file is not a valid ONNX model (or was corrupted)");
}
