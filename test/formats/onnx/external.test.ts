/**
 * External data on a real filesystem: symlinks that lead outside the model folder, the Hugging Face
 * cache layout (model and data both links into blobs/), location checks, and the raw-tensor-data claim.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { locationProblem } from "../../../src/formats/onnx/checks.js";
import { claimExternalData } from "../../../src/formats/onnx/companion.js";
import { fixturePath, rules, scanPath } from "./helpers.js";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "vouch-onnx-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("location text: absolute, drive letters, UNC, `..` (either separator) and NUL escape; plain names do not", () => {
  for (const bad of ["/etc/passwd", "\\\\server\\share\\x", "C:\\x.bin", "c:x", "../x", "a/../../x", "a\\..\\x", "a\0b", ""]) {
    assert.ok(locationProblem(bad), bad);
  }
  for (const ok of ["model.bin", "weights/model.bin", "..data", "a/..b/c", "w.bin.."]) assert.equal(locationProblem(ok), undefined, ok);
});

test("a data file that is a symlink to a file outside the folder is high", async (t) => {
  const dir = tempDir(t);
  const model = join(dir, "model", "model.onnx");
  mkdirSync(join(dir, "model"));
  copyFileSync(fixturePath("external_ok/model.onnx"), model);
  writeFileSync(join(dir, "secret"), Buffer.alloc(64));
  symlinkSync(join(dir, "secret"), join(dir, "model", "model.onnx_data"));
  const ctx = await scanPath(model);
  assert.deepEqual(rules(ctx), [["onnx/external-data-symlink", "high"]]);
  assert.match(ctx.findings[0].evidence ?? "", /model\.onnx_data -> .*secret$/);
});

test("a folder on the location's path that is a link outside counts too", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "model"));
  mkdirSync(join(dir, "elsewhere"));
  copyFileSync(fixturePath("onnx_external_subdir/model.onnx"), join(dir, "model", "model.onnx"));
  copyFileSync(fixturePath("onnx_external_subdir/weights/model.bin"), join(dir, "elsewhere", "model.bin"));
  symlinkSync(join(dir, "elsewhere"), join(dir, "model", "weights"));
  const ctx = await scanPath(join(dir, "model", "model.onnx"));
  assert.deepEqual(rules(ctx), [["onnx/external-data-symlink", "high"]]);
});

test("a symlink inside the folder, and the Hugging Face blobs layout, are fine", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "inside"));
  copyFileSync(fixturePath("external_ok/model.onnx"), join(dir, "inside", "model.onnx"));
  copyFileSync(fixturePath("external_ok/model.onnx_data"), join(dir, "inside", "real_data"));
  symlinkSync("real_data", join(dir, "inside", "model.onnx_data"));
  assert.deepEqual((await scanPath(join(dir, "inside", "model.onnx"))).findings, []);

  // snapshots/<rev>/model.onnx -> ../../blobs/a, snapshots/<rev>/model.onnx_data -> ../../blobs/b
  mkdirSync(join(dir, "hf", "blobs"), { recursive: true });
  mkdirSync(join(dir, "hf", "snapshots", "rev"), { recursive: true });
  copyFileSync(fixturePath("external_ok/model.onnx"), join(dir, "hf", "blobs", "a"));
  copyFileSync(fixturePath("external_ok/model.onnx_data"), join(dir, "hf", "blobs", "b"));
  symlinkSync("../../blobs/a", join(dir, "hf", "snapshots", "rev", "model.onnx"));
  symlinkSync("../../blobs/b", join(dir, "hf", "snapshots", "rev", "model.onnx_data"));
  assert.deepEqual((await scanPath(join(dir, "hf", "snapshots", "rev", "model.onnx"))).findings, []);
});

test("a data location that is a folder is reported, never opened", async (t) => {
  const dir = tempDir(t);
  copyFileSync(fixturePath("external_ok/model.onnx"), join(dir, "model.onnx"));
  mkdirSync(join(dir, "model.onnx_data"));
  const ctx = await scanPath(join(dir, "model.onnx"));
  assert.deepEqual(rules(ctx), [["onnx/external-data-missing", "low"]]);
  assert.match(ctx.findings[0].message, /not a regular file/);
});

test("data files are claimed by the model that lists them, from their folder or above", async () => {
  const signal = new AbortController().signal;
  assert.deepEqual(await claimExternalData(fixturePath("onnx_external_subdir/weights/model.bin"), signal), { format: "raw-tensor-data", claimedBy: "../model.onnx" });
  assert.deepEqual(await claimExternalData(fixturePath("external_ok/model.onnx_data"), signal), { format: "raw-tensor-data", claimedBy: "model.onnx" });
  assert.equal(await claimExternalData(fixturePath("not_onnx.bin"), signal), undefined, "nobody lists it");
  assert.equal(await claimExternalData(fixturePath("external_short/model.onnx"), signal), undefined, "a model is not its own data");
});
