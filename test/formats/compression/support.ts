/**
 * Shared helpers for the compression tests: fixture loading, running a handler the way the
 * orchestrator would (one source, a member callback that reads the decompressed stream), and a
 * source that counts how often it is streamed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BufferSource, type ByteSource } from "../../../src/core/source.js";
import { VouchError } from "../../../src/core/errors.js";
import type { FormatHandler } from "../../../src/formats/types.js";
import type { ScanSettings } from "../../../src/scan/settings.js";
import { makeTestContext, type TestContext } from "../../support/context.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/compression/", import.meta.url));

export interface Expected {
  how: string;
  size: number;
  /** What Python's decompressor returned, or null when it failed. */
  decompressed: { length: number; sha256: string } | null;
}

export const EXPECTED: Record<string, Expected> = JSON.parse(readFileSync(FIXTURES + "expected.json", "utf8"));

export function fixture(name: string): Uint8Array {
  return readFileSync(FIXTURES + name);
}

/** A BufferSource that counts calls of stream(): the single-pass contract says one. */
export class CountingSource implements ByteSource {
  streams = 0;
  private readonly inner: BufferSource;

  constructor(bytes: Uint8Array, chunkSize?: number) {
    this.inner = new BufferSource(bytes, chunkSize);
  }

  get size(): number {
    return this.inner.size;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.inner.read(offset, length);
  }

  stream(start?: number, end?: number): AsyncIterable<Uint8Array> {
    this.streams++;
    return this.inner.stream(start, end);
  }
}

export interface Outcome {
  ctx: TestContext;
  /** The member the handler handed on, as the member scanner saw it. */
  member?: { name: string; length: number; sha256: string; bytes?: Uint8Array; headSniffed: Uint8Array; sizeKnownBefore?: boolean };
  error?: unknown;
  source: CountingSource;
}

/**
 * Scans `bytes` with `handler`. The member callback sniffs the head with read() and then streams the
 * whole member, as the orchestrator does; `keepBytes` keeps the decompressed bytes (small fixtures).
 */
export async function runHandler(
  handler: FormatHandler,
  bytes: Uint8Array,
  opts: { settings?: Partial<ScanSettings>; memberPath?: string; chunkSize?: number; keepBytes?: boolean; signal?: AbortSignal } = {},
): Promise<Outcome> {
  const source = new CountingSource(bytes, opts.chunkSize);
  const out: Outcome = { ctx: undefined as unknown as TestContext, source };
  out.ctx = makeTestContext({
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.memberPath ? { memberPath: opts.memberPath } : {}),
    onMember: async (name, member) => {
      const sizeKnownBefore = member.sizeKnown;
      const headSniffed = await member.read(0, 4096);
      const hash = createHash("sha256");
      const parts: Uint8Array[] = [];
      let length = 0;
      for await (const chunk of member.stream()) {
        hash.update(chunk);
        length += chunk.length;
        if (opts.keepBytes) parts.push(chunk);
      }
      out.member = { name, length, sha256: hash.digest("hex"), headSniffed, ...(sizeKnownBefore !== undefined ? { sizeKnownBefore } : {}) };
      if (opts.keepBytes) out.member.bytes = Buffer.concat(parts);
      return { path: name, format: "test", size: length };
    },
  });
  // The test context's signal is never aborted; a caller's signal replaces it (methods still record into out.ctx).
  const ctx = opts.signal ? { ...out.ctx, signal: opts.signal } : out.ctx;
  try {
    await handler.scan(source, ctx);
  } catch (e) {
    out.error = e;
  }
  return out;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Asserts the outcome is a VouchError with `code` and returns it. */
export function vouchError(outcome: Outcome, code: string): VouchError {
  const e = outcome.error;
  if (!(e instanceof VouchError)) throw new Error(`expected VouchError ${code}, got ${e instanceof Error ? e.stack : String(e)}`);
  if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
  return e;
}

/** Rejects when `p` takes longer than `ms`: a hang is a failure, not a slow test. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
