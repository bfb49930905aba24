/**
 * A parser for the Python literals numpy writes in a .npy header: dicts, tuples, lists, strings
 * (quoted either way, with escapes, optional b/u prefix), integers (optional Python 2 `L`), True,
 * False and None. Anything else (calls, names, operators, floats) is an error: the header is data,
 * and numpy itself reads it with `ast.literal_eval`, never `eval`.
 *
 * Nesting is bounded, so a header of ten thousand brackets cannot exhaust the stack.
 */
import { VouchError } from "../../core/errors.js";

export type PyValue =
  | { kind: "str"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "none" }
  | { kind: "tuple"; items: PyValue[] }
  | { kind: "list"; items: PyValue[] }
  | { kind: "dict"; entries: [PyValue, PyValue][] };

const MAX_DEPTH = 32;

/** Parses one literal spanning all of `text` (surrounding whitespace allowed). `base` offsets error positions. */
export function parsePyLiteral(text: string, base = 0): PyValue {
  const p = new Parser(text, base);
  const value = p.value(0);
  p.skipSpace();
  if (!p.atEnd()) throw p.error("unexpected text after the literal");
  return value;
}

class Parser {
  private pos = 0;

  constructor(private readonly s: string, private readonly base: number) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  error(message: string): VouchError {
    return new VouchError("E_NPY_HEADER", `.npy header: ${message} at character ${this.pos}`, {
      offset: this.base + this.pos,
      hint: "The header is not the Python literal numpy writes; the file is corrupt or crafted",
    });
  }

  skipSpace(): void {
    while (this.pos < this.s.length && " \t\n\r".includes(this.s[this.pos]!)) this.pos++;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw this.error("literal nested too deeply");
    this.skipSpace();
    const c = this.s[this.pos];
    if (c === "{") return this.dict(depth);
    if (c === "(") return this.sequence("(", ")", depth);
    if (c === "[") return this.sequence("[", "]", depth);
    if (c === "'" || c === '"') return { kind: "str", value: this.string() };
    if ((c === "b" || c === "u") && (this.s[this.pos + 1] === "'" || this.s[this.pos + 1] === '"')) {
      this.pos++;
      return { kind: "str", value: this.string() };
    }
    if (c !== undefined && /[-+0-9]/.test(c)) return this.int();
    return this.keyword();
  }

  private dict(depth: number): PyValue {
    this.pos++;
    const entries: [PyValue, PyValue][] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === "}") break;
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.s[this.pos] !== ":") throw this.error("expected ':' in a dict");
      this.pos++;
      entries.push([key, this.value(depth + 1)]);
      if (!this.separator("}")) break;
    }
    this.pos++;
    return { kind: "dict", entries };
  }

  /** A tuple or list; a one-item tuple needs its trailing comma, as in Python (`(3,)`). */
  private sequence(open: string, close: string, depth: number): PyValue {
    this.pos++;
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === close) break;
      items.push(this.value(depth + 1));
      trailingComma = this.separator(close);
      if (!trailingComma) break;
    }
    this.pos++;
    if (open === "[") return { kind: "list", items };
    if (items.length === 1 && !trailingComma) return items[0]!; // (x) is just x
    return { kind: "tuple", items };
  }

  /** After an item: a comma (true) or the closing bracket, left for the caller (false). */
  private separator(close: string): boolean {
    this.skipSpace();
    const c = this.s[this.pos];
    if (c === ",") {
      this.pos++;
      return true;
    }
    if (c === close) return false;
    throw this.error(c === undefined ? `missing '${close}'` : `expected ',' or '${close}'`);
  }

  private string(): string {
    const quote = this.s[this.pos++]!;
    let out = "";
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined || c === "\n") throw this.error("unterminated string");
      if (c === quote) return out;
      out += c === "\\" ? this.escape() : c;
    }
  }

  private escape(): string {
    const c = this.s[this.pos++];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v" };
    if (c !== undefined && c in simple) return simple[c]!;
    const width = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    const hex = this.s.slice(this.pos, this.pos + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw this.error("unsupported escape in a string");
    this.pos += width;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw this.error("escape outside Unicode");
    return String.fromCodePoint(code);
  }

  private int(): PyValue {
    const m = /^[-+]?[0-9]+L?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) throw this.error("malformed integer");
    const digits = m[0].replace(/L$/, "");
    const next = this.s[this.pos + m[0].length];
    if (next !== undefined && /[0-9A-Za-z_.]/.test(next)) throw this.error("malformed integer");
    this.pos += m[0].length;
    return { kind: "int", value: BigInt(digits) };
  }

  private keyword(): PyValue {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.pos, this.pos + 64));
    const word = m?.[0];
    if (word === "True" || word === "False") {
      this.pos += word.length;
      return { kind: "bool", value: word === "True" };
    }
    if (word === "None") {
      this.pos += 4;
      return { kind: "none" };
    }
    throw this.error(word ? `'${word}' is not a literal` : "expected a value");
  }
}
