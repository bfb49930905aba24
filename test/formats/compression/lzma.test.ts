import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lzmaHandler } from "../../../src/formats/compression/index.js";
import { EXPECTED, fixture, runHandler, vouchError } from "./support.js";

const sniff = (bytes: Uint8Array): number => lzmaHandler.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: "x" });

/** The same .lzma file with its "unknown size" header field replaced by a size. */
function withDeclaredSize(bytes: Uint8Array, size: number): Uint8Array {
  const b = Buffer.from(bytes);
  b.writeBigUInt64LE(BigInt(size), 5);
  return b;
}

describe("lzma (legacy .lzma) handler", () => {
  it("sniffs the default-properties header with a zero range-coder byte", () => {
    assert.equal(sniff(fixture("text.lzma")), 60);
    assert.equal(sniff(fixture("mixed.lzma")), 60);
    const wrongFirstByte = Buffer.from(fixture("text.lzma"));
    wrongFirstByte[13] = 1;
    assert.equal(sniff(wrongFirstByte), 0);
    assert.equal(sniff(withDeclaredSize(fixture("text.lzma"), 2 ** 52)), 0, "implausible size");
    assert.equal(sniff(fixture("pickle.xz")), 0);
  });

  it("decodes unknown-size streams ended by the end marker, with the window wrapping", async () => {
    for (const name of ["text.lzma", "mixed.lzma", "pickle.lzma"]) {
      const r = await runHandler(lzmaHandler, fixture(name), { memberPath: `m/${name}` });
      assert.equal(r.error, undefined, name);
      assert.equal(r.member?.sha256, EXPECTED[name]!.decompressed!.sha256, name);
      assert.equal(r.member?.name, name.replace(/\.lzma$/, ""));
    }
  });

  it("honours a declared size (the end marker after it is optional)", async () => {
    const exp = EXPECTED["pickle.lzma"]!.decompressed!;
    const r = await runHandler(lzmaHandler, withDeclaredSize(fixture("pickle.lzma"), exp.length));
    assert.equal(r.error, undefined);
    assert.equal(r.member?.sha256, exp.sha256);
    assert.equal((r.ctx.metadata.compression as { declaredSize: number }).declaredSize, exp.length);
  });

  it("fails when the data runs past, or ends before, the declared size", async () => {
    const n = EXPECTED["pickle.lzma"]!.decompressed!.length;
    const short = await runHandler(lzmaHandler, withDeclaredSize(fixture("pickle.lzma"), n - 10));
    assert.match(vouchError(short, "E_COMPRESSION_CORRUPT").message, /past the declared size/);
    assert.equal(short.member?.length, n - 10);
    const long = await runHandler(lzmaHandler, withDeclaredSize(fixture("pickle.lzma"), n + 10));
    assert.match(vouchError(long, "E_COMPRESSION_CORRUPT").message, /end marker after/);
  });

  it("fails a truncated stream after handing on what decoded", async () => {
    const r = await runHandler(lzmaHandler, fixture("truncated.lzma"));
    assert.equal(vouchError(r, "E_COMPRESSION_TRUNCATED").offset, 20000);
    assert.ok(r.member!.length > 20000);
  });

  it("rejects an invalid properties byte", async () => {
    const b = Buffer.from(fixture("pickle.lzma"));
    b[0] = 225;
    assert.match(vouchError(await runHandler(lzmaHandler, b), "E_COMPRESSION_CORRUPT").message, /properties/);
  });
});
