/** Look-alike names: confusable characters, typos, and the real names left alone. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { editDistance, lookAlikes, skeleton } from "../../src/provenance/typosquat.js";

test("confusable organisation names are caught", () => {
  for (const [id, real] of [
    ["meta-Ilama/Llama-3-8B", "meta-llama"], // capital I for l
    ["meta-1lama/x", "meta-llama"],
    ["rneta-llama/x", "meta-llama"], // rn for m
    ["mistral-ai/Mistral-7B-v0.1", "mistralai"], // an extra separator
    ["micr0soft/phi-2", "microsoft"],
    ["goog\u0406e/gemma-2b", "google"], // Cyrillic capital I
    ["\u043epenai/whisper", "openai"], // Cyrillic o
  ]) {
    const hits = lookAlikes(id);
    assert.deepEqual(hits.map((h) => [h.imitates, h.kind]), [[real, "confusable"]], id);
  }
});

test("one or two typos away from a well-known name is caught; short names need a confusable", () => {
  assert.deepEqual(lookAlikes("facebok/opt").map((h) => [h.imitates, h.kind]), [["facebook", "typo"]]);
  assert.deepEqual(lookAlikes("sentence-transfomers/x").map((h) => h.imitates), ["sentence-transformers"]);
  assert.deepEqual(lookAlikes("someone/bert-base-uncassed").map((h) => h.imitates), ["google-bert/bert-base-uncased"]);
  assert.deepEqual(lookAlikes("tim/x"), [], "timm is too short for typo matching");
});

test("the real names, and ordinary names, are not flagged", () => {
  for (const id of ["meta-llama/Llama-2-7b-hf", "Meta-Llama/x", "google/gemma-2b", "TheBloke/Llama-2-7B-GGUF", "vouch-examples/tiny-llama-example", "acme-ai/tiny-chat", "someone/gpt2", "my-org/my-model"]) {
    assert.deepEqual(lookAlikes(id), [], id);
  }
});

test("skeleton and edit distance", () => {
  assert.equal(skeleton("Meta_Ilama"), skeleton("meta-llama"));
  assert.equal(editDistance("facebook", "facebok"), 1);
  assert.equal(editDistance("google", "goolge"), 1, "a swap is one edit");
  assert.equal(editDistance("abc", "xyz"), 3);
});
