/**
 * The numbers GGUF files use: metadata value types, ggml tensor types with their block layout (how
 * many elements a block holds and how many bytes it takes, from ggml's type traits and gguf-py's
 * GGML_QUANT_SIZES), and llama.cpp's `general.file_type` names.
 */

/** GGUF metadata value types (`gguf_type`). */
export const ValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

/** Byte size of each fixed-size value type; STRING and ARRAY are variable. */
export const FIXED_SIZE: Readonly<Record<number, number>> = {
  [ValueType.UINT8]: 1,
  [ValueType.INT8]: 1,
  [ValueType.UINT16]: 2,
  [ValueType.INT16]: 2,
  [ValueType.UINT32]: 4,
  [ValueType.INT32]: 4,
  [ValueType.FLOAT32]: 4,
  [ValueType.BOOL]: 1,
  [ValueType.UINT64]: 8,
  [ValueType.INT64]: 8,
  [ValueType.FLOAT64]: 8,
};

export function isValueType(t: number): boolean {
  return t in FIXED_SIZE || t === ValueType.STRING || t === ValueType.ARRAY;
}

export interface GgmlType {
  name: string;
  /** Elements per block (1 for plain types). */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

const T = (name: string, blockSize: number, typeSize: number): GgmlType => ({ name, blockSize, typeSize });

/**
 * ggml_type ids. 4-5 (Q4_2, Q4_3) were removed before GGUF existed and are absent; 31-33 and 36-38
 * (the Q4_0_x_y and IQ4_NL_x_y repacked layouts) were written to files for a few months in 2024 and
 * keep their historical block layout so those files still measure right.
 */
export const GGML_TYPES: ReadonlyMap<number, GgmlType> = new Map([
  [0, T("F32", 1, 4)],
  [1, T("F16", 1, 2)],
  [2, T("Q4_0", 32, 18)],
  [3, T("Q4_1", 32, 20)],
  [6, T("Q5_0", 32, 22)],
  [7, T("Q5_1", 32, 24)],
  [8, T("Q8_0", 32, 34)],
  [9, T("Q8_1", 32, 36)],
  [10, T("Q2_K", 256, 84)],
  [11, T("Q3_K", 256, 110)],
  [12, T("Q4_K", 256, 144)],
  [13, T("Q5_K", 256, 176)],
  [14, T("Q6_K", 256, 210)],
  [15, T("Q8_K", 256, 292)],
  [16, T("IQ2_XXS", 256, 66)],
  [17, T("IQ2_XS", 256, 74)],
  [18, T("IQ3_XXS", 256, 98)],
  [19, T("IQ1_S", 256, 50)],
  [20, T("IQ4_NL", 32, 18)],
  [21, T("IQ3_S", 256, 110)],
  [22, T("IQ2_S", 256, 82)],
  [23, T("IQ4_XS", 256, 136)],
  [24, T("I8", 1, 1)],
  [25, T("I16", 1, 2)],
  [26, T("I32", 1, 4)],
  [27, T("I64", 1, 8)],
  [28, T("F64", 1, 8)],
  [29, T("IQ1_M", 256, 56)],
  [30, T("BF16", 1, 2)],
  [31, T("Q4_0_4_4", 32, 18)],
  [32, T("Q4_0_4_8", 32, 18)],
  [33, T("Q4_0_8_8", 32, 18)],
  [34, T("TQ1_0", 256, 54)],
  [35, T("TQ2_0", 256, 66)],
  [36, T("IQ4_NL_4_4", 32, 18)],
  [37, T("IQ4_NL_4_8", 32, 18)],
  [38, T("IQ4_NL_8_8", 32, 18)],
  [39, T("MXFP4", 32, 17)],
  [40, T("NVFP4", 64, 36)],
  [41, T("Q1_0", 128, 18)],
]);

/** llama.cpp's `llama_ftype` (the `general.file_type` value): what most tensors are quantized to. */
const FILE_TYPES: readonly string[] = [
  "ALL_F32", "MOSTLY_F16", "MOSTLY_Q4_0", "MOSTLY_Q4_1", "MOSTLY_Q4_1_SOME_F16", "MOSTLY_Q4_2", "MOSTLY_Q4_3",
  "MOSTLY_Q8_0", "MOSTLY_Q5_0", "MOSTLY_Q5_1", "MOSTLY_Q2_K", "MOSTLY_Q3_K_S", "MOSTLY_Q3_K_M", "MOSTLY_Q3_K_L",
  "MOSTLY_Q4_K_S", "MOSTLY_Q4_K_M", "MOSTLY_Q5_K_S", "MOSTLY_Q5_K_M", "MOSTLY_Q6_K", "MOSTLY_IQ2_XXS",
  "MOSTLY_IQ2_XS", "MOSTLY_Q2_K_S", "MOSTLY_IQ3_XS", "MOSTLY_IQ3_XXS", "MOSTLY_IQ1_S", "MOSTLY_IQ4_NL",
  "MOSTLY_IQ3_S", "MOSTLY_IQ3_M", "MOSTLY_IQ2_S", "MOSTLY_IQ2_M", "MOSTLY_IQ4_XS", "MOSTLY_IQ1_M", "MOSTLY_BF16",
  "MOSTLY_Q4_0_4_4", "MOSTLY_Q4_0_4_8", "MOSTLY_Q4_0_8_8", "MOSTLY_TQ1_0", "MOSTLY_TQ2_0", "MOSTLY_MXFP4_MOE",
];

/** The name of a `general.file_type` value, or undefined for values this table does not know. */
export function fileTypeName(v: number): string | undefined {
  return Number.isInteger(v) && v >= 0 ? FILE_TYPES[v] : undefined;
}
