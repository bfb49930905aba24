/**
 * GGUF end to end through scan(): every fixture gets the verdict its anomaly deserves, and the format,
 * findings and metadata reach the artifact report.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { scan } from "../../../src/index.js";
import { FIXTURES } from "./helpers.js";

const EXPECTED: Record<string, string> = {
  "gguf_bad_version.gguf": "error",
  "gguf_mistral_tmpl.gguf": "clean",
  "gguf_ssti_cycler_globals.gguf": "malicious",
  "gguf_ssti_mro_subclasses.gguf": "malicious",
  "gguf_tools_tmpl.gguf": "clean",
  "medium_gguf.gguf": "clean",
  "valid_v1.gguf": "clean",
  "valid_v2.gguf": "clean",
  "valid_v3.gguf": "clean",
  "valid_v3_big_endian.gguf": "clean",
  "vocab_only.gguf": "clean",
  "string_len_2_63.gguf": "error",
  "kv_count_huge.gguf": "error",
  "tensor_count_huge.gguf": "error",
  "nested_array_deep.gguf": "error",
  "nested_array_wide.gguf": "error",
  "unknown_value_type.gguf": "error",
  "truncated_header.gguf": "error",
  "misaligned_tensor.gguf": "error",
  "tensor_beyond_eof.gguf": "error",
  "overlapping_tensors.gguf": "error",
  "unowned_bytes.gguf": "suspicious",
  "bad_alignment.gguf": "error",
  "unknown_ggml_type.gguf": "error",
  "too_many_dims.gguf": "error",
  "named_template_ssti.gguf": "malicious",
  "duplicate_template_key.gguf": "malicious",
  "template_parse_error.gguf": "suspicious",
};

test("every GGUF fixture gets its verdict through scan(), as format gguf", async () => {
  const report = await scan(Object.keys(EXPECTED).map((n) => join(FIXTURES, n)));
  const got = Object.fromEntries(report.artifacts.map((a) => [a.path.slice(a.path.lastIndexOf("/") + 1), [a.format, a.verdict]]));
  assert.deepEqual(got, Object.fromEntries(Object.entries(EXPECTED).map(([n, v]) => [n, ["gguf", v]])));
});

test("the artifact report carries the template finding with its position and the GGUF metadata", async () => {
  const report = await scan([join(FIXTURES, "named_template_ssti.gguf")]);
  const [a] = report.artifacts;
  assert.equal(a.complete, true);
  assert.deepEqual(a.findings.map((f) => [f.ruleId, f.severity, f.location, f.evidence]), [
    ["template/code-execution", "critical", { offset: 724, line: 1, column: 4 }, "cycler.__init__.__globals__.os.popen('id').read()"],
  ]);
  assert.deepEqual((a.metadata.gguf as { chatTemplates: string[] }).chatTemplates, ["tokenizer.chat_template", "tokenizer.chat_template.tool_use"]);
  assert.match(a.sha256 ?? "", /^[0-9a-f]{64}$/, "the orchestrator hashed the file alongside");
});

test("a broken GGUF reports the parser's code and offset as format/malformed", async () => {
  const report = await scan([join(FIXTURES, "kv_count_huge.gguf")]);
  assert.deepEqual(report.artifacts[0].findings.map((f) => [f.ruleId, f.location.offset, f.message]), [
    ["format/malformed", 16, "E_GGUF_COUNT: The metadata entry count 4611686018427387904 cannot fit in the 776 bytes that remain (offset 16). The field is corrupt or hostile; a loader that trusts it allocates or loops without bound"],
  ]);
});
