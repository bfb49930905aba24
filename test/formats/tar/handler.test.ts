import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { tarHandler } from "../../../src/formats/tar/handler.js";
import { asStream, fixture, fixtureBytes, INERT, MALICIOUS, packTar, readingContext } from "./helpers.js";

function sniff(bytes: Uint8Array): number {
  return tarHandler.sniff({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name: "whatever.bin" });
}

function locations(ctx: { findings: { ruleId: string; severity: string; location: object }[] }): [string, string, object][] {
  return ctx.findings.map((f) => [f.ruleId, f.severity, f.location]);
}

test("sniffs POSIX, GNU and pax headers by magic and checksum, v7 by checksum alone", () => {
  assert.equal(sniff(fixtureBytes("benign.tar")), 90, "GNU magic with a valid checksum");
  assert.equal(sniff(fixtureBytes("pax_longname.tar")), 90, "POSIX magic (pax header first)");
  assert.equal(sniff(fixtureBytes("v7.tar")), 40, "no magic: the checksum decides");
  const broken = Buffer.from(fixtureBytes("benign.tar"));
  broken[10] ^= 0xff;
  assert.equal(sniff(broken), 50, "magic without a matching checksum is still claimed (to be reported as malformed)");
  const v7Broken = Buffer.from(fixtureBytes("v7.tar"));
  v7Broken[0] ^= 0x01;
  assert.equal(sniff(v7Broken), 0, "no magic and a wrong checksum: not a tar");
  assert.equal(sniff(INERT), 0);
  assert.equal(sniff(new Uint8Array(10240)), 0, "zero blocks alone (an empty archive) are not claimed");
  assert.equal(sniff(fixtureBytes("benign.tar").subarray(0, 200)), 0, "too short to hold the magic");
  assert.deepEqual([tarHandler.id, tarHandler.access], ["tar", "stream"]);
});

test("a benign tar: every regular entry is scanned with its exact bytes, metadata counts entries and sizes", async () => {
  const ctx = readingContext();
  assert.equal(await tarHandler.scan(fixture("benign.tar"), ctx), undefined);
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.size, m.sizeKnown]), [
    ["model/weights.pkl", 17, true],
    ["model/config.json", 44, true],
  ]);
  assert.deepEqual(ctx.scanned[0]!.content, INERT);
  assert.match(ctx.scanned[1]!.content.toString(), /"model_type": "convnet"/);
  assert.deepEqual(ctx.metadata.tar, { members: 2, totalSize: 61 });
  assert.equal(ctx.incomplete, false);
});

test("names with .. or an absolute path are path traversal (high), and the entry is still scanned", async () => {
  for (const [name, member] of [
    ["traversal.tar", "../evil.pkl"],
    ["absolute.tar", "/tmp/evil.pkl"],
  ] as const) {
    const ctx = readingContext();
    await tarHandler.scan(fixture(name), ctx);
    assert.deepEqual(locations(ctx), [["archive/path-traversal", "high", { member, offset: 0 }]], name);
    assert.equal(ctx.findings[0]!.evidence, member);
    assert.deepEqual(ctx.scanned.map((m) => m.name), [member]);
  }
});

test("links: a symlink out, a file written through it and an absolute hard link are flagged; an inside link is not", async () => {
  const ctx = readingContext();
  await tarHandler.scan(fixture("links.tar"), ctx);
  assert.deepEqual(locations(ctx), [
    ["archive/path-traversal", "high", { member: "escape", offset: 1536 }],
    ["archive/path-traversal", "high", { member: "escape/cron.d/job", offset: 2048 }],
    ["archive/path-traversal", "high", { member: "shadow", offset: 3072 }],
  ]);
  assert.deepEqual(ctx.findings.map((f) => f.evidence), ["escape -> ../../../etc", "escape/cron.d/job", "shadow -> /etc/shadow"]);
  assert.match(ctx.findings[1]!.message, /written through a symbolic link/);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/weights.pkl", "escape/cron.d/job"], "links have no content to scan");
});

