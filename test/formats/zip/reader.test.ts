import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { readZip, type ZipListing } from "../../../src/formats/zip/reader.js";
import { fixture, fixtureBytes } from "./helpers.js";

const OPTS = { maxMembers: 1000 };

function read(bytes: Uint8Array, maxMembers = OPTS.maxMembers): Promise<ZipListing> {
  return readZip(new BufferSource(bytes), { maxMembers });
}

function rules(listing: ZipListing): string[] {
  return listing.findings.map((f) => f.ruleId).sort();
}

test("lists a real PyTorch zip from its central directory, data offsets past the padded local headers", async () => {
  const listing = await readZip(fixture("torch_sd_convnet.bin"), OPTS);
  assert.equal(listing.directory, "central");
  assert.deepEqual(listing.findings, []);
  assert.deepEqual(
    listing.entries.map((e) => e.name),
    ["pytorch_model/data.pkl", ...Array.from({ length: 9 }, (_, i) => `pytorch_model/data/${i}`), "pytorch_model/version"],
  );
  assert.ok(listing.entries.every((e) => e.origin === "central" && e.method === 0 && e.flags === 0x808));
  // torch.save aligns data to 64 bytes with an "FB" extra field in the local header only.
  const first = listing.entries[0]!;
  assert.deepEqual([first.localHeaderOffset, first.dataOffset, first.compressedSize], [0, 64, 860]);
  // Each member ends after its 16-byte signed data descriptor, where the next local header starts.
  for (let i = 1; i < listing.entries.length; i++) {
    assert.equal(listing.entries[i]!.localHeaderOffset, listing.entries[i - 1]!.endOffset);
  }
  assert.equal(first.endOffset, 64 + 860 + 16);
});

test("lists TorchScript members in directory order, stored and deflated", async () => {
  const listing = await readZip(fixture("torchscript_traced.pt"), OPTS);
  assert.equal(listing.entries.length, 20);
  assert.equal(listing.entries[0]!.name, "traced/data/0");
  const code = listing.entries.find((e) => e.name === "traced/code/__torch__/tinynets.py")!;
  assert.deepEqual([code.method, code.compressedSize, code.uncompressedSize], [8, 294, 564]);
  assert.deepEqual(listing.findings, []);
});

test("a local header naming the member differently is reported with both names and the header offset", async () => {
  const listing = await readZip(fixture("name_mismatch.zip"), OPTS);
  assert.equal(listing.entries.length, 2, "the member is listed once");
  const entry = listing.entries[0]!;
  assert.equal(entry.name, "archive/data.pkl");
  assert.equal(entry.localName, "archive/evil.pkl");
  assert.deepEqual(rules(listing), ["zip/local-header-mismatch"]);
  const f = listing.findings[0]!;
  assert.deepEqual(f.location, { offset: 0 });
  assert.match(f.message, /"archive\/data\.pkl".*"archive\/evil\.pkl"/);
  assert.match(f.evidence!, /name: central "archive\/data\.pkl", local "archive\/evil\.pkl"/);
});

test("a local entry the central directory does not list is found as a hidden member", async () => {
  const listing = await readZip(fixture("hidden_member.zip"), OPTS);
  assert.deepEqual(
    listing.entries.map((e) => [e.name, e.origin, e.localHeaderOffset]),
    [
      ["archive/data.pkl", "central", 0],
      ["archive/version", "central", 126],
      ["archive/evil.pkl", "hidden", 63],
    ],
  );
  assert.deepEqual(listing.findings, [
    {
      ruleId: "zip/hidden-member",
      message: 'a local file header at offset 63 for "archive/evil.pkl" is not listed in the central directory',
      location: { offset: 63 },
      evidence: "archive/evil.pkl",
    },
  ]);
});

test("a local header claiming more data than the central directory adds the local view of the member", async () => {
  const listing = await readZip(fixture("local_size_mismatch.zip"), OPTS);
  const views = listing.entries.filter((e) => e.name === "model.pkl");
  assert.deepEqual(
    views.map((e) => [e.origin, e.compressedSize]),
    [
      ["central", 17],
      ["local-view", 29],
    ],
  );
  assert.deepEqual(rules(listing), ["zip/local-header-mismatch"], "the bytes only the local view covers are not a hidden member");
  assert.match(listing.findings[0]!.message, /both views were scanned/);
});

test("a PyTorch zip cut inside its central directory is walked by local headers, sizes from the data descriptors", async () => {
  const full = await readZip(fixture("torch_sd_convnet.bin"), OPTS);
  const cut = await readZip(fixture("truncated_torch.zip"), OPTS);
  assert.equal(cut.directory, "local-walk");
  const shape = (l: ZipListing) => l.entries.map((e) => [e.name, e.dataOffset, e.compressedSize, e.crc32, e.endOffset]);
  assert.deepEqual(shape(cut), shape(full));
  assert.ok(cut.entries.every((e) => e.origin === "local-walk"));
  assert.deepEqual(cut.findings.map((f) => [f.ruleId, f.evidence]), [["format/malformed", "E_ZIP_NO_DIRECTORY"]]);
});

test("member data running past the end of the file is clipped and reported at the data offset", async () => {
  const listing = await readZip(fixture("truncated_deflate.zip"), OPTS);
  assert.equal(listing.directory, "local-walk");
  const second = listing.entries[1]!;
  assert.deepEqual([second.name, second.method, second.dataOffset, second.compressedSize], ["second.txt", 8, 92, 20]);
  const clipped = listing.findings.find((f) => f.evidence === "E_ZIP_DATA_TRUNCATED")!;
  assert.deepEqual(clipped.location, { offset: 92 });
  assert.match(clipped.message, /second\.txt.*402 bytes/);
});

