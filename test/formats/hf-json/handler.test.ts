/**
 * Hugging Face JSON configs: chat templates found by content (any JSON object with a top-level
 * chat_template, in either of its forms), the raw-text fallback, auto_map, and the size cap.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BufferSource, StreamOnlySource } from "../../../src/core/source.js";
import { hfJsonHandler, MAX_JSON_BYTES } from "../../../src/formats/hf-json/handler.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { makeTestContext, type TestContext } from "../../support/context.js";

const HF = join(import.meta.dirname, "..", "..", "fixtures", "hf");
const read = (rel: string) => readFileSync(join(HF, rel));
const sniff = (bytes: Uint8Array) => hfJsonHandler.sniff({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name: "x" });

async function run(bytes: Uint8Array): Promise<{ ctx: TestContext; format: string | void }> {
  const ctx = makeTestContext();
  const format = await hfJsonHandler.scan(new BufferSource(bytes), ctx);
  return { ctx, format };
}

const brief = (ctx: TestContext) => ctx.findings.map((f) => [f.ruleId, f.severity, f.location, f.evidence]);
const CYCLER = "cycler.__init__.__globals__.os.popen('id').read()";
const MRO = "''.__class__.__mro__[1].__subclasses__()";

test("sniff: JSON objects only (6, above plain text), not arrays, Jinja that starts with {{, or binary", () => {
  assert.equal(sniff(read("hf_tiny_mistral/config.json")), 6);
  assert.equal(sniff(read("hf_tiny_mistral/special_tokens_map.json")), 6);
  assert.equal(sniff(Buffer.from("\uFEFF  {}")), 6, "a BOM and an empty object");
  assert.equal(sniff(Buffer.from("[1, 2]")), 0);
  assert.equal(sniff(Buffer.from("{{ bos_token }}")), 0);
  assert.equal(sniff(Buffer.from("{%- if x %}")), 0);
  assert.equal(sniff(Buffer.from([0x7b, 0x22, 0x00, 0x01])), 0);
  assert.equal(sniff(new Uint8Array(0)), 0);
});

test("the corpus model directory: configs are clean json, the Mistral template is checked", async () => {
  for (const name of ["config.json", "generation_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"]) {
    const { ctx, format } = await run(read(`hf_tiny_mistral/${name}`));
    assert.deepEqual([format, ctx.findings], ["json", []], name);
  }
  const { ctx } = await run(read("hf_tiny_mistral/tokenizer_config.json"));
  assert.deepEqual(ctx.metadata, { hf: { chatTemplates: ["chat_template"] } });
});

test("tokenizer_config.json with named templates: the payload in `tool_use` is found, the default is not flagged", async () => {
  const { ctx } = await run(read("hostile/tokenizer_config.json"));
  assert.deepEqual(brief(ctx), [["template/code-execution", "critical", { line: 1, column: 4 }, CYCLER]]);
  assert.match(ctx.findings[0].message, /^chat_template "tool_use": The template at line 1, column 4/);
  assert.deepEqual(ctx.metadata, { hf: { chatTemplates: ['chat_template "default"', 'chat_template "tool_use"'] } });
});

test("an oddly named JSON file is judged by its content", async () => {
  const { ctx } = await run(read("hostile/prompt_format_v2.json"));
  assert.deepEqual(brief(ctx), [["template/dunder-access", "critical", { line: 1, column: 4 }, MRO]]);
});

test("templates a loader may take that JSON.parse hides: a repeated key, and NaN that only Python accepts", async () => {
  const dup = await run(read("hostile/duplicate_key_config.json"));
  assert.deepEqual(brief(dup.ctx), [["template/code-execution", "critical", { line: 1, column: 4 }, CYCLER]]);
  assert.match(dup.ctx.findings[0].message, /^chat_template \(found in the raw text\): /);
  const nan = await run(read("hostile/nan_tokenizer_config.json"));
  assert.deepEqual(brief(nan.ctx), [["template/dunder-access", "critical", { line: 1, column: 4 }, MRO]]);
});

test("auto_map: remote code is medium, with the entries as evidence and other repositories named", async () => {
  const { ctx } = await run(read("hostile/config.json"));
  assert.deepEqual(brief(ctx), [[
    "hf/remote-code", "medium", {},
    "AutoConfig: configuration_evil.EvilConfig; AutoModelForCausalLM: modeling_evil.EvilForCausalLM; AutoTokenizer: other-org/helpers--tokenization_evil.EvilTokenizer",
  ]]);
  assert.equal(
    ctx.findings[0].message,
    "auto_map points at Python classes shipped with the model, including code from other repositories (other-org/helpers): loading with trust_remote_code=True runs the repository's Python files",
  );
  const plain = await run(Buffer.from(JSON.stringify({ auto_map: { AutoModel: "modeling_x.X" } })));
  assert.equal(plain.ctx.findings[0].message, "auto_map points at Python classes shipped with the model: loading with trust_remote_code=True runs the repository's Python files");
  const empty = await run(Buffer.from(JSON.stringify({ auto_map: {}, chat_template: 7 })));
  assert.deepEqual(empty.ctx.findings, []);
});

test("JSON over the size cap is not parsed: a note, unless the keys that matter appear in its text", async () => {
  /** A source just over the cap whose stream yields `parts` (so a key can straddle two chunks). */
  const oversize = (...parts: string[]) => new StreamOnlySource(MAX_JSON_BYTES + 1, async function* () {
    for (const p of parts) yield Buffer.from(p);
  });
  const over = `The JSON file is ${MAX_JSON_BYTES + 1} bytes, over the ${MAX_JSON_BYTES}-byte limit`;
  const cases: [string[], [string, string, string][]][] = [
    [['{"model": {"vocab": {"a": 1}}}'], [["hf/json-not-checked", "info", `${over}: chat templates and auto_map in it were not checked`]]],
    [['{"added_tokens": [], "chat_temp', 'late"  : "{{ x.__class__ }}"}'], [["template/unchecked", "low", `${over}, and it has a chat_template key: the template was not checked`]]],
    [['{"auto_map": {"AutoModel": "modeling_x.X"}}'], [["hf/remote-code", "medium", `${over}, and it has an auto_map key: loading with trust_remote_code=True runs the repository's Python files (the entries were not read)`]]],
    [['{"vocab": {"chat_template": 5'], [["template/unchecked", "low", `${over}, and it has a chat_template key: the template was not checked`]]],
    [['{"text": "about chat_template and \"auto_map\" in prose"}'], [["hf/json-not-checked", "info", `${over}: chat templates and auto_map in it were not checked`]]],
  ];
  for (const [parts, expected] of cases) {
    const ctx = makeTestContext();
    assert.equal(await hfJsonHandler.scan(oversize(...parts), ctx), "json");
    assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity, f.message]), expected, parts.join(""));
  }
});

test("a template that does not parse is a medium finding in a config too", async () => {
  const { ctx } = await run(Buffer.from(JSON.stringify({ chat_template: "{% if x %}" })));
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity]), [["template/parse-error", "medium"]]);
});
