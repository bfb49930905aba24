/**
 * The walker against real directories built in a temp folder per test: nested folders, git files,
 * ignore lists, symlinks (Hugging Face cache layout, directory links, cycles, dangling links) and
 * special files (a FIFO made with mkfifo(1), a Unix socket from node:net).
 */
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { VouchError } from "../../src/core/errors.js";
import { manifestName, walkModel, type WalkedFile } from "../../src/walk/walker.js";

let tmp: string;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vouch-walk-"));
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes files (name -> content) under `root`, creating folders. */
async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

const paths = (files: WalkedFile[]): string[] => files.map((f) => f.path);

async function rejectsWith(p: Promise<unknown>, code: string, check?: (e: VouchError) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
    assert.equal(e.code, code);
    check?.(e);
    return true;
  });
}

describe("walkModel: directories", () => {
  it("lists regular files recursively with POSIX relative names, sizes and absolute paths", async () => {
    const m = join(tmp, "model");
    await tree(m, { "config.json": "{}", "weights/part-1.bin": "12345", "weights/deep/x.txt": "x" });
    const files = await walkModel(m);
    assert.deepEqual(files, [
      { path: "config.json", absPath: join(m, "config.json"), size: 2, isSymlink: false },
      { path: "weights/deep/x.txt", absPath: join(m, "weights/deep/x.txt"), size: 1, isSymlink: false },
      { path: "weights/part-1.bin", absPath: join(m, "weights/part-1.bin"), size: 5, isSymlink: false },
    ]);
  });

  it("sorts segment by segment (a/b before a-b), by code point, independent of creation order", async () => {
    const m = join(tmp, "model");
    await tree(m, { "a-b": "", "a/b": "", B: "", a0: "", "é": "", "😀": "", "\uffff": "" });
    // Code point order: U+FFFF before U+1F600, although UTF-16 code units would order them the other way.
    assert.deepEqual(paths(await walkModel(m)), ["B", "a/b", "a-b", "a0", "é", "\uffff", "😀"]);
  });

  it("returns [] for an empty directory and skips empty subfolders", async () => {
    await mkdir(join(tmp, "m", "empty", "deeper"), { recursive: true });
    assert.deepEqual(await walkModel(join(tmp, "m")), []);
  });

  it("accepts a relative root and reports names relative to it", async () => {
    await tree(tmp, { "m/w.bin": "w" });
    const files = await walkModel(relative(process.cwd(), join(tmp, "m")));
    assert.deepEqual(files, [{ path: "w.bin", absPath: join(tmp, "m", "w.bin"), size: 1, isSymlink: false }]);
  });

  it("fails with E_NOT_FOUND for a missing root", async () => {
    await rejectsWith(walkModel(join(tmp, "nope")), "E_NOT_FOUND", (e) => assert.match(e.file ?? "", /nope$/));
  });
});

