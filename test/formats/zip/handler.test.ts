import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import { BufferSource, type ByteSource } from "../../../src/core/source.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { zipHandler } from "../../../src/formats/zip/handler.js";
import { fixture, fixtureBytes, findingsOf, readingContext, ruleIds } from "./helpers.js";

const PICKLE = Buffer.from("80027d710058010000006171014b01732e", "hex"); // the generator's inert {'a': 1}

function sniff(bytes: Uint8Array): number {
  return zipHandler.sniff({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name: "whatever.bin" });
}

test("sniffs local-header and empty-archive signatures only", () => {
  assert.equal(sniff(fixtureBytes("torch_sd_convnet.bin")), 60);
  assert.equal(sniff(fixtureBytes("empty.zip")), 60);
  assert.equal(sniff(PICKLE), 0);
  assert.equal(sniff(Buffer.from("PK")), 0);
  assert.equal(sniff(fixtureBytes("prefixed.zip")), 0, "a zip behind a stub is not claimed from its head");
  assert.deepEqual([zipHandler.id, zipHandler.access], ["zip", "random"]);
});

test("a PyTorch zip: data.pkl and version are sniffed, tensor storage is recorded as raw data, metadata set", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("torch_sd_convnet.bin"), ctx), "pytorch-zip");
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(
    ctx.scanned.map((m) => [m.name, m.format]),
    [
      ["pytorch_model/data.pkl", undefined],
      ...Array.from({ length: 9 }, (_, i) => [`pytorch_model/data/${i}`, "raw-tensor-data"]),
      ["pytorch_model/version", undefined],
    ],
  );
  assert.equal(ctx.scanned[0]!.content.length, 860);
  assert.deepEqual(ctx.metadata.zip, { members: 11, totalUncompressed: 2074, pickles: ["pytorch_model/data.pkl"] });
  assert.deepEqual(ctx.metadata.pytorch, { folder: "pytorch_model", version: "3" });
});

test("the PyTorch folder name comes from the archive, not from a fixed list", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("torch_checkpoint.ckpt"), ctx), "pytorch-zip");
  assert.equal((ctx.metadata.pytorch as { folder: string }).folder, "checkpoint");
  assert.ok(ctx.scanned.filter((m) => m.name.startsWith("checkpoint/data/")).every((m) => m.format === "raw-tensor-data"));
});

test("PyTorch zips rewritten by Python's zipfile (payload injected into data.pkl) are read the same way", async () => {
  for (const [name, folder] of [
    ["torchzip_inject_exec.pt", "weights"],
    ["torchzip_inject_prefix.bin", "pytorch_model"],
  ] as const) {
    const ctx = readingContext();
    assert.equal(await zipHandler.scan(fixture(name), ctx), "pytorch-zip", name);
    assert.deepEqual(ctx.findings, [], "structurally clean: the payload is the pickle scanner's to find");
    const pickle = ctx.scanned.find((m) => m.name === `${folder}/data.pkl`)!;
    assert.equal(pickle.format, undefined, "data.pkl goes through sniffing");
    assert.equal(pickle.content[0], 0x80, "and starts with a pickle PROTO opcode");
  }
});

test("TorchScript: code/ members are inflated and sniffed, constants.pkl is listed with the pickles", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("torchscript_traced.pt"), ctx), "torchscript-zip");
  assert.deepEqual(ctx.findings, [], "every CRC, stored and deflated, checks out");
  const code = ctx.scanned.find((m) => m.name === "traced/code/__torch__/tinynets.py")!;
  assert.equal(code.format, undefined);
  assert.equal(code.content.length, 564);
  assert.match(code.content.toString("utf8"), /class/);
  assert.deepEqual((ctx.metadata.zip as { pickles: string[] }).pickles.filter((p) => !p.endsWith(".debug_pkl")), [
    "traced/data.pkl",
    "traced/constants.pkl",
  ]);
  assert.equal(ctx.scanned.filter((m) => m.format === "raw-tensor-data").length, 9);
});

test("npz and Keras 3 archives are refined from their member set, every member still scanned", async () => {
  const npz = readingContext();
  assert.equal(await zipHandler.scan(fixture("npz_compressed.npz"), npz), "numpy-npz");
  assert.deepEqual(npz.scanned.map((m) => [m.name, m.format, m.content.subarray(0, 6).toString("latin1")]), [
    ["arr_0.npy", undefined, "\x93NUMPY"],
    ["arr_1.npy", undefined, "\x93NUMPY"],
  ]);
  const payload = readingContext();
  assert.equal(await zipHandler.scan(fixture("npz_object_payload.npz"), payload), "numpy-npz");
  assert.deepEqual(payload.scanned.map((m) => m.name), ["weights.npy", "meta.npy"]);
  const keras = readingContext();
  assert.equal(await zipHandler.scan(fixture("keras3_dense2.keras"), keras), "keras-v3-zip");
  assert.deepEqual(keras.scanned.map((m) => [m.name, m.content.length]), [
    ["metadata.json", 63],
    ["config.json", 2201],
    ["model.weights.h5", 13768],
  ]);
});

