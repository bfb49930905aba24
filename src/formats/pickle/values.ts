/**
 * What the symbolic pickle machine keeps on its stack and in its memo. Nothing here is ever executed:
 * a call is recorded as a `PCall` with its callee and arguments, so the scanner can show exactly what
 * unpickling would do. Collections keep only their first few items (enough for evidence) and a count,
 * so memory stays bounded however large the pickle is.
 */

/** Items kept per collection for evidence; the rest are only counted. */
export const KEPT_ITEMS = 8;
/** Bytes kept per bytes/str value for evidence and nested-pickle detection (beyond: length only). */
export const KEPT_STRING = 256;

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | PFloat
  | PBytes
  | PGlobal
  | PCall
  | PSeq
  | PDict
  | PPersid
  | PExt
  | PBuffer
  | PUnknown;

/** A Python float (kept distinct from int so evidence prints `1.0`, not `1`). */
export interface PFloat {
  t: "float";
  v: number;
}

/** bytes / bytearray / a protocol-0/1 `str` (BINSTRING, which Python 3 decodes per `encoding`). */
export interface PBytes {
  t: "bytes";
  /** `text` is a str too long to keep whole (only its head is kept, as UTF-8). */
  kind: "bytes" | "bytearray" | "str8" | "text";
  /** The first KEPT_STRING bytes. */
  head: Uint8Array;
  /** Full length in bytes. */
  length: number;
}

/** An imported global (GLOBAL, STACK_GLOBAL, INST). `id` identifies this import for the policy. */
export interface PGlobal {
  t: "global";
  module: string;
  name: string;
  id: number;
}

/** A call that unpickling performs, or an object it constructs. */
export interface PCall {
  t: "call";
  /** How the call came about: REDUCE (`f(*args)`), NEWOBJ (`cls.__new__(cls, *args)`), ... */
  via: "reduce" | "newobj" | "newobj_ex" | "obj" | "inst";
  fn: Value;
  args: Value;
  kwargs?: Value;
  /** State applied by BUILD, if any (kept for evidence). */
  state?: Value;
}

export interface PSeq {
  t: "list" | "tuple" | "set" | "frozenset";
  items: Value[];
  /** True item count (items beyond KEPT_ITEMS are not kept). */
  n: number;
}

export interface PDict {
  t: "dict";
  entries: [Value, Value][];
  n: number;
}

export interface PPersid {
  t: "persid";
  pid: Value;
}

export interface PExt {
  t: "ext";
  code: number;
}

export interface PBuffer {
  t: "buffer";
  readonly: boolean;
}

/** A value the machine could not track (memo budget exhausted, GET of a missing index). */
export interface PUnknown {
  t: "unknown";
  why: string;
}

export function isGlobal(v: Value): v is PGlobal {
  return typeof v === "object" && v !== null && (v as PGlobal).t === "global";
}

export function isCall(v: Value): v is PCall {
  return typeof v === "object" && v !== null && (v as PCall).t === "call";
}

export function tupleItems(v: Value): Value[] | undefined {
  if (typeof v === "object" && v !== null && ((v as PSeq).t === "tuple" || (v as PSeq).t === "list")) return (v as PSeq).items;
  return undefined;
}

export function seq(t: PSeq["t"], items: Value[]): PSeq {
  return { t, items: items.length > KEPT_ITEMS ? items.slice(0, KEPT_ITEMS) : items, n: items.length };
}

// ------------------------------------------------------------------ evidence rendering

const MAX_EVIDENCE = 400;

/** Renders a value as Python-like source, e.g. `os.system('id')`. Bounded in length and depth. */
export function render(v: Value, depth = 0): string {
  const s = renderInner(v, depth);
  return s.length > MAX_EVIDENCE ? s.slice(0, MAX_EVIDENCE - 3) + "..." : s;
}

function renderInner(v: Value, depth: number): string {
  if (depth > 6) return "...";
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return pyRepr(v);
  switch (v.t) {
    case "float":
      return Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case "bytes":
      return renderBytes(v);
    case "global":
      return `${v.module}.${v.name}`;
    case "call":
      return renderCall(v, depth);
    case "list":
      return `[${renderItems(v.items, v.n, depth)}]`;
    case "tuple":
      return v.n === 1 ? `(${renderItems(v.items, v.n, depth)},)` : `(${renderItems(v.items, v.n, depth)})`;
    case "set":
      return v.n === 0 ? "set()" : `{${renderItems(v.items, v.n, depth)}}`;
    case "frozenset":
      return `frozenset({${renderItems(v.items, v.n, depth)}})`;
    case "dict": {
      const parts = v.entries.map(([k, x]) => `${renderInner(k, depth + 1)}: ${renderInner(x, depth + 1)}`);
      if (v.n > v.entries.length) parts.push("...");
      return `{${parts.join(", ")}}`;
    }
    case "persid":
      return `persistent_load(${renderInner(v.pid, depth + 1)})`;
    case "ext":
      return `<extension ${v.code}>`;
    case "buffer":
      return "<out-of-band buffer>";
    case "unknown":
      return `<${v.why}>`;
  }
}

function renderItems(items: Value[], n: number, depth: number): string {
  const parts = items.map((x) => renderInner(x, depth + 1));
  if (n > items.length) parts.push(`... (${n - items.length} more)`);
  return parts.join(", ");
}

function renderCall(c: PCall, depth: number): string {
  const fn = renderInner(c.fn, depth + 1);
  const args = tupleItems(c.args);
  const argText = args ? renderItems(args, (c.args as PSeq).n, depth) : `*${renderInner(c.args, depth + 1)}`;
  let kw = "";
  if (c.kwargs !== undefined && typeof c.kwargs === "object" && c.kwargs !== null && (c.kwargs as PDict).t === "dict") {
    const d = c.kwargs as PDict;
    kw = d.entries.map(([k, x]) => `${typeof k === "string" ? k : renderInner(k, depth + 1)}=${renderInner(x, depth + 1)}`).join(", ");
  }
  const all = [argText, kw].filter((s) => s !== "").join(", ");
  const head = c.via === "newobj" || c.via === "newobj_ex" ? `${fn}.__new__(${fn}${all ? ", " + all : ""})` : `${fn}(${all})`;
  return head;
}

/** Python's repr() of a str, close enough for evidence. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + quote;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

function renderBytes(b: PBytes): string {
  let out = b.kind === "bytearray" ? "bytearray(b'" : b.kind === "str8" || b.kind === "text" ? "'" : "b'";
  for (const c of b.head) {
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x27) out += "\\'";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += "\\x" + c.toString(16).padStart(2, "0");
  }
  if (b.length > b.head.length) out += `...<${b.length} bytes>`;
  out += b.kind === "bytearray" ? "')" : "'";
  return out;
}
