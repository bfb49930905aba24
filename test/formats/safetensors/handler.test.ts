import { test } from "node:test";
import assert from "node:assert/strict";
import { malformed, VouchError } from "../../../src/core/errors.js";
import { BufferSource, OnePassSource, type ByteSource } from "../../../src/core/source.js";
import { problem } from "../../../src/formats/safetensors/entries.js";
import { MAX_REPORTED_ISSUES, safetensorsHandler, sniffSafetensors } from "../../../src/formats/safetensors/handler.js";
import { METADATA_VALUE_LIMIT } from "../../../src/formats/safetensors/summary.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { brief, build, fixture, run } from "./helpers.js";

const sniffBytes = (b: Uint8Array, size = b.length) => sniffSafetensors({ head: b.subarray(0, HEAD_BYTES), size, name: "x" });
const F32x4 = new Uint8Array(16);

/** The code and offset of the VouchError a run threw. */
function thrown(error: unknown): [string, number | undefined] {
  assert.ok(error instanceof VouchError, `expected a VouchError, got ${String(error)}`);
  return [error.code, error.offset];
}

test("sniff: a plausible length followed by '{' (after spaces) is safetensors with confidence 70", () => {
  assert.equal(sniffBytes(fixture("st_mixed_dtypes.safetensors")), 70);
  assert.equal(sniffBytes(build("  {}")), 70);
  // the same header in a head that is only part of a bigger file
  assert.equal(sniffBytes(build({ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }), 1 << 30), 70);
});

test("sniff: everything else is 0, except a `{\"` header behind an impossible binary length (20)", () => {
  assert.equal(sniffBytes(fixture("st_bad_non_json_header.safetensors")), 0, "not '{'");
  assert.equal(sniffBytes(fixture("header_not_object.safetensors")), 0, "'[' is not '{'");
  assert.equal(sniffBytes(build("{}").subarray(0, 9)), 0, "too short to judge");
  assert.equal(sniffBytes(Buffer.from('{"model_type": "llama", "x": {"a": 1}}')), 0, "JSON text");
  assert.equal(sniffBytes(Buffer.from('abcdefgh{"x": 1} some text that goes on')), 0, "text with '{\"' at offset 8");
  const n1 = build("{}");
  n1.set([1, 0, 0, 0, 0, 0, 0, 0], 0); // N = 1 < 2
  assert.equal(sniffBytes(n1), 0);
  assert.equal(sniffBytes(fixture("st_bad_header_len_beyond_file.safetensors")), 20);
  assert.equal(sniffBytes(fixture("header_len_2_63.safetensors")), 20);
  assert.equal(sniffBytes(new Uint8Array(0)), 0);
});

test("valid corpus files: no findings and the BOM metadata", async () => {
  const { ctx, error } = await run(fixture("st_mixed_dtypes.safetensors"));
  assert.equal(error, undefined);
  assert.deepEqual(ctx.findings, []);
  assert.equal(ctx.incomplete, false);
  assert.deepEqual(ctx.metadata, {
    safetensors: {
      tensors: 9,
      parameters: 81,
      dtypes: { BF16: 1, BOOL: 1, F16: 1, F64: 1, I16: 1, I32: 1, I64: 1, I8: 1, U8: 1 },
      metadata: { format: "pt", note: "mixed dtypes" },
      headerBytes: 608,
    },
  });
  const edge = await run(fixture("st_edge_shapes.safetensors"));
  assert.deepEqual([edge.error, edge.ctx.findings], [undefined, []], "zero-size tensor and scalar are valid");
  assert.deepEqual(edge.ctx.metadata.safetensors, { tensors: 3, parameters: 4, dtypes: { F32: 3 }, metadata: { format: "pt" }, headerBytes: 208 });
});

test("sub-byte dtypes count bits: F4 [2,3] and F6_E2M3 [4] are 3 bytes each; F4 [3] is not whole bytes", async () => {
  const ok = await run(fixture("valid_subbyte.safetensors"));
  assert.deepEqual([ok.error, ok.ctx.findings], [undefined, []]);
  assert.deepEqual(ok.ctx.metadata.safetensors, { tensors: 2, parameters: 10, dtypes: { F4: 1, F6_E2M3: 1 }, metadata: {}, headerBytes: 120 });
  const odd = await run(build({ x: { dtype: "F4", shape: [3], data_offsets: [0, 2] } }, new Uint8Array(2)));
  assert.deepEqual(brief(odd.ctx), [
    ["format/malformed", "low", 9, 'E_SAFETENSORS_SIZE_MISMATCH: tensor "x" has 3 F4 elements, which do not fill whole bytes (offset 9)'],
  ]);
});

