/** validateBom(): CycloneDX 1.4-1.7 against the bundled schemas, and the semantic checks the schemas miss. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bom, validateBom } from "../../src/bom/index.js";
import { clock, EXAMPLE, type Doc } from "./support.js";

const minimal = (specVersion: string): Doc => ({ bomFormat: "CycloneDX", specVersion, version: 1, components: [{ type: "library", name: "x", "bom-ref": "x" }] });

test("minimal CycloneDX 1.4, 1.5, 1.6 and 1.7 documents are valid", async () => {
  for (const v of ["1.4", "1.5", "1.6", "1.7"]) {
    const r = await validateBom(minimal(v));
    assert.deepEqual(r.problems, [], v);
    assert.equal(r.schemaChecked, true);
  }
});

test("schema problems: a component without a name, an unknown type", async () => {
  const doc = minimal("1.6");
  doc.components = [{ type: "not-a-type", "bom-ref": "x" }];
  const r = await validateBom(doc);
  assert.equal(r.valid, false);
  assert.ok(r.problems.every((p) => p.kind === "schema"));
  assert.ok(r.problems.some((p) => p.at === "/components/0"));
});

test("semantic: duplicate bom-refs, dangling dependency and dataset refs", async () => {
  const doc = await bom(EXAMPLE, { clock });
  const components = doc.components as Doc[];
  components.push({ ...components[0] });
  (doc.dependencies as Doc[]).push({ ref: "nowhere", dependsOn: ["model"] });
  const model = (doc.metadata as Doc).component as { modelCard: { modelParameters: { datasets: Doc[] } } };
  model.modelCard.modelParameters.datasets.push({ ref: "dataset:missing" });
  const r = await validateBom(doc);
  assert.equal(r.valid, false);
  const messages = r.problems.filter((p) => p.kind === "semantic").map((p) => p.message);
  assert.ok(messages.some((m) => m.startsWith("duplicate bom-ref \"file:README.md\"")), messages.join("\n"));
  assert.ok(messages.includes('reference to unknown bom-ref "nowhere"'));
  assert.ok(messages.includes('reference to unknown bom-ref "dataset:missing"'));
});

test("semantic: a machine-learning-model without a modelCard", async () => {
  const doc = minimal("1.6");
  doc.components = [{ type: "machine-learning-model", name: "m", "bom-ref": "m" }];
  const r = await validateBom(doc);
  assert.deepEqual(r.problems.map((p) => p.message), ['machine-learning-model "m" has no modelCard']);
});

test("SPDX 3 without a schema: semantic checks only, profile fields and dangling ids", async () => {
  const doc = await bom(EXAMPLE, { clock, format: "spdx3" });
  const ok = await validateBom(doc);
  assert.equal(ok.schemaChecked, false);
  assert.equal(ok.valid, true);
  const graph = doc["@graph"] as Doc[];
  const ai = graph.find((e) => e.type === "ai_AIPackage")!;
  delete ai.releaseTime;
  const ds = graph.find((e) => e.type === "dataset_DatasetPackage")!;
  delete ds.builtTime;
  ds.originatedBy = ["https://example.com/nobody"];
  graph.push({ ...graph[1] });
  const r = await validateBom(doc);
  const messages = r.problems.map((p) => p.message);
  assert.ok(messages.includes("ai_AIPackage lacks releaseTime, which its profile requires"), messages.join("\n"));
  assert.ok(messages.includes("dataset_DatasetPackage lacks builtTime, which its profile requires"));
  assert.ok(messages.includes('originatedBy refers to unknown element "https://example.com/nobody"'));
  assert.ok(messages.some((m) => m.startsWith("duplicate element id")));
});

test("neither CycloneDX nor SPDX: E_BOM_UNKNOWN; an unsupported CycloneDX version: E_BOM_VERSION", async () => {
  await assert.rejects(validateBom({ hello: 1 }), { code: "E_BOM_UNKNOWN" });
  await assert.rejects(validateBom(minimal("1.3")), { code: "E_BOM_VERSION" });
});
