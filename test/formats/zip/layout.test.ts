import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyMembers, escapesArchive, isTensorStorage } from "../../../src/formats/zip/layout.js";

test("a data.pkl under any single top folder is a PyTorch archive, whatever the folder is called", () => {
  for (const top of ["archive", "pytorch_model", "my model v2", "x"]) {
    assert.deepEqual(classifyMembers([`${top}/data.pkl`, `${top}/data/0`, `${top}/version`]), { format: "pytorch-zip", top });
  }
});

test("code/ members or constants.pkl next to data.pkl make it TorchScript", () => {
  assert.equal(classifyMembers(["m/data.pkl", "m/code/__torch__/net.py"]).format, "torchscript-zip");
  assert.equal(classifyMembers(["m/data.pkl", "m/constants.pkl"]).format, "torchscript-zip");
  assert.equal(classifyMembers(["m/data.pkl", "other/code/x.py"]).format, "pytorch-zip", "code/ of another folder does not count");
});

test("the first member's folder wins when several folders hold a data.pkl, as in PyTorch", () => {
  assert.equal(classifyMembers(["b/version", "a/data.pkl", "b/data.pkl"]).top, "b");
  assert.equal(classifyMembers(["readme.txt", "a/data.pkl"]).top, "a");
});

test("data.pkl at the root or nested deeper is not PyTorch's layout", () => {
  assert.equal(classifyMembers(["data.pkl"]).format, "zip");
  assert.equal(classifyMembers(["a/b/data.pkl"]).format, "zip");
  assert.equal(classifyMembers(["a/mydata.pkl"]).format, "zip");
});

test("npz needs every member to be .npy; Keras 3 needs config.json and metadata.json at the root", () => {
  assert.equal(classifyMembers(["arr_0.npy", "arr_1.npy"]).format, "numpy-npz");
  assert.equal(classifyMembers(["arr_0.npy", "evil.pkl"]).format, "zip");
  assert.equal(classifyMembers([]).format, "zip");
  assert.equal(classifyMembers(["metadata.json", "config.json", "model.weights.h5"]).format, "keras-v3-zip");
  assert.equal(classifyMembers(["x/metadata.json", "x/config.json"]).format, "zip");
});

test("tensor storage is <top>/data/<key> only", () => {
  const layout = classifyMembers(["archive/data.pkl"]);
  assert.ok(isTensorStorage(layout, "archive/data/0"));
  assert.ok(!isTensorStorage(layout, "archive/data/"));
  assert.ok(!isTensorStorage(layout, "archive/data.pkl"));
  assert.ok(!isTensorStorage(layout, "other/data/0"));
  assert.ok(!isTensorStorage(classifyMembers(["a.npy"]), "archive/data/0"));
});

test("names escaping the extraction folder", () => {
  for (const bad of ["../x", "a/../../x", "/etc/passwd", "\\windows\\x", "C:/x", "c:x", "a\\..\\..\\x", ".."]) assert.ok(escapesArchive(bad), bad);
  for (const ok of ["a/b", "..hidden", "a/..b/c", "a/b..", "./a"]) assert.ok(!escapesArchive(ok), ok);
});
