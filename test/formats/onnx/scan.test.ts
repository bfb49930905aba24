/**
 * End to end through `scan()`, and the memory promise: a model whose tensor data runs to gigabytes is
 * walked with a few small reads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { scan } from "../../../src/index.js";
import type { ByteSource } from "../../../src/core/source.js";
import { onnxHandler } from "../../../src/formats/onnx/handler.js";
import { makeTestContext } from "../../support/context.js";
import { FIXTURES } from "./helpers.js";

test("scan() over the fixture folder: verdicts, formats, and the data files claimed as raw tensor data", async () => {
  const report = await scan([FIXTURES]);
  // the generator script and the README are other formats' business
  const got = Object.fromEntries(report.artifacts.filter((a) => !/\.(py|md)$/.test(a.path)).map((a) => [a.path, [a.format, a.verdict]]));
  assert.deepEqual(got, {
    "control_flow.onnx": ["onnx", "clean"],
    "custom_domain.onnx": ["onnx", "suspicious"],
    "deep_nesting.onnx": ["onnx", "error"],
    "external_missing/model.onnx": ["onnx", "clean"],
    "external_ok/model.onnx": ["onnx", "clean"],
    "external_ok/model.onnx_data": ["raw-tensor-data", "clean"],
    "external_short/model.onnx": ["onnx", "suspicious"],
    "external_short/model.onnx_data": ["raw-tensor-data", "clean"],
    "group.onnx": ["unknown", "error"],
    "huge_length.onnx": ["unknown", "error"],
    "not_onnx.bin": ["unknown", "error"],
    "onnx_cnn.onnx": ["onnx", "clean"],
    "onnx_external_subdir/model.onnx": ["onnx", "clean"],
    "onnx_external_subdir/weights/model.bin": ["raw-tensor-data", "clean"],
    "onnx_traversal_absolute.onnx": ["onnx", "malicious"],
    "onnx_traversal_etc_passwd.onnx": ["onnx", "malicious"],
    "overlong_varint.onnx": ["unknown", "error"],
    "size_mismatch.onnx": ["onnx", "suspicious"],
    "subgraph_traversal/model.onnx": ["onnx", "malicious"],
  });
  const data = report.artifacts.find((a) => a.path === "onnx_external_subdir/weights/model.bin")!;
  assert.deepEqual(data.metadata, { claimedBy: "../model.onnx" });
  assert.deepEqual(data.findings, []);
});

/**
 * A source holding `prefix`, then `gap` virtual bytes, then `suffix`. Reading inside the gap is counted:
 * that is the tensor payload a walker must skip.
 */
class SparseSource implements ByteSource {
  gapBytesRead = 0;
  totalRead = 0;
  constructor(private readonly prefix: Uint8Array, private readonly gap: number, private readonly suffix: Uint8Array) {}
  get size(): number {
    return this.prefix.length + this.gap + this.suffix.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    const out = new Uint8Array(Math.max(0, end - offset));
    for (let p = offset; p < end; p++) {
      if (p < this.prefix.length) out[p - offset] = this.prefix[p];
      else if (p >= this.prefix.length + this.gap) out[p - offset] = this.suffix[p - this.prefix.length - this.gap];
      else this.gapBytesRead++;
    }
    this.totalRead += out.length;
    return out;
  }
  async *stream(): AsyncIterable<Uint8Array> {
    throw new Error("a random-access handler must not stream");
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

test("a 3 GB initializer is measured, not read", async () => {
  const GAP = 3 * 1024 ** 3;
  const dims = [0x08, ...varint(GAP / 4)]; // TensorProto.dims = 1
  const head = [...dims, 0x10, 0x01, 0x42, 0x01, 0x57, 0x4a, ...varint(GAP)]; // data_type FLOAT, name "W", raw_data length
  const node = [0x0a, 0x08, 0x22, 0x06, ...Buffer.from("MatMul")]; // GraphProto.node { op_type }
  const initializerLen = head.length + GAP;
  const graphPrefix = [...node, 0x2a, ...varint(initializerLen), ...head]; // GraphProto.initializer = 5
  const suffix = Uint8Array.from([0x42, 0x02, 0x10, 0x0d]); // opset_import { version 13 }
  const prefix = Uint8Array.from([0x08, 0x08, 0x3a, ...varint(graphPrefix.length + GAP), ...graphPrefix]);
  const source = new SparseSource(prefix, GAP, suffix);
  const ctx = makeTestContext();
  await onnxHandler.scan(source, ctx);
  assert.deepEqual(ctx.findings, []);
  const meta = ctx.metadata.onnx as Record<string, unknown>;
  assert.deepEqual([meta.nodes, meta.initializers, meta.parameters, meta.opsets], [1, 1, GAP / 4, { "ai.onnx": 13 }]);
  assert.ok(source.gapBytesRead < 128 * 1024, `read ${source.gapBytesRead} payload bytes`);
  assert.ok(source.totalRead < 512 * 1024, `read ${source.totalRead} bytes in all`);
});
