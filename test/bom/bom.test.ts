/**
 * `bom()`: CycloneDX 1.6 / 1.7 ML-BOMs and SPDX 3.0.1 documents of the sample model and of the edge cases
 * (no front matter, `license: other`, several base models, pinned datasets, GGUF only, every lock file),
 * each validated against the CycloneDX library's bundled schemas and the semantic checks.
 */
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { bom, renderBom } from "../../src/bom/index.js";
import { fixedClock } from "../../src/core/clock.js";
import { modelDigest } from "../../src/sign/digest.js";
import { allBoms, clock, componentsOf, elementById, EXAMPLE, FIXTURES, folderWith, graphOf, modelOf, relationships, removeTemps, ROOT, type Doc } from "./support.js";

afterEach(removeTemps);

const DEPS = join(ROOT, "test", "fixtures", "deps", "projects");
const prop = (c: Doc, name: string): string[] => ((c.properties ?? []) as { name: string; value: string }[]).filter((p) => p.name === name).map((p) => p.value);

test("the sample model: model card, files, datasets, base model, packages, digest", async () => {
  const { cdx, spdx } = await allBoms(EXAMPLE);
  const model = modelOf(cdx);
  assert.equal(model.type, "machine-learning-model");
  assert.equal(model.name, "tiny-llama-example");
  assert.deepEqual(model.licenses, [{ license: { id: "Apache-2.0" } }]);
  assert.deepEqual(prop(model, "vouch:model-digest"), [await modelDigest(EXAMPLE)]);
  assert.deepEqual(prop(model, "vouch:parameters"), ["7248"]);
  assert.deepEqual(prop(model, "vouch:dtype"), ["F32"]);
  const card = model.modelCard as { modelParameters: Doc; quantitativeAnalysis: Doc; considerations: Doc };
  assert.equal(card.modelParameters.task, "text-generation");
  assert.equal(card.modelParameters.architectureFamily, "llama");
  assert.equal(card.modelParameters.modelArchitecture, "LlamaForCausalLM");
  assert.deepEqual(card.modelParameters.datasets, [{ ref: "dataset:vouch-examples/tiny-eval" }, { ref: "dataset:vouch-examples/tiny-instructions" }]);
  assert.deepEqual(card.quantitativeAnalysis.performanceMetrics, [{ type: "perplexity", value: "63.8", slice: "vouch-examples/tiny-eval/test" }]);
  assert.equal((card.considerations.technicalLimitations as string[]).length, 3);
  assert.equal((card.considerations.useCases as string[]).length, 2);
  assert.deepEqual((model.pedigree as { ancestors: Doc[] }).ancestors.map((a) => a.purl), ["pkg:huggingface/vouch-examples/tiny-llama-base"]);
  assert.ok((model.externalReferences as Doc[]).some((r) => r.type === "model-card"));

  const files = componentsOf(cdx).filter((c) => c.type === "file");
  assert.equal(files.length, 8);
  const weights = files.find((f) => f.name === "model.safetensors")!;
  assert.deepEqual(prop(weights, "vouch:format"), ["safetensors"]);
  assert.deepEqual(prop(weights, "vouch:scan-verdict"), ["clean"]);
  assert.match((weights.hashes as { alg: string; content: string }[])[0].content, /^[0-9a-f]{64}$/);

  const libs = componentsOf(cdx).filter((c) => c.type === "library");
  assert.deepEqual(libs.map((l) => l.purl), ["pkg:pypi/numpy@1.26.2", "pkg:pypi/safetensors@0.4.1", "pkg:pypi/tokenizers@0.15.0", "pkg:pypi/torch@2.1.0", "pkg:pypi/transformers@4.36.0"]);
  const deps = (cdx.dependencies as { ref: string; dependsOn: string[] }[]).find((d) => d.ref === "model")!;
  assert.equal(deps.dependsOn.length, 7);

  const ai = graphOf(spdx).find((e) => e.type === "ai_AIPackage")!;
  assert.equal(ai.software_primaryPurpose, "model");
  assert.deepEqual(ai.ai_domain, ["text-generation"]);
  assert.equal(ai.releaseTime, "2026-01-01T00:00:00Z");
  const datasets = graphOf(spdx).filter((e) => e.type === "dataset_DatasetPackage");
  assert.equal(datasets.length, 2);
  assert.equal((relationships(spdx, "trainedOn")[0].to as string[]).length, 1);
  assert.equal((relationships(spdx, "testedOn")[0].to as string[]).length, 1);
  assert.equal((relationships(spdx, "contains")[0].to as string[]).length, 8);
  assert.equal((relationships(spdx, "dependsOn")[0].to as string[]).length, 5);
  assert.equal((relationships(spdx, "descendantOf")[0].to as string[]).length, 1);
  const licence = elementById(spdx, (relationships(spdx, "hasDeclaredLicense")[0].to as string[])[0]);
  assert.equal(licence.simplelicensing_licenseExpression, "Apache-2.0");
  const file = graphOf(spdx).find((e) => e.type === "software_File" && e.name === "model.safetensors")!;
  assert.equal((file.verifiedUsing as Doc[])[0].algorithm, "sha256");
});

