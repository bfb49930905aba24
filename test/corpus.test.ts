/**
 * Every labelled corpus file gets the verdict its label gives it. The test walks `labels.tsv`, so new
 * corpus files are covered automatically: once over the copy in test/fixtures/corpus (always), and once
 * over ../shared/corpus when it exists (CI has it; it may hold newer files).
 *
 * Mapping: malicious -> malicious; benign -> clean; suspicious -> clean or suspicious;
 * invalid -> error (or malicious when a payload was seen before the break).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { scan } from "../src/index.js";
import type { ArtifactReport, Verdict } from "../src/core/types.js";
import { SHARED_DIR } from "./support/shared.js";

const ACCEPT: Record<string, Verdict[]> = {
  malicious: ["malicious"],
  benign: ["clean"],
  suspicious: ["clean", "suspicious"],
  invalid: ["error", "malicious"],
};

interface Label {
  path: string;
  verdict: string;
  format: string;
  technique: string;
}

function readLabels(dir: string): Label[] {
  const lines = readFileSync(join(dir, "labels.tsv"), "utf8").split("\n").slice(1).filter((l) => l.trim() !== "");
  return lines.map((l) => {
    const [path, verdict, format, technique] = l.split("\t");
    return { path, verdict, format, technique };
  });
}

async function checkCorpus(dir: string): Promise<void> {
  const labels = readLabels(dir);
  assert.ok(labels.length >= 95, `expected every corpus row, found ${labels.length}`);
  const marker = "/tmp/corpus-pwned-marker";
  rmSync(marker, { force: true });
  const report = await scan(labels.map((l) => join(dir, l.path)));
  const byPath = new Map<string, ArtifactReport>(report.artifacts.map((a) => [a.path, a]));
  const wrong: string[] = [];
  for (const l of labels) {
    const a = byPath.get(join(dir, l.path).split("\\").join("/"));
    assert.ok(a, `no report for ${l.path}`);
    if (!ACCEPT[l.verdict].includes(a.verdict)) {
      wrong.push(`${l.path} (${l.format}, ${l.technique}): expected ${l.verdict}, got ${a.verdict} [${a.findings.map((f) => f.ruleId).join(", ")}]`);
    }
  }
  assert.deepEqual(wrong, []);
  // scanning executes nothing: no payload wrote its marker file
  assert.equal(existsSync(marker), false, "a payload ran during the scan");
}

test("corpus copy in test/fixtures: every label gets its verdict", async () => {
  await checkCorpus(join(import.meta.dirname, "fixtures", "corpus"));
});

test("shared corpus (../shared/corpus): every label gets its verdict", async (t) => {
  if (!SHARED_DIR) {
    t.skip("../shared is absent: the shared corpus suite runs in CI");
    return;
  }
  await checkCorpus(join(SHARED_DIR, "corpus"));
});
