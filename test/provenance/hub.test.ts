/**
 * Provenance of Hub models against the stand-in: repository facts, the card, lineage and dataset
 * revisions from the Hub, per-file verification and the Hub's scan status as reported, and the
 * warnings (unpinned, weights after the card, unmentioned files, licences, tampering).
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { fixedClock } from "../../src/core/clock.js";
import { provenance } from "../../src/provenance/collect.js";
import { renderProvenance } from "../../src/provenance/render.js";
import { CachedRepo } from "../../src/sources/hf-cache.js";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { hub, options, removeTempDirs, sha, tempDir } from "../sources/support.js";

let h: HubStandIn;
before(async () => {
  h = await hub();
});
after(() => h.close());
afterEach(() => {
  h.requests.length = 0;
  removeTempDirs();
});

const clock = fixedClock(new Date("2025-06-01T00:00:00Z"));

test("hf://ORG/NAME on main: repository facts, card, lineage and datasets by revision, per-file status, warnings", async () => {
  const report = await provenance("hf://acme-ai/tiny-chat", { hub: options(h, tempDir()), clock });
  assert.equal(report.source.kind, "hub");
  assert.deepEqual(report.repository, {
    id: "acme-ai/tiny-chat",
    url: `${h.endpoint}/acme-ai/tiny-chat`,
    requestedRevision: "main",
    commit: sha("tiny-chat-2"),
    pinned: false,
    author: "acme-ai",
    lastModified: "2024-03-02T12:30:00.000Z",
    gated: false,
    private: false,
  });
  assert.equal(report.card.license, "apache-2.0");
  assert.equal(report.card.licenseSpdx, "Apache-2.0");
  assert.deepEqual(report.card.lastChanged, { commit: sha("tiny-chat-1"), date: "2024-01-10T09:00:00.000Z" });
  assert.deepEqual(report.lineage, [
    { id: "acme-ai/tiny-base", depth: 1, child: "acme-ai/tiny-chat", relation: "finetune", source: "hub", commit: sha("tiny-base-1"), license: "mit" },
  ]);
  assert.deepEqual(report.datasets, [{ id: "acme-ai/tiny-corpus", source: "hub", commit: sha("corpus-1") }]);

  const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));
  assert.deepEqual(Object.keys(byPath), ["README.md", "config.json", "extra.bin", "model.safetensors", "tokenizer/tokenizer.json", "tokenizer/tokenizer_config.json"]);
  for (const f of report.files) assert.equal(f.verification, "verified", f.path);
  assert.equal(byPath["model.safetensors"].verifiedAgainst, "hub");
  assert.match(byPath["model.safetensors"].expected!, /^sha256:[0-9a-f]{64}$/);
  assert.match(byPath["config.json"].expected!, /^git-sha1:[0-9a-f]{40}$/);
  assert.equal(byPath["model.safetensors"].hubScan!.status, "queued");
  assert.equal(byPath["README.md"].hubScan!.status, "unscanned");
  assert.deepEqual(byPath["model.safetensors"].lastCommit, { id: sha("tiny-chat-2"), title: "Retrain", date: "2024-03-02T12:30:00.000Z" });

  assert.deepEqual(report.warnings.map((w) => [w.severity, w.code, w.file]), [
    ["medium", "unmentioned-file", "extra.bin"],
    ["medium", "unpinned-revision", undefined],
    ["medium", "weights-after-card", "extra.bin"], // added after the card, so the card cannot describe it
    ["medium", "weights-after-card", "model.safetensors"],
  ]);
  assert.match(report.warnings[1].message, new RegExp(`pin hf://acme-ai/tiny-chat@${sha("tiny-chat-2")}`));
});

test("a pinned commit has no unpinned warning, and its files are the ones of that commit", async () => {
  const report = await provenance(`hf://acme-ai/tiny-chat@${sha("tiny-chat-1")}`, { hub: options(h, tempDir()), clock });
  assert.equal(report.repository!.pinned, true);
  assert.deepEqual(report.warnings, []);
  assert.ok(!report.files.some((f) => f.path === "extra.bin"));
});

test("the Hub's scan status is shown as reported: unscanned and queued never read as safe", async () => {
  const report = await provenance("hf://acme-ai/tiny-chat", { hub: options(h, tempDir()), clock });
  const lines = renderProvenance(report, "text").split("\n");
  const scanOf = (path: string) => {
    const at = lines.findIndex((l) => l.startsWith(`  ${path}  `));
    return lines.slice(at + 1, at + 4).find((l) => l.includes("Hub scan:"));
  };
  assert.match(scanOf("model.safetensors")!, /Hub scan: queued \(no verdict yet\);/);
  assert.match(scanOf("README.md")!, /Hub scan: unscanned \(no verdict\);/);
  assert.match(scanOf("config.json")!, /Hub scan: safe \(per the Hub\);/);
  const rows = renderProvenance(report, "markdown").split("\n");
  assert.match(rows.find((l) => l.startsWith("| `model.safetensors`"))!, /\| queued \(no verdict yet\) \|$/);
  assert.match(rows.find((l) => l.startsWith("| `extra.bin`"))!, /\| unscanned \(no verdict\) \|$/);
});

test("a cache snapshot given as a path is known by repo and commit; a tampered blob is a high warning", async () => {
  const cache = tempDir();
  const first = await provenance("hf://acme-ai/tiny-chat@v1.0", { hub: options(h, cache), clock });
  const weights = first.files.find((f) => f.path === "model.safetensors")!;
  writeFileSync(new CachedRepo(cache, "acme-ai/tiny-chat").blobPath(weights.sha256), "swapped");

  const offline = await provenance(first.source.path, { hub: options(h, cache, { offline: true }), clock });
  assert.equal(offline.source.kind, "hf-cache");
  assert.deepEqual([offline.repository!.id, offline.repository!.commit, offline.repository!.pinned], ["acme-ai/tiny-chat", sha("tiny-chat-1"), true]);
  const bad = offline.files.find((f) => f.path === "model.safetensors")!;
  assert.deepEqual([bad.verification, bad.verifiedAgainst], ["mismatch", "cache-blob"]);
  assert.deepEqual(offline.warnings.filter((w) => w.severity === "high").map((w) => [w.code, w.file]), [["hash-mismatch", "model.safetensors"]]);

  h.requests.length = 0;
  const online = await provenance(first.source.path, { hub: options(h, cache), clock });
  assert.equal(online.files.find((f) => f.path === "model.safetensors")!.verifiedAgainst, "hub");
  assert.equal(online.files.find((f) => f.path === "model.safetensors")!.verification, "mismatch");
  assert.ok(h.requests.some((r) => r.url.includes("/tree/")), "the Hub was asked for the published digests");
});

test("offline, lineage and datasets come from the cache when they are there, and are unavailable otherwise", async () => {
  const cache = tempDir();
  await provenance("hf://acme-ai/tiny-base", { hub: options(h, cache), clock });
  await provenance("hf://acme-ai/tiny-chat", { hub: options(h, cache), clock });
  h.requests.length = 0;
  const report = await provenance("hf://acme-ai/tiny-chat", { hub: options(h, cache, { offline: true }), clock });
  assert.deepEqual(h.requests, []);
  assert.equal(report.source.hubNote, "offline: resolved from the local cache; the Hub was not asked");
  assert.deepEqual(report.lineage.map((e) => [e.id, e.source, e.commit, e.license]), [["acme-ai/tiny-base", "cache", sha("tiny-base-1"), "mit"]]);
  assert.deepEqual(report.datasets, [{ id: "acme-ai/tiny-corpus", source: "unavailable", note: "not in the local cache, and offline" }]);
});

test("licence warnings: llama3 is not SPDX and restricts use; the gated state is reported", async () => {
  const report = await provenance("hf://acme-ai/gated-model", { hub: options(h, tempDir(), { token: "hf_vouch_test_good" }), clock });
  assert.equal(report.repository!.gated, "manual");
  assert.deepEqual(report.warnings.map((w) => w.code).sort(), ["license-not-spdx", "license-restricted", "no-dataset-disclosure", "unpinned-revision"]);
});

test("the JSON report is byte-identical across runs with a pinned clock", async () => {
  const cache = tempDir();
  const a = renderProvenance(await provenance("hf://acme-ai/tiny-chat@v1.0", { hub: options(h, cache), clock }), "json");
  const b = renderProvenance(await provenance("hf://acme-ai/tiny-chat@v1.0", { hub: options(h, cache), clock }), "json");
  assert.equal(a, b);
  assert.match(a, /"generatedAt": "2025-06-01T00:00:00.000Z"/);
});
