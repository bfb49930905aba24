import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bz2Handler } from "../../../src/formats/compression/index.js";
import { EXPECTED, fixture, runHandler, vouchError } from "./support.js";

const sniff = (bytes: Uint8Array): number => bz2Handler.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: "x" });

describe("bz2 handler", () => {
  it("sniffs BZh1-9 followed by a block or end-of-stream magic", () => {
    assert.equal(sniff(fixture("mixed.bz2")), 90);
    assert.equal(sniff(fixture("empty.bz2")), 90);
    assert.equal(sniff(Buffer.from("BZh0")), 0);
    assert.equal(sniff(Buffer.from("BZh91AY&SX....")), 0);
    assert.equal(sniff(fixture("pickle.xz")), 0);
  });

  it("decompresses joblib's bz2 output and names the member without .bz2", async () => {
    const r = await runHandler(bz2Handler, fixture("sk_joblib_bz2.joblib.bz2"), { memberPath: "sk_joblib_bz2.joblib.bz2" });
    assert.equal(r.error, undefined);
    assert.equal(r.member?.name, "sk_joblib_bz2.joblib");
    assert.equal(r.member?.sha256, EXPECTED["sk_joblib_bz2.joblib.bz2"]!.decompressed!.sha256);
    assert.equal((r.ctx.metadata.compression as { blockSize: number }).blockSize, 300000);
  });

  it("decodes several blocks, long runs, concatenated streams and the empty stream", async () => {
    for (const [name, streams] of [["mixed.bz2", 1], ["runs.bz2", 1], ["multi.bz2", 2], ["empty.bz2", 1]] as const) {
      const r = await runHandler(bz2Handler, fixture(name));
      assert.equal(r.error, undefined, name);
      assert.equal(r.member?.sha256, EXPECTED[name]!.decompressed!.sha256, name);
      assert.equal((r.ctx.metadata.compression as { streams: number }).streams, streams, name);
    }
  });

  it("hands on the blocks before a truncation, then fails at the end of the file", async () => {
    const r = await runHandler(bz2Handler, fixture("truncated.bz2"));
    assert.equal(vouchError(r, "E_COMPRESSION_TRUNCATED").offset, fixture("truncated.bz2").length);
    assert.ok(r.member!.length >= 100000, "at least the first whole block");
  });

  it("fails a block whose CRC does not match its data", async () => {
    const bytes = Buffer.from(fixture("pickle.bz2"));
    bytes[10]! ^= 0x01; // inside the block CRC, which follows the 4-byte header and 6-byte block magic
    const r = await runHandler(bz2Handler, bytes);
    assert.match(vouchError(r, "E_COMPRESSION_CORRUPT").message, /block CRC/);
    assert.equal(r.member?.length, 147, "the block's data was handed on before the check");
  });

  it("fails the combined stream CRC", async () => {
    const bytes = Buffer.from(fixture("pickle.bz2"));
    bytes[bytes.length - 2]! ^= 0x10; // inside the stream CRC at the end
    assert.match(vouchError(await runHandler(bz2Handler, bytes), "E_COMPRESSION_CORRUPT").message, /stream CRC/);
  });

  it("refuses randomised blocks rather than guessing", async () => {
    const bytes = Buffer.from(fixture("pickle.bz2"));
    bytes[14]! |= 0x80; // the bit after the 32-bit block CRC
    vouchError(await runHandler(bz2Handler, bytes), "E_COMPRESSION_UNSUPPORTED");
  });

  it("fails a bad block magic", async () => {
    const bytes = Buffer.from(fixture("pickle.bz2"));
    bytes[5]! ^= 0xff;
    assert.match(vouchError(await runHandler(bz2Handler, bytes), "E_COMPRESSION_CORRUPT").message, /block magic/);
  });
});
