/**
 * A reader for CPython's `marshal` format (Python/marshal.c), enough to take apart the code object a
 * Keras Lambda carries: it builds plain data (strings, bytes, tuples, code-object fields) and never
 * turns anything into a callable. Every length is checked against the bytes that remain before it is
 * used, recursion and object counts are capped, and back-references (`r`) are resolved to the same
 * JS object, so a caller that walks the result must guard against shared and cyclic values.
 */
import { VouchError } from "../../core/errors.js";

/** A decoded marshal value. Python's `None` is `null`; ints are bigints (marshal ints are unbounded). */
export type MarshalValue = null | boolean | bigint | number | string | Uint8Array | MarshalSeq | MarshalDict | MarshalCode | MarshalAtom;

export interface MarshalSeq {
  kind: "tuple" | "list" | "set" | "frozenset";
  items: MarshalValue[];
}

export interface MarshalDict {
  kind: "dict";
  entries: [MarshalValue, MarshalValue][];
}

/** Values that matter only as "something was there": Ellipsis, StopIteration, complex numbers, slices. */
export interface MarshalAtom {
  kind: "ellipsis" | "stopiteration" | "complex" | "slice";
}

/**
 * The code-object layouts marshal has used. Fields common to all are named alike; `varnames` is
 * `co_localsplusnames` from 3.11 on (locals, cells and free variables in one tuple).
 */
export type CodeLayout = "3.11+" | "3.8-3.10" | "3.0-3.7";

export interface MarshalCode {
  kind: "code";
  layout: CodeLayout;
  argcount: number;
  flags: number;
  /** The bytecode itself (co_code). */
  code: MarshalValue;
  consts: MarshalValue;
  /** Global and attribute names the bytecode uses (co_names): `os`, `system`, `__import__`... */
  names: MarshalValue;
  varnames: MarshalValue;
  filename: MarshalValue;
  name: MarshalValue;
  /** co_qualname, 3.11+ only. */
  qualname?: MarshalValue;
  firstlineno: number;
}

export interface MarshalLimits {
  /** Maximum nesting of containers and code objects (CPython's own limit is 2000). */
  maxDepth: number;
  /** Maximum objects decoded, so a small input cannot make a huge object graph. */
  maxObjects: number;
}

export const DEFAULT_MARSHAL_LIMITS: MarshalLimits = { maxDepth: 200, maxObjects: 100_000 };

/** Type codes (Python/marshal.c); FLAG_REF marks objects that later `r` codes may refer to. */
const T = {
  NULL: 0x30, NONE: 0x4e, FALSE: 0x46, TRUE: 0x54, STOPITER: 0x53, ELLIPSIS: 0x2e,
  INT: 0x69, INT64: 0x49, FLOAT: 0x66, BINARY_FLOAT: 0x67, COMPLEX: 0x78, BINARY_COMPLEX: 0x79, LONG: 0x6c,
  STRING: 0x73, INTERNED: 0x74, REF: 0x72, TUPLE: 0x28, SMALL_TUPLE: 0x29, LIST: 0x5b, DICT: 0x7b,
  CODE: 0x63, UNICODE: 0x75, SET: 0x3c, FROZENSET: 0x3e, ASCII: 0x61, ASCII_INTERNED: 0x41,
  SHORT_ASCII: 0x7a, SHORT_ASCII_INTERNED: 0x5a, SLICE: 0x3a,
} as const;
const FLAG_REF = 0x80;

/** Placeholder for an object whose reference index is reserved but which is still being read. */
const PENDING: unique symbol = Symbol("pending");

/** Layouts in the order they are tried: the newest first, since that is what current Keras writes. */
const LAYOUTS: readonly CodeLayout[] = ["3.11+", "3.8-3.10", "3.0-3.7"];

/**
 * Decodes one marshalled object. A code object's layout is not announced in the data, so each known
 * layout is tried in turn and the first that yields a well-formed code object wins; when none does,
 * the error of the newest layout is thrown.
 */
