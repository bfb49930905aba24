/**
 * Shared helpers for the tar tests: fixture loading, in-memory tars built with tar-stream's packer,
 * and a test context whose scanMember reads each member the way the orchestrator and a streaming
 * scanner do (head first, then the stream) and keeps the bytes, so tests can check what each member
 * exposed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pack, type Header } from "tar-stream";
import { BufferSource, OnePassSource, type ByteSource } from "../../../src/core/source.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { DEFAULT_BUDGETS, type Budgets } from "../../../src/scan/settings.js";
import { makeTestContext, type TestContext } from "../../support/context.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/tar/", import.meta.url));

/** The generator's inert pickle ({'a': 1}, protocol 2) and hand-assembled os.system('id') pickle. */
export const INERT = Buffer.from("80027d710058010000006171014b01732e", "hex");
export const MALICIOUS = Buffer.from("cos\nsystem\n(S'id'\ntR.", "latin1");

export function fixtureBytes(name: string): Buffer {
  return readFileSync(FIXTURES + name);
}

export function fixture(name: string): BufferSource {
  return new BufferSource(fixtureBytes(name));
}

/**
 * The bytes as a decompressor would deliver them: a OnePassSource of unknown size, in small chunks
 * that do not line up with tar blocks.
 */
export function asStream(bytes: Uint8Array, chunk = 100): OnePassSource {
  const chunks = function* (): Generator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, Math.min(bytes.length, i + chunk));
  };
  const live = async function* (): AsyncGenerator<Uint8Array> {
    yield* chunks();
  };
  return new OnePassSource(undefined, live(), live);
}

/** A tar made in memory by tar-stream's packer (for sizes and shapes not worth a committed fixture). */
export async function packTar(entries: { header: Partial<Header> & { name: string }; data?: Uint8Array }[]): Promise<Buffer> {
  const p = pack();
  const out: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on("data", (b) => out.push(b as Buffer));
    p.on("end", () => resolve());
    p.on("error", reject);
  });
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (e.data !== undefined) p.entry({ mtime: new Date(0), ...e.header }, e.data, cb);
      else p.entry({ mtime: new Date(0), ...e.header }, cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(out);
}

export interface ScannedMember {
  name: string;
  /** The bytes the member's scanner read, start to end. */
  content: Buffer;
  size: number;
  sizeKnown: boolean;
}

export interface ReadingContext extends TestContext {
  scanned: ScannedMember[];
}

/** A context whose scanMember reads every member with `readMember` (default: head, then the whole stream). */
export function readingContext(
  opts: { budgets?: Partial<Budgets>; memberPath?: string; readMember?: (source: ByteSource) => Promise<Buffer> } = {},
): ReadingContext {
  const scanned: ScannedMember[] = [];
  const ctx = makeTestContext({
    settings: { budgets: { ...DEFAULT_BUDGETS, ...opts.budgets } },
    ...(opts.memberPath !== undefined ? { memberPath: opts.memberPath } : {}),
    onMember: async (name, source, format) => {
      const content = await (opts.readMember ?? readWhole)(source);
      scanned.push({ name, content, size: source.size, sizeKnown: source.sizeKnown !== false });
      return { path: name, format: format ?? "unknown", size: content.length };
    },
  });
  return Object.assign(ctx, { scanned });
}

export async function readWhole(source: ByteSource): Promise<Buffer> {
  await source.read(0, HEAD_BYTES);
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.stream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}
