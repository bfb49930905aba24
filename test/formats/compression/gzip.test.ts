import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateRawSync, gunzipSync, gzipSync } from "node:zlib";
import { gzipHandler } from "../../../src/formats/compression/index.js";
import { crc32 } from "../../../src/formats/compression/crc.js";
import { EXPECTED, fixture, runHandler, sha256, vouchError } from "./support.js";

const sniff = (bytes: Uint8Array): number => gzipHandler.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: "x" });

/** A gzip member built by hand, to exercise the optional header fields Python's gzip never writes. */
function handMadeGzip(data: Uint8Array, opts: { extra?: Uint8Array; name?: string; comment?: string; headerCrc?: boolean; badHeaderCrc?: boolean }): Uint8Array {
  const flags = (opts.headerCrc ? 2 : 0) | (opts.extra ? 4 : 0) | (opts.name !== undefined ? 8 : 0) | (opts.comment !== undefined ? 16 : 0);
  const parts: Uint8Array[] = [Uint8Array.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255])];
  if (opts.extra) parts.push(Uint8Array.from([opts.extra.length & 0xff, opts.extra.length >> 8]), opts.extra);
  if (opts.name !== undefined) parts.push(Buffer.from(opts.name + "\0", "latin1"));
  if (opts.comment !== undefined) parts.push(Buffer.from(opts.comment + "\0", "latin1"));
  if (opts.headerCrc) {
    const c = crc32(Buffer.concat(parts)) ^ (opts.badHeaderCrc ? 1 : 0);
    parts.push(Uint8Array.from([c & 0xff, (c >> 8) & 0xff]));
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  parts.push(deflateRawSync(data), trailer);
  return Buffer.concat(parts);
}