test("a plain zip keeps the handler's own id", async () => {
  assert.equal(await zipHandler.scan(fixture("path_traversal.zip"), readingContext()), undefined);
});

test("a CRC mismatch is reported for the member the scanner read, and the member is still scanned", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("bad_crc.zip"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["payload.pkl", "notes.txt"]);
  assert.deepEqual(ctx.scanned[0]!.content, PICKLE);
  assert.deepEqual(ruleIds(ctx), ["zip/crc-mismatch"]);
  const f = ctx.findings[0]!;
  assert.deepEqual(f.location, { member: "payload.pkl" });
  assert.equal(f.evidence, `expected=0xdeadbeef actual=0x${crc32(PICKLE).toString(16).padStart(8, "0")}`);
});

test("the CRC is only judged when the scanner read the whole member", async () => {
  const ctx = readingContext({ readMember: async (s) => Buffer.from(await s.read(0, 4)) });
  await zipHandler.scan(fixture("bad_crc.zip"), ctx);
  assert.deepEqual(ctx.findings, []);
});

test("tensor storage is never read for a CRC; the pickle next to it is", async () => {
  const bytes = fixtureBytes("torch_sd_convnet.bin");
  bytes[1024] ^= 0xff; // first byte of pytorch_model/data/0
  bytes[64 + 100] ^= 0xff; // a byte inside pytorch_model/data.pkl
  const ctx = readingContext();
  await zipHandler.scan(new BufferSource(bytes), ctx);
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.location.member]), [["zip/crc-mismatch", "pytorch_model/data.pkl"]]);
});

test("a member whose local header has another name is scanned once, under the central name; the finding names both", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("name_mismatch.zip"), ctx), "pytorch-zip");
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["archive/data.pkl", "archive/version"]);
  const [f] = findingsOf(ctx, "zip/local-header-mismatch");
  assert.match(f!.message, /archive\/data\.pkl.*archive\/evil\.pkl/);
  assert.equal(f!.severity, "medium");
  assert.deepEqual(ruleIds(ctx), ["zip/local-header-mismatch"]);
});

test("a hidden member is reported (high) and scanned like any other", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("hidden_member.zip"), ctx), "pytorch-zip");
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.format]), [
    ["archive/data.pkl", undefined],
    ["archive/version", undefined],
    ["archive/evil.pkl", undefined],
  ]);
  assert.deepEqual(ctx.scanned[2]!.content, PICKLE);
  const [f] = findingsOf(ctx, "zip/hidden-member");
  assert.deepEqual([f!.severity, f!.location], ["high", { offset: 63 }]);
  assert.deepEqual((ctx.metadata.zip as { pickles: string[] }).pickles, ["archive/data.pkl", "archive/evil.pkl"]);
});

test("when the local header claims more bytes, both views of the member are scanned", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("local_size_mismatch.zip"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content.length]), [
    ["model.pkl", 17],
    ["model.pkl", 29],
    ["after.txt", 11],
  ]);
  assert.equal(ctx.scanned[1]!.content.subarray(17).toString("latin1"), "EXTRA-BYTES!");
  assert.deepEqual(ruleIds(ctx), ["zip/local-header-mismatch"], "each view matches its own header's CRC");
});

test("names with '..' segments or absolute paths are path traversal, look-alikes are not", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("path_traversal.zip"), ctx);
  assert.deepEqual(findingsOf(ctx, "zip/path-traversal").map((f) => [f.location.member, f.severity]), [
    ["../../evil.pkl", "high"],
    ["/abs/evil.txt", "high"],
  ]);
  assert.equal(ctx.scanned.length, 4, "every member is still scanned");
});

test("an encrypted member is reported and not scanned; the scan is incomplete", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("encrypted_flag.zip"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["readme.txt"]);
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.location.member]), [["zip/encrypted", "secret.pkl"]]);
  assert.ok(ctx.incomplete);
});

test("an unsupported compression method is reported and not scanned", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("unsupported_method.zip"), ctx);
  assert.deepEqual(ctx.scanned, []);
  const [f] = ctx.findings;
  assert.deepEqual([f!.ruleId, f!.location.member, f!.evidence], ["zip/unsupported-compression", "model.pkl", "method=12 flags=0x0"]);
  assert.ok(ctx.incomplete);
});

test("a deflate bomb stops at the ratio budget past 1 MiB; the next member is still scanned", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("deflate_bomb.zip"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => m.name), ["small.txt"], "the bomb's scanner was stopped");
  assert.equal(ctx.scanned[0]!.content.toString(), "after the bomb\n");
  const [f] = ctx.findings;
  assert.equal(f!.ruleId, "compression/budget-exceeded");
  assert.equal(f!.location.member, "bomb.bin");
  assert.ok(f!.location.offset! > 1 << 20 && f!.location.offset! < 2 << 20, `stopped early, at ${f!.location.offset}`);
  assert.match(f!.message, /expansion ratio.*1000:1/);
  assert.ok(ctx.incomplete);
});