test("zip64: saturated sizes and offsets are taken from the zip64 extra fields and end record", async () => {
  const listing = await readZip(fixture("zip64.zip"), OPTS);
  assert.deepEqual(listing.findings, []);
  assert.deepEqual(
    listing.entries.map((e) => [e.name, e.compressedSize, e.uncompressedSize, e.localHeaderOffset, e.dataOffset]),
    [["data/blob.bin", 84, 84, 0, 63]],
  );
});

test("bytes prepended to the archive shift every offset, as Python's zipfile corrects", async () => {
  const listing = await readZip(fixture("prefixed.zip"), OPTS);
  assert.deepEqual(listing.findings, []);
  assert.deepEqual(
    listing.entries.map((e) => [e.name, e.localHeaderOffset]),
    [
      ["archive/data.pkl", 100],
      ["archive/version", 163],
    ],
  );
});

test("an empty archive has no members and no findings", async () => {
  const listing = await readZip(fixture("empty.zip"), OPTS);
  assert.deepEqual([listing.directory, listing.entries.length, listing.findings.length], ["central", 0, 0]);
});

test("the member budget caps the listing and is reported once", async () => {
  const listing = await readZip(fixture("torch_sd_convnet.bin"), { maxMembers: 3 });
  assert.equal(listing.entries.length, 3);
  assert.deepEqual(rules(listing), ["scan/budget-exceeded"]);
  assert.equal(listing.findings[0]!.evidence, "maxMembers=3");
});

test("a central directory offset outside the file falls back to the local walk, reporting code and offset", async () => {
  const bytes = fixtureBytes("bad_crc.zip");
  const eocd = bytes.lastIndexOf(Buffer.from("PK\x05\x06", "latin1"));
  bytes.writeUInt32LE(0x7fff0000, eocd + 16);
  const listing = await read(bytes);
  assert.equal(listing.directory, "local-walk");
  assert.deepEqual(listing.entries.map((e) => e.name), ["payload.pkl", "notes.txt"]);
  const f = listing.findings[0]!;
  assert.deepEqual([f.ruleId, f.evidence, f.location], ["format/malformed", "E_ZIP_DIRECTORY_NOT_FOUND", { offset: 0x7fff0000 }]);
});

test("a broken central record makes the directory unusable: the local walk still finds every member", async () => {
  const bytes = fixtureBytes("hidden_member.zip");
  const second = bytes.indexOf(Buffer.from("PK\x01\x02", "latin1"), bytes.indexOf(Buffer.from("PK\x01\x02", "latin1")) + 1);
  bytes.write("XX", second, "latin1");
  const listing = await read(bytes);
  assert.equal(listing.directory, "local-walk");
  assert.deepEqual(listing.entries.map((e) => e.name), ["archive/data.pkl", "archive/evil.pkl", "archive/version"]);
  const f = listing.findings[0]!;
  assert.deepEqual([f.ruleId, f.evidence, f.location], ["format/malformed", "E_ZIP_BAD_SIGNATURE", { offset: second }]);
});

test("a central entry whose local header is unreadable is reported, and its real header turns up as hidden", async () => {
  const bytes = fixtureBytes("bad_crc.zip");
  const cd = bytes.lastIndexOf(Buffer.from("PK\x01\x02", "latin1")); // notes.txt's record
  const realOffset = bytes.readUInt32LE(cd + 42);
  bytes.writeUInt32LE(1, cd + 42);
  const listing = await read(bytes);
  const unreadable = listing.findings.find((f) => f.ruleId === "format/malformed")!;
  assert.deepEqual([unreadable.evidence, unreadable.location], ["E_ZIP_BAD_SIGNATURE", { offset: 1 }]);
  assert.match(unreadable.message, /notes\.txt/);
  assert.deepEqual(
    listing.entries.map((e) => [e.name, e.origin, e.localHeaderOffset]),
    [
      ["payload.pkl", "central", 0],
      ["notes.txt", "hidden", realOffset],
    ],
  );
});

test("a data descriptor that disagrees with the central directory is reported at its offset", async () => {
  const bytes = fixtureBytes("torch_sd_convnet.bin");
  const descriptor = 64 + 860; // right after data.pkl's data
  assert.equal(bytes.readUInt32LE(descriptor), 0x08074b50);
  bytes.writeUInt32LE(0x12345678, descriptor + 4); // its CRC
  const listing = await read(bytes);
  assert.deepEqual(rules(listing), ["zip/local-header-mismatch"]);
  assert.deepEqual(listing.findings[0]!.location, { offset: descriptor });
  assert.equal(listing.entries.length, 11, "no member is lost, and the descriptor still counts as covered");
});

test("bytes that are not a zip at all are a VouchError with code and offset", async () => {
  await assert.rejects(read(Buffer.from("just some text, no zip records in here at all")), (e: unknown) => {
    assert.ok(e instanceof VouchError);
    assert.deepEqual([e.code, e.offset], ["E_ZIP_NO_MEMBERS", 0]);
    return true;
  });
});

test("lengths read from the file are checked before anything is allocated", async () => {
  // A lone local header claiming a 4 GiB member and a 64 KiB name in a 40-byte file.
  const header = Buffer.alloc(40);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt32LE(0xfffffff0, 18);
  header.writeUInt32LE(0xfffffff0, 22);
  header.writeUInt16LE(0xffff, 26);
  await assert.rejects(read(header), (e: unknown) => e instanceof VouchError && e.code === "E_ZIP_NO_MEMBERS");
  header.writeUInt16LE(4, 26);
  const listing = await read(header);
  assert.deepEqual([listing.entries[0]!.compressedSize, listing.entries[0]!.uncompressedSize], [6, 0xfffffff0]);
  assert.ok(listing.findings.some((f) => f.evidence === "E_ZIP_DATA_TRUNCATED"));
});
