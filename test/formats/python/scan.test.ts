/**
 * End to end through `scan()`: Python files alone and inside archives; only high findings make a
 * verdict malicious, so ordinary modelling code stays clean.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan } from "../../../src/index.js";
import { packTar } from "../tar/helpers.js";
import { FIXTURES, fixtureText } from "./helpers.js";

test("verdicts per fixture: modelling code clean, os.system and base64+exec malicious, requests suspicious", async () => {
  const names = ["modeling_tiny.py", "setup_hook.py", "obfuscated.py", "fetch_weights.py"];
  const report = await scan(names.map((n) => join(FIXTURES, n)));
  const verdicts = Object.fromEntries(report.artifacts.map((a) => [a.path.split("/").pop(), [a.format, a.verdict]]));
  assert.deepEqual(verdicts, {
    "modeling_tiny.py": ["python", "clean"],
    "setup_hook.py": ["python", "malicious"],
    "obfuscated.py": ["python", "malicious"],
    "fetch_weights.py": ["python", "suspicious"],
  });
});

test("remote code inside a tar: the finding is located at the member, with line and column", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vouch-py-"));
  try {
    const tar = await packTar([
      { header: { name: "repo/config.json" }, data: Buffer.from('{"auto_map": {"AutoModel": "modeling_x.X"}}') },
      { header: { name: "repo/modeling_x.py" }, data: Buffer.from(fixtureText("setup_hook.py")) },
      { header: { name: "repo/README.md" }, data: Buffer.from("# X\n\n```python\nimport os\nos.system('id')\n```\n") },
    ]);
    const path = join(dir, "repo.tar");
    writeFileSync(path, tar);
    const a = (await scan([path])).artifacts[0]!;
    assert.equal(a.verdict, "malicious");
    // other checks (the config's auto_map) may add their own findings: these are the Python ones
    const python = a.findings.filter((f) => f.ruleId.startsWith("python/"));
    assert.deepEqual(python.map((f) => [f.ruleId, f.location]), [["python/process-exec", { member: "repo/modeling_x.py", line: 8, column: 5 }]]);
    assert.deepEqual(a.members?.map((m) => [m.path, m.format]), [
      ["repo/config.json", "json"],
      ["repo/modeling_x.py", "python"],
      ["repo/README.md", "text"],
    ], "the README's code block is documentation, not code");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