describe("walkModel: ignores", () => {
  it("ignores .git, .gitattributes, .github and .gitignore at the root only, with their subtrees", async () => {
    const m = join(tmp, "model");
    await tree(m, {
      ".git/HEAD": "ref",
      ".git/objects/ab/cdef": "blob",
      ".gitattributes": "*.bin filter=lfs",
      ".github/workflows/ci.yml": "on: push",
      ".gitignore": "*.tmp",
      "sub/.gitignore": "kept: not at the root",
      "sub/.git/config": "kept: not at the root",
      ".gitmodules": "kept: not in the list",
      "model.bin": "w",
    });
    assert.deepEqual(paths(await walkModel(m)), [".gitmodules", "model.bin", "sub/.git/config", "sub/.gitignore"]);
  });

  it("includes git files with ignoreGitPaths: false", async () => {
    const m = join(tmp, "model");
    await tree(m, { ".git/HEAD": "ref", ".gitignore": "", "w.bin": "" });
    assert.deepEqual(paths(await walkModel(m, { ignoreGitPaths: false })), [".git/HEAD", ".gitignore", "w.bin"]);
  });

  it("removes a file or a whole subtree named relative to the root, with or without a trailing slash", async () => {
    const m = join(tmp, "model");
    await tree(m, { "docs/a.md": "", "docs/img/b.png": "", "eval/results.json": "", "eval/keep.json": "", "docs2/c.md": "", "w.bin": "" });
    const files = await walkModel(m, { ignorePaths: ["docs/", "eval/results.json"] });
    assert.deepEqual(paths(files), ["docs2/c.md", "eval/keep.json", "w.bin"]);
  });

  it("accepts absolute ignore paths under the root and ignores absolute paths outside it", async () => {
    const m = join(tmp, "model");
    await tree(m, { "docs/a.md": "", "w.bin": "", "other/w.bin": "" });
    const files = await walkModel(m, { ignorePaths: [join(m, "docs"), join(tmp, "other")] });
    assert.deepEqual(paths(files), ["other/w.bin", "w.bin"]);
  });

  it("accepts absolute ignore paths spelled through a symlink to the root", async () => {
    const m = join(tmp, "model");
    await tree(m, { "docs/a.md": "", "w.bin": "" });
    await symlink(m, join(tmp, "alias"));
    // The root is given through the alias, the ignore path by the real location: both name the same folder.
    const viaAlias = await walkModel(join(tmp, "alias"), { allowSymlinks: true, ignorePaths: [join(m, "docs")] });
    assert.deepEqual(paths(viaAlias), ["w.bin"]);
  });

  it("leaves out the signature file when it lies inside the model, and nothing when it lies outside", async () => {
    const m = join(tmp, "model");
    await tree(m, { "model.sig": "sig", "w.bin": "" });
    assert.deepEqual(paths(await walkModel(m, { signaturePath: join(m, "model.sig") })), ["w.bin"]);
    assert.deepEqual(paths(await walkModel(m, { signaturePath: join(tmp, "model.sig") })), ["model.sig", "w.bin"]);
  });

  for (const bad of ["../outside", "a/../b", "./a", "a//b", "a/./b", "", "."]) {
    it(`rejects the ignore path ${JSON.stringify(bad)} with E_BAD_PATH`, async () => {
      await tree(tmp, { "m/w.bin": "" });
      await rejectsWith(walkModel(join(tmp, "m"), { ignorePaths: [bad] }), "E_BAD_PATH", (e) => assert.ok(e.hint));
    });
  }

  it("rejects an absolute ignore path that is the root itself", async () => {
    await tree(tmp, { "m/w.bin": "" });
    await rejectsWith(walkModel(join(tmp, "m"), { ignorePaths: [join(tmp, "m")] }), "E_BAD_PATH");
  });

  it("applies no ignore to a single-file model (as model_signing)", async () => {
    await tree(tmp, { ".gitignore": "x" });
    assert.deepEqual(paths(await walkModel(join(tmp, ".gitignore"))), [".gitignore"]);
  });
});

describe("walkModel: a single file", () => {
  it("returns one entry named by the base name; manifestName gives '.'", async () => {
    await tree(tmp, { "sub/model.safetensors": "abc" });
    const root = join(tmp, "sub", "model.safetensors");
    const files = await walkModel(root);
    assert.deepEqual(files, [{ path: "model.safetensors", absPath: root, size: 3, isSymlink: false }]);
    assert.equal(manifestName(root, files[0]!), ".");
  });

  it("manifestName is the relative path for files of a directory model", async () => {
    await tree(tmp, { "m/a/b.bin": "" });
    const files = await walkModel(join(tmp, "m"));
    assert.deepEqual(files.map((f) => manifestName(join(tmp, "m"), f)), ["a/b.bin"]);
  });
});

