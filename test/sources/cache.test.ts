/** Reading a cache back: revisions and their refs (nested ones too), and entries that break the layout. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listCachedRevisions, snapshotLocation } from "../../src/sources/hf-cache.js";
import { VouchError } from "../../src/core/errors.js";
import { removeTempDirs, tempDir } from "./support.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

test("every revision with the refs that point at it; stray entries become problems", async () => {
  const cache = tempDir();
  const repo = join(cache, "models--org--model");
  for (const c of [A, B]) mkdirSync(join(repo, "snapshots", c), { recursive: true });
  mkdirSync(join(repo, "snapshots", "not-a-commit"), { recursive: true });
  mkdirSync(join(repo, "refs", "refs", "pr"), { recursive: true });
  writeFileSync(join(repo, "refs", "main"), B);
  writeFileSync(join(repo, "refs", "v1"), A);
  writeFileSync(join(repo, "refs", "refs", "pr", "1"), A);
  writeFileSync(join(repo, "refs", "gone"), C);
  mkdirSync(join(cache, "datasets--org--data", "snapshots", A), { recursive: true });
  mkdirSync(join(cache, ".locks"));

  const { revisions, problems } = await listCachedRevisions(cache);
  assert.deepEqual(revisions.map((r) => [r.repoId, r.commit, r.refs]), [
    ["org/model", A, ["refs/pr/1", "v1"]],
    ["org/model", B, ["main"]],
  ]);
  assert.deepEqual(problems, [
    "models--org--model/snapshots/not-a-commit is not a commit snapshot folder",
    `models--org--model/refs/gone points to ${C}, which has no snapshot`,
  ]);
  removeTempDirs();
});

test("a missing cache is an error that names it", async () => {
  await assert.rejects(listCachedRevisions("/nonexistent/vouch-cache"), (e: unknown) => e instanceof VouchError && e.code === "E_HF_CACHE" && /nonexistent\/vouch-cache/.test(e.message));
});

test("a path inside a snapshot is known by repo and commit", () => {
  assert.deepEqual(snapshotLocation(`/c/hub/models--org--name/snapshots/${A}/sub/file.json`), {
    cacheDir: "/c/hub",
    repoId: "org/name",
    commit: A,
    snapshotDir: `/c/hub/models--org--name/snapshots/${A}`,
  });
  assert.equal(snapshotLocation("/c/hub/models--org--name/blobs/x"), undefined);
});
