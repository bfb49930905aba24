/**
 * A strict JSON parser for safetensors headers. `JSON.parse` is not enough: it keeps the last of two
 * equal keys, while other readers keep the first or fail, so a header with a duplicate tensor name or
 * `dtype` can mean one thing to a scanner and another to the loader. This parser rejects duplicate
 * keys (compared after unescaping, so `"a"` and `"\u0061"` collide), lone surrogates (which some
 * decoders turn into U+FFFD, making distinct keys equal), anything beyond RFC 8259 and nesting deeper
 * than a bound. It works on the raw bytes so every node carries its byte offset for findings.
 */
import { malformed, type VouchError } from "../../core/errors.js";

/** A parsed JSON value with the byte offset (within the parsed bytes) where it starts. */
export type JsonNode =
  | { kind: "object"; offset: number; entries: JsonEntry[] }
  | { kind: "array"; offset: number; items: JsonNode[] }
  | { kind: "string"; offset: number; value: string }
  /** Numbers keep their source text: shapes and offsets may exceed 2^53 and must not be rounded. */
  | { kind: "number"; offset: number; raw: string }
  | { kind: "boolean"; offset: number; value: boolean }
  | { kind: "null"; offset: number };

export interface JsonEntry {
  key: string;
  /** Byte offset of the key's opening quote. */
  keyOffset: number;
  value: JsonNode;
}

export interface ParseOptions {
  /** Deepest nesting of objects and arrays accepted (the top-level value is depth 1). */
  maxDepth: number;
  /** Added to every offset in nodes and errors (where the bytes sit in the file). */
  base?: number;
  /**
   * When set and the document is an object, its members are handed over one by one and not kept
   * (the returned node has no entries): a 100 MB header then never exists as one tree in memory.
   */
  onTopLevelEntry?: (entry: JsonEntry) => void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SIMPLE_ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: "\\", 0x2f: "/", 0x62: "\b", 0x66: "\f", 0x6e: "\n", 0x72: "\r", 0x74: "\t" };

/** Parses `bytes` as one JSON document (surrounding whitespace allowed). Throws VouchError. */
export function parseStrictJson(bytes: Uint8Array, opts: ParseOptions): JsonNode {
  return new Parser(bytes, opts).document();
}

class Parser {
  private pos = 0;
  // ignoreBOM: a decoder that strips a leading U+FEFF would make `"\uFEFFa"` and `"a"` the same key.
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  private readonly base: number;
  /** The same bytes as a Buffer, for its allocation-free `toString(encoding, start, end)`. */
  private readonly buf: Buffer;

  constructor(private readonly b: Uint8Array, private readonly opts: ParseOptions) {
    this.base = opts.base ?? 0;
    this.buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  }

  document(): JsonNode {
    this.skipWhitespace();
    const v = this.value(1);
    this.skipWhitespace();
    if (this.pos < this.b.length) throw this.fail("E_SAFETENSORS_JSON", "unexpected data after the JSON value");
    return v;
  }

