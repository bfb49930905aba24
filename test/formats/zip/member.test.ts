import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32, deflateRawSync } from "node:zlib";
import { BudgetExceeded } from "../../../src/core/errors.js";
import { BufferSource, type ByteSource } from "../../../src/core/source.js";
import { CrcTrackingSource } from "../../../src/formats/zip/crc.js";
import { ExpansionBudget, openMember, unreadableReason } from "../../../src/formats/zip/member.js";
import type { ZipEntry } from "../../../src/formats/zip/reader.js";
import { DEFAULT_BUDGETS } from "../../../src/scan/settings.js";
import { readWhole } from "./helpers.js";

const CONTENT = Buffer.from("member content, repeated enough to compress well. ".repeat(2000));
const DEFLATED = deflateRawSync(CONTENT);

/** An archive holding 10 bytes of header, then the member data. */
function entryFor(data: Buffer, method: number, overrides: Partial<ZipEntry> = {}): { zip: BufferSource; entry: ZipEntry } {
  const zip = new BufferSource(Buffer.concat([Buffer.alloc(10), data]));
  const entry: ZipEntry = {
    name: "m.bin",
    origin: "central",
    method,
    flags: 0,
    crc32: crc32(CONTENT),
    compressedSize: data.length,
    uncompressedSize: CONTENT.length,
    localHeaderOffset: 0,
    dataOffset: 10,
    endOffset: 10 + data.length,
    ...overrides,
  };
  return { zip, entry };
}

function budget(overrides: Partial<typeof DEFAULT_BUDGETS> = {}): ExpansionBudget {
  return new ExpansionBudget({ ...DEFAULT_BUDGETS, ...overrides });
}

test("a stored member is a window of the archive", async () => {
  const { zip, entry } = entryFor(CONTENT, 0);
  const { source } = openMember(zip, entry, budget());
  assert.equal(source.size, CONTENT.length);
  assert.deepEqual(Buffer.from(await source.read(5, 7)), CONTENT.subarray(5, 12));
  assert.deepEqual(await readWhole(source), CONTENT);
});

test("a deflated member inflates as a stream, for reads and for streaming", async () => {
  const { zip, entry } = entryFor(DEFLATED, 8);
  const { source, state } = openMember(zip, entry, budget());
  assert.deepEqual(Buffer.from(await source.read(1000, 20)), CONTENT.subarray(1000, 1020));
  assert.deepEqual(await readWhole(source), CONTENT);
  assert.deepEqual(state, { expanded: CONTENT.length });
});

test("re-reading a member's head does not count twice against the expansion budget", async () => {
  const { zip, entry } = entryFor(DEFLATED, 8);
  const shared = budget({ maxExpandedBytes: CONTENT.length });
  const { source, state } = openMember(zip, entry, shared);
  for (let i = 0; i < 5; i++) await source.read(0, 4096);
  await readWhole(source);
  assert.equal(state.budget, undefined);
  assert.equal(shared.exhausted, false);
});

test("the expanded-bytes budget is shared by the members of one archive", async () => {
  const { zip, entry } = entryFor(DEFLATED, 8);
  const shared = budget({ maxExpandedBytes: CONTENT.length + 10 });
  await readWhole(openMember(zip, entry, shared).source);
  const second = openMember(zip, { ...entry, name: "second.bin" }, shared);
  await assert.rejects(readWhole(second.source), (e: unknown) => e instanceof BudgetExceeded && e === second.state.budget);
  assert.ok(shared.exhausted);
  assert.match(second.state.budget!.message, /second\.bin/);
});

test("a declared size beyond what deflate can produce is capped by the compressed size", () => {
  const { zip, entry } = entryFor(DEFLATED, 8, { uncompressedSize: 2 ** 50 });
  assert.equal(openMember(zip, entry, budget()).source.size, DEFLATED.length * 1032);
});

test("a read error of the archive reaches the scanner as itself, not as damaged deflate data", async () => {
  const failing: ByteSource = {
    size: 10 + DEFLATED.length,
    read: async () => new Uint8Array(0),
    stream: async function* () {
      yield new Uint8Array(0);
      throw new Error("EIO: disk went away");
    },
  };
  const { entry } = entryFor(DEFLATED, 8);
  const { source, state } = openMember(failing, entry, budget());
  await assert.rejects(readWhole(source), /EIO/);
  assert.equal(state.damage, undefined);
});

test("encrypted and unknown-method members are unreadable, stored and deflated ones are not", () => {
  const { entry } = entryFor(CONTENT, 0);
  assert.equal(unreadableReason(entry), undefined);
  assert.equal(unreadableReason({ ...entry, method: 8 }), undefined);
  assert.equal(unreadableReason({ ...entry, flags: 1 })?.ruleId, "zip/encrypted");
  assert.equal(unreadableReason({ ...entry, flags: 1 << 6 })?.ruleId, "zip/encrypted");
  assert.equal(unreadableReason({ ...entry, method: 14 })?.ruleId, "zip/unsupported-compression");
});

test("the CRC tracker folds in what the scanner reads in order, and only reports a complete CRC", async () => {
  const inOrder = new CrcTrackingSource(new BufferSource(CONTENT, 1000));
  await inOrder.read(0, 4096); // sniffing
  for await (const chunk of inOrder.stream()) void chunk;
  assert.equal(inOrder.result(), crc32(CONTENT));

  const partial = new CrcTrackingSource(new BufferSource(CONTENT, 1000));
  for await (const chunk of partial.stream()) {
    void chunk;
    break;
  }
  assert.equal(partial.result(), undefined);

  const skipping = new CrcTrackingSource(new BufferSource(CONTENT, 1000));
  await skipping.read(0, 100);
  for await (const chunk of skipping.stream(200)) void chunk;
  assert.equal(skipping.result(), undefined, "bytes 100..200 were never read");
});

test("a short deflate stream ends the content early; the CRC covers what exists", async () => {
  const { zip, entry } = entryFor(DEFLATED, 8, { uncompressedSize: CONTENT.length + 500 });
  const tracked = new CrcTrackingSource(openMember(zip, entry, budget()).source);
  assert.deepEqual(await readWhole(tracked), CONTENT);
  assert.equal(tracked.result(), crc32(CONTENT));
});
