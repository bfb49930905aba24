/**
 * The dtype a .npy header's `descr` names: its item size (how many data bytes per element) and
 * whether it holds Python objects (then the data is a pickle, not numbers). `descr` is either a
 * type string like `<f4` (byte order, kind, size) or, for structured arrays, a list of fields
 * `(name, descr)` or `(name, descr, shape)`, nested to any depth; numpy writes padding as fields
 * named ''. Sizes are BigInt: a crafted header can multiply shapes past 2^53.
 */
import { VouchError } from "../../core/errors.js";
import type { PyValue } from "./pyliteral.js";

export interface DtypeInfo {
  /** Readable name: `float32`, `int64`, `bool`, `<U10`, `object`, `structured(x:float32,...)`. */
  name: string;
  /** Bytes per element (0 for object dtypes, whose data is a pickle). */
  itemsize: bigint;
  /** True when the dtype or any field of it is `O`. */
  object: boolean;
}

const MAX_FIELDS = 10_000;
const MAX_NESTING = 16;

/** Kinds with a fixed set of sizes, and what numpy calls them (`f` + 4 bytes -> float32). */
const NUMERIC: Record<string, { name: string; sizes: number[] }> = {
  b: { name: "bool", sizes: [1] },
  i: { name: "int", sizes: [1, 2, 4, 8] },
  u: { name: "uint", sizes: [1, 2, 4, 8] },
  f: { name: "float", sizes: [2, 4, 8, 12, 16] },
  c: { name: "complex", sizes: [8, 16, 24, 32] },
  m: { name: "timedelta64", sizes: [8] },
  M: { name: "datetime64", sizes: [8] },
};

/** `descr` as a DtypeInfo; `offset` locates errors (the header's start). */
export function describeDtype(descr: PyValue, offset: number): DtypeInfo {
  return describe(descr, offset, 0, { fields: 0 });
}

function describe(descr: PyValue, offset: number, depth: number, budget: { fields: number }): DtypeInfo {
  if (depth > MAX_NESTING) throw dtypeError("structured dtype nested too deeply", offset);
  if (descr.kind === "str") return describeTypeString(descr.value, offset);
  if (descr.kind === "list") return describeStruct(descr.items, offset, depth, budget);
  throw dtypeError("'descr' is neither a type string nor a list of fields", offset);
}

/** A type string: optional byte order (<, >, |, =), a kind letter, a size, and a unit for datetimes. */
function describeTypeString(s: string, offset: number): DtypeInfo {
  const m = /^([<>|=]?)([biufcmMOSaUV])(\d{0,10})(\[[A-Za-z0-9]+\])?$/.exec(s);
  if (!m) throw dtypeError(`unknown type string '${s}'`, offset);
  const [, , kind, digits, unit] = m as unknown as [string, string, string, string, string | undefined];
  const size = digits === "" ? undefined : Number(digits);
  if (unit !== undefined && kind !== "m" && kind !== "M") throw dtypeError(`unit on a non-datetime type '${s}'`, offset);
  if (kind === "O") return { name: "object", itemsize: 0n, object: true };
  if (kind === "S" || kind === "a" || kind === "V") return { name: s.replace(/^[<>|=]/, ""), itemsize: BigInt(size ?? 0), object: false };
  if (kind === "U") return { name: s.replace(/^[<>|=]/, ""), itemsize: 4n * BigInt(size ?? 0), object: false };
  const numeric = NUMERIC[kind]!;
  if (size === undefined || !numeric.sizes.includes(size)) throw dtypeError(`invalid size in type string '${s}'`, offset);
  const name = kind === "b" ? "bool" : kind === "m" || kind === "M" ? `${numeric.name}${unit ?? ""}` : `${numeric.name}${size * 8}`;
  return { name, itemsize: BigInt(size), object: false };
}

/** A structured dtype: the sum of its fields, each its dtype times the product of its shape. */
function describeStruct(fields: PyValue[], offset: number, depth: number, budget: { fields: number }): DtypeInfo {
  let itemsize = 0n;
  let object = false;
  const names: string[] = [];
  for (const field of fields) {
    if (++budget.fields > MAX_FIELDS) throw dtypeError(`more than ${MAX_FIELDS} fields`, offset);
    if (field.kind !== "tuple" || field.items.length < 2 || field.items.length > 3) {
      throw dtypeError("a field is not (name, descr) or (name, descr, shape)", offset);
    }
    const [name, sub, shape] = field.items as [PyValue, PyValue, PyValue | undefined];
    const info = describe(sub, offset, depth + 1, budget);
    const count = shape === undefined ? 1n : elementCount(shape, offset);
    itemsize += info.itemsize * count;
    object ||= info.object;
    names.push(`${fieldName(name, offset)}:${info.name}${shape === undefined ? "" : `[${count}]`}`);
  }
  return { name: `structured(${names.join(",")})`, itemsize, object };
}

/** A field name: a string, or a (title, name) tuple. */
function fieldName(v: PyValue, offset: number): string {
  if (v.kind === "str") return v.value;
  if (v.kind === "tuple" && v.items.length === 2 && v.items[1]!.kind === "str") return v.items[1]!.value;
  throw dtypeError("a field name is not a string or (title, name)", offset);
}

/** The product of a shape tuple (an int alone counts as a one-dimensional shape, as numpy allows for fields). */
export function elementCount(shape: PyValue, offset: number): bigint {
  const dims = shape.kind === "tuple" ? shape.items : [shape];
  if (dims.length > 64) throw dtypeError("more than 64 dimensions", offset);
  let count = 1n;
  for (const d of dims) {
    if (d.kind !== "int" || d.value < 0n) throw dtypeError("a shape dimension is not a non-negative integer", offset);
    count *= d.value;
  }
  return count;
}

function dtypeError(message: string, offset: number): VouchError {
  return new VouchError("E_NPY_HEADER", `.npy header: ${message}`, {
    offset,
    hint: "numpy cannot interpret this dtype; the file is corrupt or crafted",
  });
}
