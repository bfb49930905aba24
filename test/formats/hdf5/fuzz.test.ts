/**
 * Property test for the HDF5 reader and handler: damaged real files (truncations, bit flips, random
 * runs, and address/length fields set to extreme values) and random bytes behind an HDF5 signature.
 * Every case either resolves or throws a VouchError (which the orchestrator reports as malformed),
 * never another exception, and each finishes quickly: no length read from the file drives an
 * allocation or a loop beyond the reader's caps. Seeded, so a failure names a case that replays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { scanHdf5 } from "../../../src/formats/hdf5/handler.js";
import { HDF5_SIGNATURE } from "../../../src/formats/hdf5/file.js";
import { makeTestContext } from "../../support/context.js";
import { mutants, prng, randomBytes } from "../../support/fuzz.js";
import { fixtureBytes } from "../keras/helpers.js";

const FILES = ["keras_h5_lambda_os_system.h5", "libver_latest_lambda.h5", "hdf5_generic_chunked.h5", "userblock.h5", "dense_attributes.h5"];
const EXTREMES = [0n, 1n, 0x7fffffffn, 0xffffffffn, 0x7fffffffffffffffn, 0xffffffffffffffffn, 0x100000000n];

/** Sets 8-byte little-endian fields (addresses and lengths are 8 bytes in these files) to extreme values. */
function* extremeFields(data: Buffer, seed: number, count: number): Generator<{ what: string; bytes: Buffer }> {
  const rnd = prng(seed);
  // metadata lives in the first few KiB of these small files; aim there
  const span = Math.min(data.length - 8, 4096);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(rnd() * span);
    const v = EXTREMES[Math.floor(rnd() * EXTREMES.length)];
    const b = Buffer.from(data);
    b.writeBigUInt64LE(v, at);
    yield { what: `0x${v.toString(16)} at ${at}`, bytes: b };
  }
}

async function survives(bytes: Uint8Array, what: string): Promise<void> {
  const ctx = makeTestContext();
  const started = performance.now();
  try {
    await scanHdf5(new BufferSource(bytes), ctx, { valueCap: 1 << 20 });
  } catch (e) {
    assert.ok(e instanceof VouchError, `${what}: ${e instanceof Error ? e.stack : String(e)}`);
  }
  assert.ok(performance.now() - started < 2000, `${what}: took ${performance.now() - started} ms`);
}

test("fuzz: mutated real HDF5 files resolve or throw a VouchError, each quickly", async () => {
  for (const [i, name] of FILES.entries()) {
    const data = fixtureBytes(name);
    for (const m of mutants(data, 1000 + i, 24, 120, 60)) await survives(m.bytes, `${name}: ${m.what}`);
    for (const m of extremeFields(data, 2000 + i, 150)) await survives(m.bytes, `${name}: ${m.what}`);
  }
});

test("fuzz: random bytes behind an HDF5 signature resolve or throw a VouchError", async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const body = randomBytes(seed, 64 + (seed % 32) * 64);
    // a plausible superblock start (version 0 or 2, sizes 8/8) makes the reader go further
    const sb = seed % 2 === 0 ? Uint8Array.of(0, 0, 0, 0, 0, 8, 8, 0) : Uint8Array.of(2, 8, 8, 0);
    await survives(Buffer.concat([HDF5_SIGNATURE, sb, body]), `seed ${seed}`);
  }
});
