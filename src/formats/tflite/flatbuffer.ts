/**
 * A bounds-checked FlatBuffers reader. FlatBuffers are read in place through offsets, which is what
 * makes them fast and what makes a hostile file dangerous to a reader that trusts them. Every access
 * here checks the table, its vtable, the field, and any vector or string it leads to against the bytes
 * held, before reading.
 *
 * The reader holds the file's first `bytes.length` bytes (all of it unless the file is over the size
 * read whole). A reference past the held bytes but inside the file throws `BeyondView`: the structure
 * exists but was not checked. A reference past the file's end is malformed.
 *
 * Offsets between tables (`uoffset`) are unsigned and point forward, so a walk that follows a fixed
 * schema cannot loop; tables shared by many references could still multiply the work, so every table
 * and vector element visited counts against a budget.
 */
import { BudgetExceeded, VouchError, malformed } from "../../core/errors.js";

/** Thrown for a reference into the part of the file that was not read. */
export class BeyondView extends VouchError {
  constructor(offset: number) {
    super("E_TFLITE_BEYOND_VIEW", `the model's structure refers to offset ${offset}, past the part of the file that was read`, { offset });
    this.name = "BeyondView";
  }
}

/** A table: where it is, and where its vtable says its fields are. */
export interface Table {
  readonly pos: number;
  /** Offsets (from `pos`) of each field, 0 when absent. */
  readonly fields: readonly number[];
  /** The table's inline size from its vtable: no field may reach past it. */
  readonly size: number;
}

/** A vector: element count and where the elements start. */
export interface Vector {
  readonly start: number;
  readonly length: number;
}

const HINT = "The TFLite file is truncated or crafted; interpreters that trust these offsets read out of bounds";

export class FlatView {
  private visits = 0;

  /** `fileSize`: the whole file's size (at least `bytes.length`). `maxVisits`: the work budget. */
  constructor(readonly bytes: Uint8Array, readonly fileSize: number, private readonly maxVisits = 5_000_000) {}

  /** Throws unless [pos, pos + n) lies within the held bytes. */
  check(pos: number, n: number, what: string): void {
    if (pos >= 0 && n >= 0 && pos + n <= this.bytes.length) return;
    if (pos >= 0 && pos + n <= this.fileSize) throw new BeyondView(pos);
    throw malformed("E_TFLITE_BOUNDS", `${what} at offset ${pos} (${n} bytes) lies outside the file`, pos, HINT);
  }

  u8(pos: number): number {
    this.check(pos, 1, "a byte");
    return this.bytes[pos];
  }

  u16(pos: number): number {
    this.check(pos, 2, "a 16-bit value");
    return this.bytes[pos] | (this.bytes[pos + 1] << 8);
  }

  u32(pos: number): number {
    this.check(pos, 4, "a 32-bit value");
    return (this.bytes[pos] | (this.bytes[pos + 1] << 8) | (this.bytes[pos + 2] << 16) | (this.bytes[pos + 3] << 24)) >>> 0;
  }

  i32(pos: number): number {
    return this.u32(pos) | 0;
  }

  /** A 64-bit unsigned value as a number; values past 2^53 become Infinity (they exceed any file anyway). */
  u64(pos: number): number {
    const lo = this.u32(pos);
    const hi = this.u32(pos + 4);
    return hi >= 0x200000 ? Infinity : hi * 2 ** 32 + lo;
  }

  /** The table at `pos`, with its vtable checked. */
  table(pos: number): Table {
    this.count(pos);
    const vtable = pos - this.i32(pos);
    this.check(vtable, 4, "a vtable");
    const vtSize = this.u16(vtable);
    const size = this.u16(vtable + 2);
    if (vtSize < 4 || vtSize % 2 !== 0) throw malformed("E_TFLITE_VTABLE", `the vtable at ${vtable} declares an invalid size ${vtSize}`, vtable, HINT);
    this.check(vtable, vtSize, "a vtable");
    if (size < 4) throw malformed("E_TFLITE_VTABLE", `the table at ${pos} declares an inline size of ${size}`, pos, HINT);
    this.check(pos, size, "a table");
    const fields: number[] = [];
    for (let p = vtable + 4; p < vtable + vtSize; p += 2) fields.push(this.u16(p));
    return { pos, fields, size };
  }

  /** Position of field `i` of `t` holding `width` bytes, or undefined when the field is absent. */
  field(t: Table, i: number, width: number): number | undefined {
    const off = t.fields[i] ?? 0;
    if (off === 0) return undefined;
    if (off + width > t.size) throw malformed("E_TFLITE_FIELD", `field ${i} of the table at ${t.pos} runs past the table`, t.pos + off, HINT);
    return t.pos + off;
  }

  /** The target of the offset field `i` of `t` (a table, vector or string), or undefined when absent. */
  ref(t: Table, i: number): number | undefined {
    const p = this.field(t, i, 4);
    return p === undefined ? undefined : p + this.u32(p);
  }

  /** The table that field `i` of `t` refers to. */
  subTable(t: Table, i: number): Table | undefined {
    const target = this.ref(t, i);
    return target === undefined ? undefined : this.table(target);
  }

  /** The vector that field `i` of `t` refers to, with elements of `elemSize` bytes; checked to fit. */
  vector(t: Table, i: number, elemSize: number): Vector | undefined {
    const v = this.ref(t, i);
    if (v === undefined) return undefined;
    const length = this.u32(v);
    this.check(v + 4, length * elemSize, "a vector");
    return { start: v + 4, length };
  }

  /** The tables of a vector of tables. */
  *tables(v: Vector): Generator<Table> {
    for (let k = 0; k < v.length; k++) {
      const e = v.start + 4 * k;
      yield this.table(e + this.u32(e));
    }
  }

  /** The string field `i` of `t` (at most `max` bytes decoded), or undefined when absent. */
  string(t: Table, i: number, max = 1024): string | undefined {
    const s = this.vector(t, i, 1);
    if (s === undefined) return undefined;
    const text = new TextDecoder("utf-8").decode(this.bytes.subarray(s.start, s.start + Math.min(s.length, max)));
    return s.length > max ? `${text}…` : text;
  }

  /** The 32-bit integers of a vector (tensor indices), each counted against the budget. */
  ints(v: Vector): Int32Array {
    this.count(v.start, v.length);
    const out = new Int32Array(v.length);
    for (let k = 0; k < v.length; k++) out[k] = this.i32(v.start + 4 * k);
    return out;
  }

  /** Counts `n` visits against the budget. */
  count(pos: number, n = 1): void {
    this.visits += n;
    if (this.visits > this.maxVisits) throw new BudgetExceeded("Tables and vector elements visited in the TFLite model", this.maxVisits, pos);
  }
}
