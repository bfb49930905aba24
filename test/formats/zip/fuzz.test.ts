/**
 * Property test: whatever damage is done to a real archive (truncation, flipped bits, size and offset
 * fields overwritten with extreme values), scanning it either resolves or throws a VouchError, never
 * another exception, and finishes quickly. The mutations come from a seeded PRNG, so a failure names
 * a case that can be replayed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource } from "../../../src/core/source.js";
import { zipHandler } from "../../../src/formats/zip/handler.js";
import { fixtureBytes, readingContext } from "./helpers.js";

/** mulberry32: a tiny deterministic PRNG, good enough to spread mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mutation {
  label: string;
  bytes: Buffer;
}

const EXTREMES = [0, 1, 0x7fffffff, 0xfffffffe, 0xffffffff, 0x10000];

/** Offsets where zip records start: mutations there hit the fields that drive the reader. */
function recordOffsets(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2]! <= 8 && bytes[i + 3]! <= 8) out.push(i);
  }
  return out;
}

function* mutations(name: string, seed: number, count: number): Generator<Mutation> {
  const original = fixtureBytes(name);
  const records = recordOffsets(original);
  const rand = prng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(original);
    const kind = i % 3;
    if (kind === 0) {
      const at = pick(bytes.length);
      yield { label: `${name} truncated at ${at}`, bytes: bytes.subarray(0, at) };
      continue;
    }
    if (kind === 1) {
      const flips: number[] = [];
      for (let f = 0; f <= pick(4); f++) {
        // Half the flips land within 46 bytes of a record start (headers), half anywhere.
        const at = rand() < 0.5 && records.length > 0 ? Math.min(bytes.length - 1, records[pick(records.length)]! + pick(46)) : pick(bytes.length);
        const bit = pick(8);
        bytes[at]! ^= 1 << bit;
        flips.push(at * 8 + bit);
      }
      yield { label: `${name} bits flipped at ${flips.join(",")}`, bytes };
      continue;
    }
    const at = Math.min(bytes.length - 4, (records.length > 0 ? records[pick(records.length)]! : 0) + pick(46));
    const value = EXTREMES[pick(EXTREMES.length)]!;
    if (at >= 0) bytes.writeUInt32LE(value, at);
    yield { label: `${name} u32 at ${at} set to ${value}`, bytes };
  }
}

/** Scans one mutated archive; returns a description of what went wrong, or undefined. */
async function scanOnce(m: Mutation): Promise<string | undefined> {
  const started = performance.now();
  try {
    await zipHandler.scan(new BufferSource(m.bytes), readingContext());
  } catch (e) {
    if (!(e instanceof VouchError)) return `${m.label}: threw ${e instanceof Error ? e.stack : String(e)}`;
  }
  const ms = performance.now() - started;
  return ms > 2000 ? `${m.label}: took ${Math.round(ms)} ms` : undefined;
}

const CASES: [string, number][] = [
  ["torch_sd_convnet.bin", 400],
  ["torchscript_traced.pt", 400],
  ["npz_compressed.npz", 300],
  ["keras3_dense2.keras", 300],
  ["hidden_member.zip", 200],
  ["zip64.zip", 200],
  ["local_size_mismatch.zip", 100],
  ["deflate_bomb.zip", 30],
];

for (const [name, count] of CASES) {
  test(`damaged ${name}: ${count} mutations resolve or throw VouchError, each within 2 s`, { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    let seed = 0;
    for (const c of name) seed = (seed * 31 + c.charCodeAt(0)) >>> 0;
    for (const m of mutations(name, seed, count)) {
      const failure = await scanOnce(m);
      if (failure) failures.push(failure);
    }
    assert.deepEqual(failures, []);
  });
}

test("every truncation of the zip64 fixture, byte by byte", async () => {
  const bytes = fixtureBytes("zip64.zip");
  const failures: string[] = [];
  for (let at = 0; at <= bytes.length; at++) {
    const failure = await scanOnce({ label: `zip64.zip truncated at ${at}`, bytes: bytes.subarray(0, at) });
    if (failure) failures.push(failure);
  }
  assert.deepEqual(failures, []);
});
