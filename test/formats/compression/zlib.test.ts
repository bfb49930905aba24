import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateSync } from "node:zlib";
import { zlibHandler } from "../../../src/formats/compression/index.js";
import { fixture, runHandler, sha256, vouchError } from "./support.js";

const sniff = (bytes: Uint8Array): number => zlibHandler.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: "x" });

describe("zlib handler", () => {
  it("sniffs zlib headers by their check bits, 0x78 highest, and the joblib Z-file prefix", () => {
    assert.equal(sniff(fixture("sk_joblib_zlib.pkl")), 40);
    assert.equal(sniff(deflateSync(Buffer.from("x"), { windowBits: 9 })), 20);
    assert.equal(sniff(fixture("zfile.pkl")), 80);
    assert.equal(sniff(fixture("zfile-py2.pkl")), 80);
    assert.equal(sniff(Uint8Array.from([0x78, 0x9d, 0, 0])), 0, "check bits wrong");
    assert.equal(sniff(Uint8Array.from([0x88, 0x98, 0, 0])), 0, "window too large");
    assert.equal(sniff(Buffer.from("ZF0x12 not a zfile header at all")), 0);
    assert.equal(sniff(fixture("pickle.xz")), 0);
  });

  it("decompresses joblib's compress=3 output", async () => {
    const r = await runHandler(zlibHandler, fixture("sk_joblib_zlib.pkl"), { memberPath: "sk_joblib_zlib.pkl", keepBytes: true });
    assert.equal(r.error, undefined);
    assert.equal(r.member?.name, "<decompressed>", "a .pkl name says nothing about the inner file");
    assert.equal(r.member?.bytes?.[0], 0x80, "a pickle PROTO opcode");
  });

  it("names the member after a joblib .z file", async () => {
    const r = await runHandler(zlibHandler, fixture("text.z"), { memberPath: "model.pkl.z" });
    assert.equal(r.member?.name, "model.pkl");
  });

  it("reads both widths of the joblib Z-file header and checks its length", async () => {
    for (const name of ["zfile.pkl", "zfile-py2.pkl"]) {
      const r = await runHandler(zlibHandler, fixture(name), { keepBytes: true });
      assert.equal(r.error, undefined, name);
      assert.equal(r.member?.length, 147, name);
      assert.deepEqual(r.ctx.metadata.compression, {
        format: "zlib",
        compressedBytes: fixture(name).length,
        expandedBytes: 147,
        complete: true,
        joblibZfile: { declaredLength: 147 },
      });
    }
    const bad = await runHandler(zlibHandler, fixture("zfile-badlen.pkl"));
    assert.match(vouchError(bad, "E_COMPRESSION_CORRUPT").message, /declares 148 bytes but the stream holds 147/);
    assert.equal(bad.member?.length, 147, "the data was scanned before the length check failed");
  });

  it("fails a truncated stream with its offset after handing on the prefix", async () => {
    const r = await runHandler(zlibHandler, fixture("truncated.z"));
    assert.equal(vouchError(r, "E_COMPRESSION_TRUNCATED").offset, 5000);
    assert.ok(r.member!.length > 5000);
  });

  it("fails on an Adler-32 mismatch", async () => {
    const bytes = Buffer.from(deflateSync(Buffer.from("adler ".repeat(100))));
    bytes[bytes.length - 1]! ^= 0xff;
    vouchError(await runHandler(zlibHandler, bytes), "E_COMPRESSION_CORRUPT");
  });

  it("reports a preset dictionary as unsupported", async () => {
    const bytes = deflateSync(Buffer.from("dictionary words"), { dictionary: Buffer.from("dictionary") });
    vouchError(await runHandler(zlibHandler, bytes), "E_COMPRESSION_UNSUPPORTED");
  });

  it("reports bytes after the zlib stream", async () => {
    const stream = deflateSync(Buffer.from("zzz".repeat(100)));
    const r = await runHandler(zlibHandler, Buffer.concat([stream, Buffer.from("hidden")]));
    assert.equal(r.member?.sha256, sha256(Buffer.from("zzz".repeat(100))));
    assert.equal(r.ctx.findings[0]?.ruleId, "compression/trailing-data");
    assert.equal(r.ctx.findings[0]?.location.offset, stream.length);
  });
});
