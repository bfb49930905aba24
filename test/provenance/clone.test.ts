/**
 * Local git clones: LFS pointers never pulled, pulled files checked against their pointer's oid and
 * size, files changed since their commit, and the history of each weight file (author, date,
 * message, signature). The clone is built here with the git binary; git-lfs is not needed, since
 * a pulled LFS file is exactly a pointer in the index and the content in the work tree.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { provenance } from "../../src/provenance/collect.js";
import { fixedClock } from "../../src/core/clock.js";
import { removeTempDirs, tempDir } from "../sources/support.js";

after(removeTempDirs);

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

function git(dir: string, args: string[], date?: string): string {
  const env = date ? { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : GIT_ENV;
  return execFileSync("git", ["-c", "user.name=Ada Author", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: dir, env }).toString();
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const pointer = (content: Buffer) => `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${content.length}\n`;

const WEIGHTS_V1 = Buffer.from("weights, first training run");
const WEIGHTS_V2 = Buffer.from("weights, second training run!");
const ADAPTER = Buffer.from("adapter weights");
const SHARD = Buffer.from("a shard nobody pulled");
const CARD = "---\nlicense: mit\ndatasets: [org/data]\n---\n# m\nmodel.safetensors holds the weights; adapter.bin and shard.bin are extras; config.json.\n";

/** A clone whose index holds LFS pointers and whose work tree holds what a `git lfs pull` would. */
function makeClone(): string {
  const dir = tempDir("vouch-clone-");
  git(dir, ["init", "-q", "-b", "main"]);
  writeFileSync(join(dir, "README.md"), CARD);
  writeFileSync(join(dir, "config.json"), "{}\n");
  writeFileSync(join(dir, "model.safetensors"), pointer(WEIGHTS_V1));
  writeFileSync(join(dir, "adapter.bin"), pointer(ADAPTER));
  writeFileSync(join(dir, "shard.bin"), pointer(SHARD));
  git(dir, ["add", "."]);
  git(dir, ["commit", "-q", "-m", "First upload"], "2024-01-01T10:00:00Z");

  // A signed commit (SSH key; no allowed-signers file, so git can see but not check the signature).
  const key = join(tempDir("vouch-key-"), "key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  writeFileSync(join(dir, "model.safetensors"), pointer(WEIGHTS_V2));
  git(dir, ["add", "model.safetensors"]);
  git(dir, ["-c", "gpg.format=ssh", "-c", `user.signingkey=${key}`, "commit", "-q", "-S", "-m", "Retrain"], "2024-02-01T10:00:00Z");

  // Pulled: model.safetensors with the right bytes, adapter.bin with the wrong ones; shard.bin never.
  writeFileSync(join(dir, "model.safetensors"), WEIGHTS_V2);
  writeFileSync(join(dir, "adapter.bin"), Buffer.from("adapter weights, swapped"));
  writeFileSync(join(dir, "config.json"), '{"edited": true}\n');
  return dir;
}

test("a clone: pointers checked against the bytes, files never pulled, local edits, weight histories", async () => {
  const dir = makeClone();
  const report = await provenance(dir, { hub: { offline: true }, clock: fixedClock(new Date("2025-01-01T00:00:00Z")) });
  assert.equal(report.source.kind, "git");
  const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));

  assert.equal(byPath["model.safetensors"].verification, "verified");
  assert.equal(byPath["model.safetensors"].verifiedAgainst, "lfs-pointer");
  assert.equal(byPath["model.safetensors"].expected, `sha256:${sha256(WEIGHTS_V2)}`);
  assert.equal(byPath["adapter.bin"].verification, "mismatch");
  assert.equal(byPath["shard.bin"].verification, "not-pulled");
  assert.equal(byPath["config.json"].verification, "mismatch");
  assert.equal(byPath["config.json"].verifiedAgainst, "git-index");
  assert.equal(byPath["README.md"].verification, "verified");

  const history = byPath["model.safetensors"].history!;
  assert.deepEqual(
    history.map((c) => [c.subject, c.author, c.authorEmail, c.date, c.signed, c.signature]),
    [
      ["Retrain", "Ada Author", "ada@example.com", "2024-02-01T10:00:00+00:00", true, "unverifiable"],
      ["First upload", "Ada Author", "ada@example.com", "2024-01-01T10:00:00+00:00", false, "none"],
    ],
  );
  assert.equal(byPath["config.json"].history, undefined, "histories are for weights");

  const codes = report.warnings.map((w) => [w.severity, w.code, w.file]);
  assert.deepEqual(codes, [
    ["high", "hash-mismatch", "adapter.bin"],
    ["medium", "lfs-not-pulled", "shard.bin"],
    ["medium", "modified-since-commit", "config.json"],
    ["medium", "weights-after-card", "model.safetensors"],
  ]);
  assert.match(report.warnings[3].message, /changed \(2024-02-01T10:00:00\+00:00, commit [0-9a-f]{12}\) after the model card was last written \(2024-01-01T10:00:00\+00:00\)/);
  assert.deepEqual(report.summary, { files: 5, verified: 2, mismatched: 2, notPulled: 1, unverified: 0, warnings: { critical: 0, high: 1, medium: 3, low: 0, info: 0 } });
});

test("a folder that is not in a git work tree has nothing to verify against", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "weights.bin"), "x");
  const report = await provenance(dir, { hub: { offline: true } });
  assert.equal(report.source.kind, "directory");
  assert.equal(report.files[0].verification, "unverified");
  assert.deepEqual(report.warnings.map((w) => w.code), ["card-missing"]);
});

test("a clone's own config cannot make git run a program", async () => {
  const dir = makeClone();
  const marker = join(tempDir(), "pwned"); // a fresh folder: nothing left over from another run
  git(dir, ["config", "core.fsmonitor", `touch ${marker}`]);
  git(dir, ["config", "gpg.ssh.program", `sh -c 'touch ${marker}'`]);
  git(dir, ["config", "gpg.program", `sh -c 'touch ${marker}'`]);
  await provenance(dir, { hub: { offline: true } });
  assert.throws(() => execFileSync("test", ["-e", marker]), "no program from the clone's config ran");
});
