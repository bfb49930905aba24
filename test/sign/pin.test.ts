/** vouch.lock: pinning a model's files, verifying against the pin, and refusing edited locks. */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { isVerificationFailure } from "../../src/sign/errors.js";
import { encodeLock, modelDigest, pinModel, verifyLock } from "../../src/sign/index.js";
import { cleanup, sampleModel, tempDir } from "./support/models.js";

after(cleanup);

async function pinned() {
  const model = sampleModel();
  const lockPath = join(tempDir(), "vouch.lock");
  const lock = await pinModel(model);
  writeFileSync(lockPath, encodeLock({ ...lock, target: "model" }));
  return { model, lockPath, lock };
}

test("the lock records every file and the model identity; it verifies and is stable", async () => {
  const { model, lockPath, lock } = await pinned();
  assert.equal(lock.digest, await modelDigest(model));
  assert.deepEqual(lock.files.map((f) => f.path), ["README.md", "config.json", "model.safetensors", "tokenizer/vocab.txt"]);
  assert.equal(lock.files[2].size, 3000);
  assert.equal(encodeLock(await pinModel(model)), encodeLock(lock));
  const check = await verifyLock(model, lockPath);
  assert.equal(check.digest, lock.digest);
});

test("the lock validates against schemas/vouch-lock.schema.json", async () => {
  const { lockPath } = await pinned();
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "schemas", "vouch-lock.schema.json"), "utf8"));
  const ajv = new Ajv2020({ strict: true });
  assert.ok(ajv.validate(schema, JSON.parse(readFileSync(lockPath, "utf8"))), ajv.errorsText());
});

test("any difference fails by name", async () => {
  const { model, lockPath } = await pinned();
  writeFileSync(join(model, "config.json"), "{}");
  writeFileSync(join(model, "extra.bin"), "x");
  await assert.rejects(verifyLock(model, lockPath), (e: unknown) => isVerificationFailure(e) && e.code === "E_SIG_MISMATCH" && /1 changed \(config\.json\); 1 extra \(extra\.bin\)/.test(e.message));
});

test("a hand-edited lock is refused", async () => {
  const { model, lockPath } = await pinned();
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  lock.files[0].sha256 = "0".repeat(64);
  writeFileSync(lockPath, JSON.stringify(lock));
  await assert.rejects(verifyLock(model, lockPath), (e: unknown) => isVerificationFailure(e) && e.code === "E_LOCK_MALFORMED");
});

test("a Hugging Face cache snapshot records its commit, and another commit fails", async () => {
  const root = tempDir();
  const rev = "a".repeat(40);
  const snap = join(root, "models--org--m", "snapshots", rev);
  mkdirSync(snap, { recursive: true });
  writeFileSync(join(snap, "config.json"), "{}");
  const lock = await pinModel(snap);
  assert.equal(lock.revision, rev);
  const lockPath = join(root, "vouch.lock");
  writeFileSync(lockPath, encodeLock({ ...lock, revision: "b".repeat(40) }));
  await assert.rejects(verifyLock(snap, lockPath), (e: unknown) => isVerificationFailure(e) && e.code === "E_LOCK_REVISION");
});
