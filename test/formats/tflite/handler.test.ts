/**
 * TFLite: sniffing by the TFL3 identifier, operator inventory and custom/Flex ops, index and range
 * checks, hostile offsets, the in-memory cap, the work budget, end to end, and fuzzing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BudgetExceeded, VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { scan } from "../../../src/index.js";
import { FlatView } from "../../../src/formats/tflite/flatbuffer.js";
import { TFLITE_CONFIDENCE, scanTfliteWithCap, tfliteHandler } from "../../../src/formats/tflite/handler.js";
import { readModel } from "../../../src/formats/tflite/model.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { makeTestContext, type TestContext } from "../../support/context.js";
import { mutants, randomBytes } from "../../support/fuzz.js";

const DIR = join(import.meta.dirname, "..", "..", "fixtures", "tflite");
const bytesOf = (name: string): Buffer => readFileSync(join(DIR, name));

async function run(bytes: Uint8Array): Promise<TestContext> {
  const ctx = makeTestContext();
  await tfliteHandler.scan(new BufferSource(bytes), ctx);
  return ctx;
}

test("sniffs the TFL3 identifier with a root offset inside the file", () => {
  const sniff = (b: Uint8Array) => tfliteHandler.sniff({ head: b.subarray(0, HEAD_BYTES), size: b.length, name: "m.tflite" });
  assert.equal(sniff(bytesOf("clean.tflite")), TFLITE_CONFIDENCE);
  assert.equal(sniff(Buffer.from("\x10\x00\x00\x00TFL2xxxxxxxxxxxx", "latin1")), 0);
  assert.equal(sniff(Buffer.from("\xff\xff\x00\x00TFL3xxxx", "latin1")), 0, "root offset past the end");
});

test("a clean model: the op histogram (including a code past 127), buffers and metadata", async () => {
  const ctx = await run(bytesOf("clean.tflite"));
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.metadata.tflite, {
    version: 3,
    description: "vouch fixture",
    subgraphs: 1,
    tensors: 5,
    operators: 3,
    ops: { BUILTIN_150: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 },
    customOps: [],
    buffers: 3,
    bufferBytes: 64 + 6,
    metadata: ["min_runtime_version"],
  });
});

test("custom ops are medium, Flex ops high", async () => {
  const ctx = await run(bytesOf("custom_ops.tflite"));
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity, f.evidence]), [
    ["tflite/custom-op", "medium", "MyNativeOp"],
    ["tflite/custom-op", "high", "FlexAddV2"],
  ]);
  assert.deepEqual((ctx.metadata.tflite as Record<string, unknown>).ops, { "CUSTOM:FlexAddV2": 1, "CUSTOM:MyNativeOp": 1 });
});

test("indices and byte ranges outside their tables or the file are reported", async () => {
  const ctx = await run(bytesOf("out_of_range.tflite"));
  assert.deepEqual(ctx.findings.map((f) => f.message), [
    "In the model, a tensor refers to buffer 9 of 2",
    "In the model, an operator uses opcode 5 of 1",
    "In the model, an operator refers to tensor 99 of 2",
    "In the model, a buffer spans bytes 1000000..1004096 of a 376-byte file",
  ]);
  assert.ok(ctx.findings.every((f) => f.ruleId === "tflite/out-of-range" && f.severity === "medium"));
});

test("a vtable offset outside the file is malformed, at the table's offset", async () => {
  const bytes = Buffer.from(bytesOf("clean.tflite"));
  const root = bytes.readUInt32LE(0);
  bytes.writeInt32LE(0x7fffffff, root);
  await assert.rejects(run(bytes), (e: unknown) => e instanceof VouchError && e.code === "E_TFLITE_BOUNDS");
  const truncated = bytesOf("clean.tflite").subarray(0, 200);
  await assert.rejects(run(truncated), (e: unknown) => e instanceof VouchError && e.code === "E_TFLITE_BOUNDS");
});

test("over the in-memory cap, structure past the read part is reported as partly checked", async () => {
  const ctx = makeTestContext();
  await scanTfliteWithCap(new BufferSource(bytesOf("clean.tflite")), ctx, 128);
  assert.deepEqual(ctx.findings.map((f) => f.ruleId), ["tflite/partially-checked"]);
  assert.equal(ctx.incomplete, true);
});

test("the work budget stops amplification", () => {
  const bytes = bytesOf("clean.tflite");
  assert.throws(() => readModel(new FlatView(bytes, bytes.length, 5)), (e: unknown) => e instanceof BudgetExceeded);
});

test("scan() end to end", async () => {
  const report = await scan([DIR]);
  const got = Object.fromEntries(report.artifacts.filter((a) => a.path.endsWith(".tflite")).map((a) => [a.path, [a.format, a.verdict]]));
  assert.deepEqual(got, {
    "clean.tflite": ["tflite", "clean"],
    "custom_ops.tflite": ["tflite", "malicious"],
    "out_of_range.tflite": ["tflite", "suspicious"],
  });
});

test("fuzz: mutants and random bytes end in a report or a VouchError, each within 1 s", async () => {
  const failures: string[] = [];
  const cases: [string, Uint8Array][] = [];
  for (const name of ["clean.tflite", "custom_ops.tflite", "out_of_range.tflite"]) {
    for (const m of mutants(bytesOf(name), name.length, 32, 128, 64)) cases.push([`${name} ${m.what}`, m.bytes]);
  }
  for (let seed = 0; seed < 200; seed++) {
    const b = randomBytes(seed, 8 + seed * 5);
    b.set([8, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]);
    cases.push([`random ${seed}`, b]);
  }
  for (const [what, bytes] of cases) {
    const started = performance.now();
    try {
      await run(bytes);
    } catch (e) {
      if (!(e instanceof VouchError)) failures.push(`${what}: ${e instanceof Error ? e.stack : String(e)}`);
    }
    if (performance.now() - started > 1000) failures.push(`${what}: slow`);
  }
  assert.deepEqual(failures, []);
});
