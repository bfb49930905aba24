import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { xzHandler } from "../../../src/formats/compression/index.js";
import { EXPECTED, fixture, runHandler, vouchError } from "./support.js";

const sniff = (bytes: Uint8Array): number => xzHandler.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: "x" });

describe("xz handler", () => {
  it("sniffs the xz magic", () => {
    assert.equal(sniff(fixture("pickle.xz")), 90);
    assert.equal(sniff(fixture("pickle.lzma")), 0);
  });

  it("verifies every check type and names it", async () => {
    for (const [name, check] of [["text-crc32.xz", "crc32"], ["mixed.xz", "crc64"], ["text-sha256.xz", "sha256"], ["text-nocheck.xz", "none"]]) {
      const r = await runHandler(xzHandler, fixture(name!), { memberPath: `a/${name}` });
      assert.equal(r.error, undefined, name);
      assert.equal(r.member?.sha256, EXPECTED[name!]!.decompressed!.sha256, name);
      assert.equal((r.ctx.metadata.compression as { check: string }).check, check);
      assert.equal(r.member?.name, name!.replace(/\.xz$/, ""));
    }
  });

  it("reads concatenated streams across stream padding", async () => {
    const r = await runHandler(xzHandler, fixture("padded-multi.xz"), { keepBytes: true });
    assert.equal(r.error, undefined);
    assert.equal(Buffer.from(r.member!.bytes!).toString(), "first stream\nsecond stream\n");
    assert.equal((r.ctx.metadata.compression as { streams: number }).streams, 2);
    assert.deepEqual(r.ctx.findings, [], "trailing stream padding is not trailing data");
  });

  it("decodes the empty stream and stored (random) chunks", async () => {
    assert.equal((await runHandler(xzHandler, fixture("empty.xz"))).member?.length, 0);
    const r = await runHandler(xzHandler, fixture("random.xz"));
    assert.equal(r.member?.sha256, EXPECTED["random.xz"]!.decompressed!.sha256);
  });

  it("refuses filter chains other than LZMA2", async () => {
    const r = await runHandler(xzHandler, fixture("delta.xz"));
    assert.match(vouchError(r, "E_COMPRESSION_UNSUPPORTED").message, /filter chain 0x3,0x21/);
  });

  it("fails a truncated file after handing on what decoded", async () => {
    const r = await runHandler(xzHandler, fixture("truncated.xz"));
    vouchError(r, "E_COMPRESSION_TRUNCATED");
    assert.ok(r.member!.length >= 65536);
  });

  it("checks the header, block check, index and footer", async () => {
    const base = fixture("pickle.xz");
    const flip = (at: number): Uint8Array => {
      const b = Buffer.from(base);
      b[at]! ^= 0x01;
      return b;
    };
    assert.match(vouchError(await runHandler(xzHandler, flip(8)), "E_COMPRESSION_CORRUPT").message, /stream header CRC/);
    assert.match(vouchError(await runHandler(xzHandler, flip(base.length - 1)), "E_COMPRESSION_CORRUPT").message, /footer magic/);
    assert.match(vouchError(await runHandler(xzHandler, flip(base.length - 6)), "E_COMPRESSION_CORRUPT").message, /footer CRC/);
    // The CRC-64 of the only block sits just before the index (index 12 bytes + footer 12 bytes here).
    const check = await runHandler(xzHandler, flip(base.length - 12 - 12 - 1));
    assert.match(vouchError(check, "E_COMPRESSION_CORRUPT").message, /block crc64 check does not match/);
    assert.equal(check.member?.sha256, EXPECTED["pickle.xz"]!.decompressed!.sha256, "the data was handed on before the check");
  });
});