export function readMarshal(bytes: Uint8Array, limits: MarshalLimits = DEFAULT_MARSHAL_LIMITS): MarshalValue {
  let first: unknown;
  for (const layout of LAYOUTS) {
    try {
      const r = new MarshalReader(bytes, layout, limits);
      return r.readObject(0);
    } catch (e) {
      if (!(e instanceof VouchError) || e.code === "E_MARSHAL_BUDGET") throw e;
      first ??= e;
    }
  }
  throw first;
}

class MarshalReader {
  private pos = 0;
  private objects = 0;
  private readonly refs: (MarshalValue | typeof PENDING)[] = [];
  private readonly view: DataView;

  constructor(private readonly b: Uint8Array, private readonly layout: CodeLayout, private readonly limits: MarshalLimits) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  readObject(depth: number): MarshalValue {
    if (depth > this.limits.maxDepth) throw this.error("E_MARSHAL_BUDGET", `objects nest deeper than ${this.limits.maxDepth} levels`);
    if (++this.objects > this.limits.maxObjects) throw this.error("E_MARSHAL_BUDGET", `more than ${this.limits.maxObjects} objects`);
    const at = this.pos;
    const code = this.u8();
    const type = code & ~FLAG_REF;
    // Containers and code objects take their reference index before their children (as CPython does),
    // so a child may refer back to its parent.
    const slot = code & FLAG_REF ? this.reserve() : -1;
    const value = this.readBody(type, at, depth, slot);
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  private readBody(type: number, at: number, depth: number, slot: number): MarshalValue {
    switch (type) {
      case T.NONE: return null;
      case T.FALSE: return false;
      case T.TRUE: return true;
      case T.ELLIPSIS: return { kind: "ellipsis" };
      case T.STOPITER: return { kind: "stopiteration" };
      case T.INT: return BigInt(this.i32());
      case T.INT64: return this.i64();
      case T.LONG: return this.long();
      case T.FLOAT: return Number.parseFloat(this.latin1(this.u8()));
      case T.BINARY_FLOAT: return this.f64();
      case T.COMPLEX: this.latin1(this.u8()); this.latin1(this.u8()); return { kind: "complex" };
      case T.BINARY_COMPLEX: this.take(16); return { kind: "complex" };
      case T.STRING: return this.take(this.size());
      case T.UNICODE: case T.INTERNED: return this.utf8(this.size());
      case T.ASCII: case T.ASCII_INTERNED: return this.latin1(this.size());
      case T.SHORT_ASCII: case T.SHORT_ASCII_INTERNED: return this.latin1(this.u8());
      case T.TUPLE: return this.sequence("tuple", this.size(), depth, slot);
      case T.SMALL_TUPLE: return this.sequence("tuple", this.u8(), depth, slot);
      case T.LIST: return this.sequence("list", this.size(), depth, slot);
      case T.SET: return this.sequence("set", this.size(), depth, slot);
      case T.FROZENSET: return this.sequence("frozenset", this.size(), depth, slot);
      case T.DICT: return this.dict(depth, slot);
      case T.SLICE: for (let i = 0; i < 3; i++) this.readObject(depth + 1); return { kind: "slice" };
      case T.REF: return this.ref();
      case T.CODE: return this.codeObject(depth);
      case T.NULL: throw this.error("E_MARSHAL_NULL", "a NULL object outside a dict", at);
      default: throw this.error("E_MARSHAL_TYPE", `unknown type code 0x${type.toString(16)}`, at);
    }
  }

  /** Fills the container before returning it, registering it first so children can refer to it. */
  private sequence(kind: MarshalSeq["kind"], n: number, depth: number, slot: number): MarshalSeq {
    const seq: MarshalSeq = { kind, items: [] };
    if (slot >= 0) this.refs[slot] = seq;
    for (let i = 0; i < n; i++) seq.items.push(this.readObject(depth + 1));
    return seq;
  }

  private dict(depth: number, slot: number): MarshalDict {
    const d: MarshalDict = { kind: "dict", entries: [] };
    if (slot >= 0) this.refs[slot] = d;
    for (;;) {
      if (this.peek() === T.NULL) {
        this.pos++;
        return d;
      }
      const key = this.readObject(depth + 1);
      d.entries.push([key, this.readObject(depth + 1)]);
    }
  }

  private ref(): MarshalValue {
    const at = this.pos - 1;
    const n = this.i32();
    const v = n >= 0 && n < this.refs.length ? this.refs[n] : undefined;
    // CPython rejects a reference to a code object still being read; so do we (and to anything unknown).
    if (v === undefined || v === PENDING) throw this.error("E_MARSHAL_REF", `invalid back-reference ${n}`, at);
    return v;
  }

  private codeObject(depth: number): MarshalCode {
    const at = this.pos - 1;
    const d = depth + 1;
    const ints = (n: number) => Array.from({ length: n }, () => this.i32());
    if (this.layout === "3.11+") {
      const [argcount, , , , flags] = ints(5);
      const [code, consts, names, varnames, , filename, name, qualname] = Array.from({ length: 8 }, () => this.readObject(d));
      const firstlineno = this.i32();
      this.readObject(d); // co_linetable
      this.readObject(d); // co_exceptiontable
      return this.checked({ kind: "code", layout: this.layout, argcount, flags, code, consts, names, varnames, filename, name, qualname, firstlineno }, at);
    }
    const [argcount, ...rest] = ints(this.layout === "3.8-3.10" ? 6 : 5);
    const flags = rest[rest.length - 1];
    const [code, consts, names, varnames, , , filename, name] = Array.from({ length: 8 }, () => this.readObject(d));
    const firstlineno = this.i32();
    this.readObject(d); // co_lnotab / co_linetable
    return this.checked({ kind: "code", layout: this.layout, argcount, flags, code, consts, names, varnames, filename, name, firstlineno }, at);
  }

  /** A code object whose fields have the wrong types means the layout guess was wrong (or the data is bad). */
  private checked(c: MarshalCode, at: number): MarshalCode {
    const ok =
      c.code instanceof Uint8Array &&
      isSeq(c.consts, "tuple") &&
      isSeq(c.names, "tuple") &&
      c.names.items.every((n) => typeof n === "string") &&
      typeof c.name === "string";
    if (!ok) throw this.error("E_MARSHAL_CODE", `not a code object in the Python ${this.layout} layout`, at);
    return c;
  }

  private reserve(): number {
    this.refs.push(PENDING);
    return this.refs.length - 1;
  }

  // ------------------------------------------------------------ primitive reads, each bounds-checked

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.b.length) {
      throw this.error("E_MARSHAL_TRUNCATED", `needs ${n} bytes, ${this.b.length - this.pos} remain`);
    }
  }

  private peek(): number {
    this.need(1);
    return this.b[this.pos];
  }

  private u8(): number {
    this.need(1);
    return this.b[this.pos++];
  }

  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  private f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length or count: non-negative, and never more than the bytes that remain (each item takes at least one). */
  private size(): number {
    const at = this.pos;
    const n = this.i32();
    if (n < 0 || n > this.b.length - this.pos) throw this.error("E_MARSHAL_SIZE", `size ${n} exceeds the ${this.b.length - this.pos} bytes that remain`, at);
    return n;
  }

  /** Arbitrary-precision int: a signed digit count, then 15-bit digits, least significant first. */
  private long(): bigint {
    const n = this.i32();
    const digits = Math.abs(n);
    this.need(digits * 2);
    let v = 0n;
    for (let i = digits - 1; i >= 0; i--) v = (v << 15n) | BigInt(this.view.getUint16(this.pos + i * 2, true) & 0x7fff);
    this.pos += digits * 2;
    return n < 0 ? -v : v;
  }

  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private utf8(n: number): string {
    return Buffer.from(this.take(n)).toString("utf8");
  }

  private latin1(n: number): string {
    return Buffer.from(this.take(n)).toString("latin1");
  }

  private error(code: string, message: string, offset = this.pos): VouchError {
    return new VouchError(code, `marshal data: ${message}`, {
      offset,
      hint: "The Lambda's bytecode is not a well-formed CPython marshal stream; it was reported without its contents",
    });
  }
}

export function isSeq(v: MarshalValue | undefined, kind?: MarshalSeq["kind"]): v is MarshalSeq {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && "items" in v && (kind === undefined || v.kind === kind);
}

export function isCode(v: MarshalValue | undefined): v is MarshalCode {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && "kind" in v && v.kind === "code";
}
