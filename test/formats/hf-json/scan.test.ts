/**
 * Hugging Face repositories end to end through scan(): the corpus model directory stays clean, every
 * hostile fixture gets its verdict, and nothing else in the tree changes format.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { scan } from "../../../src/index.js";

const HF = join(import.meta.dirname, "..", "..", "fixtures", "hf");

test("fixtures/hf: formats and verdicts of every file", async () => {
  const report = await scan([join(HF, "hf_tiny_mistral"), join(HF, "hostile"), join(HF, "benign")]);
  const got = Object.fromEntries(report.artifacts.map((a) => [a.path.slice(HF.length + 1), [a.format, a.verdict]]));
  assert.deepEqual(got, {
    "benign/README.md": ["text", "clean"],
    "benign/chat_template.jinja": ["jinja", "clean"],
    "benign/chat_template.json": ["json", "clean"],
    "hf_tiny_mistral/README.md": ["text", "clean"],
    "hf_tiny_mistral/config.json": ["json", "clean"],
    "hf_tiny_mistral/generation_config.json": ["json", "clean"],
    "hf_tiny_mistral/model.safetensors": ["safetensors", "clean"],
    "hf_tiny_mistral/special_tokens_map.json": ["json", "clean"],
    "hf_tiny_mistral/tokenizer.json": ["json", "clean"],
    "hf_tiny_mistral/tokenizer_config.json": ["json", "clean"],
    "hostile/chat_template.jinja": ["jinja", "malicious"],
    "hostile/config.json": ["json", "suspicious"],
    "hostile/duplicate_key_config.json": ["json", "malicious"],
    "hostile/nan_tokenizer_config.json": ["json", "malicious"],
    "hostile/prompt_format_v2.json": ["json", "malicious"],
    "hostile/tokenizer_config.json": ["json", "malicious"],
  });
});