describe("walkModel: symlinks", () => {
  it("refuses a symlinked file by default with E_SYMLINK, its path and a hint", async () => {
    const m = join(tmp, "model");
    await tree(m, { "real.bin": "w" });
    await symlink("real.bin", join(m, "link.bin"));
    await rejectsWith(walkModel(m), "E_SYMLINK", (e) => {
      assert.equal(e.file, "link.bin");
      assert.match(e.hint ?? "", /--allow-symlinks/);
    });
  });

  it("refuses a symlinked directory and a symlinked root by default", async () => {
    const m = join(tmp, "model");
    await tree(m, { "sub/a.bin": "" });
    await symlink("sub", join(m, "alias"));
    await rejectsWith(walkModel(m), "E_SYMLINK", (e) => assert.equal(e.file, "alias"));
    await symlink(m, join(tmp, "rootlink"));
    await rejectsWith(walkModel(join(tmp, "rootlink"), { ignorePaths: ["alias"] }), "E_SYMLINK");
  });

  it("does not complain about symlinks inside ignored folders", async () => {
    const m = join(tmp, "model");
    await tree(m, { ".git/objects/x": "", "w.bin": "" });
    await symlink("x", join(m, ".git", "objects", "link"));
    assert.deepEqual(paths(await walkModel(m)), ["w.bin"]);
  });

  it("reads a Hugging Face cache snapshot (links into ../../blobs) as the targets' content under the links' names", async () => {
    const repo = join(tmp, "models--org--name");
    await tree(repo, { "blobs/1111": "{\"a\":1}", "blobs/2222": "weights!" });
    const snap = join(repo, "snapshots", "abc123");
    await mkdir(join(snap, "sub"), { recursive: true });
    await symlink("../../blobs/1111", join(snap, "config.json"));
    await symlink("../../../blobs/2222", join(snap, "sub", "model.safetensors"));
    const files = await walkModel(snap, { allowSymlinks: true });
    assert.deepEqual(files, [
      { path: "config.json", absPath: join(snap, "config.json"), size: 7, isSymlink: true },
      { path: "sub/model.safetensors", absPath: join(snap, "sub/model.safetensors"), size: 8, isSymlink: true },
    ]);
  });

  it("follows a symlinked directory when allowed, marking its files as reached through a link", async () => {
    const m = join(tmp, "model");
    await tree(m, { "w.bin": "" });
    await tree(tmp, { "shared/tok/vocab.txt": "abc" });
    await symlink(join(tmp, "shared"), join(m, "shared"));
    const files = await walkModel(m, { allowSymlinks: true });
    assert.deepEqual(
      files.map((f) => [f.path, f.isSymlink]),
      [["shared/tok/vocab.txt", true], ["w.bin", false]],
    );
  });

  it("with followDirectorySymlinks: false, skips a symlinked directory as model_signing does, and says so", async () => {
    const m = join(tmp, "model");
    await tree(m, { "w.bin": "", "real/a.bin": "" });
    await tree(tmp, { "shared/tok/vocab.txt": "abc" });
    await symlink(join(tmp, "shared"), join(m, "shared"));
    await symlink("real", join(m, "alias"));
    await symlink("w.bin", join(m, "w-link.bin"));
    const skipped: string[] = [];
    const files = await walkModel(m, { allowSymlinks: true, followDirectorySymlinks: false, onSkip: (p) => skipped.push(p) });
    assert.deepEqual(paths(files), ["real/a.bin", "w-link.bin", "w.bin"], "file links are still read as their targets");
    assert.deepEqual(skipped, ["alias", "shared"]);
    const root = join(tmp, "rootlink");
    await symlink(m, root);
    assert.deepEqual(paths(await walkModel(root, { allowSymlinks: true, followDirectorySymlinks: false })), ["real/a.bin", "w-link.bin", "w.bin"], "a symlinked root is followed");
  });

  it("lists the same directory twice under two link names (not a cycle)", async () => {
    const m = join(tmp, "model");
    await tree(m, { "real/a.bin": "" });
    await symlink("real", join(m, "alias"));
    assert.deepEqual(paths(await walkModel(m, { allowSymlinks: true })), ["alias/a.bin", "real/a.bin"]);
  });

  it("cuts a symlink cycle and reports it through onSkip", async () => {
    const m = join(tmp, "model");
    await tree(m, { "sub/a.bin": "" });
    await symlink("..", join(m, "sub", "up"));
    const skipped: [string, string][] = [];
    const files = await walkModel(m, { allowSymlinks: true, onSkip: (p, r) => skipped.push([p, r]) });
    assert.deepEqual(paths(files), ["sub/a.bin"]);
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]![0], "sub/up");
    assert.match(skipped[0]![1], /cycle/);
  });

  it("cuts a cycle between two directories linking to each other", async () => {
    const m = join(tmp, "model");
    await tree(m, { "x/f": "", "y/g": "" });
    await symlink("../y", join(m, "x", "toy"));
    await symlink("../x", join(m, "y", "tox"));
    const skipped: string[] = [];
    const files = await walkModel(m, { allowSymlinks: true, onSkip: (p) => skipped.push(p) });
    assert.deepEqual(paths(files), ["x/f", "x/toy/g", "y/g", "y/tox/f"]);
    assert.deepEqual(skipped, ["x/toy/tox", "y/tox/toy"]);
  });

  it("fails with E_BROKEN_SYMLINK on a dangling link and on a self-referencing link", async () => {
    const m = join(tmp, "model");
    await tree(m, { "w.bin": "" });
    await symlink("../../blobs/missing", join(m, "dangling.bin"));
    await rejectsWith(walkModel(m, { allowSymlinks: true }), "E_BROKEN_SYMLINK", (e) => assert.equal(e.file, "dangling.bin"));
    await rm(join(m, "dangling.bin"));
    await symlink("loop", join(m, "loop"));
    await rejectsWith(walkModel(m, { allowSymlinks: true }), "E_BROKEN_SYMLINK", (e) => assert.match(e.message, /ELOOP/));
  });

  it("ignore paths apply to link names, not to targets", async () => {
    const m = join(tmp, "model");
    await tree(m, { "real.bin": "" });
    await symlink("real.bin", join(m, "link.bin"));
    assert.deepEqual(paths(await walkModel(m, { allowSymlinks: true, ignorePaths: ["real.bin"] })), ["link.bin"]);
  });
});

