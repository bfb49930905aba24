/**
 * The parts of tensorflow/lite/schema/schema.fbs the scanner reads. FlatBuffers fields are numbered by
 * declaration order (field i sits at vtable slot i); new fields are only ever appended, so one table of
 * indices serves every schema version.
 */

/** The file identifier at bytes 4..8 of every TFLite model. */
export const FILE_IDENTIFIER = "TFL3";

/** table Model { version:uint; operator_codes:[OperatorCode]; subgraphs:[SubGraph]; description:string; buffers:[Buffer]; metadata_buffer:[int]; metadata:[Metadata]; ... } */
export const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6 } as const;

/** table OperatorCode { deprecated_builtin_code:byte; custom_code:string; version:int = 1; builtin_code:BuiltinOperator (int32); } */
export const OPERATOR_CODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;

/** table SubGraph { tensors:[Tensor]; inputs:[int]; outputs:[int]; operators:[Operator]; name:string; } */
export const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;

/** table Tensor { shape:[int]; type:TensorType; buffer:uint; name:string; ... } */
export const TENSOR = { buffer: 2 } as const;

/**
 * table Operator { opcode_index:uint; inputs:[int]; outputs:[int]; builtin_options (union: slots 3, 4);
 * custom_options:[ubyte]; custom_options_format; mutating_variable_inputs; intermediates;
 * large_custom_options_offset:ulong; large_custom_options_size:ulong; ... }
 */
export const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, largeCustomOptionsOffset: 9, largeCustomOptionsSize: 10 } as const;

/** table Buffer { data:[ubyte]; offset:ulong; size:ulong; }: offset > 1 places the data at that file offset. */
export const BUFFER = { data: 0, offset: 1, size: 2 } as const;

/** table Metadata { name:string; buffer:uint; } */
export const METADATA = { name: 0, buffer: 1 } as const;

/** BuiltinOperator.CUSTOM: the operator is named by `custom_code` and implemented outside the runtime. */
export const BUILTIN_CUSTOM = 32;

/** BuiltinOperator names 0..116, for the op histogram (later codes are shown by number). */
const BUILTIN_NAMES = (
  "ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP FLOOR " +
  "FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION " +
  "LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH " +
  "CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER " +
  "BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE " +
  "BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM " +
  "ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE " +
  "TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK " +
  "LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD " +
  "RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N " +
  "GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND"
).split(" ");

export function builtinName(code: number): string {
  return BUILTIN_NAMES[code] ?? `BUILTIN_${code}`;
}
