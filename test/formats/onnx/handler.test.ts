/**
 * The ONNX handler on real files (the corpus copies and the models make_fixtures.py builds with the
 * onnx library): exact findings and metadata, and the hostile hand-made protobufs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { onnxHandler } from "../../../src/formats/onnx/handler.js";
import { makeTestContext } from "../../support/context.js";
import { fixtureBytes, fixturePath, rules, scanPath } from "./helpers.js";

test("a plain CNN: no findings, the metadata a BOM needs", async () => {
  const ctx = await scanPath(fixturePath("onnx_cnn.onnx"));
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.metadata.onnx, {
    irVersion: 8,
    opsets: { "ai.onnx": 13 },
    graphs: 1,
    nodes: 5,
    opTypes: { Conv: 1, Flatten: 1, Gemm: 1, GlobalAveragePool: 1, Relu: 1 },
    distinctOpTypes: 5,
    initializers: 3,
    parameters: 4 * 3 * 3 * 3 + 2 * 4 + 2,
    functions: 0,
    externalData: [],
  });
});

test("external data in a subfolder, inside the model folder and within the file: clean", async () => {
  const ctx = await scanPath(fixturePath("onnx_external_subdir/model.onnx"));
  assert.deepEqual(ctx.findings, []);
  const meta = ctx.metadata.onnx as Record<string, unknown>;
  assert.deepEqual(meta.externalData, ["weights/model.bin"]);
  assert.equal(meta.parameters, 16 * 32 + 32 + 32 * 4 + 4);
  assert.equal(meta.producer, "corpus-gen");
});

test("external data locations that escape the folder are critical (absolute, `..`, inside a subgraph)", async () => {
  for (const [rel, location, tensor] of [
    ["onnx_traversal_absolute.onnx", "/etc/passwd", "B1"],
    ["onnx_traversal_etc_passwd.onnx", "../../etc/passwd", "B1"],
    ["subgraph_traversal/model.onnx", "../../../home/user/.ssh/id_rsa", "stolen"],
  ]) {
    const ctx = await scanPath(fixturePath(rel));
    assert.deepEqual(rules(ctx), [["onnx/external-data-traversal", "critical"]], rel);
    assert.equal(ctx.findings[0].evidence, location);
    assert.match(ctx.findings[0].message, new RegExp(`"${tensor}"`));
    assert.ok(typeof ctx.findings[0].location.offset === "number");
  }
});

test("control flow: If and Loop subgraphs are walked, all standard", async () => {
  const ctx = await scanPath(fixturePath("control_flow.onnx"));
  assert.deepEqual(ctx.findings, []);
  const meta = ctx.metadata.onnx as Record<string, unknown>;
  assert.equal(meta.graphs, 4, "main graph, then/else branches, loop body");
  assert.equal(meta.nodes, 8);
  assert.deepEqual(meta.opTypes, { Identity: 2, Add: 1, Constant: 1, Greater: 1, If: 1, Loop: 1, ReduceSum: 1 });
});

test("custom domains: unknown is medium, ONNX Runtime's is low, a model-local function is not flagged", async () => {
  const ctx = await scanPath(fixturePath("custom_domain.onnx"));
  assert.deepEqual(rules(ctx), [["onnx/custom-domain", "medium"], ["onnx/custom-domain", "low"]]);
  assert.match(ctx.findings[0].message, /"com\.example\.ops"/);
  assert.equal(ctx.findings[0].evidence, "SecretSauce");
  assert.match(ctx.findings[1].message, /"com\.microsoft"/);
  assert.equal((ctx.metadata.onnx as Record<string, unknown>).functions, 1);
});

test("raw_data shorter than the shape needs is reported with both sizes", async () => {
  const ctx = await scanPath(fixturePath("size_mismatch.onnx"));
  assert.deepEqual(rules(ctx), [["onnx/tensor-size-mismatch", "medium"]]);
  assert.match(ctx.findings[0].message, /\[2, 3\] of FLOAT needs 24 bytes but raw_data holds 12/);
});

test("external data: a short data file and a missing one", async () => {
  const short = await scanPath(fixturePath("external_short/model.onnx"));
  assert.deepEqual(rules(short), [["onnx/external-data-range", "medium"]]);
  assert.match(short.findings[0].message, /"w" spans bytes 0\.\.64/);
  const missing = await scanPath(fixturePath("external_missing/model.onnx"));
  assert.deepEqual(rules(missing), [["onnx/external-data-missing", "low"]]);
  const ok = await scanPath(fixturePath("external_ok/model.onnx"));
  assert.deepEqual(ok.findings, []);
});

test("without the artifact's folder (a container member) only the location text is checked", async () => {
  const ctx = makeTestContext();
  await onnxHandler.scan(new BufferSource(fixtureBytes("external_missing/model.onnx")), ctx);
  assert.deepEqual(ctx.findings, [], "no filesystem lookup for members");
  const bad = makeTestContext();
  await onnxHandler.scan(new BufferSource(fixtureBytes("onnx_traversal_etc_passwd.onnx")), bad);
  assert.deepEqual(rules(bad), [["onnx/external-data-traversal", "critical"]]);
});

test("hostile protobufs throw VouchErrors with codes and offsets", async () => {
  for (const [rel, code, offset] of [
    ["huge_length.onnx", "E_PROTOBUF_LENGTH", 2],
    ["overlong_varint.onnx", "E_PROTOBUF_VARINT", 7],
    ["group.onnx", "E_PROTOBUF_GROUP", 6],
  ] as const) {
    const ctx = makeTestContext();
    await assert.rejects(onnxHandler.scan(new BufferSource(fixtureBytes(rel)), ctx), (e: unknown) => {
      assert.ok(e instanceof VouchError, rel);
      assert.deepEqual([e.code, e.offset], [code, offset], rel);
      return true;
    });
  }
});

test("deep subgraph nesting stops at the cap, and what was seen before is still recorded", async () => {
  const ctx = makeTestContext();
  await assert.rejects(onnxHandler.scan(new BufferSource(fixtureBytes("deep_nesting.onnx")), ctx), (e: unknown) => e instanceof VouchError && e.code === "E_ONNX_DEPTH");
  assert.equal((ctx.metadata.onnx as Record<string, unknown>).graphs, 17);
});
