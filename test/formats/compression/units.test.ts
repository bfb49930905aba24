/** The small parts: names, the expansion meter, the checksums and the input buffer. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RATIO_FLOOR, ExpansionMeter } from "../../../src/formats/compression/budget.js";
import { Crc64, bzip2CrcByte, crc32 } from "../../../src/formats/compression/crc.js";
import { ByteInput } from "../../../src/formats/compression/input.js";
import { innerName } from "../../../src/formats/compression/names.js";
import { bz2Format } from "../../../src/formats/compression/bz2.js";
import { gzipFormat } from "../../../src/formats/compression/gzip.js";
import { zlibFormat } from "../../../src/formats/compression/zlib.js";
import { DEFAULT_BUDGETS } from "../../../src/scan/settings.js";
import { VouchError } from "../../../src/core/errors.js";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p, "latin1");
}

describe("innerName", () => {
  it("strips the format's suffix, case-insensitively, and maps tarball suffixes", () => {
    assert.equal(innerName("dir/model.pkl.gz", gzipFormat), "model.pkl");
    assert.equal(innerName("MODEL.PKL.GZ", gzipFormat), "MODEL.PKL");
    assert.equal(innerName("a/b/data.tgz", gzipFormat), "data.tar");
    assert.equal(innerName("weights.tbz2", bz2Format), "weights.tar");
    assert.equal(innerName("model.joblib.z", zlibFormat), "model.joblib");
  });

  it("falls back to <decompressed> when the name has no such suffix", () => {
    assert.equal(innerName("model.pkl", gzipFormat), "<decompressed>");
    assert.equal(innerName(".gz", gzipFormat), "<decompressed>");
    assert.equal(innerName("", gzipFormat), "<decompressed>");
  });
});

describe("ExpansionMeter", () => {
  it("lets bytes through up to the size budget, then only the rest of it", () => {
    const m = new ExpansionMeter({ ...DEFAULT_BUDGETS, maxExpandedBytes: 100 }, () => 100);
    assert.equal(m.admit(60), 60);
    assert.equal(m.breach, undefined);
    assert.equal(m.admit(60), 40);
    assert.match(m.breach!.reason, /beyond the budget of 100 bytes/);
    assert.equal(m.breach!.expanded, 100);
  });

  it("applies the ratio only past the floor", () => {
    let consumed = 1;
    const m = new ExpansionMeter({ ...DEFAULT_BUDGETS, maxRatio: 10 }, () => consumed);
    m.admit(RATIO_FLOOR);
    assert.equal(m.breach, undefined, "a small stream of zeros is no bomb");
    consumed = RATIO_FLOOR / 5;
    m.admit(1000);
    assert.equal(m.breach, undefined);
    consumed = 1000;
    assert.equal(m.admit(10), 10, "the chunk that crosses passes; the stream stops after it");
    assert.match(m.breach!.reason, /more than 10 times/);
    assert.equal(m.breach!.consumed, 1000);
  });
});

describe("checksums", () => {
  const check = Buffer.from("123456789");
  it("CRC-32 matches the standard check value, incrementally", () => {
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(crc32(check.subarray(4), crc32(check.subarray(0, 4))), 0xcbf43926);
  });

  it("bzip2's CRC matches CRC-32/BZIP2", () => {
    let c = 0xffffffff;
    for (const b of check) c = bzip2CrcByte(c, b);
    assert.equal(~c >>> 0, 0xfc891918);
  });

  it("CRC-64 matches CRC-64/XZ", () => {
    const c = new Crc64();
    c.update(check.subarray(0, 3));
    c.update(check.subarray(3));
    assert.equal(Buffer.from(c.value()).readBigUInt64LE(0), 0x995dc9bbdf1939fan);
  });
});

describe("ByteInput", () => {
  it("fills across chunks and tracks absolute offsets", async () => {
    const input = new ByteInput(chunks("ab", "cde", "f"), "test");
    assert.equal(await input.fill(4), true);
    assert.equal(input.byte(), 0x61);
    assert.deepEqual(Buffer.from(input.take(3)).toString(), "bcd");
    assert.equal(input.offset, 4);
    assert.equal(await input.fill(10), false);
    assert.equal(input.available, 2);
  });

  it("gives back unconsumed bytes of the last slice", async () => {
    const input = new ByteInput(chunks("hello", "world"), "test");
    const s = await input.slice(100);
    assert.equal(Buffer.from(s).toString(), "hello");
    input.unread(2);
    assert.equal(input.offset, 3);
    assert.equal(Buffer.from(await input.slice(100)).toString(), "lo");
  });

  it("tells truncation at the end from overlong units before it", async () => {
    const input = new ByteInput(chunks("ab", "cd"), "test");
    await input.fill(1);
    input.take(2);
    assert.throws(() => input.byte(), (e: VouchError) => e.code === "E_COMPRESSION_CORRUPT");
    await input.fill(10);
    input.take(2);
    assert.throws(() => input.byte(), (e: VouchError) => e.code === "E_COMPRESSION_TRUNCATED" && e.offset === 4);
    await assert.rejects(input.require(1, "a thing"), /in the middle of a thing/);
  });

  it("summarises what is left after a stream", async () => {
    const input = new ByteInput(chunks("xx", "\0\0\0", "\0junk"), "test");
    await input.fill(2);
    input.take(2);
    const rest = await input.rest();
    assert.equal(rest.length, 8);
    assert.equal(rest.firstNonZero, 6);
    assert.equal(Buffer.from(rest.head).toString("latin1"), "\0\0\0\0junk");
  });
});
