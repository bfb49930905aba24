/**
 * `vouch pin hf://...` and `vouch verify --lock ... hf://...` against the Hub stand-in on 127.0.0.1:
 * the lock records the resolved commit and the SHA-256 of the bytes that were verified against the
 * Hub's published digests; a lock that disagrees fails with exit 1.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { hub, removeTempDirs, sha, tempDir } from "../sources/support.js";
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

const WEIGHTS = readFileSync(join(import.meta.dirname, "..", "..", "examples", "tiny-model", "model.safetensors"));

test("pin an hf:// target, then verify the lock against it", async () => {
  const cache = tempDir();
  const env = { HF_ENDPOINT: h.endpoint, HF_HUB_CACHE: cache };
  const out = join(tempDir(), "vouch.lock");
  const pin = await runCli(["pin", "hf://acme-ai/tiny-chat@v1.0", "--output", out], { env });
  assert.equal(pin.code, 0, pin.stderr);
  const lock = JSON.parse(readFileSync(out, "utf8")) as { target: string; revision: string; files: { path: string; sha256: string }[] };
  assert.equal(lock.target, "hf://acme-ai/tiny-chat@v1.0");
  assert.equal(lock.revision, sha("tiny-chat-1"));
  const weights = lock.files.find((f) => f.path === "model.safetensors");
  assert.equal(weights?.sha256, createHash("sha256").update(WEIGHTS).digest("hex"));

  const ok = await runCli(["verify", "--lock", out, "hf://acme-ai/tiny-chat@v1.0"], { env });
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.match(ok.stdout, /^VERIFIED hf:\/\/acme-ai\/tiny-chat@v1.0/);

  // the lock pins v1.0; main has moved on to another commit
  const moved = await runCli(["verify", "--lock", out, "hf://acme-ai/tiny-chat@main"], { env });
  assert.equal(moved.code, 1, moved.stdout + moved.stderr);

  // a lock whose digest for the weights differs fails by file name
  weights!.sha256 = "0".repeat(64);
  writeFileSync(out, JSON.stringify(lock));
  const bad = await runCli(["verify", "--lock", out, "hf://acme-ai/tiny-chat@v1.0"], { env });
  assert.equal(bad.code, 1);
});
