/** Model-relative name rules shared by the walker, ignore lists and suppression globs. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../src/core/errors.js";
import { comparePaths, escapesRoot, normalizeRelativeName, relativeNameProblem, toModelRelative } from "../../src/walk/paths.js";

describe("relativeNameProblem / normalizeRelativeName", () => {
  it("accepts clean names and strips one trailing slash", () => {
    for (const ok of ["a", "a/b.bin", "..data", "a/.hidden", "a b/c"]) assert.equal(relativeNameProblem(ok), undefined, ok);
    assert.equal(normalizeRelativeName("docs/", "ignore path"), "docs");
  });

  it("names the problem", () => {
    assert.match(relativeNameProblem("/etc/passwd")!, /absolute/);
    assert.match(relativeNameProblem("a/../../b")!, /`\.\.`/);
    assert.match(relativeNameProblem("./a")!, /`\.`/);
    assert.match(relativeNameProblem("a//b")!, /empty segment/);
    assert.match(relativeNameProblem("a\0b")!, /NUL/);
    assert.throws(() => normalizeRelativeName("../x", "ignore path"), (e: unknown) => e instanceof VouchError && e.code === "E_BAD_PATH" && /ignore path "\.\.\/x"/.test(e.message));
  });
});

describe("toModelRelative", () => {
  it("keeps relative names, maps absolute paths under a root, and drops absolute paths outside", () => {
    assert.equal(toModelRelative("a/b", ["/m"], "x"), "a/b");
    assert.equal(toModelRelative("/m/a/b", ["/m"], "x"), "a/b");
    assert.equal(toModelRelative("/real/m/a", ["/m", "/real/m"], "x"), "a");
    assert.equal(toModelRelative("/m2/a", ["/m"], "x"), undefined);
    assert.equal(toModelRelative("/m/../elsewhere", ["/m"], "x"), undefined);
  });
});

describe("escapesRoot", () => {
  it("tells `..` segments from names that start with two dots", () => {
    assert.equal(escapesRoot(".."), true);
    assert.equal(escapesRoot("../x"), true);
    assert.equal(escapesRoot("/abs"), true);
    assert.equal(escapesRoot("..data"), false);
    assert.equal(escapesRoot("a/.."), false); // path.relative never produces this
  });
});

describe("comparePaths", () => {
  it("orders segment by segment, by UTF-8 bytes", () => {
    const names = ["a-b", "a/b", "a", "a/b/c", "A", "ä", "a.txt"];
    assert.deepEqual([...names].sort(comparePaths), ["A", "a", "a/b", "a/b/c", "a-b", "a.txt", "ä"]);
  });
});