test("fatal header problems throw a VouchError with the code and the byte offset", async () => {
  const cases: [string, string, number][] = [
    ["st_bad_header_len_beyond_file.safetensors", "E_SAFETENSORS_HEADER_LENGTH", 0],
    ["header_len_2_63.safetensors", "E_SAFETENSORS_HEADER_TOO_LARGE", 0],
    ["st_bad_non_json_header.safetensors", "E_SAFETENSORS_JSON", 8],
    ["dup_tensor_key.safetensors", "E_SAFETENSORS_DUPLICATE_KEY", 63],
    ["dup_escaped_key.safetensors", "E_SAFETENSORS_DUPLICATE_KEY", 62],
    ["depth_bomb.safetensors", "E_SAFETENSORS_DEPTH", 44],
    ["header_not_object.safetensors", "E_SAFETENSORS_NOT_OBJECT", 8],
  ];
  for (const [name, code, offset] of cases) {
    const { ctx, error } = await run(fixture(name));
    assert.deepEqual(thrown(error), [code, offset], name);
    assert.deepEqual(ctx.findings, [], `${name}: nothing reported before the throw`);
  }
  assert.deepEqual(thrown((await run(new Uint8Array(5))).error), ["E_SAFETENSORS_TOO_SMALL", 0]);
  assert.deepEqual(thrown((await run(build("{}").subarray(0, 7))).error), ["E_SAFETENSORS_TOO_SMALL", 0]);
  const short = build("{}");
  short.set([1, 0, 0, 0, 0, 0, 0, 0], 0);
  assert.deepEqual(thrown((await run(short)).error), ["E_SAFETENSORS_HEADER_LENGTH", 0]);
});

test("each entry-level problem is its own format/malformed finding, located at the entry or value", async () => {
  const cases: [string, [string, string, number, string][]][] = [
    ["st_bad_missing_field.safetensors", [["format/malformed", "low", 105, 'E_SAFETENSORS_TENSOR: tensor "b" lacks shape (offset 105)']]],
    ["st_bad_shape_size_mismatch.safetensors", [
      ["format/malformed", "low", 43, 'E_SAFETENSORS_SIZE_MISMATCH: tensor "a" of shape [3, 3] and dtype F32 needs 36 bytes but its data_offsets span 16 (offset 43)'],
    ]],
    ["bad_shapes.safetensors", [
      ["format/malformed", "low", 38, 'E_SAFETENSORS_SHAPE: tensor "neg" has a shape dimension -1, not a non-negative integer (offset 38)'],
      ["format/malformed", "low", 97, 'E_SAFETENSORS_SHAPE: tensor "flt" has a shape dimension 2.5, not a non-negative integer (offset 97)'],
    ]],
    ["unknown_dtype.safetensors", [["format/malformed", "low", 76, 'E_SAFETENSORS_DTYPE: tensor "q" has dtype "Q4_K", which the format does not define (offset 76)']]],
    ["metadata_non_string.safetensors", [
      ["format/malformed", "low", 48, 'E_SAFETENSORS_METADATA: __metadata__ value of "epochs" is a JSON number, not a string (offset 48)'],
      ["format/malformed", "low", 58, 'E_SAFETENSORS_METADATA: __metadata__ value of "extra" is a JSON object, not a string (offset 58)'],
    ]],
    ["gap_between_tensors.safetensors", [["format/malformed", "low", 136, 'E_SAFETENSORS_GAP: data bytes [16, 24) before tensor "b" belong to no tensor (offset 136)']]],
    ["offsets_beyond_data.safetensors", [["format/malformed", "low", 110, 'E_SAFETENSORS_OFFSETS: tensor "b" has data_offsets [16, 64] beyond the 32-byte data section (offset 110)']]],
    ["st_bad_overlapping_offsets.safetensors", [
      ["format/malformed", "low", 105, 'E_SAFETENSORS_OVERLAP: tensor "b" [8, 24] overlaps tensor "a" [0, 16] (offset 105)'],
      ["safetensors/trailing-bytes", "medium", 190, "8 bytes after the last tensor's data belong to no tensor"],
    ]],
  ];
  for (const [name, expected] of cases) {
    const { ctx, error } = await run(fixture(name));
    assert.equal(error, undefined, name);
    assert.deepEqual(brief(ctx), expected, name);
    assert.equal(ctx.incomplete, true, `${name}: a malformed finding makes the artifact incomplete`);
  }
});

