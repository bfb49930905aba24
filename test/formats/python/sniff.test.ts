import { test } from "node:test";
import assert from "node:assert/strict";
import { sniff } from "../../../src/formats/registry.js";
import { sniffPython } from "../../../src/formats/python/sniff.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { fixtureText } from "./helpers.js";

function score(text: string | Uint8Array, name: string): number {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  return sniffPython({ head: bytes.subarray(0, HEAD_BYTES), size: bytes.length, name });
}

test("a text file named .py is claimed just above plain text; the registry picks it", () => {
  assert.equal(score("x = 1\n", "modeling_x.py"), 6);
  assert.equal(score("x = 1\n", "stubs.pyi"), 6);
  const text = Buffer.from(fixtureText("modeling_tiny.py"));
  assert.equal(sniff({ head: text.subarray(0, HEAD_BYTES), size: text.length, name: "modeling_tiny.py" })?.id, "python");
});

test("without the name, content decides: a Python shebang or two statement lines", () => {
  assert.equal(score("#!/usr/bin/env python3\nprint('hi')\n", "run"), 6);
  assert.equal(score("import os\nimport torch\n", "code.txt"), 6);
  assert.equal(score("from torch import nn\n\nclass Net(nn.Module):\n    pass\n", "blob"), 6);
  assert.equal(score("import os\nThat was one import line in prose.\n", "notes.txt"), 0, "one line is not enough");
  assert.equal(score("Some notes.\nimport is a keyword in many languages\n", "notes.txt"), 0);
});

test("markdown with code blocks, JSON, binary and empty files are not claimed by content", () => {
  const readme = "# Model card\n\n```python\nimport torch\nfrom transformers import AutoModel\n```\n";
  assert.equal(score(readme, "README.md"), 0);
  assert.equal(score('{"architectures": ["X"], "auto_map": {"AutoModel": "modeling_x.X"}}\n', "config.json"), 0);
  assert.equal(score(Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00]), "x.py"), 0, "not text, whatever the name");
  assert.equal(score("", "empty.py"), 0);
  const text = Buffer.from(readme);
  assert.equal(sniff({ head: text, size: text.length, name: "README.md" })?.id, "text");
});
