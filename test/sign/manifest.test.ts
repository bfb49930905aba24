/**
 * The manifest and digest rules `model_signing` interoperability depends on: names, order, shards,
 * ignores, symlinks, the root digest, the statement bytes and the lenient reading of older forms.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { VouchError } from "../../src/core/errors.js";
import { decodeStatement } from "../../src/sign/intoto/decode.js";
import { pae, paeCompat, pythonBytesRepr } from "../../src/sign/intoto/dsse.js";
import { encodeStatement } from "../../src/sign/intoto/statement.js";
import { buildManifest, modelDigest, rootDigest } from "../../src/sign/index.js";
import { isVerificationFailure } from "../../src/sign/errors.js";
import { cleanup, modelDir, tempDir } from "./support/models.js";

after(cleanup);

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

test("vouch digest = SHA-256 over the files' raw digests in path order (a/b before a-b)", async () => {
  const dir = modelDir({ "a-b": "2", "a/b": "1", ".gitignore": "x" });
  const expected = createHash("sha256").update(Buffer.from(sha("1"), "hex")).update(Buffer.from(sha("2"), "hex")).digest("hex");
  assert.equal(await modelDigest(dir), `sha256:${expected}`);
  assert.equal(await modelDigest(dir, { threads: 0 }), `sha256:${expected}`, "the same on the main thread");
  assert.notEqual(await modelDigest(dir, { ignoreGitPaths: false }), `sha256:${expected}`);
});

test("large files are hashed on worker threads with the same result", async () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 1);
  const dir = modelDir({ "w1.bin": big, "w2.bin": Buffer.alloc(600_000, 2), "small.txt": "s" });
  const m = await buildManifest(dir);
  assert.deepEqual(
    m.resources.map((r) => [r.name, r.digest, r.size]),
    [["small.txt", sha("s"), 1], ["w1.bin", sha(big), big.length], ["w2.bin", sha(Buffer.alloc(600_000, 2)), 600_000]],
  );
});

test("a single-file model is named `.`; its model name is the file name", async () => {
  const dir = modelDir({ "model.gguf": "GGUF" });
  const m = await buildManifest(join(dir, "model.gguf"));
  assert.deepEqual(m.resources.map((r) => r.name), ["."]);
  assert.equal(m.modelName, "model.gguf");
});

test("shards: path:start:end, sha256-sharded-N, sorted by start as a number, empty files have none", async () => {
  const dir = modelDir({ "w.bin": "0123456789abc", "empty": "" });
  const m = await buildManifest(dir, { method: "shards", shardSize: 4 });
  assert.deepEqual(m.resources.map((r) => r.name), ["w.bin:0:4", "w.bin:4:8", "w.bin:8:12", "w.bin:12:13"]);
  assert.equal(m.resources[0].algorithm, "sha256-sharded-4");
  assert.equal(m.resources[3].digest, sha("c"));
  const statement = JSON.parse(encodeStatement(m).toString());
  assert.deepEqual(statement.predicate.serialization, { method: "shards", hash_type: "sha256", shard_size: 4, allow_symlinks: false, ignore_paths: [".git", ".gitattributes", ".github", ".gitignore"] });
});

test("an empty model cannot be signed or identified", async () => {
  await assert.rejects(modelDigest(modelDir({ ".git/HEAD": "x" })), (e: unknown) => e instanceof VouchError && e.code === "E_EMPTY_MODEL");
});

test("symlinks: refused by default; allowed ones read their target under the link's name; linked folders are not entered", async () => {
  const dir = modelDir({ "real.bin": "R", "sub/x": "X" });
  symlinkSync("real.bin", join(dir, "link.bin"));
  symlinkSync("sub", join(dir, "linked-dir"));
  await assert.rejects(buildManifest(dir), (e: unknown) => e instanceof VouchError && e.code === "E_SYMLINK");
  const skipped: string[] = [];
  const m = await buildManifest(dir, { allowSymlinks: true, onSkip: (p) => skipped.push(p) });
  assert.deepEqual(m.resources.map((r) => [r.name, r.digest]), [["link.bin", sha("R")], ["real.bin", sha("R")], ["sub/x", sha("X")]]);
  assert.deepEqual(skipped, ["linked-dir"]);
});

test("the statement escapes non-ASCII as Python's json does, and is stable", async () => {
  const dir = modelDir({ "naïve/😀.txt": "x" });
  const bytes = encodeStatement(await buildManifest(dir));
  assert.ok(bytes.every((b) => b < 0x80), "pure ASCII");
  assert.match(bytes.toString(), /"na\\u00efve\/\\ud83d\\ude00\.txt"/);
  assert.equal(decodeStatement(bytes).manifest.resources[0].name, "naïve/😀.txt");
});

test("PAE, and model_signing 0.2's faulty encoding (Python's bytes repr)", () => {
  assert.equal(pae("t", Buffer.from("ab")).toString(), "DSSEv1 1 t 2 ab");
  assert.equal(pythonBytesRepr(Buffer.from('{"a": "it\'s"}\n\\\x00')), `b'{"a": "it\\'s"}\\n\\\\\\x00'`);
  assert.equal(pythonBytesRepr(Buffer.from("it's")), `b"it's"`);
  assert.equal(paeCompat("t", Buffer.from("a\n")).toString(), "DSSEV1 1 t 2 b'a\\n'");
});

function statementWith(edit: (s: any) => void): Buffer {
  const digest = sha("x");
  const s = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "m", digest: { sha256: createHash("sha256").update(Buffer.from(digest, "hex")).digest("hex") } }],
    predicateType: "https://model_signing/signature/v1.0",
    predicate: { resources: [{ name: "f", algorithm: "sha256", digest }], serialization: { method: "files", hash_type: "sha256", allow_symlinks: false } },
  };
  edit(s);
  return Buffer.from(JSON.stringify(s));
}

test("decoding is strict where it matters: names, root digest, predicate, algorithm", () => {
  const code = (b: Buffer) => {
    try {
      decodeStatement(b);
      return "ok";
    } catch (e) {
      return isVerificationFailure(e) || e instanceof VouchError ? e.code : String(e);
    }
  };
  assert.equal(code(statementWith(() => {})), "ok");
  for (const name of ["../etc/passwd", "/abs", "./f", "a//b"]) {
    assert.equal(code(statementWith((s) => (s.predicate.resources[0].name = name))), "E_SIG_BAD_NAME", name);
  }
  assert.equal(code(statementWith((s) => (s.subject[0].digest.sha256 = sha("other")))), "E_SIG_ROOT_DIGEST");
  assert.equal(code(statementWith((s) => (s.predicateType = "https://slsa.dev/provenance/v1"))), "E_SIG_PREDICATE");
  assert.equal(code(statementWith((s) => (s.predicate.resources[0].algorithm = "md5"))), "E_SIG_MALFORMED");
  assert.equal(code(statementWith((s) => (s.predicate.serialization.hash_type = "blake3"))), "E_UNSUPPORTED_HASH");
  assert.equal(code(statementWith((s) => s.predicate.resources.push({ ...s.predicate.resources[0] }))), "E_SIG_MALFORMED");
});

test("decoding is lenient where the reference is: plain sha256 shards, a float shard size, keyid, unknown fields", () => {
  const digest = sha("abcd");
  const root = createHash("sha256").update(Buffer.from(digest, "hex")).digest("hex");
  const payload = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m","digest":{"sha256":"${root}"}}],"predicateType":"https://model_signing/signature/v1.0","predicate":{"extra":1,"resources":[{"name":"w:0:4","algorithm":"sha256","digest":"${digest}"}],"serialization":{"method":"shards","hash_type":"sha256","shard_size":1000000000.0,"allow_symlinks":false}}}`;
  const m = decodeStatement(Buffer.from(payload)).manifest;
  assert.equal(m.serialization.shardSize, 1_000_000_000);
  assert.equal(rootDigest(m.resources), root);
});

test("the 0.2 predicate (one subject per file) is read as a files manifest", () => {
  const s = { _type: "https://in-toto.io/Statement/v1", predicateType: "https://model_signing/Digests/v0.1", subject: [{ name: "b", digest: { sha256: sha("b") } }, { name: "a", digest: { sha256: sha("a") } }] };
  const d = decodeStatement(Buffer.from(JSON.stringify(s)));
  assert.equal(d.legacy, "v0.1");
  assert.deepEqual(d.manifest.resources.map((r) => r.name), ["a", "b"]);
});

test("recorded ignore paths: the user's (relative or absolute under the model) and the signature inside it", async () => {
  const dir = modelDir({ "keep": "k", "docs/a.md": "a", "eval.json": "e" });
  const outside = join(tempDir(), "elsewhere.sig");
  writeFileSync(outside, "");
  const m = await buildManifest(dir, { ignorePaths: ["docs", join(dir, "eval.json")], signaturePath: join(dir, "model.sig") });
  assert.deepEqual(m.serialization.ignorePaths, [".git", ".gitattributes", ".github", ".gitignore", "docs", "eval.json", "model.sig"]);
  assert.deepEqual(m.resources.map((r) => r.name), ["keep"]);
  const m2 = await buildManifest(dir, { ignoreGitPaths: false, signaturePath: outside });
  assert.deepEqual(m2.serialization.ignorePaths, []);
});
