/**
 * The wire-level walker: it decodes what protobufjs encodes, skips payloads without reading them, and
 * rejects every malformation (overruns, over-long varints, groups, bad tags, deep nesting) with a
 * VouchError at the right offset.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource, type ByteSource } from "../../../src/core/source.js";
import { ProtoReader, WIRE, asInt64, parseHead, type Field, type Span } from "../../../src/formats/protobuf/index.js";

const SCHEMA = `syntax = "proto3";
message Inner { string text = 1; }
message Sample { int64 count = 1; fixed64 big = 2; bytes blob = 3; float ratio = 4; repeated int64 dims = 5; Inner inner = 6; }`;
const Sample = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType("Sample");

async function fieldsOf(bytes: Uint8Array, span?: Span): Promise<Field[]> {
  const r = new ProtoReader(new BufferSource(bytes));
  const out: Field[] = [];
  for await (const f of r.fields(span ?? r.root())) out.push(f);
  return out;
}

/** Resolves to the VouchError code (and offset) a walk of every nested length-delimited field throws. */
async function walkError(bytes: Uint8Array, maxDepth?: number): Promise<{ code: string; offset?: number }> {
  const r = new ProtoReader(new BufferSource(bytes), { maxDepth });
  const walk = async (span: Span): Promise<void> => {
    for await (const f of r.fields(span)) if (f.wire === WIRE.len && f.end > f.start) await walk(r.message(f));
  };
  try {
    await walk(r.root());
  } catch (e) {
    assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
    return { code: e.code, offset: e.offset };
  }
  assert.fail("expected the walk to throw");
}

test("decodes every wire type protobufjs writes, with values and offsets", async () => {
  const bytes = Sample.encode(Sample.fromObject({ count: -5, big: "18446744073709551615", blob: Buffer.from("xyz"), ratio: 1.5, dims: [2, 300], inner: { text: "hi" } })).finish();
  const fields = await fieldsOf(bytes);
  assert.deepEqual(fields.map((f) => [f.no, f.wire]), [[1, 0], [2, 1], [3, 2], [4, 5], [5, 2], [6, 2]]);
  assert.equal(asInt64(fields[0].value), -5n, "negative int64 is a 10-byte varint");
  assert.equal(fields[0].end - fields[0].start, 10);
  assert.equal(fields[1].value, 2n ** 64n - 1n);
  assert.deepEqual([fields[2].start, fields[2].end], [22, 25]);
  assert.equal(fields[3].value, 0x3fc00000n, "the float's bits");
  const r = new ProtoReader(new BufferSource(bytes));
  assert.deepEqual((await r.varints(fields[4], 10)).values, [2n, 300n], "packed varints");
  assert.deepEqual(await r.varints(fields[4], 1), { values: [2n], more: true }, "capped");
  assert.equal(await r.string(fields[2]), "xyz");
  assert.equal(await r.string(fields[2], 2), "xy…", "cut strings are marked");
  const inner = await fieldsOf(bytes, r.message(fields[5]));
  assert.equal(await r.string(inner[0]), "hi");
});

/** A source that records which bytes were read, to prove payloads are skipped. */
class CountingSource implements ByteSource {
  readBytes = 0;
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.readBytes += Math.min(length, this.size - offset);
    return this.inner.read(offset, length);
  }
  stream(start?: number, end?: number): AsyncIterable<Uint8Array> {
    return this.inner.stream(start, end);
  }
}

test("a large length-delimited payload is skipped by offset, not read", async () => {
  const bytes = Sample.encode(Sample.fromObject({ count: 1, blob: Buffer.alloc(4 << 20, 7), ratio: 2 })).finish();
  const source = new CountingSource(new BufferSource(bytes));
  const r = new ProtoReader(source);
  const seen: number[] = [];
  for await (const f of r.fields(r.root())) seen.push(f.no);
  assert.deepEqual(seen, [1, 3, 4]);
  assert.ok(source.readBytes <= 2 * 64 * 1024, `read ${source.readBytes} bytes of ${bytes.length}`);
});

test("malformed wire data is rejected with a code and the offset of the bad field", async () => {
  const cases: [string, number[], string, number][] = [
    ["length past the message end", [0x08, 0x01, 0x1a, 0x05, 0x61], "E_PROTOBUF_LENGTH", 2],
    ["length of 2^32", [0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00], "E_PROTOBUF_LENGTH", 0],
    ["over-long varint", [0x08, ...Array(10).fill(0xff), 0x01], "E_PROTOBUF_VARINT", 1],
    ["tenth varint byte over 1", [0x08, ...Array(9).fill(0x80), 0x02], "E_PROTOBUF_VARINT", 1],
    ["start group", [0x08, 0x01, 0x0b], "E_PROTOBUF_GROUP", 2],
    ["end group", [0x0c], "E_PROTOBUF_GROUP", 0],
    ["wire type 7", [0x0f], "E_PROTOBUF_WIRETYPE", 0],
    ["field number 0", [0x00, 0x01], "E_PROTOBUF_FIELD", 0],
    ["varint cut by the end", [0x08, 0x80], "E_PROTOBUF_TRUNCATED", 1],
    ["fixed64 cut by the end", [0x11, 1, 2, 3], "E_PROTOBUF_LENGTH", 0],
    ["nested length past its parent", [0x32, 0x02, 0x0a, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65], "E_PROTOBUF_LENGTH", 2],
  ];
  for (const [what, bytes, code, offset] of cases) {
    assert.deepEqual(await walkError(Uint8Array.from(bytes)), { code, offset }, what);
  }
});

test("nesting past the cap is rejected", async () => {
  let msg = Uint8Array.from([0x08, 0x01]);
  for (let i = 0; i < 100; i++) msg = Uint8Array.from([0x0a, ...varintBytes(msg.length), ...msg]);
  const { code } = await walkError(msg, 64);
  assert.equal(code, "E_PROTOBUF_DEPTH");
});

test("a file that shrinks under the reader is reported as truncated", async () => {
  const bytes = Sample.encode(Sample.fromObject({ blob: Buffer.alloc(100, 1) })).finish();
  const lying: ByteSource = { size: bytes.length + 50, read: async (o, n) => bytes.subarray(o, Math.min(bytes.length, o + n)), stream: () => new BufferSource(bytes).stream() };
  const r = new ProtoReader(lying);
  await assert.rejects(async () => {
    for await (const f of r.fields(r.root())) void f;
  }, (e: unknown) => e instanceof VouchError && (e.code === "E_PROTOBUF_TRUNCATED" || e.code === "E_PROTOBUF_LENGTH"));
});

test("head parsing: complete, cut by the head, invalid", () => {
  const bytes = Sample.encode(Sample.fromObject({ count: 3, blob: Buffer.alloc(50, 1) })).finish();
  assert.equal(parseHead(bytes, 0, bytes.length).status, "complete");
  const cut = parseHead(bytes.subarray(0, 10), 0, bytes.length);
  assert.equal(cut.status, "cut");
  assert.deepEqual(cut.fields.map((f) => [f.no, f.cut]), [[1, false], [3, true]]);
  assert.equal(parseHead(Uint8Array.from([0x0b]), 0, 1).status, "invalid");
  assert.equal(parseHead(Uint8Array.from([0x1a, 0x7f]), 0, 2).status, "invalid", "a length past the file end");
});

function varintBytes(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
