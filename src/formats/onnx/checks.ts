/**
 * Checks on what the walk measured, as pure functions: is an external-data location confined to the
 * model's folder, and does a tensor's payload have the size its shape and type declare.
 */
import { DTYPE_BITS, dtypeName } from "./schema.js";
import type { TensorInfo } from "./model.js";

/**
 * Why an external-data `location` can reach outside the model's folder, or undefined when it cannot.
 * ONNX requires a relative path inside the model directory; loaders join it to that directory, so an
 * absolute path, a drive letter, a UNC share or a `..` segment reads any file the process can (the
 * tensor's bytes become readable through the model's outputs). Both separators count: ONNX Runtime on
 * Windows splits on `\` as well as `/`.
 */
export function locationProblem(location: string): string | undefined {
  if (location === "") return "is empty";
  if (location.includes("\0")) return "contains a NUL byte (the path a C loader opens ends there)";
  if (location.startsWith("/") || location.startsWith("\\")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(location)) return "starts with a drive letter";
  if (location.split(/[/\\]/).includes("..")) return "has a `..` segment";
  return undefined;
}

/** A decimal offset or length from an external_data entry, or undefined when it is not one. */
export function parseDecimal(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,16}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Elements of a shape (1 for a scalar), or undefined when a dim is negative (invalid for stored data). */
export function elementCount(dims: readonly bigint[]): bigint | undefined {
  let n = 1n;
  for (const d of dims) {
    if (d < 0n) return undefined;
    n *= d;
  }
  return n;
}

/** Bytes a tensor's data must have from its dims and data type; undefined for strings and unknown types. */
export function expectedBytes(t: Pick<TensorInfo, "dataType" | "dims" | "dimsCut">): bigint | undefined {
  const bits = DTYPE_BITS[t.dataType];
  const n = elementCount(t.dims);
  if (bits === undefined || n === undefined || t.dimsCut) return undefined;
  return (n * BigInt(bits) + 7n) / 8n;
}

/**
 * How a tensor's stored size disagrees with its declared one, or undefined when it agrees (or cannot be
 * told). A loader that sizes its buffer from the dims and copies the stored bytes, or the reverse,
 * reads or writes past one of them; ONNX Runtime rejects such tensors, other runtimes have not always.
 */
export function sizeProblem(t: TensorInfo): string | undefined {
  if (t.dims.some((d) => d < 0n)) return `has a negative dimension [${t.dims.join(", ")}]`;
  const want = expectedBytes(t);
  if (want === undefined) return undefined;
  const shape = `[${t.dims.join(", ")}] of ${dtypeName(t.dataType)} needs ${want} bytes`;
  if (t.rawDataLength !== undefined && BigInt(t.rawDataLength) !== want) return `${shape} but raw_data holds ${t.rawDataLength}`;
  const length = parseDecimal(t.external?.length);
  if (t.externalLocation && length !== undefined && BigInt(length) !== want) return `${shape} but its external data length is ${length}`;
  return undefined;
}

