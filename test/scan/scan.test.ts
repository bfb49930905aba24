/**
 * The orchestrator end to end on real files in temporary directories: content sniffing regardless of
 * names, the digest computed on the same pass (or on a worker for large random-access files), verdicts,
 * name/content mismatches, paths and determinism.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan, fixedClock } from "../../src/index.js";
import { callPickle, asm, P } from "../support/pickle-asm.js";

const CORPUS = join(import.meta.dirname, "..", "fixtures", "corpus");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "vouch-scan-"));
}

test("a pickle disguised as safetensors is malicious and the mismatch is high", async () => {
  const dir = tempDir();
  const bytes = callPickle("os", "system", "id");
  writeFileSync(join(dir, "model.safetensors"), bytes);
  const r = await scan([dir]);
  const a = r.artifacts[0];
  assert.equal(a.path, "model.safetensors");
  assert.equal(a.format, "pickle");
  assert.equal(a.verdict, "malicious");
  assert.equal(a.sha256, sha(bytes));
  const mm = a.findings.find((f) => f.ruleId === "format/extension-mismatch");
  assert.equal(mm?.severity, "high");
});

test("a benign pickle named .json is still flagged high for its disguise; .bin is not a mismatch", async () => {
  const dir = tempDir();
  const benign = asm(P.proto(2), P.emptyDict(), P.stop());
  writeFileSync(join(dir, "weights.json"), benign);
  writeFileSync(join(dir, "pytorch_model.bin"), benign);
  const r = await scan([dir]);
  const byPath = Object.fromEntries(r.artifacts.map((a) => [a.path, a]));
  assert.equal(byPath["weights.json"].verdict, "malicious");
  assert.deepEqual(byPath["pytorch_model.bin"].findings, []);
  assert.equal(byPath["pytorch_model.bin"].verdict, "clean");
});

test("unrecognised content: error when named like a model, info otherwise; empty model file is an error", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "weights.pt"), Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
  writeFileSync(join(dir, "blob.dat2"), Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
  writeFileSync(join(dir, "empty.pt"), "");
  const r = await scan([dir]);
  const byPath = Object.fromEntries(r.artifacts.map((a) => [a.path, a]));
  assert.equal(byPath["weights.pt"].verdict, "error");
  assert.equal(byPath["weights.pt"].findings[0].ruleId, "format/unrecognized-model");
  assert.equal(byPath["blob.dat2"].verdict, "clean");
  assert.equal(byPath["blob.dat2"].findings[0].ruleId, "format/unrecognized");
  assert.equal(byPath["empty.pt"].verdict, "error");
  assert.equal(byPath["empty.pt"].format, "empty");
});

test("digests: streamed pickles, large random-access files (hashed on a worker) and --no-digest", async () => {
  const dir = tempDir();
  const big = Buffer.alloc(6 * 1024 * 1024, 7); // unrecognised content, over the off-thread threshold
  big[0] = 0xde;
  writeFileSync(join(dir, "big.raw"), big);
  copyFileSync(join(CORPUS, "pytorch", "medium_torch_legacy.pth"), join(dir, "legacy.pth"));
  const r = await scan([dir]);
  const byPath = Object.fromEntries(r.artifacts.map((a) => [a.path, a]));
  assert.equal(byPath["big.raw"].sha256, sha(big));
  assert.equal(byPath["legacy.pth"].sha256, sha(readFileSync(join(dir, "legacy.pth"))));
  assert.equal(byPath["legacy.pth"].format, "pytorch-legacy");
  const nod = await scan([dir], { settings: { digest: false } });
  assert.ok(nod.artifacts.every((a) => a.sha256 === undefined));
});

test("paths are POSIX and relative to the target; several targets keep their prefix", async () => {
  const dir = tempDir();
  mkdirSync(join(dir, "sub", "deeper"), { recursive: true });
  writeFileSync(join(dir, "sub", "deeper", "a.pkl"), asm(P.proto(2), P.none(), P.stop()));
  writeFileSync(join(dir, "b.txt"), "hello\n");
  const one = await scan([dir]);
  assert.deepEqual(one.artifacts.map((a) => a.path), ["b.txt", "sub/deeper/a.pkl"]);
  const file = await scan([join(dir, "b.txt")]);
  assert.deepEqual(file.artifacts.map((a) => a.path), ["b.txt"]);
  const two = await scan([join(dir, "sub"), join(dir, "b.txt")]);
  assert.equal(two.artifacts.length, 2);
  assert.ok(two.artifacts.some((a) => a.path.endsWith("/sub/deeper/a.pkl")));
});

test(".git is not scanned (the walker's model_signing semantics)", async () => {
  const dir = tempDir();
  mkdirSync(join(dir, ".git", "objects"), { recursive: true });
  writeFileSync(join(dir, ".git", "objects", "x.pkl"), callPickle("os", "system", "id"));
  writeFileSync(join(dir, "ok.txt"), "fine\n");
  const r = await scan([dir]);
  assert.deepEqual(r.artifacts.map((a) => a.path), ["ok.txt"]);
});

test("same input, same report (with a pinned clock)", async () => {
  const clock = fixedClock(new Date("2026-01-02T03:04:05Z"));
  const a = await scan([join(CORPUS, "pickle")], { clock });
  const b = await scan([join(CORPUS, "pickle")], { clock, concurrency: 1 });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.equal(a.generatedAt, "2026-01-02T03:04:05.000Z");
  assert.equal(a.summary.artifacts, a.artifacts.length);
});

test("a missing target is a usage error, not a crash", async () => {
  await assert.rejects(scan(["/nonexistent/vouch/target"]), /E_NOT_FOUND|cannot read/);
});
