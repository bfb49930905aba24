/**
 * Jinja template files (chat_template.jinja): recognised by content, checked like templates in
 * configs, with the file name breaking only the ties described in the handler.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BufferSource } from "../../../src/core/source.js";
import { chatTemplateHandler, sniffTemplate } from "../../../src/formats/chat-template/handler.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { scan } from "../../../src/index.js";
import { makeTestContext } from "../../support/context.js";

const HF = join(import.meta.dirname, "..", "..", "fixtures", "hf");
const read = (rel: string) => readFileSync(join(HF, rel));
const sniffAs = (bytes: Uint8Array, name: string) => sniffTemplate({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name });

test("sniff: text with a Jinja tag, or named like a template; never JSON objects, binary or empty files", () => {
  assert.equal(sniffAs(read("hostile/chat_template.jinja"), "chat_template.jinja"), 6);
  assert.equal(sniffAs(read("hostile/chat_template.jinja"), "anything.txt"), 6, "the content alone is enough");
  assert.equal(sniffAs(read("benign/README.md"), "README.md"), 6, "braces in markdown are looked at (and then left as text)");
  assert.equal(sniffAs(Buffer.from(`${"intro ".repeat(1000)}{{ x }}`), "chat_template.jinja"), 6, "named: no tag needed in the head");
  assert.equal(sniffAs(Buffer.from(`${"intro ".repeat(1000)}{{ x }}`), "notes.txt"), 0);
  assert.equal(sniffAs(read("hf_tiny_mistral/README.md"), "README.md"), 0, "ordinary markdown");
  assert.equal(sniffAs(read("hostile/tokenizer_config.json"), "x.jinja"), 0, "a JSON object is the JSON handler's");
  assert.equal(sniffAs(Buffer.from("{{ bos_token }}{% for m in messages %}"), "x"), 6, "a template may start with {{");
  assert.equal(sniffAs(Buffer.from([0x80, 0x02, 0x7b, 0x7b]), "x.jinja"), 0, "binary");
  assert.equal(sniffAs(new Uint8Array(0), "x.jinja"), 0);
});

test("scan: the hostile chat_template.jinja is critical at line 3, reported under the file's name", async () => {
  const ctx = makeTestContext({ memberPath: "chat_template.jinja" });
  const format = await chatTemplateHandler.scan(new BufferSource(read("hostile/chat_template.jinja")), ctx);
  assert.equal(format, "jinja");
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.severity, f.location, f.evidence]), [
    ["template/code-execution", "critical", { member: "chat_template.jinja", line: 3, column: 15 }, "lipsum.__globals__['os'].popen('id').read()"],
  ]);
  assert.match(ctx.findings[0].message, /^chat_template\.jinja: The template at line 3, column 15 accesses `__globals__` from the `lipsum` global/);
});

test("scan: benign templates and markdown raise nothing; only template names are reported as jinja", async () => {
  const cases: [string, string, string][] = [
    ["benign/chat_template.jinja", "chat_template.jinja", "jinja"],
    ["benign/README.md", "README.md", "text"],
    ["hostile/chat_template.jinja", "notes.md", "text"],
  ];
  for (const [rel, name, format] of cases) {
    const ctx = makeTestContext({ memberPath: name });
    assert.equal(await chatTemplateHandler.scan(new BufferSource(read(rel)), ctx), format, rel);
    if (!rel.startsWith("hostile")) assert.deepEqual(ctx.findings, [], rel);
  }
});

test("end to end: verdicts for template files by content, with names breaking ties only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vouch-jinja-"));
  try {
    const payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    writeFileSync(join(dir, "chat_template.jinja"), read("hostile/chat_template.jinja"));
    writeFileSync(join(dir, "preamble.jinja"), `${"{# licence text #}\n".repeat(400)}${payload}`);
    writeFileSync(join(dir, "renamed.txt"), payload);
    writeFileSync(join(dir, "broken.jinja"), "{% for m in messages %}{{ m['content'] }}");
    writeFileSync(join(dir, "braces.md"), "Use `{% raw %}` and `{{ name }}` in prose.\n");
    writeFileSync(join(dir, "good.jinja"), read("benign/chat_template.jinja"));
    const report = await scan([dir]);
    const got = Object.fromEntries(report.artifacts.map((a) => [a.path, [a.format, a.verdict, a.findings.map((f) => f.ruleId)]]));
    assert.deepEqual(got, {
      "braces.md": ["text", "clean", []],
      "broken.jinja": ["jinja", "suspicious", ["template/parse-error"]],
      "chat_template.jinja": ["jinja", "malicious", ["template/code-execution"]],
      "good.jinja": ["jinja", "clean", []],
      "preamble.jinja": ["jinja", "malicious", ["template/code-execution"]],
      "renamed.txt": ["text", "malicious", ["template/code-execution"]],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
