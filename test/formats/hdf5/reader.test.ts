/**
 * The HDF5 reader on files h5py wrote (test/fixtures/keras, see generate.py): superblock versions 0
 * and 3, a user block, object headers v1 and v2, compact and dense attributes, fixed and
 * variable-length strings, a global heap collection over the block size, and the group census.
 * Errors carry a code and the offset of the broken structure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { GlobalHeaps, listAttributes, readStrings } from "../../../src/formats/hdf5/attributes.js";
import { Hdf5File, hasSignatureIn } from "../../../src/formats/hdf5/file.js";
import { takeInventory } from "../../../src/formats/hdf5/inventory.js";
import { readObjectHeader } from "../../../src/formats/hdf5/object-header.js";
import { fixture, fixtureBytes } from "../keras/helpers.js";

const signal = new AbortController().signal;

async function rootOf(name: string) {
  const file = await Hdf5File.open(fixture(name));
  const root = await readObjectHeader(file, file.sb.rootHeader);
  return { file, root, listing: listAttributes(file, root) };
}

async function rootStrings(name: string, cap = 1 << 26): Promise<Record<string, unknown>> {
  const { file, listing } = await rootOf(name);
  const heaps = new GlobalHeaps(file);
  const out: Record<string, unknown> = {};
  for (const a of listing.attributes) out[a.name] = await readStrings(file, a, cap, heaps);
  return out;
}

async function expectError(p: Promise<unknown>, code: string, offset?: number): Promise<VouchError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VouchError, `expected a VouchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (offset !== undefined) assert.equal(e.offset, offset);
    assert.ok(e.hint);
    return e;
  }
  assert.fail(`expected ${code}`);
}

test("the signature is found at 0 and at user-block offsets within the head", () => {
  assert.equal(hasSignatureIn(fixtureBytes("keras_h5_functional.h5").subarray(0, 4096)), true);
  assert.equal(hasSignatureIn(fixtureBytes("userblock.h5").subarray(0, 4096)), true);
  assert.equal(hasSignatureIn(fixtureBytes("userblock.h5").subarray(0, 512)), false);
  const shifted = Buffer.concat([Buffer.alloc(2048), fixtureBytes("keras_h5_functional.h5").subarray(0, 100)]);
  assert.equal(hasSignatureIn(shifted), true);
  assert.equal(hasSignatureIn(Buffer.concat([Buffer.alloc(100), fixtureBytes("keras_h5_functional.h5").subarray(0, 8)])), false, "not at a power of two");
});

test("superblocks: version 0 (h5py default), version 3 (libver latest), a 512-byte user block", async () => {
  const v0 = await Hdf5File.open(fixture("keras_h5_functional.h5"));
  assert.deepEqual([v0.sb.version, v0.sb.offset, v0.sb.offsetSize, v0.sb.lengthSize, v0.sb.end], [0, 0, 8, 8, 17840]);
  const v3 = await Hdf5File.open(fixture("libver_latest_lambda.h5"));
  assert.deepEqual([v3.sb.version, v3.sb.offset, v3.sb.end], [3, 0, 6148]);
  const ub = await Hdf5File.open(fixture("userblock.h5"));
  assert.deepEqual([ub.sb.version, ub.sb.offset, ub.sb.end], [0, 512, fixtureBytes("userblock.h5").length]);
});

test("root attributes: names and variable-length string values (object headers v1 and v2)", async () => {
  for (const name of ["keras_h5_lambda_os_system.h5", "libver_latest_lambda.h5"]) {
    const { root, listing } = await rootOf(name);
    assert.equal(root.version, name.startsWith("libver") ? 2 : 1);
    assert.deepEqual(listing.attributes.map((a) => a.name).sort(), ["backend", "keras_version", "model_config", "training_config"]);
    assert.deepEqual(listing.unread, []);
    const values = await rootStrings(name);
    assert.deepEqual(values.backend, { kind: "strings", values: ["tensorflow"] });
    assert.deepEqual(values.keras_version, { kind: "strings", values: ["2.12.0"] });
    const config = values.model_config as { kind: string; values: string[] };
    assert.equal(JSON.parse(config.values[0]).class_name, "Sequential");
  }
});

test("a fixed-length (bytes) model_config decodes like a variable-length one", async () => {
  const values = await rootStrings("fixed_string_config.h5");
  const config = values.model_config as { kind: string; values: string[] };
  assert.equal(config.kind, "strings");
  assert.deepEqual(JSON.parse(config.values[0]).config.layers.map((l: { class_name: string }) => l.class_name), ["InputLayer", "Dense"]);
});

test("a 1.3 MB string in a global heap collection larger than the block size is walked, and capped", async () => {
  const full = (await rootStrings("huge_attribute.h5")).model_config as { kind: string; values: string[] };
  assert.equal(full.kind, "strings");
  assert.equal(JSON.parse(full.values[0]).config.layers.length, 9001);
  assert.deepEqual((await rootStrings("huge_attribute.h5", 65536)).model_config, { kind: "over-cap", bytes: full.values[0].length });
});

test("dense attribute storage is listed as unread, not silently skipped", async () => {
  const { listing } = await rootOf("dense_attributes.h5");
  assert.deepEqual(listing.attributes, []);
  assert.equal(listing.unread.length, 1);
  assert.match(listing.unread[0], /^attributes in dense storage \(fractal heap\) at offset \d+$/);
});

test("inventory: groups, datasets and dtypes through symbol tables and link messages", async () => {
  for (const [name, expected] of [
    ["keras_h5_functional.h5", { groups: 9, datasets: 6, dtypes: { float32: 6 }, partial: [] }],
    ["hdf5_generic_chunked.h5", { groups: 2, datasets: 2, dtypes: { float16: 1, S5: 1 }, partial: [] }],
    ["libver_latest_lambda.h5", { groups: 4, datasets: 1, dtypes: { float32: 1 }, partial: [] }],
  ] as const) {
    const { file, root } = await rootOf(name);
    assert.deepEqual(await takeInventory(file, root, signal), expected, name);
  }
});

test("errors: no signature, unknown superblock version, truncation, reads past the end", async () => {
  await expectError(Hdf5File.open(new BufferSource(Buffer.alloc(2000))), "E_HDF5_SIGNATURE", 0);
  const bad = Buffer.from(fixtureBytes("keras_h5_functional.h5"));
  bad[8] = 7;
  await expectError(Hdf5File.open(new BufferSource(bad)), "E_HDF5_VERSION", 8);
  const sizes = Buffer.from(fixtureBytes("keras_h5_functional.h5"));
  sizes[13] = 3;
  await expectError(Hdf5File.open(new BufferSource(sizes)), "E_HDF5_SIZES", 13);
  const cut = await Hdf5File.open(new BufferSource(fixtureBytes("keras_h5_functional.h5").subarray(0, 500)));
  await expectError(readObjectHeader(cut, cut.sb.rootHeader), "E_HDF5_TRUNCATED");
  const file = await Hdf5File.open(fixture("keras_h5_functional.h5"));
  await expectError(file.block(17000, 2000, "test block"), "E_HDF5_TRUNCATED", 17000);
  await expectError(file.block(0, (1 << 20) + 1, "test block"), "E_HDF5_BLOCK", 0);
});

test("an object header continuation that points back to itself is a cycle error, not a loop", async () => {
  // Version 1 header at 0x60 in a copy: its first message becomes a continuation to the header's own chunk.
  const bytes = Buffer.from(fixtureBytes("keras_h5_functional.h5"));
  const file = await Hdf5File.open(new BufferSource(bytes));
  const root = file.sb.rootHeader;
  const chunk = root + 16;
  bytes.writeUInt16LE(0x10, chunk); // message type: continuation
  bytes.writeUInt16LE(16, chunk + 2); // size
  bytes.writeBigUInt64LE(BigInt(chunk), chunk + 8); // address: this very chunk
  bytes.writeBigUInt64LE(BigInt(bytes.readUInt32LE(root + 8)), chunk + 16); // length: the chunk's size
  await expectError(readObjectHeader(file, root), "E_HDF5_CYCLE");
});
