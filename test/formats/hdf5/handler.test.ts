/**
 * The HDF5 handler on each fixture: format refinement (hdf5 / keras-h5), exact findings (rule,
 * severity, evidence, offset) and the metadata the BOM shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BufferSource } from "../../../src/core/source.js";
import { hdf5Handler, scanHdf5 } from "../../../src/formats/hdf5/handler.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { makeTestContext, type TestContext } from "../../support/context.js";
import { fixture, fixtureBytes } from "../keras/helpers.js";

async function scanned(name: string, valueCap?: number): Promise<{ format: string; ctx: TestContext }> {
  const ctx = makeTestContext();
  const format = await scanHdf5(fixture(name), ctx, valueCap !== undefined ? { valueCap } : {});
  return { format, ctx };
}

const findings = (ctx: TestContext) => ctx.findings.map((f) => [f.ruleId, f.severity, f.evidence ?? "", f.location.offset ?? -1]);

test("sniff: 70 for a signature at 0 or a user-block offset, 0 otherwise", () => {
  const sniff = (b: Uint8Array) => hdf5Handler.sniff({ head: b.subarray(0, HEAD_BYTES), size: b.length, name: "x" });
  assert.equal(sniff(fixtureBytes("keras_h5_functional.h5")), 70);
  assert.equal(sniff(fixtureBytes("userblock.h5")), 70);
  assert.equal(sniff(Buffer.from("{\"class_name\": 1}")), 0);
  assert.deepEqual([hdf5Handler.id, hdf5Handler.access], ["hdf5", "random"]);
});

test("a benign Keras 2 model: keras-h5, no findings, versions, layers and datasets", async () => {
  const { format, ctx } = await scanned("keras_h5_functional.h5");
  assert.equal(format, "keras-h5");
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.metadata, {
    hdf5: { superblockVersion: 0, rootAttributes: ["backend", "keras_version", "model_config"], groups: 9, datasets: 6, dtypes: { float32: 6 } },
    keras: { version: "2.12.0", backend: "tensorflow", modelClass: "Functional", layers: 4, layerClasses: { Dense: 3, InputLayer: 1 }, models: 1, lambdas: 0, bytecode: 0 },
  });
  assert.equal(ctx.incomplete, false);
});

test("the corpus Lambda (CVE-2024-3660 style): critical, with decoded names and the command", async () => {
  const { format, ctx } = await scanned("keras_h5_lambda_os_system.h5");
  assert.equal(format, "keras-h5");
  assert.deepEqual(findings(ctx), [[
    "keras/lambda-bytecode", "critical",
    "model_config.config.layers[2].config.function: Lambda 'lambda': co_names=[__import__, system] consts=['os', 'echo pwned > /tmp/corpus-pwned-marker'] code=<lambda> file=<corpus> python=3.11+",
    1040,
  ]]);
  assert.equal((ctx.metadata.keras as Record<string, unknown>).trainingConfig, true);
});

test("module os in a Keras 2 config (CVE-2025-1550 style) is critical", async () => {
  const { ctx } = await scanned("keras2_module_os.h5");
  assert.deepEqual(findings(ctx), [[
    "keras/external-module", "critical", "model_config.config.layers[2]: module=os class_name=system registered_name=null", 888,
  ]]);
  assert.match(ctx.findings[0].message, /os\.system \(process execution/);
});

test("a Lambda inside a nested model is found, and both models' layers are counted", async () => {
  const { ctx } = await scanned("nested_functional_lambda.h5");
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.evidence?.split(":")[0]]), [["keras/lambda-bytecode", "model_config.config.layers[1].config.layers[1].config.function"]]);
  assert.deepEqual((ctx.metadata.keras as Record<string, unknown>).layerClasses, { Dense: 2, InputLayer: 2, Lambda: 1, Sequential: 1 });
  assert.equal((ctx.metadata.keras as Record<string, unknown>).models, 2);
});

test("libver latest (superblock 3, OHDR v2, link messages): the Lambda and the training config are checked", async () => {
  const { format, ctx } = await scanned("libver_latest_lambda.h5");
  assert.equal(format, "keras-h5");
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity]), [["keras/lambda-bytecode", "critical"]]);
  assert.match(ctx.findings[0].evidence!, /consts=\['os', 'touch \/tmp\/vouch-keras-fixture-marker'\]/);
  assert.deepEqual((ctx.metadata.hdf5 as Record<string, unknown>).superblockVersion, 3);
});

test("a plain HDF5 file stays hdf5, with its dataset census", async () => {
  const { format, ctx } = await scanned("hdf5_generic_chunked.h5");
  assert.equal(format, "hdf5");
  assert.deepEqual(ctx.findings, []);
  assert.deepEqual(ctx.metadata, { hdf5: { superblockVersion: 0, rootAttributes: [], groups: 2, datasets: 2, dtypes: { float16: 1, S5: 1 } } });
});

test("user block and fixed-length config: clean keras-h5", async () => {
  for (const name of ["userblock.h5", "fixed_string_config.h5"]) {
    const { format, ctx } = await scanned(name);
    assert.equal(format, "keras-h5", name);
    assert.deepEqual(ctx.findings, [], name);
  }
  assert.equal(((await scanned("userblock.h5")).ctx.metadata.hdf5 as Record<string, unknown>).userBlock, 512);
});

test("truncated: reported twice (superblock end, damaged tree), the config is still checked", async () => {
  const { format, ctx } = await scanned("truncated.h5");
  assert.equal(format, "keras-h5");
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.evidence]), [
    ["format/malformed", `eof=15288 size=${fixtureBytes("truncated.h5").length}`],
    ["format/malformed", undefined],
  ]);
  assert.match(ctx.findings[1].message, /E_HDF5_TRUNCATED/);
  assert.equal(ctx.incomplete, true);
  assert.equal((ctx.metadata.keras as Record<string, unknown>).layers, 3);
});

test("a config over the value cap is not read: unread-structure, incomplete", async () => {
  const { ctx } = await scanned("huge_attribute.h5", 65536);
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity]), [["hdf5/unread-structure", "low"]]);
  assert.match(ctx.findings[0].message, /^The root attribute model_config is \d+ bytes, over the 65536-byte cap; it was not checked$/);
  assert.equal(ctx.incomplete, true);
  const full = await scanned("huge_attribute.h5");
  assert.equal((full.ctx.metadata.keras as Record<string, unknown>).layers, 9001);
});

test("dense root attributes: unread-structure, so the file cannot pass as clean", async () => {
  const { format, ctx } = await scanned("dense_attributes.h5");
  assert.equal(format, "hdf5");
  assert.deepEqual(ctx.findings.map((f) => f.ruleId), ["hdf5/unread-structure"]);
  assert.equal(ctx.incomplete, true);
});

test("model_config that is not JSON is malformed; the version attributes are still recorded", async () => {
  // Replace the config text inside the global heap with bytes of the same length that do not parse.
  const bytes = Buffer.from(fixtureBytes("keras_h5_functional.h5"));
  const at = bytes.indexOf('{"class_name": "Functional"');
  bytes.write("!", at);
  const ctx = makeTestContext();
  assert.equal(await scanHdf5(new BufferSource(bytes), ctx), "keras-h5");
  assert.deepEqual(ctx.findings.map((f) => f.ruleId), ["format/malformed"]);
  assert.match(ctx.findings[0].message, /^The root attribute model_config is not JSON/);
  assert.deepEqual(ctx.metadata.keras, { version: "2.12.0", backend: "tensorflow" });
});
