/**
 * What a Lambda's marshalled function would do, told without running it: base64 -> marshal -> the
 * names the bytecode looks up (co_names: `__import__`, `system`) and the constants it carries
 * (`'os'`, `'touch /tmp/x'`), gathered from the code object and every code object nested in it.
 */
import { VouchError } from "../../core/errors.js";
import { isCode, isSeq, readMarshal, type CodeLayout, type MarshalValue } from "./marshal.js";

/** What a decoded code object shows, deduplicated and in order of appearance. */
export interface CodeSummary {
  /** Layout of the (outermost) code object, which tells the Python version range that wrote it. */
  layout?: CodeLayout;
  /** co_name of the outermost code object (`<lambda>`) and of nested ones. */
  functions: string[];
  /** Union of co_names. */
  names: string[];
  /** String and bytes constants, as Python literals. */
  constants: string[];
  /** co_filename of the outermost code object. */
  filename?: string;
}

/** Caps on what a summary keeps, so evidence stays readable and bounded whatever the payload holds. */
const MAX_ITEMS = 24;
const MAX_LITERAL = 160;

/** Base64 as Python's binascii decodes it (characters outside the alphabet are skipped), to bytes. */
export function decodeBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ""), "base64"));
}

/**
 * Decodes a Lambda's base64 marshal payload. Returns the summary, or the reason it could not be
 * decoded (the payload is reported either way: undecodable bytecode is no safer).
 */
export function summarizePayload(base64: string): { summary?: CodeSummary; error?: string; bytes: number } {
  const raw = decodeBase64(base64);
  try {
    return { summary: summarizeValue(readMarshal(raw)), bytes: raw.length };
  } catch (e) {
    if (!(e instanceof VouchError)) throw e;
    return { error: `${e.code} at byte ${e.offset ?? "?"}: ${e.message}`, bytes: raw.length };
  }
}

/** Gathers names and constants from a decoded value; shared and cyclic sub-values are visited once. */
export function summarizeValue(root: MarshalValue): CodeSummary {
  const s: CodeSummary = { functions: [], names: [], constants: [] };
  if (isCode(root)) {
    s.layout = root.layout;
    if (typeof root.filename === "string") s.filename = root.filename;
  }
  const seen = new Set<object>();
  const stack: MarshalValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop() as MarshalValue;
    if (typeof v === "string") addCapped(s.constants, pyRepr(v));
    else if (v instanceof Uint8Array) addCapped(s.constants, pyBytesRepr(v));
    else if (typeof v !== "object" || v === null || seen.has(v)) continue;
    else {
      seen.add(v);
      if (isCode(v)) {
        if (typeof v.name === "string") addCapped(s.functions, v.name);
        if (isSeq(v.names)) for (const n of v.names.items) if (typeof n === "string") addCapped(s.names, n);
        stack.push(v.consts);
      } else if (isSeq(v)) {
        for (let i = v.items.length - 1; i >= 0; i--) stack.push(v.items[i]);
      } else if (v.kind === "dict") {
        for (const [k, val] of v.entries) stack.push(k, val);
      }
    }
  }
  return s;
}

/** One line of evidence: `co_names=[__import__, system] consts=['os', 'id'] name=<lambda> file=<corpus>`. */
export function describeSummary(s: CodeSummary): string {
  const parts = [`co_names=[${s.names.join(", ")}]`, `consts=[${s.constants.join(", ")}]`];
  if (s.functions.length > 0) parts.push(`code=${s.functions.join(",")}`);
  if (s.filename !== undefined) parts.push(`file=${s.filename}`);
  if (s.layout) parts.push(`python=${s.layout}`);
  return parts.join(" ");
}

function addCapped(list: string[], item: string): void {
  if (list.length < MAX_ITEMS && !list.includes(item)) list.push(item);
  else if (list.length === MAX_ITEMS && !list.includes("...")) list.push("...");
}

/** A Python-style single-quoted literal, shortened, with control characters escaped. */
export function pyRepr(text: string): string {
  const cut = text.length > MAX_LITERAL ? `${text.slice(0, MAX_LITERAL)}...` : text;
  return `'${cut.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}'`;
}

function pyBytesRepr(b: Uint8Array): string {
  const head = b.subarray(0, MAX_LITERAL);
  let out = "";
  for (const c of head) out += c === 0x5c || c === 0x27 ? `\\${String.fromCharCode(c)}` : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  return `b'${out}${b.length > head.length ? "..." : ""}'`;
}
