/**
 * Damaged 7z archives give a report or a VouchError, never another exception, never a changed process
 * exit code, in bounded time: seeded mutants of real fixtures and random bytes behind the signature.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { sevenZipHandler } from "../../../src/formats/sevenzip/handler.js";
import { mutants, randomBytes } from "../../support/fuzz.js";
import { fixtureBytes, readingContext } from "./helpers.js";

const CASE_MS = 5_000;

async function scanOnce(bytes: Uint8Array, what: string): Promise<void> {
  const before = process.exitCode;
  const started = performance.now();
  try {
    await sevenZipHandler.scan(new BufferSource(bytes), readingContext({ budgets: { maxExpandedBytes: 16 * 1024 * 1024 } }));
  } catch (e) {
    if (!(e instanceof VouchError)) assert.fail(`${what}: threw ${e instanceof Error ? e.stack : String(e)}`);
  }
  assert.equal(process.exitCode, before, `${what}: process.exitCode changed`);
  assert.ok(performance.now() - started < CASE_MS, `${what}: took too long`);
}

test("fuzz: mutants of real 7z archives", async () => {
  for (const [i, name] of ["benign.7z", "links.7z", "malicious.7z"].entries()) {
    for (const m of mutants(fixtureBytes(name), 300 + i, 12, 24, 12)) await scanOnce(m.bytes, `${name} ${m.what}`);
  }
});

test("fuzz: random bytes behind the 7z signature", async () => {
  const magic = fixtureBytes("benign.7z").subarray(0, 6);
  for (let seed = 1; seed <= 20; seed++) await scanOnce(Buffer.concat([magic, randomBytes(seed, 32 + seed * 17)]), `random, seed ${seed}`);
  const header = fixtureBytes("benign.7z").subarray(0, 32);
  for (let seed = 21; seed <= 30; seed++) await scanOnce(Buffer.concat([header, randomBytes(seed, 200)]), `random after the signature header, seed ${seed}`);
});
