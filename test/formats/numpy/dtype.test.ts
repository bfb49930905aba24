import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VouchError } from "../../../src/core/errors.js";
import { describeDtype, elementCount } from "../../../src/formats/numpy/dtype.js";
import { parsePyLiteral } from "../../../src/formats/numpy/pyliteral.js";

const dtype = (descr: string) => describeDtype(parsePyLiteral(descr), 0);

describe("describeDtype", () => {
  it("sizes the simple type strings numpy writes", () => {
    const cases: [string, string, bigint][] = [
      ["'<f4'", "float32", 4n],
      ["'>f8'", "float64", 8n],
      ["'<f2'", "float16", 2n],
      ["'|b1'", "bool", 1n],
      ["'|i1'", "int8", 1n],
      ["'<u8'", "uint64", 8n],
      ["'<c16'", "complex128", 16n],
      ["'<U10'", "U10", 40n],
      ["'|S5'", "S5", 5n],
      ["'|V16'", "V16", 16n],
      ["'<M8[ns]'", "datetime64[ns]", 8n],
      ["'<m8'", "timedelta64", 8n],
    ];
    for (const [descr, name, itemsize] of cases) assert.deepEqual(dtype(descr), { name, itemsize, object: false }, descr);
  });

  it("recognises object dtypes, alone and inside structures", () => {
    assert.deepEqual(dtype("'|O'"), { name: "object", itemsize: 0n, object: true });
    assert.equal(dtype("[('a', '<i4'), ('b', [('c', '|O')])]").object, true);
  });

  it("sums structured fields with their shapes, padding and titles", () => {
    const d = dtype("[('x', '<f4'), ('y', '<i4', (2, 3)), ('', '|V4'), (('title', 'z'), '|S8')]");
    assert.equal(d.itemsize, 4n + 4n * 6n + 4n + 8n);
    assert.equal(d.name, "structured(x:float32,y:int32[6],:V4,z:S8)");
    assert.equal(dtype("[('n', [('a', '<f8'), ('b', '<f8')], (4,))]").itemsize, 64n);
  });

  it("refuses what numpy would refuse", () => {
    for (const bad of ["'<f3'", "'<i16'", "'<x4'", "'f4 '", "'<f4[ns]'", "3", "[('x',)]", "[(1, '<f4')]", "{'a': 1}"]) {
      assert.throws(() => dtype(bad), (e: unknown) => e instanceof VouchError && e.code === "E_NPY_HEADER", bad);
    }
  });

  it("counts elements in BigInt, so a crafted shape cannot overflow", () => {
    assert.equal(elementCount(parsePyLiteral("()"), 0), 1n);
    assert.equal(elementCount(parsePyLiteral("(0, 5)"), 0), 0n);
    assert.equal(elementCount(parsePyLiteral("(4294967296, 4294967296, 4294967296)"), 0), 2n ** 96n);
    assert.throws(() => elementCount(parsePyLiteral("(-1,)"), 0), /non-negative/);
    assert.throws(() => elementCount(parsePyLiteral(`(${"1,".repeat(65)})`), 0), /64 dimensions/);
  });
});