test("deterministic: same input, same bytes; the serial number does not depend on the time", async () => {
  for (const format of ["cyclonedx", "spdx3"] as const) {
    const a = renderBom(await bom(EXAMPLE, { clock, format }));
    const b = renderBom(await bom(EXAMPLE, { clock, format }));
    assert.equal(a, b);
  }
  const later = await bom(EXAMPLE, { clock: fixedClock(new Date("2027-06-01T00:00:00Z")) });
  const now = await bom(EXAMPLE, { clock });
  assert.equal(later.serialNumber, now.serialNumber);
  assert.match(String(now.serialNumber), /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal((later.metadata as Doc).timestamp, "2027-06-01T00:00:00Z");
});

test("a card with no front matter: no licence, task or datasets, still valid", async () => {
  const { cdx, spdx } = await allBoms(join(FIXTURES, "no-front-matter"));
  const model = modelOf(cdx);
  assert.equal(model.name, "no-front-matter");
  assert.equal(model.licenses, undefined);
  const card = model.modelCard as { modelParameters: Doc; considerations: Doc };
  assert.equal(card.modelParameters.modelArchitecture, "BertForMaskedLM");
  assert.deepEqual(card.considerations.technicalLimitations, ["It knows nothing."]);
  assert.equal(relationships(spdx, "hasDeclaredLicense").length, 0);
  assert.equal(graphOf(spdx).find((e) => e.type === "ai_AIPackage")!.suppliedBy, "https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement");
});

test("license: other keeps license_name and license_link as a named licence", async () => {
  const { cdx, spdx } = await allBoms(join(FIXTURES, "license-other"));
  assert.deepEqual(modelOf(cdx).licenses, [{ license: { name: "acme-model-license-1.0", url: "https://example.com/acme-model-license" } }]);
  const licence = elementById(spdx, (relationships(spdx, "hasDeclaredLicense")[0].to as string[])[0]);
  assert.equal(licence.simplelicensing_licenseExpression, "LicenseRef-acme-model-license-1.0");
  assert.deepEqual(licence.simplelicensing_customIdToUri, [{ type: "DictionaryEntry", key: "LicenseRef-acme-model-license-1.0", value: "https://example.com/acme-model-license" }]);
  const card = modelOf(cdx).modelCard as { considerations: Doc; modelParameters: Doc };
  assert.equal((card.considerations.ethicalConsiderations as Doc[]).length, 2);
  assert.deepEqual(card.modelParameters.outputs, [{ format: "label" }]);
});

test("several base models are pedigree ancestors and descendantOf targets; a Llama licence is named", async () => {
  const { cdx, spdx } = await allBoms(join(FIXTURES, "multi-base"));
  const model = modelOf(cdx);
  assert.deepEqual((model.pedigree as { ancestors: Doc[] }).ancestors.map((a) => a.name), ["meta-llama/Meta-Llama-3-8B", "NousResearch/Hermes-2-Pro-Llama-3-8B"]);
  assert.deepEqual(prop(model, "huggingface:base_model_relation"), ["merge"]);
  assert.deepEqual(model.licenses, [{ license: { name: "llama3" } }]);
  const env = (model.modelCard as { considerations: { environmentalConsiderations: Doc } }).considerations.environmentalConsiderations;
  assert.deepEqual(env.properties, [{ name: "huggingface:co2_eq_emissions_grams", value: "1250" }]);
  assert.equal((relationships(spdx, "descendantOf")[0].to as string[]).length, 2);
  const licence = elementById(spdx, (relationships(spdx, "hasDeclaredLicense")[0].to as string[])[0]);
  assert.equal(licence.simplelicensing_licenseExpression, "LicenseRef-llama3");
});

test("datasets with revisions: versions, pinned download locations, evaluation sets", async () => {
  const { cdx, spdx } = await allBoms(join(FIXTURES, "dataset-revisions"));
  const data = componentsOf(cdx).filter((c) => c.type === "data");
  assert.deepEqual(data.map((d) => [d.name, d.version, prop(d, "vouch:dataset-use")[0]]), [
    ["acme/held-out", "0123456789abcdef0123456789abcdef01234567", "evaluation"],
    ["acme/instructions", "v2.1", "training"],
    ["acme/pretrain-corpus", "9c2b5d1e0f4a7b3c6d8e1f2a3b4c5d6e7f8a9b0c", "training"],
  ]);
  const pretrain = graphOf(spdx).find((e) => e.type === "dataset_DatasetPackage" && e.name === "acme/pretrain-corpus")!;
  assert.equal(pretrain.software_packageVersion, "9c2b5d1e0f4a7b3c6d8e1f2a3b4c5d6e7f8a9b0c");
  assert.equal(pretrain.software_downloadLocation, "https://huggingface.co/datasets/acme/pretrain-corpus/tree/9c2b5d1e0f4a7b3c6d8e1f2a3b4c5d6e7f8a9b0c");
  assert.deepEqual(pretrain.dataset_datasetType, ["noAssertion"]);
  assert.equal(elementById(spdx, (pretrain.originatedBy as string[])[0]).name, "acme");
  assert.equal((relationships(spdx, "trainedOn")[0].to as string[]).length, 2);
});

test("a GGUF-only repository: architecture and parameters from the GGUF header", async () => {
  const dir = folderWith({ "model.gguf": join(ROOT, "test", "fixtures", "gguf", "valid_v3.gguf") });
  const { cdx, spdx } = await allBoms(dir);
  const model = modelOf(cdx);
  assert.equal((model.modelCard as { modelParameters: Doc }).modelParameters.architectureFamily, "llama");
  assert.deepEqual(prop(model, "vouch:parameters"), ["24"]);
  assert.deepEqual(prop(model, "vouch:dtype"), ["F32"]);
  assert.equal(model.externalReferences, undefined);
  const file = componentsOf(cdx).find((c) => c.name === "model.gguf")!;
  assert.deepEqual(prop(file, "vouch:format"), ["gguf"]);
  assert.equal(graphOf(spdx).filter((e) => e.type === "software_File").length, 1);
});

test("a single weights file as the target: no card, no packages, still valid", async () => {
  const { cdx } = await allBoms(join(ROOT, "test", "fixtures", "gguf", "valid_v3.gguf"));
  assert.deepEqual(componentsOf(cdx).map((c) => c.name), ["valid_v3.gguf"]);
  assert.equal(modelOf(cdx).name, "valid_v3.gguf");
});

test("a repository with every lock-file kind: pkg:pypi libraries and conda packages, one component per purl", async () => {
  const dir = folderWith({
    "requirements.txt": join(DEPS, "real", "requirements.txt"),
    "pyproject.toml": join(DEPS, "pyproject-pep621", "pyproject.toml"),
    "poetry.lock": join(DEPS, "poetry", "poetry.lock"),
    "uv.lock": join(DEPS, "uv", "uv.lock"),
    "pdm.lock": join(DEPS, "pdm", "pdm.lock"),
    "Pipfile.lock": join(DEPS, "pipenv", "Pipfile.lock"),
    "pylock.toml": join(DEPS, "pylock", "pylock.toml"),
    "environment.yml": join(DEPS, "conda", "environment.yml"),
    "model.gguf": join(ROOT, "test", "fixtures", "gguf", "valid_v3.gguf"),
  });
  const { cdx, spdx } = await allBoms(dir);
  const libs = componentsOf(cdx).filter((c) => c.type === "library");
  const purls = libs.map((l) => String(l.purl));
  assert.equal(new Set(purls).size, purls.length);
  assert.ok(purls.some((p) => p.startsWith("pkg:pypi/")));
  const declared = new Set(libs.flatMap((l) => prop(l, "vouch:declared-in")).map((s) => s.replace(/:\d+$/, "")));
  for (const f of ["requirements.txt", "pyproject.toml", "poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "pylock.toml", "environment.yml"]) {
    assert.ok(declared.has(f), `a package from ${f}`);
  }
  const deps = (cdx.dependencies as { ref: string; dependsOn: string[] }[]).find((d) => d.ref === "model")!;
  assert.equal(deps.dependsOn.length, libs.length);
  assert.equal((relationships(spdx, "dependsOn")[0].to as string[]).length, libs.length);
});
