/**
 * Damaged input never escapes as anything but a report or a VouchError, and never hangs: every
 * fixture below is cut short and bit-flipped at deterministic positions (the headers byte by byte,
 * the rest spread evenly), and random bytes are fed behind each format's magic.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VouchError } from "../../../src/core/errors.js";
import { bz2Handler, gzipHandler, lzmaHandler, xzHandler, zlibHandler } from "../../../src/formats/compression/index.js";
import type { FormatHandler } from "../../../src/formats/types.js";
import { fixture, runHandler, withTimeout } from "./support.js";

const CASES: [string, FormatHandler][] = [
  ["words.gz", gzipHandler],
  ["multi.gz", gzipHandler],
  ["pkl_gz_benign.pkl.gz", gzipHandler],
  ["words.z", zlibHandler],
  ["sk_joblib_zlib.pkl", zlibHandler],
  ["zfile.pkl", zlibHandler],
  ["words.bz2", bz2Handler],
  ["multi.bz2", bz2Handler],
  ["sk_joblib_bz2.joblib.bz2", bz2Handler],
  ["words.xz", xzHandler],
  ["padded-multi.xz", xzHandler],
  ["random.xz", xzHandler],
  ["words.lzma", lzmaHandler],
  ["pickle.lzma", lzmaHandler],
];

/** Every byte of the first 32 and last 32, and 48 more spread over the middle. */
function positions(length: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < Math.min(32, length); i++) set.add(i).add(length - 1 - i);
  for (let i = 0; i < 48; i++) set.add(Math.floor(((i + 0.5) * length) / 48));
  return [...set].filter((p) => p >= 0 && p < length).sort((a, b) => a - b);
}

/** Small budgets keep a flipped bit that turns data into a long stream from slowing the suite. */
const settings = { budgets: { maxExpandedBytes: 8 * 1024 * 1024 } as never };

async function expectReportOrVouchError(handler: FormatHandler, bytes: Uint8Array, what: string): Promise<void> {
  const r = await withTimeout(runHandler(handler, bytes, { settings }), 20_000, what);
  if (r.error !== undefined && !(r.error instanceof VouchError)) {
    assert.fail(`${what}: ${r.error instanceof Error ? r.error.stack : String(r.error)}`);
  }
  if (r.error instanceof VouchError) assert.ok(r.error.offset === undefined || r.error.offset >= 0, `${what}: offset`);
}

describe("fuzz: truncation", () => {
  for (const [name, handler] of CASES) {
    it(name, async () => {
      const bytes = fixture(name);
      for (const p of positions(bytes.length)) await expectReportOrVouchError(handler, bytes.subarray(0, p), `${name} cut at ${p}`);
    });
  }
});

describe("fuzz: bit flips", () => {
  for (const [name, handler] of CASES) {
    it(name, async () => {
      const bytes = fixture(name);
      for (const [i, p] of positions(bytes.length).entries()) {
        const damaged = Uint8Array.from(bytes);
        damaged[p]! ^= 1 << (i % 8);
        await expectReportOrVouchError(handler, damaged, `${name} bit ${i % 8} of byte ${p} flipped`);
      }
    });
  }
});

describe("fuzz: random bytes after the magic", () => {
  const magics: [FormatHandler, number[]][] = [
    [gzipHandler, [0x1f, 0x8b, 8, 0]],
    [zlibHandler, [0x78, 0x9c]],
    [bz2Handler, [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]],
    [xzHandler, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46]],
    [lzmaHandler, [0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]],
  ];
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  for (const [handler, magic] of magics) {
    it(handler.id, async () => {
      for (let round = 0; round < 60; round++) {
        const bytes = Uint8Array.from([...magic, ...Array.from({ length: 16 + round * 37 }, random)]);
        await expectReportOrVouchError(handler, bytes, `${handler.id} random round ${round}`);
      }
    });
  }
});