describe("walkModel: special files", () => {
  it("skips a FIFO without opening it (opening would hang) and reports it", async () => {
    const m = join(tmp, "model");
    await tree(m, { "w.bin": "" });
    execFileSync("mkfifo", [join(m, "pipe")]);
    const skipped: [string, string][] = [];
    const files = await walkModel(m, { onSkip: (p, r) => skipped.push([p, r]) });
    assert.deepEqual(paths(files), ["w.bin"]);
    assert.deepEqual(skipped.map(([p]) => p), ["pipe"]);
    assert.match(skipped[0]![1], /FIFO/);
  });

  it("skips a FIFO reached through an allowed symlink, and a FIFO given as the root", async () => {
    const m = join(tmp, "model");
    await mkdir(m);
    execFileSync("mkfifo", [join(tmp, "pipe")]);
    await symlink(join(tmp, "pipe"), join(m, "p"));
    const skipped: string[] = [];
    assert.deepEqual(await walkModel(m, { allowSymlinks: true, onSkip: (p) => skipped.push(p) }), []);
    assert.deepEqual(await walkModel(join(tmp, "pipe"), { onSkip: (p) => skipped.push(p) }), []);
    assert.deepEqual(skipped, ["p", "pipe"]);
  });

  it("skips a Unix socket", async () => {
    const m = join(tmp, "model");
    await tree(m, { "w.bin": "" });
    const server: Server = createServer();
    await new Promise<void>((ok) => server.listen(join(m, "s.sock"), ok));
    try {
      const skipped: [string, string][] = [];
      assert.deepEqual(paths(await walkModel(m, { onSkip: (p, r) => skipped.push([p, r]) })), ["w.bin"]);
      assert.deepEqual(skipped, [["s.sock", "socket, not a regular file"]]);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
