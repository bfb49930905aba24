import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { parseStrictJson, type JsonNode } from "../../../src/formats/safetensors/json.js";

const parse = (text: string | Uint8Array, maxDepth = 32, base = 0): JsonNode =>
  parseStrictJson(typeof text === "string" ? Buffer.from(text) : text, { maxDepth, base });

/** The VouchError code and offset a parse fails with. */
function failure(text: string | Uint8Array, maxDepth = 32): [string, number | undefined] {
  try {
    parse(text, maxDepth);
  } catch (e) {
    assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
    return [e.code, e.offset];
  }
  assert.fail(`parsed without error: ${String(text)}`);
}

/** Converts a node back to plain JSON values (numbers as their source text) to compare with JSON.parse. */
function plain(n: JsonNode): unknown {
  switch (n.kind) {
    case "object": return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
    case "array": return n.items.map(plain);
    case "number": return Number(n.raw);
    case "null": return null;
    default: return n.value;
  }
}

test("agrees with JSON.parse on well-formed documents without duplicates", () => {
  const docs = [
    '{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}',
    ' \t\r\n{ "x" : [ 1 , -2.5e+3 , 0.125 , true , false , null ] }  ',
    '{"s":"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00 raw é 😀"}',
    "[]",
    "{}",
    '"just a string"',
    "-0",
  ];
  for (const d of docs) assert.deepEqual(plain(parse(d)), JSON.parse(d), d);
});

test("numbers keep their source text, so offsets past 2^53 are not rounded", () => {
  const n = parse('{"o":[18446744073709551615, 9007199254740993]}');
  assert.equal(n.kind, "object");
  const arr = n.kind === "object" ? n.entries[0].value : n;
  assert.deepEqual(arr.kind === "array" ? arr.items.map((i) => (i.kind === "number" ? i.raw : "")) : [], ["18446744073709551615", "9007199254740993"]);
});

test("nodes and keys carry byte offsets, counted in UTF-8 bytes and shifted by the base", () => {
  const n = parseStrictJson(Buffer.from('{"é":1, "b":[2]}'), { maxDepth: 8, base: 8 });
  assert.equal(n.kind, "object");
  if (n.kind !== "object") return;
  assert.equal(n.offset, 8);
  assert.deepEqual(n.entries.map((e) => [e.key, e.keyOffset, e.value.offset]), [["é", 9, 14], ["b", 17, 21]]);
});

test("duplicate keys are rejected at any level, also when an escape spells the same key", () => {
  assert.deepEqual(failure('{"a":1,"a":2}'), ["E_SAFETENSORS_DUPLICATE_KEY", 7]);
  assert.deepEqual(failure('{"t":{"dtype":"F32","\\u0064type":"I32"}}'), ["E_SAFETENSORS_DUPLICATE_KEY", 20]);
  assert.deepEqual(failure('[{"k":1},{"k":1,"k":2}]'), ["E_SAFETENSORS_DUPLICATE_KEY", 16]);
  // the same key in sibling objects is fine
  assert.doesNotThrow(() => parse('[{"k":1},{"k":2}]'));
});

test("a leading U+FEFF inside a key is kept, so it cannot collapse two keys into one", () => {
  const n = parse('{"\ufeffa":1,"a":2}');
  assert.deepEqual(n.kind === "object" ? n.entries.map((e) => e.key) : [], ["\ufeffa", "a"]);
});

test("lone surrogates are rejected: a decoder that replaces them with U+FFFD would merge distinct keys", () => {
  assert.deepEqual(failure('{"\\ud800":1}'), ["E_SAFETENSORS_JSON", 2]);
  assert.deepEqual(failure('{"\\udc00":1}'), ["E_SAFETENSORS_JSON", 2]);
  assert.deepEqual(failure('{"\\ud800\\u0041":1}'), ["E_SAFETENSORS_JSON", 2]);
});

test("nesting beyond the bound fails at the first bracket past it, without exhausting the stack", () => {
  assert.doesNotThrow(() => parse("[[[1]]]", 3));
  assert.deepEqual(failure("[[[[1]]]]", 3), ["E_SAFETENSORS_DEPTH", 3]);
  const bomb = "[".repeat(200_000) + "]".repeat(200_000);
  assert.deepEqual(failure(bomb), ["E_SAFETENSORS_DEPTH", 32]);
});

test("anything outside RFC 8259 is rejected with the offset of the offending byte", () => {
  const cases: [string | Uint8Array, number][] = [
    ['{"a":1,}', 7], // trailing comma
    ["{'a':1}", 1], // single quotes
    ['{"a":01}', 5], // leading zero: the number token is "01"
    ['{"a":1.}', 5],
    ['{"a":+1}', 5],
    ['{"a":NaN}', 5],
    ['{"a":tru}', 5],
    ['{"a":"x\ny"}', 7], // raw control character
    ['{"a":"\\x41"}', 6], // invalid escape
    ['{"a":"\\u00g1"}', 8],
    ['{"a":1} x', 8], // data after the value
    ['{"a":1', 6], // ends early
    ['{"a":"abc', 9],
    ["", 0],
    [Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 2], // invalid UTF-8 in a key
    [Uint8Array.from([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d]), 2], // cut multi-byte sequence
  ];
  for (const [text, offset] of cases) assert.deepEqual(failure(text), ["E_SAFETENSORS_JSON", offset], String(text));
});

test("number tokens over 4 KiB are rejected rather than copied", () => {
  assert.equal(failure(`[${"1".repeat(5000)}]`)[0], "E_SAFETENSORS_JSON");
  assert.doesNotThrow(() => parse(`[${"1".repeat(4000)}]`));
});
