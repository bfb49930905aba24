import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VouchError } from "../../../src/core/errors.js";
import { parsePyLiteral, type PyValue } from "../../../src/formats/numpy/pyliteral.js";

const str = (value: string): PyValue => ({ kind: "str", value });
const int = (value: number): PyValue => ({ kind: "int", value: BigInt(value) });
const tuple = (...items: PyValue[]): PyValue => ({ kind: "tuple", items });

describe("parsePyLiteral", () => {
  it("parses the header numpy writes", () => {
    assert.deepEqual(parsePyLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }   \n"), {
      kind: "dict",
      entries: [
        [str("descr"), str("<f4")],
        [str("fortran_order"), { kind: "bool", value: false }],
        [str("shape"), tuple(int(3), int(4))],
      ],
    });
  });

  it("tells one-item tuples from parenthesised values, and reads empty tuples and lists", () => {
    assert.deepEqual(parsePyLiteral("(3,)"), tuple(int(3)));
    assert.deepEqual(parsePyLiteral("(3)"), int(3));
    assert.deepEqual(parsePyLiteral("()"), tuple());
    assert.deepEqual(parsePyLiteral("[]"), { kind: "list", items: [] });
    assert.deepEqual(parsePyLiteral("[('x', '<f4', (2,))]"), { kind: "list", items: [tuple(str("x"), str("<f4"), tuple(int(2)))] });
  });

  it("reads both quotes, escapes, prefixes, Python 2 longs, None and True", () => {
    assert.deepEqual(parsePyLiteral(`"it's"`), str("it's"));
    assert.deepEqual(parsePyLiteral(`'a\\'b\\\\c\\n\\x41\\u00e9'`), str("a'b\\c\nAé"));
    assert.deepEqual(parsePyLiteral("b'|S5'"), str("|S5"));
    assert.deepEqual(parsePyLiteral("u'x'"), str("x"));
    assert.deepEqual(parsePyLiteral("10L"), int(10));
    assert.deepEqual(parsePyLiteral("-7"), int(-7));
    assert.deepEqual(parsePyLiteral("None"), { kind: "none" });
    assert.deepEqual(parsePyLiteral("True"), { kind: "bool", value: true });
    assert.deepEqual(parsePyLiteral("123456789012345678901234567890"), { kind: "int", value: 123456789012345678901234567890n });
  });

  const rejects = (text: string, pattern: RegExp): void => {
    assert.throws(() => parsePyLiteral(text, 10), (e: unknown) => e instanceof VouchError && e.code === "E_NPY_HEADER" && pattern.test(e.message) && e.offset! >= 10);
  };

  it("refuses code, names and anything that is not a literal", () => {
    rejects("__import__('os').system('id')", /'__import__' is not a literal/);
    rejects("{'descr': eval('1')}", /'eval' is not a literal/);
    rejects("{'a': 1 + 2}", /expected ','/);
    rejects("{'a': 1.5}", /malformed integer/);
    rejects("lambda: 0", /'lambda' is not a literal/);
    rejects("", /expected a value/);
  });

  it("refuses broken syntax with the position of the problem", () => {
    rejects("{'descr': '<f4'", /missing '}'/);
    rejects("{'descr' '<f4'}", /expected ':'/);
    rejects("'unterminated", /unterminated string/);
    rejects("'bad \\q escape'", /unsupported escape/);
    rejects("{} extra", /unexpected text/);
    rejects("(1, 2", /missing '\)'/);
  });

  it("bounds nesting", () => {
    rejects("[".repeat(100) + "]".repeat(100), /nested too deeply/);
    assert.doesNotThrow(() => parsePyLiteral("[".repeat(20) + "]".repeat(20)));
  });
});
