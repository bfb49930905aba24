/**
 * Keeps the README's Quick start true: scanning examples/ finds the tiny model clean (its weights
 * through the safetensors handler) and the sample pickle malicious.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { scan } from "../../../src/index.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "..", "examples");

test("examples/: every tiny-model file is clean, the malicious pickle is malicious", async () => {
  const report = await scan([EXAMPLES]);
  const verdicts = Object.fromEntries(report.artifacts.map((a) => [a.path, [a.verdict, a.format]]));
  assert.deepEqual(verdicts, {
    "README.md": ["clean", "text"],
    "make_examples.py": ["clean", "python"],
    "malicious/pytorch_model.bin": ["malicious", "pickle"],
    "tiny-model/README.md": ["clean", "text"],
    "tiny-model/config.json": ["clean", "json"],
    "tiny-model/generation_config.json": ["clean", "json"],
    "tiny-model/model.safetensors": ["clean", "safetensors"],
    "tiny-model/requirements.txt": ["clean", "text"],
    "tiny-model/special_tokens_map.json": ["clean", "json"],
    "tiny-model/tokenizer.json": ["clean", "json"],
    "tiny-model/tokenizer_config.json": ["clean", "json"],
  });
  const weights = report.artifacts.find((a) => a.path === "tiny-model/model.safetensors");
  assert.deepEqual(weights?.metadata, {
    safetensors: { tensors: 21, parameters: 7248, dtypes: { F32: 21 }, metadata: { format: "pt" }, headerBytes: 2088 },
  });
  const pickle = report.artifacts.find((a) => a.path === "malicious/pytorch_model.bin");
  assert.deepEqual(pickle?.findings.map((f) => [f.ruleId, f.severity, f.evidence]), [
    ["pickle/dangerous-global", "critical", "os.system('echo vouch-example-payload')"],
  ]);
});
