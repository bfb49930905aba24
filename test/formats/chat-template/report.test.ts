import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_TEMPLATE_CHARS } from "../../../src/formats/chat-template/check.js";
import { MAX_TEMPLATE_CHARS_PER_ARTIFACT, TemplateChecker } from "../../../src/formats/chat-template/report.js";
import { makeTestContext } from "../../support/context.js";

test("findings carry the site's label and offset, and the template's line and column", () => {
  const ctx = makeTestContext();
  new TemplateChecker(ctx).check("hi\n{{ x.__class__ }}", { label: "tokenizer.chat_template", offset: 99 });
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.location, f.evidence]), [["template/dunder-access", { offset: 99, line: 2, column: 4 }, "x.__class__"]]);
  assert.match(ctx.findings[0].message, /^tokenizer\.chat_template: The template at line 2, column 4 /);
});

test("an artifact's templates share one budget; past it, templates are reported unchecked (the verdict becomes error)", () => {
  const ctx = makeTestContext();
  const checker = new TemplateChecker(ctx);
  const text = "plain text ".repeat(MAX_TEMPLATE_CHARS / 11);
  const fit = Math.floor(MAX_TEMPLATE_CHARS_PER_ARTIFACT / text.length);
  for (let i = 0; i <= fit; i++) checker.check(text, { label: `t${i}` });
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.message]), [
    ["template/unchecked", `t${fit}: The template was not checked: the artifact's templates together exceed ${MAX_TEMPLATE_CHARS_PER_ARTIFACT} characters`],
  ]);
  assert.equal(ctx.incomplete, true);
  assert.equal(checker.seen.length, fit + 1);
});

test("a template too long to read, and a scan out of time, are reported unchecked", () => {
  const ctx = { ...makeTestContext(), signal: AbortSignal.abort() };
  const checker = new TemplateChecker(ctx);
  checker.tooLong(5 << 20, { label: "big", offset: 10 });
  checker.check("{{ x }}", { label: "late" });
  assert.deepEqual(ctx.findings.map((f) => [f.ruleId, f.location.offset, f.message]), [
    ["template/unchecked", 10, `big: The template was not checked: it is ${5 << 20} bytes long, over the limit of ${MAX_TEMPLATE_CHARS} characters`],
    ["template/unchecked", undefined, "late: The template was not checked: the scan ran out of time"],
  ]);
});
