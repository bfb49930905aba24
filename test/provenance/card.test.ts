/** Model card front matter: every field in both of its shapes, what is missing, and broken YAML. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cardFromData, parseModelCard } from "../../src/provenance/card.js";

test("fields as strings or lists are read into one shape; absent ones are listed as missing", () => {
  const card = parseModelCard(`---
license: mit
base_model:
- org/a
- org/b
base_model_relation: merge
datasets: org/data
language: [en, fr]
---
# prose mentioning weights.bin
`);
  assert.equal(card.present, true);
  assert.equal(card.license, "mit");
  assert.deepEqual(card.baseModels, ["org/a", "org/b"]);
  assert.equal(card.baseModelRelation, "merge");
  assert.deepEqual(card.datasets, ["org/data"]);
  assert.deepEqual(card.languages, ["en", "fr"]);
  assert.deepEqual(card.missing, ["library_name", "pipeline_tag"]);
  assert.match(card.text, /weights\.bin/);
});

test("a base model without a relation lists the relation as missing; no card lists everything", () => {
  assert.deepEqual(parseModelCard("---\nbase_model: org/a\n---\n").missing, ["license", "base_model_relation", "datasets", "library_name", "pipeline_tag", "language"]);
  const none = parseModelCard(undefined);
  assert.equal(none.present, false);
  assert.deepEqual(none.missing, ["license", "base_model", "datasets", "library_name", "pipeline_tag", "language"]);
});

test("a card without front matter is present but declares nothing", () => {
  const card = parseModelCard("# Just prose\n\nlicense: mit is not front matter here\n");
  assert.equal(card.present, true);
  assert.equal(card.license, undefined);
});

test("broken YAML and alias bombs are reported, not thrown", () => {
  const broken = parseModelCard("---\nlicense: [mit\n---\n");
  assert.ok(broken.frontMatterError);
  assert.equal(broken.license, undefined);
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
  const card = parseModelCard(`---\nlicense: mit\n${bomb.join("\n")}\n---\n`);
  assert.ok(card.frontMatterError, "the bomb is refused");
});

test("the Hub's cardData gives the same fields", () => {
  const card = cardFromData({ license: "apache-2.0", base_model: "org/a", datasets: ["d1", "d2"], library_name: "transformers" });
  assert.equal(card.license, "apache-2.0");
  assert.deepEqual(card.baseModels, ["org/a"]);
  assert.deepEqual(card.datasets, ["d1", "d2"]);
  assert.equal(card.library, "transformers");
});
