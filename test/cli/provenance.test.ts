/** `vouch provenance`, in-process: formats, --slsa with the signing library's digest, exit codes. */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { modelDigest } from "../../src/sign/digest.js";
import type { ProvenanceReport } from "../../src/provenance/types.js";
import { CachedRepo } from "../../src/sources/hf-cache.js";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { hub, removeTempDirs, tempDir } from "../sources/support.js";
import { cleanup, runCli } from "./support.js";

let h: HubStandIn;
before(async () => {
  h = await hub();
});
after(() => h.close());
afterEach(() => {
  removeTempDirs();
  cleanup();
});

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "tiny-model");
const NOW = "2026-01-01T00:00:00Z";
const env = (cache: string) => ({ HF_ENDPOINT: h.endpoint, HF_HUB_CACHE: cache });

test("text, Markdown and JSON of the sample model, offline", async () => {
  const text = await runCli(["provenance", EXAMPLE, "--offline", "--now", NOW], { env: { HF_HUB_CACHE: tempDir() } });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Provenance of .*tiny-model\n/);
  assert.match(text.stdout, /license +apache-2\.0 \(SPDX Apache-2\.0; commercial use allowed\)/);
  assert.match(text.stdout, /<- vouch-examples\/tiny-llama-base: unavailable; not in the local cache, and offline/);
  assert.match(text.stdout, /Warnings \(0\)\n {2}none\n$/);
  const md = await runCli(["provenance", EXAMPLE, "--offline", "--format", "markdown", "--now", NOW], { env: { HF_HUB_CACHE: tempDir() } });
  assert.match(md.stdout, /^# Provenance of `.*tiny-model`\n/);
  assert.match(md.stdout, /\| `model\.safetensors` \| 31088 \| weights \| `[0-9a-f]{64}` \| verified against git-index \|/);
  const json = await runCli(["provenance", EXAMPLE, "--offline", "--format", "json", "--now", NOW], { env: { HF_HUB_CACHE: tempDir() } });
  const report = JSON.parse(json.stdout) as ProvenanceReport;
  assert.equal(report.generatedAt, "2026-01-01T00:00:00.000Z");
  assert.equal(report.summary.files, 8);
});

test("--slsa: the subject digest is the one the signing library computes", async () => {
  const run = await runCli(["provenance", EXAMPLE, "--slsa", "--offline", "--now", NOW], { env: { HF_HUB_CACHE: tempDir() } });
  assert.equal(run.code, 0, run.stderr);
  const st = JSON.parse(run.stdout) as { subject: { digest: { sha256: string } }[]; predicateType: string };
  assert.equal(`sha256:${st.subject[0].digest.sha256}`, await modelDigest(EXAMPLE));
  assert.equal(st.predicateType, "https://slsa.dev/provenance/v1");
});

test("--slsa for a Hub model hashes the cache snapshot through its links", async () => {
  const cache = tempDir();
  const run = await runCli(["provenance", "hf://acme-ai/tiny-chat@v1.0", "--slsa"], { env: env(cache) });
  assert.equal(run.code, 0, run.stderr);
  const st = JSON.parse(run.stdout) as { subject: { name: string; digest: { sha256: string } }[] };
  const snapshot = new CachedRepo(cache, "acme-ai/tiny-chat").snapshotDir((JSON.parse(run.stdout) as { predicate: { buildDefinition: { externalParameters: { commit: string } } } }).predicate.buildDefinition.externalParameters.commit);
  assert.equal(st.subject[0].name, "acme-ai/tiny-chat");
  assert.equal(`sha256:${st.subject[0].digest.sha256}`, await modelDigest(snapshot, { allowSymlinks: true }));
});

test("exit 1 when a warning is at or above --fail-on; 0 below it", async () => {
  const cache = tempDir();
  const ok = await runCli(["provenance", "hf://acme-ai/tiny-chat", "--format", "json"], { env: env(cache) });
  assert.equal(ok.code, 0, "medium warnings only");
  const strict = await runCli(["provenance", "hf://acme-ai/tiny-chat", "--fail-on", "medium"], { env: env(cache) });
  assert.equal(strict.code, 1);
  const report = JSON.parse(ok.stdout) as ProvenanceReport;
  writeFileSync(new CachedRepo(cache, "acme-ai/tiny-chat").blobPath(report.files.find((f) => f.path === "model.safetensors")!.sha256), "swapped");
  const tampered = await runCli(["provenance", report.source.path, "--offline"], { env: env(cache) });
  assert.equal(tampered.code, 1);
  assert.match(tampered.stdout, /high {5}hash-mismatch: model\.safetensors does not match its cache blob's name/);
});

test("errors are exit 2 with the reason", async () => {
  const gated = await runCli(["provenance", "hf://acme-ai/gated-model"], { env: env(tempDir()) });
  assert.equal(gated.code, 2);
  assert.match(gated.stderr, /E_HF_GATED/);
  const missing = await runCli(["provenance", join(tempDir(), "nothing-here")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /E_NOT_FOUND/);
});