test("trailing bytes and unknown keys are findings of their own rules, not malformed", async () => {
  const trailing = await run(fixture("trailing_bytes.safetensors"));
  assert.deepEqual(brief(trailing.ctx), [["safetensors/trailing-bytes", "medium", 184, "16 bytes after the last tensor's data belong to no tensor"]]);
  assert.equal(trailing.ctx.incomplete, false);
  const unknown = await run(fixture("unknown_key.safetensors"));
  assert.deepEqual(unknown.ctx.findings, [{
    ruleId: "safetensors/unknown-key",
    severity: "low",
    message: 'tensor "a" has the unknown key "comment", which loaders ignore',
    location: { offset: 62 },
    evidence: "comment",
  }]);
  assert.equal(unknown.ctx.incomplete, false);
});

test("edge layouts: any listing order, data without tensors, no or null metadata", async () => {
  const shuffled = build({ b: { dtype: "F32", shape: [4], data_offsets: [16, 32] }, e: { dtype: "F32", shape: [0], data_offsets: [32, 32] }, a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, new Uint8Array(32));
  assert.deepEqual(brief((await run(shuffled)).ctx), []);
  assert.deepEqual(brief((await run(build({}, new Uint8Array(4)))).ctx), [["safetensors/trailing-bytes", "medium", 16, "4 bytes after the last tensor's data belong to no tensor"]]);
  assert.deepEqual(brief((await run(build({ __metadata__: {} }))).ctx), []);
  assert.deepEqual(brief((await run(build({ __metadata__: null }))).ctx), [], "null metadata is absent metadata, as in the reference loader");
  assert.deepEqual(brief((await run(build({ __metadata__: ["pt"] }))).ctx), [
    ["format/malformed", "low", 24, "E_SAFETENSORS_METADATA: __metadata__ is a JSON array, not an object of strings (offset 24)"],
  ]);
  const gapFirst = build({ a: { dtype: "F32", shape: [4], data_offsets: [4, 20] } }, new Uint8Array(20));
  assert.deepEqual(brief((await run(gapFirst)).ctx), [["format/malformed", "low", 64, 'E_SAFETENSORS_GAP: data bytes [0, 4) before tensor "a" belong to no tensor (offset 64)']]);
});

test("entry shapes: non-objects, missing and malformed fields, offsets that run backwards", async () => {
  const r = await run(build({
    s: "not an entry",
    m: { dtype: "F32" },
    o: { dtype: 7, shape: [1], data_offsets: [8, 4] },
    p: { dtype: "F32", shape: [2 ** 53], data_offsets: [0] },
  }, new Uint8Array(8)));
  assert.deepEqual(brief(r.ctx).map(([rule, , , m]) => [rule, m.replace(/ \(offset \d+\)$/, "")]), [
    ["format/malformed", 'E_SAFETENSORS_TENSOR: tensor "s" is a JSON string, not an object'],
    ["format/malformed", 'E_SAFETENSORS_TENSOR: tensor "m" lacks shape, data_offsets'],
    ["format/malformed", 'E_SAFETENSORS_DTYPE: tensor "o" has dtype a JSON number, which the format does not define'],
    ["format/malformed", 'E_SAFETENSORS_OFFSETS: tensor "o" has data_offsets [8, 4] that begin after they end'],
    ["format/malformed", 'E_SAFETENSORS_SHAPE: tensor "p" has a shape dimension 9007199254740992 past 2^53 - 1, the largest exact integer'],
    ["format/malformed", 'E_SAFETENSORS_OFFSETS: tensor "p" has data_offsets that are not a [start, end] pair'],
    ["safetensors/trailing-bytes", "8 bytes after the last tensor's data belong to no tensor"],
  ]);
  assert.equal((r.ctx.metadata.safetensors as { tensors: number }).tensors, 4);
});

test("names that are Object.prototype members are plain names, in dtypes and in metadata", async () => {
  const r = await run(build({ __metadata__: { ["__proto__"]: "x", constructor: "y" }, a: { dtype: "constructor", shape: [0], data_offsets: [0, 0] } }));
  assert.deepEqual(brief(r.ctx).map((f) => f[0]), ["format/malformed"]);
  const meta = (r.ctx.metadata.safetensors as { metadata: Record<string, string> }).metadata;
  assert.deepEqual(Object.keys(meta), ["__proto__", "constructor"]);
  assert.equal(Object.getPrototypeOf(meta), Object.prototype);
});

test("metadata values over 1 KiB are cut on a character boundary; parameters past 2^53 become a string", async () => {
  const long = "é".repeat(METADATA_VALUE_LIMIT); // 2048 UTF-8 bytes
  const huge = [1 << 26, 1 << 26, 4]; // 2^54 elements: the data cannot exist, so it is also a size mismatch
  const r = await run(build({ __metadata__: { long, short: "ok" }, big: { dtype: "F32", shape: huge, data_offsets: [0, 0] } }));
  const s = r.ctx.metadata.safetensors as { parameters: unknown; metadata: Record<string, string> };
  assert.equal(s.parameters, "18014398509481984");
  assert.equal(s.metadata.short, "ok");
  assert.equal(s.metadata.long, `${"é".repeat(512)}… [2048 bytes, truncated]`);
  assert.deepEqual(brief(r.ctx).map((f) => f[3].split(":")[0]), ["E_SAFETENSORS_SIZE_MISMATCH"]);
});

test("a header with thousands of bad entries reports at most 100 per rule plus one summary", async () => {
  const header: Record<string, object> = {};
  for (let i = 0; i < 1000; i++) header[`t${i}`] = { dtype: "F32", shape: [0], data_offsets: [0, 0], extra: i };
  const r = await run(build(header));
  assert.equal(r.ctx.findings.filter((f) => f.ruleId === "safetensors/unknown-key").length, MAX_REPORTED_ISSUES + 1);
  assert.equal(r.ctx.findings.length, MAX_REPORTED_ISSUES + 1);
  assert.equal(r.ctx.findings.at(-1)?.message, "900 more findings of this kind are not listed");
  assert.equal((r.ctx.metadata.safetensors as { tensors: number }).tensors, 1000);
});

/** A source that records every read, to prove the handler touches the header only. */
class SpySource implements ByteSource {
  readonly reads: [number, number][] = [];
  streamed = false;
  constructor(private readonly inner: BufferSource) {}
  get size() {
    return this.inner.size;
  }
  read(offset: number, length: number) {
    this.reads.push([offset, length]);
    return this.inner.read(offset, length);
  }
  stream(start?: number, end?: number) {
    this.streamed = true;
    return this.inner.stream(start, end);
  }
}

test("only the length and the header are read, with positioned reads; the tensor data never is", async () => {
  const bytes = build({ a: { dtype: "F32", shape: [1024], data_offsets: [0, 4096] } }, new Uint8Array(4096));
  const spy = new SpySource(new BufferSource(bytes));
  const { error } = await run(spy);
  assert.equal(error, undefined);
  assert.equal(spy.streamed, false);
  const headerEnd = 8 + Number(Buffer.from(bytes).readBigUInt64LE(0));
  for (const [offset, length] of spy.reads) assert.ok(offset + length <= headerEnd, `read [${offset}, +${length}) goes past the header`);
  assert.equal(safetensorsHandler.access, "random");
});

test("a source whose size is not known up front (a decompressed member) is measured by streaming", async () => {
  const bytes = fixture("st_shard2.safetensors");
  const chunks = async function* () {
    for (let i = 0; i < bytes.length; i += 100) yield bytes.subarray(i, i + 100);
  };
  const source = new OnePassSource(undefined, chunks(), chunks);
  assert.equal(source.sizeKnown, false);
  const { ctx, error } = await run(source);
  assert.equal(error, undefined);
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.metadata.safetensors, { tensors: 5, parameters: 62, dtypes: { F32: 4, I64: 1 }, metadata: { format: "pt" }, headerBytes: 376 });
});

test("collected problems are worded exactly as a thrown VouchError would be", () => {
  const issue = problem("E_SAFETENSORS_GAP", "a message", 42);
  assert.equal(issue.message, malformed("E_SAFETENSORS_GAP", "a message", 42).describe());
});