test("device nodes and FIFOs are special files (medium), with their device numbers", async () => {
  const ctx = readingContext();
  await tarHandler.scan(fixture("devices.tar"), ctx);
  assert.deepEqual(locations(ctx), [
    ["archive/special-file", "medium", { member: "dev/mem", offset: 0 }],
    ["archive/special-file", "medium", { member: "dev/sda", offset: 512 }],
    ["archive/special-file", "medium", { member: "pipe", offset: 1024 }],
  ]);
  assert.deepEqual(ctx.findings.map((f) => f.evidence), ["character-device 1:1", "block-device 8:0", "fifo 0:0"]);
  assert.deepEqual(ctx.scanned, []);
});

test("a truncated tar: entries before the break are scanned whole, the cut one up to the break, then E_TAR_TRUNCATED", async () => {
  const ctx = readingContext();
  await assert.rejects(tarHandler.scan(fixture("truncated.tar"), ctx), (e: unknown) => {
    assert.ok(e instanceof VouchError);
    assert.equal(e.code, "E_TAR_TRUNCATED");
    assert.equal(e.offset, 2536);
    return true;
  });
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content.length]), [
    ["payload.pkl", MALICIOUS.length],
    ["tensors.bin", 1000],
  ]);
  assert.deepEqual(ctx.scanned[0]!.content, MALICIOUS);
  assert.deepEqual(ctx.metadata.tar, { members: 2, totalSize: 21 + 2048 }, "metadata is recorded before the break is thrown");
});

test("a tar cut inside a header, or with a corrupt header, fails with the offset of that header", async () => {
  const benign = fixtureBytes("benign.tar");
  const cutHeader = readingContext();
  await assert.rejects(tarHandler.scan(new BufferSource(benign.subarray(0, 1024 + 300)), cutHeader), { code: "E_TAR_TRUNCATED" });
  assert.deepEqual(cutHeader.scanned.map((m) => m.name), ["model/weights.pkl"]);

  const corrupt = Buffer.from(benign);
  corrupt[1024 + 5] ^= 0xff; // the second header's name: its checksum no longer matches
  const ctx = readingContext();
  await assert.rejects(tarHandler.scan(new BufferSource(corrupt), ctx), (e: unknown) => {
    assert.ok(e instanceof VouchError);
    assert.equal(e.code, "E_TAR_HEADER");
    assert.equal(e.offset, 1024);
    return true;
  });
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/weights.pkl"]);
});

test("data after the end-of-archive marker is trailing data (medium), not a broken archive", async () => {
  const ctx = readingContext();
  assert.equal(await tarHandler.scan(fixture("trailing.tar"), ctx), undefined);
  assert.deepEqual(locations(ctx), [["tar/trailing-data", "medium", { offset: 2048 }]]);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/weights.pkl", "model/config.json"]);
});

test("the legacy PyTorch tar layout is recognised; its members are sniffed like any others", async () => {
  const ctx = readingContext();
  assert.equal(await tarHandler.scan(fixture("legacy_torch.tar"), ctx), "pytorch-legacy-tar");
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["sys_info", "pickle", "storages", "tensors"]);
  assert.deepEqual(ctx.findings, []);
  const plain = readingContext();
  assert.equal(await tarHandler.scan(fixture("benign.tar"), plain), undefined, "other layouts keep the plain id");
});

test("long names from pax and GNU records, and v7 headers, come through", async () => {
  const long = "model/" + "deeply/".repeat(20) + "weights.pkl";
  for (const name of ["pax_longname.tar", "gnu_longname.tar"]) {
    const ctx = readingContext();
    await tarHandler.scan(fixture(name), ctx);
    assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content.length]), [[long, 17]], name);
  }
  const v7 = readingContext();
  await tarHandler.scan(fixture("v7.tar"), v7);
  assert.deepEqual(v7.scanned.map((m) => [m.name, m.content]), [["weights.pkl", INERT]]);
});

