/**
 * Parsing the first bytes of a file as protobuf, for sniffing. Protobuf has no magic number, so a
 * format built on it is recognised by whether its first fields parse as the expected message. The head
 * usually ends inside some field; that is not an error here, it only stops the parse.
 */
import { WIRE, decodeFixed, decodeVarint, splitTag, type WireType } from "./wire.js";

export interface HeadField {
  no: number;
  wire: WireType;
  at: number;
  /** Value offsets within `head`; `end` may lie beyond the head when `cut` is set. */
  start: number;
  end: number;
  /** Number carried by varint and fixed fields; 0n for length-delimited ones. */
  value: bigint;
  /** True when a length-delimited payload runs past the end of the head (the parse stops after it). */
  cut: boolean;
}

export interface HeadParse {
  fields: HeadField[];
  /**
   * `complete`: the fields filled the message exactly; `cut`: the head ended first (expected for big
   * files); `invalid`: the bytes cannot be this message (bad tag, group, a length past the message end).
   */
  status: "complete" | "cut" | "invalid";
}

/**
 * Parses the fields of the message at [start, end) of the file, as far as `head` (the file's first
 * bytes) reaches. `end` is the message end in file offsets (the file size for the top-level message).
 */
export function parseHead(head: Uint8Array, start: number, end: number, maxFields = 64): HeadParse {
  const fields: HeadField[] = [];
  const limit = Math.min(end, head.length);
  let pos = start;
  try {
    while (pos < end && fields.length < maxFields) {
      if (pos >= limit) return { fields, status: "cut" };
      const f = fieldAt(head, pos, limit, end);
      if (f === "cut") return { fields, status: "cut" };
      if (f === "invalid") return { fields, status: "invalid" };
      fields.push(f);
      if (f.cut) return { fields, status: "cut" };
      pos = f.end;
    }
  } catch {
    return { fields, status: "invalid" };
  }
  return { fields, status: pos === end ? "complete" : "cut" };
}

function fieldAt(head: Uint8Array, pos: number, limit: number, end: number): HeadField | "cut" | "invalid" {
  const tag = decodeVarint(head, pos, limit);
  if (!tag) return "cut";
  const { field, wire } = splitTag(tag.value, pos);
  if (wire === WIRE.len) {
    const len = decodeVarint(head, tag.next, limit);
    if (!len) return "cut";
    if (len.value > BigInt(end - len.next)) return "invalid";
    const stop = len.next + Number(len.value);
    return { no: field, wire, at: pos, start: len.next, end: stop, value: 0n, cut: stop > limit };
  }
  if (wire === WIRE.varint) {
    const v = decodeVarint(head, tag.next, limit);
    if (!v) return "cut";
    return { no: field, wire, at: pos, start: tag.next, end: v.next, value: v.value, cut: false };
  }
  const width = wire === WIRE.i64 ? 8 : 4;
  if (tag.next + width > end) return "invalid";
  if (tag.next + width > limit) return "cut";
  return { no: field, wire, at: pos, start: tag.next, end: tag.next + width, value: decodeFixed(head, tag.next, width), cut: false };
}

/** The bytes of a length-delimited head field that lie inside the head. */
export function headPayload(head: Uint8Array, f: HeadField): Uint8Array {
  return head.subarray(f.start, Math.min(f.end, head.length));
}

/**
 * True when `bytes` are printable UTF-8 (no control characters), as names and versions are. `cut` says
 * the payload was cut by the end of the head, so a multi-byte sequence cut short at the end is fine.
 */
export function isPrintable(bytes: Uint8Array, cut = false): boolean {
  const body = cut ? bytes.subarray(0, bytes.length - partialTail(bytes)) : bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return false;
  }
  return !/[\u0000-\u001f\u007f]/.test(text);
}

/** Length of a UTF-8 sequence cut off at the end of `b` (0 when the last sequence is whole). */
function partialTail(b: Uint8Array): number {
  for (let i = 1; i <= Math.min(3, b.length); i++) {
    const c = b[b.length - i];
    if ((c & 0xc0) === 0xc0) return i;
    if ((c & 0xc0) !== 0x80) return 0;
  }
  return 0;
}
