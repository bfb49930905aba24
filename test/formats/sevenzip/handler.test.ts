import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import type { ByteSource } from "../../../src/core/source.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { SEVENZIP_LIMITS, sevenZipHandler } from "../../../src/formats/sevenzip/handler.js";
import { SevenZipSession } from "../../../src/formats/sevenzip/engine.js";
import { fixture, fixtureBytes, INERT, MALICIOUS, readingContext } from "./helpers.js";

function sniff(bytes: Uint8Array): number {
  return sevenZipHandler.sniff({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name: "x.bin" });
}

test("sniffs the 7z signature only", () => {
  assert.equal(sniff(fixtureBytes("benign.7z")), 90);
  assert.equal(sniff(fixtureBytes("benign.7z").subarray(0, 5)), 0);
  assert.equal(sniff(INERT), 0);
  assert.deepEqual([sevenZipHandler.id, sevenZipHandler.access], ["7z", "stream"]);
});

test("a benign 7z: members extracted in memory and scanned in path order with their exact bytes", async () => {
  const ctx = readingContext();
  await sevenZipHandler.scan(fixture("benign.7z"), ctx);
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/config.json", "model/weights.pkl"]);
  assert.deepEqual(ctx.scanned[1]!.content, INERT);
  assert.deepEqual(ctx.metadata["7z"], { members: 2, totalSize: 61, method: "LZMA2:12", solid: true, blocks: 1 });
  assert.equal(ctx.incomplete, false);
});

test("the malicious pickle reaches the member scanner byte for byte", async () => {
  const ctx = readingContext();
  await sevenZipHandler.scan(fixture("malicious.7z"), ctx);
  assert.deepEqual(ctx.scanned.find((m) => m.name === "model/data.pkl")?.content, MALICIOUS);
});

test("a symbolic link out of the folder is path traversal; 7-Zip refuses to create it, an inside link is kept", async () => {
  const ctx = readingContext();
  await sevenZipHandler.scan(fixture("links.7z"), ctx);
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity, f.location, f.evidence]), [
    ["archive/path-traversal", "high", { member: "escape" }, "escape -> ../../etc/passwd"],
  ]);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/weights.pkl"], "links are checked, not scanned");
});

test("an absolute member name is path traversal; 7-Zip extracts it inside the folder, where it is scanned", async () => {
  const ctx = readingContext();
  await sevenZipHandler.scan(fixture("absolute.7z"), ctx);
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.location]), [["archive/path-traversal", { member: "/src/evil.pkl" }]]);
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content]), [["src/evil.pkl", INERT]]);
});

test("encrypted members, and encrypted headers, are reported as unscanned (the verdict becomes error)", async () => {
  const members = readingContext();
  await sevenZipHandler.scan(fixture("encrypted.7z"), members);
  assert.deepEqual(members.findings.map((f) => [f.ruleId, f.severity, f.evidence]), [["archive/encrypted", "low", "model/data.pkl"]]);
  assert.deepEqual(members.scanned, []);
  assert.equal(members.incomplete, true);

  const headers = readingContext();
  await sevenZipHandler.scan(fixture("encrypted_headers.7z"), headers);
  assert.deepEqual(headers.findings.map((f) => f.ruleId), ["archive/encrypted"]);
  assert.match(headers.findings[0]!.message, /headers are encrypted/);
  assert.equal(headers.incomplete, true);
});

test("a 7z bomb ends at the listing: declared size or member count over the budget, nothing expanded", async () => {
  const size = readingContext({ budgets: { maxExpandedBytes: 64 * 1024 * 1024 } });
  await sevenZipHandler.scan(fixture("bomb.7z"), size);
  assert.deepEqual(size.findings.map((f) => [f.ruleId, f.evidence]), [["scan/budget-exceeded", "members=16 declared=134217728 bytes"]]);
  assert.match(size.findings[0]!.message, /declare 134217728 bytes in total, more than 67108864/);
  assert.deepEqual(size.scanned, []);

  const count = readingContext({ budgets: { maxMembers: 10 } });
  await sevenZipHandler.scan(fixture("bomb.7z"), count);
  assert.match(count.findings[0]!.message, /lists 16 members, more than 10/);
  assert.deepEqual(count.scanned, []);
});

test("7-Zip's writes are metered: extraction past the cap fails the write and is flagged", async () => {
  const session = await SevenZipSession.open(fixtureBytes("benign.7z"));
  session.list(() => undefined);
  const run = session.extract(50);
  assert.equal(session.overCap, true);
  assert.ok(session.written <= 50, `wrote ${session.written}`);
  assert.notEqual(run.exit, 0);
  const fine = await SevenZipSession.open(fixtureBytes("benign.7z"));
  assert.deepEqual(fine.extract(61), { exit: 0, errors: [] });
  assert.equal(fine.written, 61);
});

test("an archive over the in-memory cap is not read at all; one of unknown size is read up to the cap", async () => {
  const saved = SEVENZIP_LIMITS.archiveBytes;
  SEVENZIP_LIMITS.archiveBytes = 100;
  try {
    const bytes = fixtureBytes("benign.7z");
    const unread: ByteSource = {
      size: bytes.length,
      read: async () => assert.fail("read"),
      stream: () => assert.fail("streamed"),
    };
    const known = readingContext();
    await sevenZipHandler.scan(unread, known);
    assert.deepEqual(known.findings.map((f) => [f.ruleId, f.evidence]), [["archive/not-expanded", `${bytes.length} bytes`]]);
    assert.equal(known.incomplete, true);

    let streamed = 0;
    const unknown: ByteSource = {
      size: Number.MAX_SAFE_INTEGER,
      sizeKnown: false,
      read: async () => new Uint8Array(0),
      async *stream() {
        for (let i = 0; i < bytes.length; i += 16) {
          streamed += 16;
          yield bytes.subarray(i, i + 16);
        }
      },
    };
    const ctx = readingContext();
    await sevenZipHandler.scan(unknown, ctx);
    assert.deepEqual(ctx.findings.map((f) => f.ruleId), ["archive/not-expanded"]);
    assert.ok(streamed <= 128, `read ${streamed} bytes`);
  } finally {
    SEVENZIP_LIMITS.archiveBytes = saved;
  }
});

test("a truncated archive cannot be opened: E_7Z_UNREADABLE, and the process exit code is left alone", async () => {
  const before = process.exitCode;
  const ctx = readingContext();
  await assert.rejects(sevenZipHandler.scan(fixture("truncated.7z"), ctx), (e: unknown) => {
    assert.ok(e instanceof VouchError);
    assert.equal(e.code, "E_7Z_UNREADABLE");
    assert.match(e.message, /Unexpected end of archive/);
    return true;
  });
  assert.equal(process.exitCode, before);
  assert.deepEqual(ctx.scanned, []);
});

test("corrupt data: members are still scanned, then E_7Z_EXTRACT names the CRC failure", async () => {
  const ctx = readingContext();
  await assert.rejects(sevenZipHandler.scan(fixture("corrupt_data.7z"), ctx), (e: unknown) => {
    assert.ok(e instanceof VouchError);
    assert.equal(e.code, "E_7Z_EXTRACT");
    assert.match(e.message, /CRC Failed|Data Error/);
    return true;
  });
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/config.json", "model/weights.pkl"]);
});

test("inside a container, finding locations are prefixed with the archive's member path", async () => {
  const ctx = readingContext({ memberPath: "bundle.tar/model.7z" });
  await sevenZipHandler.scan(fixture("links.7z"), ctx);
  assert.equal(ctx.findings[0]!.location.member, "bundle.tar/model.7z/escape");
});
