/**
 * `vouch scan` with hf:// targets and `--hf-cache`, in-process against the Hub stand-in; plus the
 * source checks every scan runs (cache blob names, Git LFS pointers).
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CachedRepo } from "../../src/sources/hf-cache.js";
import type { ScanReport } from "../../src/core/types.js";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { hub, removeTempDirs, sha, tempDir } from "../sources/support.js";
import { cleanup, modelDir, runCli } from "./support.js";

let h: HubStandIn;
before(async () => {
  h = await hub();
});
after(() => h.close());
afterEach(() => {
  h.requests.length = 0;
  removeTempDirs();
  cleanup();
});

const WEIGHTS = readFileSync(join(import.meta.dirname, "..", "..", "examples", "tiny-model", "model.safetensors"));
const env = (cache: string) => ({ HF_ENDPOINT: h.endpoint, HF_HUB_CACHE: cache });

test("scan hf://ORG/NAME@REV downloads into the cache and scans the snapshot", async () => {
  const cache = tempDir();
  const run = await runCli(["scan", "hf://acme-ai/tiny-chat@v1.0", "--format", "json"], { env: env(cache) });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as ScanReport;
  assert.deepEqual(report.targets, ["hf://acme-ai/tiny-chat@v1.0"]);
  assert.deepEqual(
    report.artifacts.map((a) => [a.path, a.format, a.verdict]),
    [
      // .gitattributes is downloaded but, as at the root of any model, not part of it (see walk/)
      ["README.md", "text", "clean"],
      ["config.json", "json", "clean"],
      ["model.safetensors", "safetensors", "clean"],
      ["tokenizer/tokenizer.json", "json", "clean"],
      ["tokenizer/tokenizer_config.json", "json", "clean"],
    ],
  );
});

test("scan --hf-cache reports every cached revision under its own hf://ORG/NAME@COMMIT, without the network", async () => {
  const cache = tempDir();
  assert.equal((await runCli(["scan", "hf://acme-ai/tiny-chat@v1.0"], { env: env(cache) })).code, 0);
  assert.equal((await runCli(["scan", "hf://acme-ai/tiny-chat"], { env: env(cache) })).code, 0);
  assert.equal((await runCli(["scan", "hf://acme-ai/tiny-base"], { env: env(cache) })).code, 0);
  h.requests.length = 0;

  const run = await runCli(["scan", "--hf-cache", "--format", "json"], { env: env(cache) });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(h.requests, [], "nothing downloaded or asked");
  const report = JSON.parse(run.stdout) as ScanReport;
  assert.deepEqual(report.targets, [
    `hf://acme-ai/tiny-base@${sha("tiny-base-1")}`,
    `hf://acme-ai/tiny-chat@${sha("tiny-chat-1")}`,
    `hf://acme-ai/tiny-chat@${sha("tiny-chat-2")}`,
  ]);
  assert.ok(report.artifacts.some((a) => a.path === `hf://acme-ai/tiny-chat@${sha("tiny-chat-2")}/extra.bin`));
  assert.equal(report.artifacts.filter((a) => a.path.endsWith("/model.safetensors")).length, 3);
});

test("scan --hf-cache finds a blob whose content no longer matches its name", async () => {
  const cache = tempDir();
  await runCli(["scan", "hf://acme-ai/tiny-chat@v1.0"], { env: env(cache) });
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  const name = createHash("sha256").update(WEIGHTS).digest("hex");
  const swapped = Buffer.from(WEIGHTS);
  swapped[swapped.length - 1] ^= 1; // still valid safetensors: only a digest can tell
  writeFileSync(repo.blobPath(name), swapped);
  const config = JSON.parse(readFileSync(join(repo.snapshotDir(sha("tiny-chat-1")), "config.json"), "utf8")) as object;
  assert.ok(config);

  const run = await runCli(["scan", "--hf-cache", "--format", "json"], { env: env(cache) });
  assert.equal(run.code, 1, "a high finding");
  const report = JSON.parse(run.stdout) as ScanReport;
  const bad = report.artifacts.filter((a) => a.findings.length > 0);
  assert.deepEqual(bad.map((a) => [a.path.split("/").pop(), a.verdict, a.findings.map((f) => f.ruleId)]), [["model.safetensors", "malicious", ["hf-cache/blob-mismatch"]]]);
  assert.match(bad[0].findings[0].message, new RegExp(`blob is named ${name}`));
});

test("scan --hf-cache on an empty cache is a usage error; a missing one says which folder", async () => {
  const empty = await runCli(["scan", "--hf-cache"], { env: { HF_HUB_CACHE: tempDir() } });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /E_USAGE: the Hugging Face cache .* holds no model/);
  const missing = await runCli(["scan", "--hf-cache"], { env: { HF_HOME: join(tempDir(), "nowhere") } });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /E_HF_CACHE: cannot read the Hugging Face cache .*nowhere\/hub/);
});

test("scan with no target at all is a usage error", async () => {
  const run = await runCli(["scan"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /E_USAGE: missing required argument 'path'. Give files, folders or hf:\/\/ORG\/NAME targets, or --hf-cache/);
});

test("a gated model is exit 2 with the Hub's reason and what to do", async () => {
  const run = await runCli(["scan", "hf://acme-ai/gated-model"], { env: env(tempDir()) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /E_HF_GATED: acme-ai\/gated-model is a gated repository \(HTTP 401\): Access to model acme-ai\/gated-model is restricted/);
  assert.match(run.stderr, /set HF_TOKEN/);
});

test("a Git LFS pointer that was never pulled is reported as missing weights, not scanned as text", async () => {
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${"ab".repeat(32)}\nsize 31088\n`;
  const dir = modelDir({ "model.safetensors": pointer, "config.json": "{}" });
  const run = await runCli(["scan", dir, "--format", "json"]);
  assert.equal(run.code, 2, "the weights could not be judged");
  const report = JSON.parse(run.stdout) as ScanReport;
  const weights = report.artifacts.find((a) => a.path === "model.safetensors")!;
  assert.equal(weights.format, "git-lfs-pointer");
  assert.equal(weights.verdict, "error");
  assert.deepEqual(weights.findings.map((f) => f.ruleId), ["lfs/pointer-not-pulled"]);
  assert.match(weights.findings[0].message, /31088 bytes with sha256 abab/);
});
