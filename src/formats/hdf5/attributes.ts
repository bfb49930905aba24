/**
 * Attributes stored in an object header (compact storage), and their string values: fixed-length
 * strings inline, variable-length strings in the global heap (what h5py writes for `str`). Values are
 * read only up to a byte cap; a value over it is reported as such, never allocated.
 */
import { Cursor, hdf5Error } from "./cursor.js";
import { MAX_BLOCK, type Hdf5File } from "./file.js";
import { FLAG_SHARED, MSG, type Message, type ObjectHeader } from "./object-header.js";
import { CLASS, elementCount, isString, parseDataspace, parseDatatype, type Dataspace, type Datatype } from "./types.js";

export interface Attribute {
  name: string;
  /** Undefined when the datatype is a shared (committed) type this reader does not follow. */
  type?: Datatype;
  space: Dataspace;
  /** The raw data as stored in the message (for variable-length types: heap references). */
  data: Uint8Array;
  /** Absolute file offset of `data`. */
  dataOffset: number;
}

/** Where the attributes of an object are, as far as this reader can tell. */
export interface AttributeListing {
  attributes: Attribute[];
  /** Why some attributes may exist that were not listed (dense storage, shared messages). */
  unread: string[];
}

/** What reading a string attribute gave. */
export type StringValue =
  | { kind: "strings"; values: string[] }
  | { kind: "not-string"; dtype: string }
  | { kind: "over-cap"; bytes: number }
  | { kind: "unreadable"; why: string };

/** Lists the compact attributes of an object header and notes the storage it cannot read. */
export function listAttributes(file: Hdf5File, header: ObjectHeader): AttributeListing {
  const out: AttributeListing = { attributes: [], unread: [] };
  for (const m of header.messages) {
    if (m.type === MSG.attribute) {
      if (m.flags & FLAG_SHARED) out.unread.push(`a shared attribute message at offset ${m.offset}`);
      else out.attributes.push(parseAttribute(file.cursor(m.data, m.offset)));
    } else if (m.type === MSG.attributeInfo && denseHeap(file, m) !== undefined) {
      out.unread.push(`attributes in dense storage (fractal heap) at offset ${m.offset}`);
    }
  }
  return out;
}

/** The fractal heap address of an attribute info message, undefined when attributes are all compact. */
function denseHeap(file: Hdf5File, m: Message): number | undefined {
  const c = file.cursor(m.data, m.offset);
  c.u8("attribute info version");
  const flags = c.u8("attribute info flags");
  if (flags & 0x01) c.skip(2, "maximum creation index");
  return c.address("fractal heap address");
}

/** Attribute message versions 1 (8-byte padded parts), 2 (unpadded) and 3 (adds the name's encoding). */
export function parseAttribute(c: Cursor): Attribute {
  const at = c.at;
  const version = c.u8("attribute version");
  if (version < 1 || version > 3) throw hdf5Error("E_HDF5_ATTRIBUTE", `attribute message version ${version} is unknown`, at);
  const flags = c.u8("attribute flags");
  const nameSize = c.u16("attribute name size");
  const typeSize = c.u16("attribute datatype size");
  const spaceSize = c.u16("attribute dataspace size");
  if (version === 3) c.skip(1, "name encoding");
  const pad = (n: number) => (version === 1 ? (n + 7) & ~7 : n);
  const nameBytes = c.take(pad(nameSize), "attribute name");
  const name = Buffer.from(nameBytes.subarray(0, Math.max(0, nameSize - 1))).toString("utf8");
  const typeAt = c.at;
  const typeBytes = c.take(pad(typeSize), "attribute datatype");
  const spaceAt = c.at;
  const spaceBytes = c.take(pad(spaceSize), "attribute dataspace");
  const sharedType = version > 1 && (flags & 0x01) !== 0;
  const type = sharedType ? undefined : parseDatatype(sub(c, typeBytes, typeAt));
  if ((flags & 0x02) !== 0) throw hdf5Error("E_HDF5_ATTRIBUTE", `attribute "${name}" has a shared dataspace, which HDF5 does not write`, at);
  const space = parseDataspace(sub(c, spaceBytes, spaceAt));
  const dataOffset = c.at;
  return { name, ...(type ? { type } : {}), space, data: c.take(c.remaining, "attribute data"), dataOffset };
}

/** A cursor over one part of a message, with the parent's address widths. */
function sub(parent: Cursor, bytes: Uint8Array, fileOffset: number): Cursor {
  return new Cursor(bytes, fileOffset, parent.offsetSize, parent.lengthSize);
}

/**
 * The attribute's string value(s), decoded as UTF-8. `cap` bounds the total bytes of all elements;
 * `heaps` caches global heap collections across attributes of one file.
 */