  private value(depth: number): JsonNode {
    const c = this.b[this.pos];
    if (c === 0x7b || c === 0x5b) {
      if (depth > this.opts.maxDepth) throw this.fail("E_SAFETENSORS_DEPTH", `objects and arrays nest deeper than ${this.opts.maxDepth} levels`);
      return c === 0x7b ? this.object(depth) : this.array(depth);
    }
    if (c === QUOTE) return { kind: "string", offset: this.at(), value: this.string() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    const literal = this.literal();
    if (literal) return literal;
    throw this.fail("E_SAFETENSORS_JSON", c === undefined ? "the JSON ends too early" : `unexpected ${describeByte(c)}`);
  }

  private object(depth: number): JsonNode {
    const offset = this.at();
    const entries: JsonEntry[] = [];
    const seen = new KeySet();
    this.pos++;
    this.skipWhitespace();
    if (this.eat(0x7d)) return { kind: "object", offset, entries };
    for (;;) {
      if (this.b[this.pos] !== QUOTE) throw this.fail("E_SAFETENSORS_JSON", "expected a string key");
      const keyOffset = this.at();
      const key = this.string();
      if (seen.has(key)) {
        throw malformed("E_SAFETENSORS_DUPLICATE_KEY", `duplicate JSON key ${JSON.stringify(key)}: readers disagree on which value counts`, keyOffset);
      }
      seen.add(key);
      this.skipWhitespace();
      if (!this.eat(0x3a)) throw this.fail("E_SAFETENSORS_JSON", "expected ':' after a key");
      this.skipWhitespace();
      const entry = { key, keyOffset, value: this.value(depth + 1) };
      if (depth === 1 && this.opts.onTopLevelEntry) this.opts.onTopLevelEntry(entry);
      else entries.push(entry);
      this.skipWhitespace();
      if (this.eat(0x7d)) return { kind: "object", offset, entries };
      if (!this.eat(0x2c)) throw this.fail("E_SAFETENSORS_JSON", "expected ',' or '}' in an object");
      this.skipWhitespace();
    }
  }

  private array(depth: number): JsonNode {
    const offset = this.at();
    const items: JsonNode[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.eat(0x5d)) return { kind: "array", offset, items };
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.eat(0x5d)) return { kind: "array", offset, items };
      if (!this.eat(0x2c)) throw this.fail("E_SAFETENSORS_JSON", "expected ',' or ']' in an array");
      this.skipWhitespace();
    }
  }

  /** Reads a string token; raw runs are decoded as strict UTF-8, escapes by hand. */
  private string(): string {
    this.pos++; // opening quote
    let out = "";
    let runStart = this.pos;
    let ascii = true;
    for (;;) {
      const c = this.b[this.pos];
      if (c === undefined) throw this.fail("E_SAFETENSORS_JSON", "unterminated string");
      if (c < 0x20) throw this.fail("E_SAFETENSORS_JSON", "control character inside a string");
      if (c === QUOTE || c === BACKSLASH) {
        out += this.decodeRun(runStart, this.pos, ascii);
        if (c === QUOTE) {
          this.pos++;
          return out;
        }
        out += this.escape();
        runStart = this.pos;
        ascii = true;
        continue;
      }
      if (c >= 0x80) ascii = false;
      this.pos++;
    }
  }

  /** ASCII runs (nearly all of a header) skip the UTF-8 decoder, which costs more than the scan itself. */
  private decodeRun(start: number, end: number, ascii: boolean): string {
    if (start === end) return "";
    if (ascii) return this.latin1(start, end);
    try {
      return this.utf8.decode(this.b.subarray(start, end));
    } catch {
      throw malformed("E_SAFETENSORS_JSON", "a string is not valid UTF-8", this.base + start);
    }
  }

  /** Decodes one escape sequence at `pos` (the backslash); a \u pair must form a whole code point. */
  private escape(): string {
    const c = this.b[this.pos + 1];
    const simple = c === undefined ? undefined : SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (c !== 0x75) throw this.fail("E_SAFETENSORS_JSON", "invalid escape sequence");
    const unit = this.hex4(this.pos + 2);
    this.pos += 6;
    if (unit >= 0xdc00 && unit <= 0xdfff) throw this.fail("E_SAFETENSORS_JSON", "lone low surrogate in a \\u escape", -6);
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
    const low = this.b[this.pos] === BACKSLASH && this.b[this.pos + 1] === 0x75 ? this.hex4(this.pos + 2) : -1;
    if (low < 0xdc00 || low > 0xdfff) throw this.fail("E_SAFETENSORS_JSON", "lone high surrogate in a \\u escape", -6);
    this.pos += 6;
    return String.fromCharCode(unit, low);
  }

  private hex4(at: number): number {
    let v = 0;
    for (let i = at; i < at + 4; i++) {
      const d = hexDigit(this.b[i]);
      if (d < 0) throw malformed("E_SAFETENSORS_JSON", "invalid \\u escape", this.base + at);
      v = v * 16 + d;
    }
    return v;
  }

  /** Scans `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`; a token over 4 KiB is rejected (no shape or offset needs it). */
  private number(): JsonNode {
    const offset = this.at();
    const start = this.pos;
    let p = start;
    if (this.b[p] === 0x2d) p++;
    if (this.b[p] === 0x30) p++;
    else if (isDigit(this.b[p])) p = this.digits(p);
    else throw this.invalidNumber();
    if (this.b[p] === 0x2e) {
      if (!isDigit(this.b[p + 1])) throw this.invalidNumber();
      p = this.digits(p + 1);
    }
    if (this.b[p] === 0x65 || this.b[p] === 0x45) {
      if (this.b[p + 1] === 0x2b || this.b[p + 1] === 0x2d) p++;
      if (!isDigit(this.b[p + 1])) throw this.invalidNumber();
      p = this.digits(p + 1);
    }
    // `01`, `1.2.3`, `1e5e5`: the token must not run on into more number characters
    if (isNumberByte(this.b[p]) || p - start > 4096) throw this.invalidNumber();
    this.pos = p;
    return { kind: "number", offset, raw: this.latin1(start, p) };
  }

  /** Reported at the token's start: `pos` has not moved while the token was scanned. */
  private invalidNumber(): VouchError {
    return this.fail("E_SAFETENSORS_JSON", "invalid number");
  }

  private digits(p: number): number {
    while (isDigit(this.b[p])) p++;
    return p;
  }

  private literal(): JsonNode | undefined {
    const offset = this.at();
    if (this.eatWord("true")) return { kind: "boolean", offset, value: true };
    if (this.eatWord("false")) return { kind: "boolean", offset, value: false };
    if (this.eatWord("null")) return { kind: "null", offset };
    return undefined;
  }

  /** Bytes [start, end) as one char each: exact for ASCII, which is all this is used on. */
  private latin1(start: number, end: number): string {
    return this.buf.toString("latin1", start, end);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.b[this.pos];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  private eat(c: number): boolean {
    if (this.b[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private eatWord(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.b[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  private at(): number {
    return this.base + this.pos;
  }

  private fail(code: string, message: string, delta = 0): VouchError {
    return malformed(code, `invalid header JSON: ${message}`, this.at() + delta);
  }
}

function hexDigit(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * The keys seen in one object. Nearly every object in a header has three keys, where a linear scan
 * beats allocating and hashing into a Set; past a handful it becomes a Set.
 */
class KeySet {
  private few: string[] | undefined = [];
  private many: Set<string> | undefined;

  has(key: string): boolean {
    return this.few ? this.few.includes(key) : this.many!.has(key);
  }

  add(key: string): void {
    if (!this.few) {
      this.many!.add(key);
    } else if (this.few.length < 8) {
      this.few.push(key);
    } else {
      this.many = new Set([...this.few, key]);
      this.few = undefined;
    }
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isNumberByte(c: number | undefined): boolean {
  if (c === undefined) return false;
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, "0")}`;
}
