/** docs/bom.md shows the sample model's BOMs: they must be exactly what bom() writes today. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bom, renderBom } from "../../src/bom/index.js";
import { fixedClock } from "../../src/core/clock.js";
import { EXAMPLE, ROOT } from "./support.js";

const clock = fixedClock(new Date(1767225600 * 1000));

function shown(marker: string): string {
  const doc = readFileSync(join(ROOT, "docs", "bom.md"), "utf8");
  const m = new RegExp(`<!-- bom:${marker} -->\\n\`\`\`json\\n([\\s\\S]*?)\`\`\`\\n`).exec(doc);
  assert.ok(m, `docs/bom.md has a ${marker} block`);
  return m[1];
}

test("docs/bom.md: the CycloneDX and SPDX BOMs of examples/tiny-model are current", async () => {
  assert.equal(shown("cyclonedx"), renderBom(await bom(EXAMPLE, { clock })));
  assert.equal(shown("spdx3"), renderBom(await bom(EXAMPLE, { clock, format: "spdx3" })));
});