export async function readStrings(file: Hdf5File, a: Attribute, cap: number, heaps: GlobalHeaps): Promise<StringValue> {
  if (!a.type) return { kind: "unreadable", why: "its datatype is a shared (committed) datatype" };
  if (!isString(a.type)) return { kind: "not-string", dtype: `class ${a.type.cls}` };
  const count = elementCount(a.space);
  const c = file.cursor(a.data, a.dataOffset);
  if (a.type.cls === CLASS.string) return fixedStrings(c, a.type, count);
  return variableStrings(file, c, count, cap, heaps);
}

/** Fixed-length strings: `size` bytes each, cut at the first NUL; space padding trimmed. */
function fixedStrings(c: Cursor, t: Datatype, count: number): StringValue {
  if (count * t.size > c.remaining) throw hdf5Error("E_HDF5_ATTRIBUTE", `${count} strings of ${t.size} bytes do not fit the attribute's ${c.remaining} data bytes`, c.at);
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw = c.take(t.size, "string element");
    const nul = raw.indexOf(0);
    const text = Buffer.from(nul >= 0 ? raw.subarray(0, nul) : raw).toString("utf8");
    values.push((t.bits & 0x0f) === 2 ? text.trimEnd() : text);
  }
  return { kind: "strings", values };
}

/** Variable-length strings: per element a length, then a global heap collection address and object index. */
async function variableStrings(file: Hdf5File, c: Cursor, count: number, cap: number, heaps: GlobalHeaps): Promise<StringValue> {
  const elementSize = 4 + file.sb.offsetSize + 4;
  if (count * elementSize > c.remaining) throw hdf5Error("E_HDF5_ATTRIBUTE", `${count} string references do not fit the attribute's ${c.remaining} data bytes`, c.at);
  const values: string[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = c.u32("string length");
    const collection = c.address("global heap address");
    const index = c.u32("global heap index");
    if (length === 0 || collection === undefined) {
      values.push("");
      continue;
    }
    if ((total += length) > cap) return { kind: "over-cap", bytes: total };
    const object = await heaps.object(collection, index, cap);
    if (!(object instanceof Uint8Array)) return object;
    values.push(Buffer.from(object.subarray(0, Math.min(length, object.length))).toString("utf8"));
  }
  return { kind: "strings", values };
}

/** Object walks per collection read with positioned reads (a collection holds at most 65535 objects). */
const MAX_HEAP_OBJECTS = 65_536;

/**
 * Global heap collections (`GCOL`): a header, then objects of (index, reference count, size, data
 * padded to 8 bytes). Small collections are read whole and cached; large ones are walked object by
 * object so that a huge value is measured, not loaded.
 */
export class GlobalHeaps {
  private readonly cache = new Map<number, Cursor>();

  constructor(private readonly file: Hdf5File) {}

  async object(collection: number, index: number, cap: number): Promise<Uint8Array | { kind: "over-cap"; bytes: number }> {
    const L = this.file.sb.lengthSize;
    const size = await this.collectionSize(collection);
    const cached = size <= MAX_BLOCK ? await this.whole(collection, size) : undefined;
    let pos = 8 + L;
    for (let steps = 0; steps < MAX_HEAP_OBJECTS && pos + 8 + L <= size; steps++) {
      const h = cached ? cached : await this.file.block(collection + pos, 8 + L, "global heap object header");
      if (cached) h.pos = pos;
      const at = h.at;
      const id = h.u16("heap object index");
      h.skip(6, "reference count and reserved");
      const length = h.length("heap object size");
      if (id === 0) break; // free space: no objects after it
      if (id === index) {
        if (length > cap) return { kind: "over-cap", bytes: length };
        if (pos + 8 + L + length > size) throw hdf5Error("E_HDF5_HEAP", `heap object ${index} runs past its collection`, at);
        return cached ? cached.bytes.subarray(pos + 8 + L, pos + 8 + L + length) : this.file.bytes(collection + pos + 8 + L, length, "global heap object");
      }
      pos += 8 + L + ((length + 7) & ~7);
    }
    throw hdf5Error("E_HDF5_HEAP", `global heap collection at ${collection} has no object ${index}`, this.file.sb.offset + collection);
  }

  private async collectionSize(collection: number): Promise<number> {
    const h = await this.file.block(collection, 8 + this.file.sb.lengthSize, "global heap collection header");
    h.signature("GCOL", "global heap collection");
    h.skip(4, "version and reserved");
    return h.length("collection size");
  }

  private async whole(collection: number, size: number): Promise<Cursor> {
    let c = this.cache.get(collection);
    if (!c) {
      c = await this.file.block(collection, size, "global heap collection");
      this.cache.set(collection, c);
    }
    return c;
  }
}
