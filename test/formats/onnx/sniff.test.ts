/** ONNX sniffing: real models are recognised, files that merely start with 0x08 are not. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ONNX_CONFIDENCE, sniffOnnx } from "../../../src/formats/onnx/sniff.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { prng } from "../../support/fuzz.js";
import { fixtureBytes } from "./helpers.js";

function sniff(bytes: Uint8Array): number {
  return sniffOnnx({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name: "x" });
}

test("every model fixture sniffs as ONNX", () => {
  for (const rel of ["onnx_cnn.onnx", "onnx_external_subdir/model.onnx", "onnx_traversal_absolute.onnx", "control_flow.onnx", "custom_domain.onnx", "subgraph_traversal/model.onnx", "size_mismatch.onnx", "deep_nesting.onnx"]) {
    assert.equal(sniff(fixtureBytes(rel)), ONNX_CONFIDENCE, rel);
  }
});

test("bytes that start like a ModelProto but break the schema are not ONNX", () => {
  assert.equal(sniff(fixtureBytes("not_onnx.bin")), 0, "field 15 is no ModelProto field");
  assert.equal(sniff(Uint8Array.from([0x08])), 0);
  assert.equal(sniff(Uint8Array.from([0x08, 0x00, 0x3a, 0x00])), 0, "ir_version 0");
  assert.equal(sniff(Uint8Array.from([0x08, 0x08, 0x12, 0x03, 0x01, 0x02, 0x03, 0x3a, 0x00])), 0, "producer_name with control bytes");
  assert.equal(sniff(Uint8Array.from([0x08, 0x08, 0x3a, 0x02, 0x08, 0x01])), 0, "graph whose first field is no GraphProto field");
  assert.equal(sniff(Uint8Array.from([0x08, 0x08, 0x10, 0x01])), 0, "ir_version then a wrong wire type for field 2");
  // a SavedModel starts 08 01 12 <MetaGraphDef>: field 2 is ONNX's producer_name, but the payload is binary
  assert.equal(sniff(fixtureBytes("../tensorflow/saved_model_clean/saved_model.pb")), 0);
});

test("random bytes that start with 0x08 are not called ONNX", () => {
  const rnd = prng(0x0ecc);
  let claimed = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = Uint8Array.from({ length: 64 + Math.floor(rnd() * 4000) }, () => Math.floor(rnd() * 256));
    bytes[0] = 0x08;
    if (sniff(bytes) > 0) claimed++;
  }
  assert.equal(claimed, 0);
});
