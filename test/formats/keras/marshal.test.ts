/**
 * The marshal reader and the bytecode summary: real marshal output of every Python version the
 * generator found (test/fixtures/keras/marshal_samples.json), hand-assembled streams for each type code
 * and each error, and a fuzz run that may only ever produce a value or a VouchError.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { describeSummary, summarizePayload, summarizeValue } from "../../../src/formats/keras/bytecode.js";
import { isCode, readMarshal, type MarshalValue } from "../../../src/formats/keras/marshal.js";
import { mutants, randomBytes } from "../../support/fuzz.js";
import { M, marshalSamples } from "./helpers.js";

const MARKER = "'touch /tmp/vouch-keras-fixture-marker'";

function marshalError(bytes: Uint8Array): VouchError {
  try {
    readMarshal(bytes);
  } catch (e) {
    assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected readMarshal to throw");
}

test("real marshal output of Python 3.6 to 3.13 decodes, in the layout of its version", () => {
  const expected: Record<string, string> = {
    "3.6": "3.0-3.7", "3.7": "3.0-3.7", "3.8": "3.8-3.10", "3.9": "3.8-3.10", "3.10": "3.8-3.10",
    "3.11": "3.11+", "3.12": "3.11+", "3.13": "3.11+",
  };
  const samples = marshalSamples();
  assert.ok(samples["3.11"], "the corpus's own version (3.11) must be among the samples");
  for (const [version, sample] of Object.entries(samples)) {
    if (version === "2.7") continue;
    const r = summarizePayload(sample.base64);
    assert.ok(r.summary, `Python ${sample.python}: ${r.error}`);
    assert.equal(r.summary.layout, expected[version], `layout for Python ${sample.python}`);
    assert.deepEqual(r.summary.names, ["__import__", "system"], `co_names for Python ${sample.python}`);
    assert.deepEqual(r.summary.constants, ["'os'", MARKER], `constants for Python ${sample.python}`);
    assert.deepEqual([r.summary.functions, r.summary.filename], [["<lambda>"], "<fixture>"]);
  }
});

test("the evidence line names co_names, constants, code, file and layout", () => {
  const r = summarizePayload(marshalSamples()["3.11"].base64);
  assert.equal(describeSummary(r.summary!), `co_names=[__import__, system] consts=['os', ${MARKER}] code=<lambda> file=<fixture> python=3.11+`);
});

test("Python 2 bytecode is no known layout: reported as undecodable, not thrown", () => {
  const r = summarizePayload(marshalSamples()["2.7"].base64);
  assert.equal(r.summary, undefined);
  assert.match(r.error!, /^E_MARSHAL_/);
  assert.equal(r.bytes, Buffer.from(marshalSamples()["2.7"].base64, "base64").length);
});

test("hand-assembled 3.11 and 3.10 code objects: names, constants and the layout are recovered", () => {
  const consts = M.tuple(M.none(), M.str("os"), M.unicode("rm -rf /tmp/x ü"), M.bytes(Buffer.from("\x00ab'")));
  const names = M.tuple(M.str("__import__"), M.str("system"));
  for (const [bytes, layout] of [[M.code311(consts, names), "3.11+"], [M.code310(consts, names), "3.8-3.10"]] as const) {
    const v = readMarshal(bytes);
    assert.ok(isCode(v));
    assert.equal(v.layout, layout);
    const s = summarizeValue(v);
    assert.deepEqual(s.names, ["__import__", "system"]);
    assert.deepEqual(s.constants, ["'os'", "'rm -rf /tmp/x ü'", "b'\\x00ab\\''"]);
  }
});

test("nested code objects contribute their names; back-references resolve to the referenced value", () => {
  const inner = M.code311(M.tuple(M.str("inner-const")), M.tuple(M.str("popen")), "inner");
  // only "os" carries FLAG_REF, so it is reference 0; a wrong index must fail (next assertion)
  const outer = M.code311(M.tuple(inner, M.str("os", true), M.ref(0)), M.tuple(M.str("exec")));
  const s = summarizeValue(readMarshal(outer));
  assert.deepEqual(s.functions, ["<lambda>", "inner"]);
  assert.deepEqual(s.names, ["exec", "popen"]);
  assert.deepEqual(s.constants, ["'inner-const'", "'os'"]);
  assert.equal(marshalError(M.code311(M.tuple(M.str("os", true), M.ref(1)), M.tuple())).code, "E_MARSHAL_REF");
});

test("every scalar and container type code decodes", () => {
  const long = Buffer.concat([Buffer.from("l"), Buffer.from([0xfe, 0xff, 0xff, 0xff]), Buffer.from([1, 0, 1, 0])]); // -(1 + 2^15)
  const dict = Buffer.concat([Buffer.from("{"), M.str("k"), M.int(7), Buffer.from("0")]);
  const float = Buffer.concat([Buffer.from("g"), Buffer.from(new Float64Array([1.5]).buffer)]);
  const tuple = Buffer.concat([Buffer.from("("), Buffer.from([7, 0, 0, 0]), Buffer.from("TF.S"), long, dict, float]);
  const v = readMarshal(tuple) as { items: MarshalValue[] };
  assert.deepEqual(v.items.slice(0, 5), [true, false, { kind: "ellipsis" }, { kind: "stopiteration" }, -(1n + (1n << 15n))]);
  assert.deepEqual(v.items[5], { kind: "dict", entries: [["k", 7n]] });
  assert.equal(v.items[6], 1.5);
});

test("malformed streams fail with a code and the offset of the bad byte", () => {
  const cases: [string, Uint8Array, string, number][] = [
    ["truncated string", Buffer.from("z\x05ab"), "E_MARSHAL_TRUNCATED", 2],
    ["negative size", Buffer.concat([Buffer.from("s"), Buffer.from([0xff, 0xff, 0xff, 0xff])]), "E_MARSHAL_SIZE", 1],
    ["size beyond the data", Buffer.concat([Buffer.from("("), Buffer.from([0xff, 0xff, 0xff, 0x7f])]), "E_MARSHAL_SIZE", 1],
    ["reference to nothing", M.ref(3), "E_MARSHAL_REF", 0],
    ["unknown type code", Buffer.from("Q"), "E_MARSHAL_TYPE", 0],
    ["NULL outside a dict", Buffer.from("0"), "E_MARSHAL_NULL", 0],
  ];
  for (const [what, bytes, code, offset] of cases) {
    const e = marshalError(bytes);
    assert.deepEqual([e.code, e.offset], [code, offset], what);
    assert.ok(e.hint, `${what}: has a hint`);
  }
});

test("a reference to a code object still being read is refused, as CPython does", () => {
  // FLAG_REF code object (ref 0) whose consts refer to ref 0
  const selfRef = M.code311(M.tuple(M.ref(0)), M.tuple());
  selfRef[0] = 0xe3;
  assert.equal(marshalError(selfRef).code, "E_MARSHAL_REF");
});

test("nesting and object-count budgets stop bombs", () => {
  const deep = Buffer.concat([Buffer.alloc(5000, 0x29).map((_, i) => (i % 2 === 0 ? 0x29 : 1)), Buffer.from("N")]);
  assert.equal(marshalError(deep).code, "E_MARSHAL_BUDGET");
  assert.throws(() => readMarshal(Buffer.concat([Buffer.from([0x29, 200]), Buffer.alloc(200, 0x4e)]), { maxDepth: 10, maxObjects: 50 }), /more than 50 objects/);
});

test("a self-referencing tuple and a doubling DAG are summarised once per value", () => {
  // t0 = (t0,) : a cycle through FLAG_REF + r
  const cycle = Buffer.concat([Buffer.from([0xa9, 1]), M.ref(0)]);
  assert.deepEqual(summarizeValue(readMarshal(cycle)).constants, []);
  // t_{k+1} = (t_k, t_k): 2^40 paths, 41 distinct tuples
  let bytes: Buffer = M.str("leaf", true);
  for (let k = 1; k <= 40; k++) bytes = Buffer.concat([Buffer.from([0xa9, 2]), bytes, M.ref(k - 1)]);
  const started = performance.now();
  assert.deepEqual(summarizeValue(readMarshal(bytes)).constants, ["'leaf'"]);
  assert.ok(performance.now() - started < 1000);
});

test("fuzz: mutants of real bytecode and random bytes give a value or a VouchError, quickly", () => {
  const started = performance.now();
  const inputs: Uint8Array[] = [];
  for (const [i, s] of Object.values(marshalSamples()).entries()) {
    for (const m of mutants(Buffer.from(s.base64, "base64"), 100 + i, 24, 96, 32)) inputs.push(m.bytes);
  }
  for (let seed = 1; seed <= 300; seed++) inputs.push(randomBytes(seed, 1 + (seed % 64) * 8));
  for (const bytes of inputs) {
    try {
      summarizeValue(readMarshal(bytes));
    } catch (e) {
      assert.ok(e instanceof VouchError, `non-VouchError ${String(e)}`);
    }
  }
  assert.ok(performance.now() - started < 10_000, "fuzzing finished in time");
});
