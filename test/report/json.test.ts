import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson, renderJson } from "../../src/report/json.js";
import { sampleReport } from "./fixtures.js";

test("object keys are sorted recursively, arrays keep their order", () => {
  const text = canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } });
  assert.equal(text, '{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1,\n      2\n    ]\n  },\n  "b": 1\n}\n');
});

test("integer-like keys sort as strings, not in the engine's numeric order", () => {
  // JSON.stringify would print "2" before "10" (integer keys enumerate numerically first).
  assert.equal(canonicalJson({ z: 0, "2": 0, "10": 0 }), '{\n  "10": 0,\n  "2": 0,\n  "z": 0\n}\n');
});

test("key order does not depend on insertion order or locale", () => {
  const a = { "é": 1, e: 2, E: 3, "_": 4 };
  const b = { "_": 4, E: 3, e: 2, "é": 1 };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.deepEqual(Object.keys(JSON.parse(canonicalJson(a))), ["E", "_", "e", "é"]);
});

test("follows JSON.stringify for undefined, non-finite numbers, toJSON and empty containers", () => {
  const value = { u: undefined, f: () => 1, n: Number.NaN, i: Infinity, d: new Date(0), arr: [undefined, 1], o: {}, e: [] };
  assert.deepEqual(JSON.parse(canonicalJson(value)), JSON.parse(JSON.stringify(value)));
  assert.match(canonicalJson(value), /"e": \[\],\n {2}"i": null/);
  assert.match(canonicalJson(value), /"o": \{\}\n\}/);
  assert.equal(canonicalJson("a\u2028b\"c"), `${JSON.stringify("a\u2028b\"c")}\n`);
});

test("ends with exactly one newline and uses two-space indentation", () => {
  const text = canonicalJson({ a: { b: 1 } });
  assert.ok(text.endsWith("}\n") && !text.endsWith("\n\n"));
  assert.equal(text.split("\n")[2], '    "b": 1');
});

test("rejects values with no JSON form: cycles, BigInt, a bare undefined", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), /cycle/);
  assert.throws(() => canonicalJson({ n: 1n }), /BigInt/);
  assert.throws(() => canonicalJson(undefined), /no JSON form/);
});

test("a shared (non-cyclic) object may appear twice", () => {
  const shared = { x: 1 };
  assert.deepEqual(JSON.parse(canonicalJson({ a: shared, b: [shared] })), { a: { x: 1 }, b: [{ x: 1 }] });
});

test("a report renders to identical bytes every time and round-trips", () => {
  const first = renderJson(sampleReport());
  const second = renderJson(structuredClone(sampleReport()));
  assert.equal(first, second);
  assert.deepEqual(JSON.parse(first), sampleReport());
});