test("the same bomb passes a generous ratio budget and then stops at the expanded-bytes budget", async () => {
  const generous = readingContext({ budgets: { maxRatio: 5000 } });
  await zipHandler.scan(fixture("deflate_bomb.zip"), generous);
  assert.deepEqual(generous.findings, [], "16 MiB of zeros with a correct CRC");
  assert.equal(generous.scanned[0]!.content.length, 16 << 20);

  const capped = readingContext({ budgets: { maxRatio: 5000, maxExpandedBytes: 4 << 20 } });
  await zipHandler.scan(fixture("deflate_bomb.zip"), capped);
  const [f] = capped.findings;
  assert.equal(f!.ruleId, "compression/budget-exceeded");
  assert.match(f!.message, /bytes expanded/);
  assert.ok(f!.location.offset! > 4 << 20 && f!.location.offset! < 5 << 20);
});

test("once the expansion budget ran out, later compressed members are not opened, and that is reported once", async () => {
  const ctx = readingContext({ budgets: { maxExpandedBytes: 1000 } });
  await zipHandler.scan(fixture("torchscript_traced.pt"), ctx);
  const budget = findingsOf(ctx, "compression/budget-exceeded");
  assert.equal(budget.length, 2);
  assert.equal(budget[0]!.location.member, "traced/code/__torch__/tinynets.py.debug_pkl");
  assert.match(budget[1]!.message, /^6 compressed member\(s\) were not scanned/);
  assert.ok(ctx.scanned.some((m) => m.name === "traced/constants.pkl"), "stored members are still scanned");
});

test("corrupt deflate data ends the member where it broke and is reported, without a CRC finding", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("corrupt_deflate.zip"), ctx);
  assert.deepEqual(ctx.scanned.map((m) => [m.name, m.content.length]), [["text.txt", 0]]);
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.location, f.evidence]), [
    ["format/malformed", { member: "text.txt", offset: 0 }, "Z_DATA_ERROR"],
  ]);
});

test("a truncated PyTorch zip is still recognised and scanned from its local headers, and is incomplete", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("truncated_torch.zip"), ctx), "pytorch-zip");
  assert.equal(ctx.scanned.length, 11);
  assert.equal(ctx.scanned[0]!.content.length, 860);
  assert.deepEqual(ruleIds(ctx), ["format/malformed"]);
  assert.ok(ctx.incomplete);
});

test("a deflated member cut short is scanned up to the cut", async () => {
  const ctx = readingContext();
  await zipHandler.scan(fixture("truncated_deflate.zip"), ctx);
  const second = ctx.scanned.find((m) => m.name === "second.txt")!;
  assert.ok(second.content.length < 16384);
  assert.deepEqual(second.content, Buffer.from(Array.from({ length: second.content.length }, (_, i) => i % 256)));
  assert.ok(findingsOf(ctx, "format/malformed").some((f) => f.evidence === "Z_BUF_ERROR" && f.location.member === "second.txt"));
});

test("zip64 and prefixed archives expose the right bytes", async () => {
  const z64 = readingContext();
  await zipHandler.scan(fixture("zip64.zip"), z64);
  assert.deepEqual(z64.scanned.map((m) => m.content.toString()), ["zip64 member content\n".repeat(4)]);
  assert.deepEqual(z64.findings, []);
  const prefixed = readingContext();
  assert.equal(await zipHandler.scan(fixture("prefixed.zip"), prefixed), "pytorch-zip");
  assert.deepEqual(prefixed.scanned[0]!.content, PICKLE);
  assert.deepEqual(prefixed.findings, []);
});

test("a source whose size is not known yet (a decompressed stream) is measured first, then read as usual", async () => {
  const inner = fixture("torch_sd_convnet.bin");
  const unsized: ByteSource = {
    size: Number.MAX_SAFE_INTEGER,
    sizeKnown: false,
    read: (offset, length) => inner.read(offset, length),
    stream: (start, end) => inner.stream(start, Math.min(end ?? inner.size, inner.size)),
  };
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(unsized, ctx), "pytorch-zip");
  assert.deepEqual(ctx.findings, []);
  assert.equal(ctx.scanned.length, 11);
});

test("an empty archive scans to nothing", async () => {
  const ctx = readingContext();
  assert.equal(await zipHandler.scan(fixture("empty.zip"), ctx), undefined);
  assert.deepEqual([ctx.scanned.length, ctx.findings.length], [0, 0]);
  assert.deepEqual(ctx.metadata.zip, { members: 0, totalUncompressed: 0, pickles: [] });
});

test("inside another container, member locations are prefixed with the zip's own path", async () => {
  const ctx = readingContext({ memberPath: "bundle.tar/model.zip" });
  await zipHandler.scan(fixture("path_traversal.zip"), ctx);
  assert.deepEqual(findingsOf(ctx, "zip/path-traversal").map((f) => f.location.member), [
    "bundle.tar/model.zip/../../evil.pkl",
    "bundle.tar/model.zip//abs/evil.txt",
  ]);
  const hidden = readingContext({ memberPath: "bundle.tar/model.zip" });
  await zipHandler.scan(fixture("hidden_member.zip"), hidden);
  assert.deepEqual(findingsOf(hidden, "zip/hidden-member")[0]!.location, { offset: 63, member: "bundle.tar/model.zip" });
});
