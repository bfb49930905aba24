/** OnePassSource (src/core/source.ts), the member source of every compression handler and of .npy object arrays. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ONE_PASS_HEAD_LIMIT, OnePassSource } from "../../../src/core/source.js";

/** A live stream of `n` bytes (value = index mod 251) in chunks of `chunk`, counting how often it is produced. */
function counted(n: number, chunk: number) {
  const counter = { opens: 0, pulled: 0 };
  const bytes = Uint8Array.from({ length: n }, (_, i) => i % 251);
  const open = async function* (): AsyncGenerator<Uint8Array> {
    counter.opens++;
    for (let p = 0; p < n; p += chunk) {
      counter.pulled += Math.min(chunk, n - p);
      yield bytes.subarray(p, Math.min(n, p + chunk));
    }
  };
  return { counter, bytes, open };
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return new Uint8Array(Buffer.concat(parts));
}

describe("OnePassSource", () => {
  it("serves a sniffing read and the first stream from one pass", async () => {
    const { counter, bytes, open } = counted(10_000, 1000);
    const src = new OnePassSource(undefined, open(), open);
    assert.equal(src.sizeKnown, false);
    assert.equal(src.size, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(await src.read(10, 20), bytes.subarray(10, 30));
    assert.deepEqual(await collect(src.stream()), bytes);
    assert.equal(counter.opens, 1);
    assert.equal(src.sizeKnown, true);
    assert.equal(src.size, 10_000);
  });

  it("answers reads within the cached head after streaming, and replays beyond it", async () => {
    const { counter, bytes, open } = counted(10_000, 1000);
    const src = new OnePassSource(undefined, open(), open);
    await src.read(0, 1500);
    await collect(src.stream());
    assert.deepEqual(await src.read(100, 50), bytes.subarray(100, 150));
    assert.equal(counter.opens, 1);
    assert.deepEqual(await src.read(9000, 10), bytes.subarray(9000, 9010));
    assert.equal(counter.opens, 2, "a read past the head after streaming replays");
  });

  it("replays a second stream, and windows both", async () => {
    const { counter, bytes, open } = counted(5000, 700);
    const src = new OnePassSource(5000, open(), open);
    assert.equal(src.sizeKnown, true);
    assert.deepEqual(await collect(src.stream(100, 4000)), bytes.subarray(100, 4000));
    assert.deepEqual(await collect(src.stream(10, 20)), bytes.subarray(10, 20));
    assert.equal(counter.opens, 2);
  });

  it("drain finishes the live pass whatever the consumer read", async () => {
    const { counter, open } = counted(10_000, 1000);
    const src = new OnePassSource(undefined, open(), open);
    for await (const _ of src.stream()) break; // a consumer that stops after one chunk
    assert.equal(await src.drain(), 10_000);
    assert.equal(counter.pulled, 10_000);
    assert.equal(counter.opens, 1);
    const untouched = counted(3000, 1000);
    assert.equal(await new OnePassSource(undefined, untouched.open(), untouched.open).drain(), 3000);
  });

  it("answers a read of a short stream from the head, clamped to its end", async () => {
    const { bytes, open } = counted(100, 30);
    const src = new OnePassSource(undefined, open(), open);
    assert.deepEqual(await src.read(0, 4096), bytes);
    assert.deepEqual(await src.read(90, 50), bytes.subarray(90));
    assert.equal(src.size, 100);
  });

  it("stops growing the head at its limit and replays instead", async () => {
    const n = ONE_PASS_HEAD_LIMIT + 10;
    const { counter, bytes, open } = counted(n, 1 << 16);
    const src = new OnePassSource(undefined, open(), open);
    assert.deepEqual(await src.read(n - 5, 5), bytes.subarray(n - 5));
    assert.equal(counter.opens, 1, "the read ran on a replay; the live pass is untouched");
    assert.equal(await src.drain(), n);
    assert.equal(counter.opens, 2);
  });
});
