/** LFS pointers and the two digests the Hub publishes (git's own hash-object is the reference). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { digestFile, digestKind, gitBlobId } from "../../src/sources/digest.js";
import { parseLfsPointer } from "../../src/sources/lfs.js";
import { removeTempDirs, tempDir } from "./support.js";

const OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";

test("a pointer is parsed; near misses are not pointers", () => {
  assert.deepEqual(parseLfsPointer(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 12345\n`)), { oid: OID, size: 12345 });
  assert.deepEqual(parseLfsPointer(Buffer.from(`version https://git-lfs.github.com/spec/v1\next-0-foo sha256:${OID}\noid sha256:${OID}\nsize 1\n`)), { oid: OID, size: 1 });
  for (const text of [
    `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 12345`, // no final newline
    `version https://git-lfs.github.com/spec/v1\noid sha1:${OID.slice(0, 40)}\nsize 1\n`,
    `version https://example.com/v1\noid sha256:${OID}\nsize 1\n`,
    `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize -1\n`,
    "",
  ]) assert.equal(parseLfsPointer(Buffer.from(text)), undefined, JSON.stringify(text));
  assert.equal(parseLfsPointer(Buffer.alloc(2000, 0x61)), undefined);
});

test("git blob ids match git hash-object; one pass gives both digests", async () => {
  const dir = tempDir();
  const file = join(dir, "f.bin");
  const content = Buffer.from("some content\n\0with a NUL");
  writeFileSync(file, content);
  const expected = execFileSync("git", ["hash-object", file]).toString().trim();
  assert.equal(gitBlobId(content), expected);
  const d = await digestFile(file);
  assert.deepEqual(d, { size: content.length, sha256: createHash("sha256").update(content).digest("hex"), gitSha1: expected });
  assert.equal(digestKind(d.sha256), "sha256");
  assert.equal(digestKind(d.gitSha1), "git-sha1");
  assert.equal(digestKind("../../etc/passwd"), undefined);
  removeTempDirs();
});
