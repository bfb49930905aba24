/**
 * Datatype and dataspace messages: enough to tell a string from a number, to size an attribute's
 * data, and to name a dataset's element type for the BOM the way numpy would (`float32`, `S5`).
 */
import { hdf5Error, type Cursor } from "./cursor.js";

export const CLASS = { fixed: 0, float: 1, time: 2, string: 3, bitfield: 4, opaque: 5, compound: 6, reference: 7, enum: 8, vlen: 9, array: 10 } as const;

export interface Datatype {
  cls: number;
  version: number;
  /** The 24 class bit-field bits (byte order, sign, padding, character set, vlen kind...). */
  bits: number;
  /** Size of one element in bytes. */
  size: number;
  /** Element type of a variable-length type. */
  base?: Datatype;
}

export interface Dataspace {
  /** Dimension sizes; empty for a scalar. */
  dims: number[];
  /** True for the null dataspace (no elements at all). */
  isNull: boolean;
}

/** Variable-length nesting followed at most (a vlen of vlen of ...); real files use one level. */
const MAX_TYPE_DEPTH = 4;

/** Reads a datatype message at the cursor: the 8-byte header, and for vlen types the base type after it. */
export function parseDatatype(c: Cursor, depth = 0): Datatype {
  const at = c.at;
  const classAndVersion = c.u8("datatype class");
  const bits = c.u8("datatype bits") | (c.u8("datatype bits") << 8) | (c.u8("datatype bits") << 16);
  const size = c.u32("datatype size");
  const t: Datatype = { cls: classAndVersion & 0x0f, version: classAndVersion >> 4, bits, size };
  if (t.cls > CLASS.array) throw hdf5Error("E_HDF5_TYPE", `datatype class ${t.cls} is unknown`, at);
  if (t.cls === CLASS.vlen) {
    if (depth >= MAX_TYPE_DEPTH) throw hdf5Error("E_HDF5_TYPE", `variable-length types nest deeper than ${MAX_TYPE_DEPTH}`, at);
    t.base = parseDatatype(c, depth + 1);
  }
  return t;
}

/** True for fixed-length strings and variable-length strings (h5py's `str` and `bytes` attributes). */
export function isString(t: Datatype): boolean {
  return t.cls === CLASS.string || (t.cls === CLASS.vlen && (t.bits & 0x0f) === 1);
}

/** numpy-style name of an element type, for dataset inventories. */
export function dtypeName(t: Datatype): string {
  const bitsWide = t.size * 8;
  switch (t.cls) {
    case CLASS.fixed: return `${t.bits & 0x08 ? "int" : "uint"}${bitsWide}`;
    case CLASS.float: return `float${bitsWide}`;
    case CLASS.string: return `S${t.size}`;
    case CLASS.vlen: return (t.bits & 0x0f) === 1 ? "vlen-str" : `vlen-${t.base ? dtypeName(t.base) : "?"}`;
    case CLASS.enum: return `enum${bitsWide}`;
    case CLASS.bitfield: return `bitfield${bitsWide}`;
    case CLASS.opaque: return `opaque${t.size}`;
    case CLASS.compound: return "compound";
    case CLASS.reference: return "reference";
    case CLASS.array: return "array";
    default: return "time";
  }
}

/** Reads a dataspace message (version 1 with reserved bytes, or version 2 with an explicit type). */
export function parseDataspace(c: Cursor): Dataspace {
  const at = c.at;
  const version = c.u8("dataspace version");
  const rank = c.u8("dataspace rank");
  c.u8("dataspace flags");
  let isNull = false;
  if (version === 1) c.skip(5, "reserved");
  else if (version === 2) isNull = c.u8("dataspace type") === 2;
  else throw hdf5Error("E_HDF5_SPACE", `dataspace version ${version} is unknown`, at);
  if (rank > 32) throw hdf5Error("E_HDF5_SPACE", `dataspace rank ${rank} exceeds HDF5's limit of 32`, at);
  const dims = Array.from({ length: rank }, () => c.length("dimension size"));
  return { dims, isNull };
}

/** Number of elements (1 for a scalar, 0 for the null space); Infinity when it would overflow. */
export function elementCount(s: Dataspace): number {
  if (s.isNull) return 0;
  let n = 1;
  for (const d of s.dims) n *= d;
  return Number.isSafeInteger(n) ? n : Infinity;
}