test("budgets: the entry count and the total size stop the reading with a finding", async () => {
  const count = readingContext({ budgets: { maxMembers: 1 } });
  await tarHandler.scan(fixture("benign.tar"), count);
  assert.deepEqual(count.scanned.map((m) => m.name), ["model/weights.pkl"]);
  assert.deepEqual(locations(count), [["scan/budget-exceeded", "low", { offset: 1024 }]]);
  assert.match(count.findings[0]!.message, /more than 1 entries.*"model\/config.json"/);
  assert.equal(count.incomplete, true);

  const size = readingContext({ budgets: { maxExpandedBytes: 40 } });
  await tarHandler.scan(fixture("benign.tar"), size);
  assert.deepEqual(size.scanned.map((m) => m.name), ["model/weights.pkl"], "17 bytes fit, 17 + 44 do not");
  assert.equal(size.findings[0]!.ruleId, "scan/budget-exceeded");
  assert.match(size.findings[0]!.message, /total size \(61 bytes\) exceeds 40/);
});

test("inside a container, finding locations are prefixed with the tar's own member path", async () => {
  const ctx = readingContext({ memberPath: "outer.tar" });
  await tarHandler.scan(fixture("traversal.tar"), ctx);
  assert.deepEqual(ctx.findings[0]!.location, { member: "outer.tar/../evil.pkl", offset: 0 });
});

test("a tar streamed from a decompressor (unknown size, unaligned chunks) reads the same", async () => {
  for (const chunk of [1, 100, 511, 4096]) {
    const ctx = readingContext();
    await tarHandler.scan(asStream(fixtureBytes("links.tar"), chunk), ctx);
    assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content.length]), [
      ["model/weights.pkl", 17],
      ["escape/cron.d/job", 18],
    ], `chunk ${chunk}`);
    assert.equal(ctx.findings.length, 3);
  }
  const cut = readingContext();
  await assert.rejects(tarHandler.scan(asStream(fixtureBytes("truncated.tar"), 64), cut), { code: "E_TAR_TRUNCATED" });
  assert.deepEqual(cut.scanned.map((m) => m.content.length), [21, 1000]);
});

test("a scanner that reads only a member's head does not stall the archive", async () => {
  const ctx = readingContext({ readMember: async (s) => Buffer.from(await s.read(0, 4)) });
  await tarHandler.scan(fixture("malicious.tar"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content.toString("latin1")]), [
    ["model/config.json", '{"mo'],
    ["model/data.pkl", "cos\n"],
  ]);
});

test("members past the head cache: positioned reads go back to the archive, a second pass replays", async () => {
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
  const tar = await packTar([{ header: { name: "big.bin" }, data: big }, { header: { name: "after.pkl" }, data: INERT }]);
  const ctx = readingContext({
    readMember: async (s) => {
      const far = await s.read(2 * 1024 * 1024, 8); // beyond the 1 MiB head, before streaming
      const first: Uint8Array[] = [];
      for await (const c of s.stream()) first.push(c);
      const again: Uint8Array[] = [];
      for await (const c of s.stream(4096, 8192)) again.push(c);
      return Buffer.concat([Buffer.from(far), Buffer.from(String(Buffer.concat(first).length)), Buffer.concat(again)]);
    },
  });
  await tarHandler.scan(new BufferSource(tar), ctx);
  const out = ctx.scanned[0]!.content;
  assert.deepEqual(out.subarray(0, 8), big.subarray(2 * 1024 * 1024, 2 * 1024 * 1024 + 8));
  assert.equal(out.subarray(8, 15).toString(), String(big.length));
  assert.deepEqual(out.subarray(15), big.subarray(4096, 8192));
  assert.deepEqual([ctx.scanned[1]!.name, ctx.scanned[1]!.content.toString()], ["after.pkl", String(INERT.length)], "the next entry still follows");
});

test("the scan's abort signal stops the reading and marks the artifact incomplete", async () => {
  const ctx = readingContext();
  const controller = new AbortController();
  Object.assign(ctx, { signal: controller.signal });
  const stop = { onMember: ctx.scanMember };
  ctx.scanMember = async (name, source, opts) => {
    controller.abort();
    return stop.onMember(name, source, opts);
  };
  await tarHandler.scan(fixture("benign.tar"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["model/weights.pkl"]);
  assert.equal(ctx.incomplete, true);
});
