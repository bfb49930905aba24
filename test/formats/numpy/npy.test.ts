import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VouchError } from "../../../src/core/errors.js";
import { npyHandler } from "../../../src/formats/numpy/index.js";
import { withTimeout } from "../compression/support.js";
import { fixture, npy, scanNpy } from "./support.js";

const sniff = (bytes: Uint8Array): number => npyHandler.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: "x" });

function npyError(outcome: { error?: unknown }): VouchError {
  const e = outcome.error;
  assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
  assert.equal(e.code, "E_NPY_HEADER");
  return e;
}

describe("numpy-npy handler", () => {
  it("sniffs the \\x93NUMPY magic", () => {
    assert.equal(sniff(fixture("npy_i64.npy")), 90);
    assert.equal(sniff(Buffer.from("\x93NUMPX", "latin1")), 0);
    assert.equal(npyHandler.access, "stream");
  });

  const plain: [string, Record<string, unknown>][] = [
    ["npy_0d.npy", { descr: "<f8", dtype: "float64", shape: [], count: 1, itemsize: 8 }],
    ["npy_bigendian.npy", { descr: ">f8", dtype: "float64", shape: [10], count: 10, itemsize: 8 }],
    ["npy_f16_3d.npy", { descr: "<f2", dtype: "float16", shape: [4, 3, 2], count: 24, itemsize: 2 }],
    ["npy_i64.npy", { descr: "<i8", dtype: "int64", shape: [100], count: 100, itemsize: 8 }],
    [
      "npy_structured.npy",
      { descr: [["x", "<f4"], ["y", "<i4"], ["tag", "|S8"]], dtype: "structured(x:float32,y:int32,tag:S8)", shape: [2], count: 2, itemsize: 16 },
    ],
  ];
  for (const [name, meta] of plain) {
    it(`reads ${name}: metadata, no findings, one read`, async () => {
      const r = await scanNpy(fixture(name));
      assert.equal(r.error, undefined);
      assert.deepEqual(r.ctx.findings, []);
      assert.deepEqual(r.ctx.metadata.npy, { version: "1.0", fortranOrder: false, object: false, ...meta });
      assert.equal(r.source.streams, 1);
      assert.equal(r.member, undefined);
    });
  }

  for (const name of ["npy_object_dict.npy", "npy_object_payload.npy"]) {
    it(`hands the pickle of ${name} to the pickle scanner, from the same read`, async () => {
      const bytes = fixture(name);
      const r = await scanNpy(bytes, 64);
      assert.equal(r.error, undefined);
      assert.deepEqual(r.ctx.findings.map((f) => [f.ruleId, f.location.offset]), [["numpy/object-array", 128]]);
      assert.equal(r.member?.name, "<array pickle>");
      assert.equal(r.member?.format, "pickle");
      assert.deepEqual(r.member?.bytes, Buffer.from(bytes.subarray(128)));
      assert.equal(r.member?.size, bytes.length - 128);
      assert.equal(r.source.streams, 1, "header and pickle come from one stream of the file");
      assert.equal((r.ctx.metadata.npy as { object: boolean }).object, true);
    });
  }

  it("finds object fields inside structured dtypes", async () => {
    const r = await scanNpy(npy("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }", Buffer.from([0x80, 2, 0x4e, 0x2e])));
    assert.equal(r.ctx.findings[0]?.ruleId, "numpy/object-array");
    assert.deepEqual(r.member?.bytes, Buffer.from([0x80, 2, 0x4e, 0x2e]));
  });

  it("reports data shorter or longer than the header calls for", async () => {
    const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4), }";
    const exact = await scanNpy(npy(header, new Uint8Array(48)));
    assert.deepEqual(exact.ctx.findings, []);
    assert.equal((exact.ctx.metadata.npy as { fortranOrder: boolean }).fortranOrder, true);
    const short = await scanNpy(npy(header, new Uint8Array(40)));
    assert.equal(short.ctx.findings[0]?.ruleId, "numpy/size-mismatch");
    assert.match(short.ctx.findings[0]!.message, /truncated: its header calls for 48 data bytes, the file holds 40/);
    assert.equal(short.ctx.findings[0]!.location.offset, 128 + 40, "where the data runs out");
    const long = await scanNpy(npy(header, new Uint8Array(50)));
    assert.match(long.ctx.findings[0]!.message, /appended/);
    assert.equal(long.ctx.findings[0]!.location.offset, 128 + 48, "where the extra bytes start");
  });

  it("handles shapes whose byte size exceeds 2^53 without losing precision", async () => {
    const r = await scanNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new Uint8Array(8)));
    assert.equal(r.error, undefined);
    assert.equal((r.ctx.metadata.npy as { count: string }).count, (2n ** 64n).toString());
    assert.match(r.ctx.findings[0]!.message, /calls for 147573952589676412928 data bytes, the file holds 8/);
  });

  it("reads version 2.0 and 3.0 headers (UTF-8 field names in 3.0)", async () => {
    const v2 = await scanNpy(npy("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(4), 2));
    assert.equal(v2.error, undefined);
    assert.equal((v2.ctx.metadata.npy as { version: string }).version, "2.0");
    const v3 = await scanNpy(npy("{'descr': [('温度', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4), 3));
    assert.equal(v3.error, undefined);
    assert.equal((v3.ctx.metadata.npy as { dtype: string }).dtype, "structured(温度:float32)");
  });

  it("fails the corpus's corrupted header with an offset", async () => {
    const e = npyError(await scanNpy(fixture("invalid_npy_header.npy")));
    assert.ok(e.offset !== undefined && e.offset > 0);
  });

  it("fails malformed headers as E_NPY_HEADER, never by evaluating them", async () => {
    const bad: [string, RegExp][] = [
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (3,), BROKEN", /expected|literal/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1, }", /header keys/],
      ["{'descr': '<f4', 'fortran_order': False, }", /header keys/],
      ["{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }", /fortran_order/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", /shape/],
      ["{'descr': '<f4', 'fortran_order': False, 'shape': (3, 'a'), }", /shape/],
      ["{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': (3,), }", /not a literal/],
      ["['descr', 'fortran_order', 'shape']", /not a dict/],
      ["{'descr': '<f5', 'fortran_order': False, 'shape': (3,), }", /invalid size/],
    ];
    for (const [header, pattern] of bad) assert.match(npyError(await scanNpy(npy(header))).message, pattern, header);
  });

  it("fails unsupported versions, short files and oversized header lengths", async () => {
    const v4 = Buffer.from(npy("{}"));
    v4[6] = 4;
    assert.match(npyError(await scanNpy(v4)).message, /version 4.0/);
    assert.match(npyError(await scanNpy(Buffer.from("\x93NUMPY\x01", "latin1"))).message, /magic/);
    assert.match(npyError(await scanNpy(Buffer.from("\x93NUMPY\x01\x00\x10", "latin1"))).message, /header length/);
    const huge = Buffer.concat([Buffer.from("\x93NUMPY\x02\x00", "latin1"), Buffer.from([0, 0, 0, 0x40])]);
    assert.match(npyError(await scanNpy(huge)).message, /exceeds/);
    const badUtf8 = Buffer.from(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new Uint8Array(4), 3));
    badUtf8[12] = 0xff;
    assert.match(npyError(await scanNpy(badUtf8)).message, /UTF-8/);
  });
});

describe("fuzz: .npy", () => {
  const names = ["npy_0d.npy", "npy_structured.npy", "npy_object_payload.npy", "invalid_npy_header.npy"];
  const positions = (n: number): number[] => [...new Set(Array.from({ length: 80 }, (_, i) => Math.floor((i * n) / 80)).concat([0, 6, 7, 8, 9, 10, n - 1]))];
  it("truncated and bit-flipped files end in a report or E_NPY_HEADER", async () => {
    for (const name of names) {
      const bytes = fixture(name);
      for (const [i, p] of positions(bytes.length).entries()) {
        const flipped = Uint8Array.from(bytes);
        flipped[p]! ^= 1 << (i % 8);
        for (const [what, input] of [[`cut at ${p}`, bytes.subarray(0, p)], [`bit flipped at ${p}`, flipped]] as const) {
          const r = await withTimeout(scanNpy(input), 10_000, `${name} ${what}`);
          if (r.error !== undefined) assert.ok(r.error instanceof VouchError, `${name} ${what}: ${String(r.error)}`);
        }
      }
    }
  });
});
