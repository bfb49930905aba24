import { test } from "node:test";
import assert from "node:assert/strict";
import { LinkTracker, nameEscapes } from "../../../src/formats/tar/paths.js";
import { isPytorchLegacyTar } from "../../../src/formats/tar/legacy.js";

test("names escape when absolute (POSIX, Windows, drive) or with any .. segment", () => {
  for (const name of ["/etc/passwd", "\\evil", "C:evil", "c:\\evil", "../x", "a/../../x", "a\\..\\x", "a/.."]) {
    assert.equal(nameEscapes(name), true, name);
  }
  for (const name of ["model/weights.pkl", "./model/x", "a..b/c", "..hidden", "x/...", ""]) {
    assert.equal(nameEscapes(name), false, name);
  }
});

test("symlink targets resolve from the link's folder; absolute targets always escape", () => {
  const links = new LinkTracker();
  assert.equal(links.symlinkEscapes("a/b/lnk", "../c"), false, "a/c");
  assert.equal(links.symlinkEscapes("a/b/lnk", "../../c"), false, "c, at the root");
  assert.equal(links.symlinkEscapes("a/b/lnk", "../../../c"), true);
  assert.equal(links.symlinkEscapes("lnk", "/etc/passwd"), true);
  assert.equal(links.symlinkEscapes("lnk", "./x/./y"), false);
});

test("hard link targets are archive paths, not relative to the link", () => {
  const links = new LinkTracker();
  assert.equal(links.hardlinkEscapes("model/weights.pkl"), false);
  assert.equal(links.hardlinkEscapes("deep/dir/../../../x"), true);
  assert.equal(links.hardlinkEscapes("/etc/shadow"), true);
});

test("names and targets that pass through earlier links are resolved through them", () => {
  const links = new LinkTracker();
  links.addSymlink("up", "..");
  links.addSymlink("inside", "model");
  assert.equal(links.writesThroughLink("up/x"), true, "up/x lands beside the folder");
  assert.equal(links.writesThroughLink("inside/x"), false);
  assert.equal(links.writesThroughLink("up"), false, "an entry named like the link replaces it");
  assert.equal(links.symlinkEscapes("inside/l2", "../up/y"), true, "inside/../up -> .. -> outside");
  links.replaceWithFile("up");
  assert.equal(links.writesThroughLink("up/x"), false, "a regular entry replaced the link");
});

test("link loops end without an escape and without hanging", () => {
  const links = new LinkTracker();
  links.addSymlink("a", "b");
  links.addSymlink("b", "a");
  assert.equal(links.writesThroughLink("a/x"), false);
  links.addSymlink("self", "self/deeper");
  assert.equal(links.writesThroughLink("self/x"), false);
});

test("the legacy PyTorch layout needs all four members at the top level", () => {
  assert.equal(isPytorchLegacyTar(["sys_info", "pickle", "storages", "tensors"]), true);
  assert.equal(isPytorchLegacyTar(["./sys_info", "./pickle", "./storages", "./tensors", "extra"]), true);
  assert.equal(isPytorchLegacyTar(["sys_info", "pickle", "storages"]), false);
  assert.equal(isPytorchLegacyTar(["m/sys_info", "m/pickle", "m/storages", "m/tensors"]), false);
});
