/**
 * hf:// targets against the Hub stand-in: revision resolution, the standard cache layout (read back
 * by @huggingface/hub's scanCacheDir), verification after download, gated/private/missing
 * repositories, interrupted downloads, pagination and offline mode.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scanCacheDir } from "@huggingface/hub";
import { VouchError } from "../../src/core/errors.js";
import { CachedRepo } from "../../src/sources/hf-cache.js";
import { parseHfRef } from "../../src/sources/hf-ref.js";
import { HubClient } from "../../src/sources/hub-client.js";
import { fetchSnapshot } from "../../src/sources/snapshot.js";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { GOOD_TOKEN, NO_ACCESS_TOKEN, hub, options, removeTempDirs, sha, tempDir } from "./support.js";

let h: HubStandIn;
before(async () => {
  h = await hub();
});
after(() => h.close());
afterEach(() => {
  h.requests.length = 0;
  h.faults = {};
  removeTempDirs();
});

const EXAMPLE_WEIGHTS = readFileSync(join(import.meta.dirname, "..", "..", "examples", "tiny-model", "model.safetensors"));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const ref = (t: string) => parseHfRef(t);

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<VouchError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    assert.ok(e.hint, "every error carries a hint");
    return e;
  }
  assert.fail(`expected ${code}`);
}

test("a branch, a tag and a commit resolve to commits; refs/ records what branches and tags resolved to", async () => {
  const cache = tempDir();
  const main = await fetchSnapshot(ref("hf://acme-ai/tiny-chat"), options(h, cache));
  assert.equal(main.commit, sha("tiny-chat-2"));
  assert.equal(main.revision, "main");
  const tag = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  assert.equal(tag.commit, sha("tiny-chat-1"));
  const pinned = await fetchSnapshot(ref(`hf://acme-ai/tiny-chat@${sha("tiny-chat-1")}`), options(h, cache));
  assert.equal(pinned.dir, tag.dir);
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  assert.equal(readFileSync(join(repo.dir, "refs", "main"), "utf8"), sha("tiny-chat-2"), "no trailing newline, as the Python client writes");
  assert.equal(readFileSync(join(repo.dir, "refs", "v1.0"), "utf8"), sha("tiny-chat-1"));
  assert.deepEqual(readdirSync(join(repo.dir, "refs")).sort(), ["main", "v1.0"], "a commit is not written as a ref");
});

test("downloads land in the standard layout: blobs named by sha256 (LFS) or git blob id, relative links, readable by scanCacheDir", async () => {
  const cache = tempDir();
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  assert.equal(repo.dir, join(cache, "models--acme-ai--tiny-chat"));

  const weights = join(snap.dir, "model.safetensors");
  assert.equal(readlinkSync(weights), `../../blobs/${sha256(EXAMPLE_WEIGHTS)}`);
  assert.deepEqual(readFileSync(weights), EXAMPLE_WEIGHTS);
  const nested = readlinkSync(join(snap.dir, "tokenizer", "tokenizer.json"));
  assert.match(nested, /^\.\.\/\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/, "a file in a subfolder links one level further up, by git blob id");
  const config = snap.files!.find((f) => f.path === "config.json")!;
  assert.equal(readlinkSync(join(snap.dir, "config.json")), `../../blobs/${config.gitOid}`);
  assert.ok(!readdirSync(join(repo.dir, "blobs")).some((n) => n.endsWith(".incomplete")));

  const info = await scanCacheDir(cache);
  assert.deepEqual(info.warnings, []);
  assert.equal(info.repos.length, 1);
  const [cached] = info.repos;
  assert.deepEqual(cached.id, { name: "acme-ai/tiny-chat", type: "model" });
  assert.equal(cached.revisions.length, 1);
  assert.equal(cached.revisions[0].commitOid, sha("tiny-chat-1"));
  assert.deepEqual(cached.revisions[0].refs, ["v1.0"]);
  // scanCacheDir lists the snapshot's top-level files (it does not descend into folders).
  assert.deepEqual(cached.revisions[0].files.map((f) => f.path.slice(snap.dir.length + 1)).sort(), [".gitattributes", "README.md", "config.json", "model.safetensors"]);
  const blob = cached.revisions[0].files.find((f) => f.path.endsWith("model.safetensors"))!.blob;
  assert.equal(blob.path, repo.blobPath(sha256(EXAMPLE_WEIGHTS)));
  assert.equal(blob.size, EXAMPLE_WEIGHTS.length);
});

test("a snapshot pinned by commit alone still gets a refs/ folder, so scanCacheDir accepts the repository", async () => {
  const cache = tempDir();
  await fetchSnapshot(ref(`hf://acme-ai/tiny-base@${sha("tiny-base-1")}`), options(h, cache));
  const info = await scanCacheDir(cache);
  assert.deepEqual(info.warnings, []);
  assert.deepEqual(info.repos[0].revisions[0].refs, []);
});

test("LFS content comes from the CDN origin without the token; the Hub itself gets it", async () => {
  const cache = tempDir();
  await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache, { token: GOOD_TOKEN }));
  const cdn = h.requests.filter((r) => r.server === "cdn");
  assert.equal(cdn.length, 1, "one LFS file");
  assert.equal(cdn[0].authorization, undefined, "the token never leaves the Hub's origin");
  assert.ok(h.requests.filter((r) => r.server === "hub").every((r) => r.authorization === `Bearer ${GOOD_TOKEN}`));
});

test("the file listing is read across pages", async () => {
  const cache = tempDir();
  h.pageSize = 2;
  try {
    const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat"), options(h, cache));
    assert.deepEqual(snap.files!.map((f) => f.path), [".gitattributes", "README.md", "config.json", "extra.bin", "model.safetensors", "tokenizer/tokenizer.json", "tokenizer/tokenizer_config.json"]);
    assert.ok(h.requests.filter((r) => r.url.includes("/tree/")).length >= 4);
  } finally {
    h.pageSize = 3;
  }
});

test("a hash mismatch after download fails loudly and leaves nothing behind to be used", async () => {
  const cache = tempDir();
  h.faults.corrupt = sha256(EXAMPLE_WEIGHTS);
  const e = await rejectsWith(fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache)), "E_HF_HASH_MISMATCH", /model\.safetensors.*does not match the published sha256/);
  assert.match(e.hint!, /do not use this model/i);
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  assert.ok(!existsSync(repo.blobPath(sha256(EXAMPLE_WEIGHTS))), "no blob");
  assert.ok(!existsSync(repo.incompletePath(sha256(EXAMPLE_WEIGHTS))), "no partial file to resume from");
  assert.ok(!existsSync(join(repo.snapshotDir(sha("tiny-chat-1")), "model.safetensors")), "no snapshot link");
  assert.equal(h.requests.filter((r) => r.server === "cdn").length, 1, "a mismatch is not retried");
});

test("an interrupted download is retried and ends verified", async () => {
  const cache = tempDir();
  h.faults.interrupt = { sha256: sha256(EXAMPLE_WEIGHTS), afterBytes: 1000, times: 1 };
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
  const cdn = h.requests.filter((r) => r.server === "cdn");
  assert.equal(cdn.length, 2);
  // What arrived before the cut was kept (how much did arrive depends on the socket: the Range says).
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(cdn[1].range ?? "bytes=0-")![1]);
  assert.ok(resumedAt <= 1000);
});

test("a partial file from an earlier run is resumed with a Range request", async () => {
  const cache = tempDir();
  const digest = sha256(EXAMPLE_WEIGHTS);
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  mkdirSync(join(repo.dir, "blobs"), { recursive: true });
  writeFileSync(repo.incompletePath(digest), EXAMPLE_WEIGHTS.subarray(0, 1234));
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
  assert.deepEqual(h.requests.filter((r) => r.server === "cdn").map((r) => r.range), ["bytes=1234-"]);
  assert.ok(!existsSync(repo.incompletePath(digest)));
});

test("a download that keeps failing keeps a partial prefix and no blob; the next run completes it", async () => {
  const cache = tempDir();
  const digest = sha256(EXAMPLE_WEIGHTS);
  h.faults.interrupt = { sha256: digest, afterBytes: 700, times: 2 };
  const opts = { ...options(h, cache), retry: { retries: 1, backoffMs: 1 } };
  await rejectsWith(fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), opts), "E_HF_INTERRUPTED", /stopped after \d+ of 31088 bytes/);
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  assert.ok(!existsSync(repo.blobPath(digest)));
  assert.ok(!existsSync(join(repo.snapshotDir(sha("tiny-chat-1")), "model.safetensors")));
  const partial = existsSync(repo.incompletePath(digest)) ? readFileSync(repo.incompletePath(digest)) : Buffer.alloc(0);
  assert.ok(partial.length <= 1400);
  assert.deepEqual(partial, EXAMPLE_WEIGHTS.subarray(0, partial.length), "only a prefix of the real content");

  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), opts);
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
});

test("a garbage partial file is not trusted: one clean download from the start replaces it", async () => {
  const cache = tempDir();
  const digest = sha256(EXAMPLE_WEIGHTS);
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  mkdirSync(join(repo.dir, "blobs"), { recursive: true });
  writeFileSync(repo.incompletePath(digest), Buffer.alloc(1000, 0x41));
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
  assert.deepEqual(h.requests.filter((r) => r.server === "cdn").map((r) => r.range), ["bytes=1000-", undefined]);
});

test("a transfer that stalls is abandoned after the idle timeout and resumed", { timeout: 20_000 }, async () => {
  const cache = tempDir();
  h.faults.stall = { sha256: sha256(EXAMPLE_WEIGHTS), afterBytes: 2000, times: 1 };
  const base = options(h, cache);
  const client = new HubClient(base.settings!, { timeoutMs: 300 });
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), { ...base, client });
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
  assert.equal(h.requests.filter((r) => r.server === "cdn").length, 2);
});

test("a CDN that never answers is abandoned after the idle timeout and asked again", { timeout: 20_000 }, async () => {
  const cache = tempDir();
  h.faults.silent = { sha256: sha256(EXAMPLE_WEIGHTS), times: 1 };
  const base = options(h, cache);
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), { ...base, client: new HubClient(base.settings!, { timeoutMs: 300 }) });
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
  assert.equal(h.requests.filter((r) => r.server === "cdn").length, 2);
});

test("a server that ignores Range is read from the start, not appended after the partial file", async () => {
  const cache = tempDir();
  const digest = sha256(EXAMPLE_WEIGHTS);
  h.faults.interrupt = { sha256: digest, afterBytes: 500, times: 1 };
  h.faults.ignoreRange = true;
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  assert.deepEqual(readFileSync(join(snap.dir, "model.safetensors")), EXAMPLE_WEIGHTS);
});

test("gated repositories: 401 anonymous and 403 without access are clear errors; the granted token downloads", async () => {
  const anonymous = await rejectsWith(fetchSnapshot(ref("hf://acme-ai/gated-model"), options(h, tempDir())), "E_HF_GATED", /gated repository \(HTTP 401\)/);
  assert.match(anonymous.hint!, /HF_TOKEN/);
  const denied = await rejectsWith(fetchSnapshot(ref("hf://acme-ai/gated-model"), options(h, tempDir(), { token: NO_ACCESS_TOKEN })), "E_HF_GATED", /HTTP 403/);
  assert.match(denied.hint!, /request access/);
  const ok = await fetchSnapshot(ref("hf://acme-ai/gated-model"), options(h, tempDir(), { token: GOOD_TOKEN }));
  assert.equal(ok.info!.gated, "manual");
});

test("missing repositories, revisions and private repositories without a token are 404-style errors", async () => {
  await rejectsWith(fetchSnapshot(ref("hf://acme-ai/nope"), options(h, tempDir())), "E_HF_NOT_FOUND", /acme-ai\/nope was not found \(HTTP 404\)/);
  await rejectsWith(fetchSnapshot(ref("hf://acme-ai/tiny-chat@v9"), options(h, tempDir())), "E_HF_REVISION_NOT_FOUND", /no revision "v9"/);
  const priv = await rejectsWith(fetchSnapshot(ref("hf://acme-ai/secret"), options(h, tempDir())), "E_HF_NOT_FOUND", /HTTP 401/);
  assert.match(priv.hint!, /private repository set HF_TOKEN/);
  const ok = await fetchSnapshot(ref("hf://acme-ai/secret"), options(h, tempDir(), { token: GOOD_TOKEN }));
  assert.equal(ok.commit, sha("secret-1"));
});

test("an unreachable Hub is a network error that suggests offline mode", async () => {
  const opts = { settings: { endpoint: "http://127.0.0.1:9", cacheDir: tempDir(), offline: false }, retry: { retries: 0, backoffMs: 1 } };
  const e = await rejectsWith(fetchSnapshot(ref("hf://acme-ai/tiny-chat"), opts), "E_HF_NETWORK");
  assert.match(e.hint!, /HF_HUB_OFFLINE=1/);
});

test("offline, a revision resolves through refs/ without any request; an uncached one is a clear error", async () => {
  const cache = tempDir();
  const online = await fetchSnapshot(ref("hf://acme-ai/tiny-chat"), options(h, cache));
  h.requests.length = 0;
  const offline = await fetchSnapshot(ref("hf://acme-ai/tiny-chat"), options(h, cache, { offline: true }));
  assert.equal(offline.dir, online.dir);
  assert.equal(offline.offline, true);
  assert.deepEqual(h.requests, []);
  await rejectsWith(fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache, { offline: true })), "E_HF_NOT_CACHED");
});

test("a cached blob that was changed is refused rather than trusted on the next download", async () => {
  const cache = tempDir();
  const snap = await fetchSnapshot(ref("hf://acme-ai/tiny-chat@v1.0"), options(h, cache));
  const repo = new CachedRepo(cache, "acme-ai/tiny-chat");
  writeFileSync(repo.blobPath(sha256(EXAMPLE_WEIGHTS)), Buffer.alloc(EXAMPLE_WEIGHTS.length));
  await rejectsWith(fetchSnapshot(ref(`hf://acme-ai/tiny-chat@${snap.commit}`), options(h, cache)), "E_HF_CACHE_CORRUPT");
});

test("hf:// targets are validated before anything is fetched", () => {
  for (const bad of ["hf://acme-ai", "hf://acme-ai/x/y", "hf://../x", "hf://a/b@", "hf://a/b@../../etc", "hf://a--b/c", "hf://-a/b"]) {
    assert.throws(() => parseHfRef(bad), (e: unknown) => e instanceof VouchError && e.code === "E_HF_TARGET", bad);
  }
  assert.deepEqual(parseHfRef("hf://org/name@refs/pr/1"), { repoId: "org/name", revision: "refs/pr/1", revisionGiven: true });
  assert.deepEqual(parseHfRef("hf://org/Name.v2"), { repoId: "org/Name.v2", revision: "main", revisionGiven: false });
});
