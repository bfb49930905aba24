/**
 * docs/provenance.md shows the provenance report of examples/tiny-model: it must stay what the
 * command prints. Lines that depend on the clone's history (commit ids, dates) are compared by
 * shape only, so a shallow or re-made clone still passes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { modelDigest } from "../../src/sign/digest.js";
import { cleanup, runCli, tempDir } from "../cli/support.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DOC = readFileSync(join(ROOT, "docs", "provenance.md"), "utf8");

function exampleBlock(): string {
  const at = DOC.indexOf("<!-- provenance-example:tiny-model");
  const start = DOC.indexOf("```text\n", at) + "```text\n".length;
  return DOC.slice(start, DOC.indexOf("```", start));
}

/** History lines: the card's last change and each commit of the weights. */
const mask = (text: string) =>
  text
    .split("\n")
    .map((l) => (/^ {2}last changed {2}/.test(l) ? "  last changed  <history>" : /^ {4}[0-9a-f]{12} \S+ .*(unsigned|signed \(\w+\)): /.test(l) ? "    <commit>" : l))
    .join("\n");

test("the sample model's report in docs/provenance.md is what vouch prints", async (t) => {
  t.after(cleanup);
  const run = await runCli(["provenance", "examples/tiny-model", "--offline", "--now", "2026-01-01T00:00:00Z"], { env: { HF_HUB_CACHE: tempDir() } });
  assert.equal(run.code, 0, run.stderr);
  if (!/source {2}local git clone/.test(run.stdout)) {
    t.skip("examples/ is not in a git work tree here (an unpacked tarball): the example shows a clone");
    return;
  }
  assert.equal(mask(exampleBlock()), mask(run.stdout));
});

test("the SLSA digest quoted in docs/provenance.md is the sample model's identity", async () => {
  assert.ok(DOC.includes(await modelDigest(join(ROOT, "examples", "tiny-model"))));
});