describe("gzip handler", () => {
  it("sniffs the gzip magic with the deflate method, and nothing else", () => {
    assert.equal(sniff(fixture("text.txt.gz")), 90);
    assert.equal(sniff(Uint8Array.from([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0])), 0, "method 7 is not deflate");
    assert.equal(sniff(Uint8Array.from([0x1f, 0x8b, 8, 0x20, 0, 0, 0, 0, 0, 0])), 0, "reserved flag set");
    assert.equal(sniff(fixture("text.z")), 0);
  });

  for (const name of ["text.txt.gz", "pkl_gz_benign.pkl.gz", "multi.gz", "padded.gz", "words.gz"]) {
    it(`decompresses ${name} exactly as Python does, reading the file once`, async () => {
      const r = await runHandler(gzipHandler, fixture(name));
      assert.equal(r.error, undefined);
      const want = EXPECTED[name]!.decompressed!;
      assert.equal(r.member?.length, want.length);
      assert.equal(r.member?.sha256, want.sha256);
      assert.equal(r.source.streams, 1, "the compressed file is streamed once, sniffing included");
      assert.deepEqual(r.ctx.findings, []);
      assert.equal((r.ctx.metadata.compression as { complete: boolean }).complete, true);
    });
  }

  it("reports the members and the stored name, and names the member after the file", async () => {
    const r = await runHandler(gzipHandler, fixture("text.txt.gz"), { memberPath: "models/corpus.txt.gz" });
    assert.equal(r.member?.name, "corpus.txt");
    assert.deepEqual(r.ctx.metadata.compression, {
      format: "gzip",
      compressedBytes: 97362,
      expandedBytes: 300000,
      complete: true,
      name: "text.txt",
      members: 1,
    });
    const multi = await runHandler(gzipHandler, fixture("multi.gz"));
    assert.equal((multi.ctx.metadata.compression as { members: number }).members, 2);
    assert.equal(multi.member?.name, "<decompressed>");
  });

  it("ignores zero padding after the stream but records it", async () => {
    const r = await runHandler(gzipHandler, fixture("padded.gz"));
    assert.deepEqual(r.ctx.findings, []);
    assert.equal((r.ctx.metadata.compression as { bytesAfterStream: number }).bytesAfterStream, 512);
  });

  it("reports bytes after the stream that are not padding, with their offset", async () => {
    const r = await runHandler(gzipHandler, fixture("trailing.gz"), { keepBytes: true });
    assert.equal(r.error, undefined);
    assert.equal(Buffer.from(r.member!.bytes!).toString(), "payload");
    assert.equal(r.ctx.findings.length, 1);
    const f = r.ctx.findings[0]!;
    assert.equal(f.ruleId, "compression/trailing-data");
    assert.equal(f.location.offset, 27);
    assert.equal(f.evidence, Buffer.from("NOT GZIP DATA").toString("hex"));
  });

  it("scans what a truncated stream holds, then fails with its offset", async () => {
    const r = await runHandler(gzipHandler, fixture("truncated.pkl.gz"), { keepBytes: true });
    const e = vouchError(r, "E_COMPRESSION_TRUNCATED");
    assert.equal(e.offset, 123);
    assert.ok(r.member!.length > 100, "the decompressed prefix reached the member");
    const whole = gunzipSync(Buffer.concat([fixture("truncated.pkl.gz")]), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    assert.deepEqual(Buffer.from(r.member!.bytes!), whole.subarray(0, r.member!.length));
    assert.equal((r.ctx.metadata.compression as { complete: boolean }).complete, false);
  });

  it("fails on a trailer CRC mismatch after handing on all the data", async () => {
    const r = await runHandler(gzipHandler, fixture("badcrc.gz"));
    const e = vouchError(r, "E_COMPRESSION_CORRUPT");
    assert.equal(e.offset, 97354);
    assert.equal(r.member?.length, 300000);
  });

  it("stops a decompression bomb at the ratio budget", async () => {
    const r = await runHandler(gzipHandler, fixture("bomb.gz"));
    assert.equal(r.error, undefined);
    assert.equal(r.ctx.findings.length, 1);
    assert.equal(r.ctx.findings[0]!.ruleId, "compression/budget-exceeded");
    assert.match(r.ctx.findings[0]!.message, /expands more than 1000 times/);
    assert.ok(r.member!.length < 64 * 1024 * 1024, `stopped early (${r.member!.length} bytes)`);
    assert.equal(r.ctx.incomplete, true);
    assert.equal(r.source.streams, 1, "the rest of the file is still read once, for the digest");
  });

  it("stops at the expanded-size budget exactly", async () => {
    const r = await runHandler(gzipHandler, fixture("text.txt.gz"), { settings: { budgets: { maxExpandedBytes: 1000 } as never } });
    assert.equal(r.member?.length, 1000);
    assert.equal(r.ctx.findings[0]?.ruleId, "compression/budget-exceeded");
    assert.match(r.ctx.findings[0]!.message, /beyond the budget of 1000 bytes/);
  });

  it("stops and marks the scan incomplete when the scan is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runHandler(gzipHandler, fixture("text.txt.gz"), { signal: controller.signal });
    assert.equal(r.error, undefined);
    assert.ok(r.member!.length < 300000);
    assert.equal(r.ctx.incomplete, true);
    assert.equal((r.ctx.metadata.compression as { complete: boolean }).complete, false);
  });

  it("reads the optional header fields (extra, name, comment, header CRC)", async () => {
    const data = Buffer.from("hello, optional fields");
    const bytes = handMadeGzip(data, { extra: Uint8Array.from([1, 2, 3]), name: "n.bin", comment: "a comment", headerCrc: true });
    const r = await runHandler(gzipHandler, bytes, { keepBytes: true });
    assert.equal(r.error, undefined);
    assert.deepEqual(Buffer.from(r.member!.bytes!), data);
    assert.equal((r.ctx.metadata.compression as { name: string }).name, "n.bin");
    const bad = await runHandler(gzipHandler, handMadeGzip(data, { headerCrc: true, badHeaderCrc: true }));
    assert.match(vouchError(bad, "E_COMPRESSION_CORRUPT").message, /header CRC/);
  });

  it("bounds the stored file name", async () => {
    const bytes = handMadeGzip(Buffer.from("x"), { name: "n".repeat(70 * 1024) });
    const r = await runHandler(gzipHandler, bytes);
    assert.match(vouchError(r, "E_COMPRESSION_CORRUPT").message, /longer than/);
  });

  it("finds the end of the deflate data wherever the input chunks break", async () => {
    const member = gzipSync(Buffer.from("chunk boundaries ".repeat(3000)));
    const bytes = Buffer.concat([member, Buffer.from("TRAIL")]);
    for (const chunkSize of [1, 7, 10, 4096, member.length - 8, member.length, member.length + 1]) {
      const r = await runHandler(gzipHandler, bytes, { chunkSize });
      assert.equal(r.error, undefined, `chunk size ${chunkSize}`);
      assert.equal(r.member?.sha256, sha256(Buffer.from("chunk boundaries ".repeat(3000))), `chunk size ${chunkSize}`);
      assert.equal(r.ctx.findings[0]?.location.offset, member.length, `chunk size ${chunkSize}`);
    }
  });
});
