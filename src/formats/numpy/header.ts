/**
 * The .npy preamble and header (numpy's format.py, versions 1.0 to 3.0): the magic `\x93NUMPY`, a
 * version, the header length (2 bytes in 1.0, 4 in 2.0 and 3.0) and a Python dict literal with
 * exactly the keys `descr`, `fortran_order` and `shape`, padded with spaces and a newline. The data
 * starts right after the header.
 */
import { VouchError } from "../../core/errors.js";
import type { StreamCursor } from "./cursor.js";
import { parsePyLiteral, type PyValue } from "./pyliteral.js";

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy refuses headers over 10 000 bytes by default; allow more, but stay bounded. */
export const MAX_HEADER_BYTES = 1 << 20;

export interface NpyHeader {
  version: string;
  descr: PyValue;
  fortranOrder: boolean;
  shape: PyValue;
  /** Offset of the first data byte. */
  dataOffset: number;
}

export async function readNpyHeader(cursor: StreamCursor): Promise<NpyHeader> {
  const { version, headerLength, headerOffset } = await readPreamble(cursor);
  const bytes = await cursor.take(headerLength);
  if (bytes.length < headerLength) {
    throw headerError(`the file ends inside the ${headerLength}-byte header`, headerOffset + bytes.length);
  }
  const text = decodeHeaderText(bytes, version, headerOffset);
  const dict = parsePyLiteral(text, headerOffset);
  return { version, ...headerFields(dict, headerOffset), dataOffset: headerOffset + headerLength };
}

async function readPreamble(cursor: StreamCursor): Promise<{ version: string; headerLength: number; headerOffset: number }> {
  const fixed = await cursor.take(8);
  if (fixed.length < 8 || !NPY_MAGIC.every((b, i) => fixed[i] === b)) throw headerError("missing the \\x93NUMPY magic", 0);
  const major = fixed[6]!;
  const minor = fixed[7]!;
  if (minor !== 0 || major < 1 || major > 3) throw headerError(`unsupported format version ${major}.${minor}`, 6);
  const lengthBytes = await cursor.take(major === 1 ? 2 : 4);
  if (lengthBytes.length < (major === 1 ? 2 : 4)) throw headerError("the file ends inside the header length", 8);
  const view = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, lengthBytes.length);
  const headerLength = major === 1 ? view.getUint16(0, true) : view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) throw headerError(`header length ${headerLength} exceeds ${MAX_HEADER_BYTES} bytes`, 8);
  return { version: `${major}.${minor}`, headerLength, headerOffset: 8 + lengthBytes.length };
}

/** Versions 1 and 2 are latin-1, version 3 is UTF-8 (for field names outside latin-1). */
function decodeHeaderText(bytes: Uint8Array, version: string, offset: number): string {
  if (version !== "3.0") return Buffer.from(bytes).toString("latin1");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw headerError("a version 3.0 header that is not valid UTF-8", offset);
  }
}

/** The three keys, exactly, with the types numpy requires. */
function headerFields(dict: PyValue, offset: number): Pick<NpyHeader, "descr" | "fortranOrder" | "shape"> {
  if (dict.kind !== "dict") throw headerError("the header is not a dict", offset);
  const fields = new Map<string, PyValue>();
  for (const [k, v] of dict.entries) {
    if (k.kind !== "str") throw headerError("a header key is not a string", offset);
    fields.set(k.value, v);
  }
  const keys = [...fields.keys()].sort().join(",");
  if (keys !== "descr,fortran_order,shape") throw headerError(`header keys are {${keys}}, not {descr, fortran_order, shape}`, offset);
  const shape = fields.get("shape")!;
  if (shape.kind !== "tuple" || !shape.items.every((d) => d.kind === "int")) throw headerError("'shape' is not a tuple of integers", offset);
  const fortran = fields.get("fortran_order")!;
  if (fortran.kind !== "bool") throw headerError("'fortran_order' is not True or False", offset);
  return { descr: fields.get("descr")!, fortranOrder: fortran.value, shape };
}

export function headerError(message: string, offset: number): VouchError {
  return new VouchError("E_NPY_HEADER", `.npy header: ${message}`, {
    offset,
    hint: "np.load would refuse this file; it is corrupt or crafted",
  });
}
