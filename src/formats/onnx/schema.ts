/**
 * The field numbers of onnx/onnx.proto3 that the scanner reads. Only these are interpreted; every
 * other field is skipped by offset. Numbers never change meaning in protobuf, so one table serves every
 * IR version.
 */

/** ModelProto: the file's top-level message. */
export const MODEL = {
  irVersion: 1, // int64
  producerName: 2, // string
  producerVersion: 3, // string
  domain: 4, // string
  modelVersion: 5, // int64
  graph: 7, // GraphProto
  opsetImport: 8, // repeated OperatorSetIdProto
  trainingInfo: 20, // repeated TrainingInfoProto
  functions: 25, // repeated FunctionProto
} as const;

/** Which wire type each ModelProto field must have (for sniffing: 0 varint, 2 length-delimited). */
export const MODEL_WIRE: Record<number, number> = {
  1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2,
};

export const OPSET = { domain: 1, version: 2 } as const;

/** GraphProto. */
export const GRAPH = {
  node: 1, // repeated NodeProto
  name: 2, // string
  initializer: 5, // repeated TensorProto
  sparseInitializer: 15, // repeated SparseTensorProto
} as const;

/** NodeProto. */
export const NODE = { name: 3, opType: 4, attribute: 5, domain: 7 } as const;

/** AttributeProto: the fields that hold tensors or graphs (subgraphs of If, Loop, Scan). */
export const ATTRIBUTE = {
  name: 1,
  t: 5, // TensorProto
  g: 6, // GraphProto
  tensors: 10, // repeated TensorProto
  graphs: 11, // repeated GraphProto
  sparseTensor: 22, // SparseTensorProto
  sparseTensors: 23, // repeated SparseTensorProto
} as const;

/** SparseTensorProto: its values and indices are TensorProtos, which may hold external data too. */
export const SPARSE = { values: 1, indices: 2 } as const;

/** TensorProto. */
export const TENSOR = {
  dims: 1, // repeated int64 (packed or not)
  dataType: 2, // int32, TensorProto.DataType
  name: 8, // string
  rawData: 9, // bytes
  externalData: 13, // repeated StringStringEntryProto
  dataLocation: 14, // DataLocation: 0 DEFAULT, 1 EXTERNAL
} as const;

export const DATA_LOCATION_EXTERNAL = 1n;

export const STRING_ENTRY = { key: 1, value: 2 } as const;

/** TrainingInfoProto: two more graphs a training-capable model carries. */
export const TRAINING_INFO = { initialization: 1, algorithm: 2 } as const;

/** FunctionProto: model-local functions define operators in their own domain. */
export const FUNCTION = { name: 1, node: 7, domain: 10 } as const;

/**
 * Bits per element of each TensorProto.DataType with a fixed size (STRING, 8, has none). Sub-byte
 * types are packed, so a tensor's byte size is ceil(elements * bits / 8).
 */
export const DTYPE_BITS: Record<number, number> = {
  1: 32, // FLOAT
  2: 8, // UINT8
  3: 8, // INT8
  4: 16, // UINT16
  5: 16, // INT16
  6: 32, // INT32
  7: 64, // INT64
  9: 8, // BOOL
  10: 16, // FLOAT16
  11: 64, // DOUBLE
  12: 32, // UINT32
  13: 64, // UINT64
  14: 64, // COMPLEX64
  15: 128, // COMPLEX128
  16: 16, // BFLOAT16
  17: 8, // FLOAT8E4M3FN
  18: 8, // FLOAT8E4M3FNUZ
  19: 8, // FLOAT8E5M2
  20: 8, // FLOAT8E5M2FNUZ
  21: 4, // UINT4
  22: 4, // INT4
  23: 4, // FLOAT4E2M1
  24: 8, // FLOAT8E8M0
};

/** Operator domains defined by the ONNX standard itself: their operators are specified, not loaded. */
export const STANDARD_DOMAINS: ReadonlySet<string> = new Set(["", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training"]);

/**
 * Domains whose operators ship inside ONNX Runtime (contrib ops) or PyTorch's exporter fallbacks: not
 * standard, but not a library the model brings either. Reported at low severity so they stay visible.
 */
export const RUNTIME_DOMAINS: ReadonlySet<string> = new Set([
  "com.microsoft",
  "com.microsoft.nchwc",
  "com.microsoft.experimental",
  "com.microsoft.dml",
  "org.pytorch.aten",
]);

/** TensorProto.DataType names, for messages and metadata. */
const DTYPE_NAMES = [
  "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
  "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
  "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0",
];

export function dtypeName(dataType: number): string {
  return DTYPE_NAMES[dataType] ?? `type ${dataType}`;
}
